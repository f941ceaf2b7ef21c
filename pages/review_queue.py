"""The review queue: partner managers and admins accept or deny pending deal registrations, oldest first.

The queue is paged in SQL (50 a page); hints, age and the overdue marker come from deals.review_queue.
"""

import streamlit as st

from pages.components.deals import review_panel as panel
from pages.components.deals.review_labels import md
from pages.components.frame import attempt, guard, show_error
from pages.components.frame.partner_picker import partner_choice, partner_name
from pages.components.frame.translate import _, fmt, ngettext
from partner_model import deals

PAGE_SIZE = 50
PAGE_KEY = "review_page"

user = guard("review_queue")
st.title(_("Review queue"))
st.caption(_("Pending deal registrations, oldest first. A deal waiting more than 2 business days is overdue. "
             "Accepting protects the partner's registration for 90 days; a denial shows the partner its reason."))

partner_id = partner_choice(user, key="review_partner", everyone=_("All partners"))


def read_page(page: int):  # type: ignore[no-untyped-def]
    return attempt(lambda s: deals.review_queue(s, user, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE,
                                                partner_id=partner_id))


page = max(1, int(st.session_state.get(PAGE_KEY) or 1))
result, error = read_page(page)
if result is not None and result[0].empty and result[1] and page > 1:
    # Deals reviewed or a filter changed: this page is past the end now, so show the last one.
    page = -(-result[1] // PAGE_SIZE)
    st.session_state[PAGE_KEY] = page
    result, error = read_page(page)
if error is not None:
    show_error(error)
    st.stop()
frame, total = result

if total == 0:
    panel.show_flash()
    st.info(_("No deals are waiting for review.") if partner_id is None
            else _("No deals from {partner} are waiting for review.").format(
                partner=md(partner_name(user, partner_id))), icon=":material/inbox:")
    st.stop()

overdue = int(frame["overdue"].sum())
first = (page - 1) * PAGE_SIZE + 1
st.markdown(ngettext("**{count} deal waiting for review** · showing {first}–{last} · {overdue} overdue on this page",
                     "**{count} deals waiting for review** · showing {first}–{last} · {overdue} overdue on this page",
                     total).format(count=fmt().number(total), first=fmt().number(first),
                                   last=fmt().number(first + len(frame) - 1), overdue=fmt().number(overdue)))
panel.queue_table(frame)
if total > PAGE_SIZE:
    st.pagination(-(-total // PAGE_SIZE), key=PAGE_KEY)
panel.bulk_accept(user, frame)

st.divider()
panel.show_flash()
row = panel.choose_deal(frame)
if row is not None:
    left, right = st.columns([3, 2], gap="large")
    with left:
        panel.deal_details(row)
        panel.decision(user, row)
    with right:
        panel.history(user, int(row["deal_id"]))
