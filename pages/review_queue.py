"""The review queue: partner managers and admins accept or deny pending deal registrations, oldest (so overdue)
first, a partner manager's own partners by default.

The queue is paged in SQL (50 a page, every page reachable with the pager); hints, age and the overdue marker come
from deals.review_queue, the overdue count of the whole queue from deal_queries.review_queue_overdue. A link such
as /review_queue?deal=12 (a notification's) opens that deal on its page.
"""

import streamlit as st

from pages.components.deals import review_deal
from pages.components.deals import review_panel as panel
from pages.components.deals.review_labels import md
from pages.components.frame import attempt, guard, show_error
from pages.components.frame.partner_picker import partner_name
from pages.components.frame.translate import _, fmt, ngettext
from partner_model import deal_queries, deals

PAGE_SIZE = 50
PAGE_KEY = "review_page"

user = guard("review_queue")
st.title(_("Review queue"))
st.caption(_("Pending deal registrations, oldest first. A deal waiting more than 2 business days is overdue. "
             "Accepting protects the partner's registration for 90 days; a denial shows the partner its reason."))

partner_id, manager_id = panel.queue_filters(user)


def open_linked_deal() -> None:
    """?deal=12 opens that deal on the page it is on, once; a deal not in this queue is said to be so."""
    linked = st.query_params.get("deal")
    if linked is None:
        return
    del st.query_params["deal"]
    place, error = attempt(lambda s: deal_queries.review_queue_position(s, user, linked, partner_id=partner_id,
                                                                         manager_id=manager_id))
    if error is not None:
        show_error(error)
    elif place is None:
        st.info(_("Deal #{id} is not waiting in this queue: it was reviewed already, or its partner is not among "
                  "those shown.").format(id=md(linked)), icon=":material/info:")
    else:
        st.session_state[PAGE_KEY] = place // PAGE_SIZE + 1
        st.session_state[panel.DEAL_KEY] = int(linked)


def read_page(page: int):  # type: ignore[no-untyped-def]
    def read(s):  # type: ignore[no-untyped-def]
        frame, total = deals.review_queue(s, user, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE,
                                          partner_id=partner_id, manager_id=manager_id)
        late = deal_queries.review_queue_overdue(s, user, partner_id=partner_id, manager_id=manager_id)
        return frame, total, late

    return attempt(read)


open_linked_deal()
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
frame, total, overdue = result

if total == 0:
    panel.show_flash()
    if partner_id is not None:
        empty = _("No deals from {partner} are waiting for review.").format(partner=md(partner_name(user, partner_id)))
    elif manager_id is not None:
        empty = _("No deals from your partners are waiting for review. Switch off \"My partners only\" to see "
                  "every partner's.")
    else:
        empty = _("No deals are waiting for review.")
    st.info(empty, icon=":material/inbox:")
    st.stop()

first = (page - 1) * PAGE_SIZE + 1
st.markdown(ngettext("**{count} deal waiting for review** · {overdue} overdue · showing {first}–{last}",
                     "**{count} deals waiting for review** · {overdue} overdue · showing {first}–{last}",
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
        review_deal.deal_details(user, row)
        panel.decision(user, row, frame["deal_id"].astype(int).tolist())
    with right:
        review_deal.history(user, int(row["deal_id"]))
