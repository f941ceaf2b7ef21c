"""Commissions: finance's weekly review (lines, totals, approval, clawbacks), reports and partner statements.

Partner users and admins see their own lines per week and year to date, and their statements; partner
managers read the review and the reports. Only finance and admin approve weeks and reverse lines.
"""

from __future__ import annotations

import streamlit as st

from pages.components.commissions import review, week_export
from pages.components.commissions.report_section import reports
from pages.components.commissions.statements import staff_partner_pick, statement, year_to_date
from pages.components.commissions.tables import line_counts, lines_table, show_table, totals_table
from pages.components.frame import attempt, guard, show_error
from pages.components.frame.translate import N_, _
from partner_model import clock, commission_queries, commissions, rules
from partner_model.errors import ValidationError
from partner_model.models import UserRead

user = guard("commissions")
FINANCE = user.role in rules.FINANCE_ROLES

# The open tab is kept as a stable code under TAB_KEY (the same in every language; set it to open a tab, e.g.
# "reports"). st.tabs keeps the open tab's *label* under its own key, and a label changes with the language
# (and a changed label list makes a new widget, which would fall back to the first tab): so before drawing the
# tabs their state is set to the label of the kept code, and a click stores the clicked tab's code.
TAB_KEY = "commissions_tab"
TAB_LABEL_KEY = "commissions_tab_label"
TAB_NAMES = {
    "week_review": N_("Week review"),
    # TRANSLATORS: a tab with charts (a noun).
    "reports": N_("Reports"),
    "statements": N_("Statements"),
    "week": N_("Week"),
    "year_to_date": N_("Year to date"),
}
STAFF_TABS, PARTNER_TABS = ["week_review", "reports", "statements"], ["week", "year_to_date", "statements", "reports"]


def week_lines(user: UserRead, week: str) -> str | None:
    """The week's lines and the totals per partner (summed in SQL), or a note that the week has none. Returns the
    version of the lines shown (finance), read with them, for the approval to act on exactly these."""
    unconfirmed = user.is_staff and st.toggle(
        _("Only lines of won deals not confirmed yet"), key="week_unconfirmed_only",
        help=_("A won deal waits for its partner manager's confirmation; its lines are marked Not confirmed."))
    result, error = attempt(lambda s: (commissions.week_lines(s, user, week, unconfirmed_only=unconfirmed),
                                       commission_queries.week_partner_totals(s, user, week),
                                       commissions.week_version(s, user, week) if FINANCE else None))
    if error is not None:
        show_error(error)
        return None
    lines, totals, version = result
    if lines.empty and unconfirmed:
        st.info(_("Every won deal with lines in week {week} is confirmed.").format(week=week))
        return version
    if lines.empty:
        st.info(_("No commission lines in week {week}.").format(week=week))
        return version
    st.caption(line_counts(lines, user.is_staff))
    if user.is_staff:
        week_export.week_totals(totals)
    show_table(lines_table(lines, with_partner=user.is_staff), key="week_lines", wrap=not user.is_staff)
    st.markdown(_("**Totals per partner**") if user.is_staff else _("**Your totals**"))
    shown = totals_table(totals)
    show_table(shown if user.is_staff else shown.drop(columns=["Partner"]), key="week_totals")
    if FINANCE:
        week_export.export_buttons(user, week)
    return version


def week_tab(user: UserRead, this_week: str, open_week: str) -> None:
    week = review.pick_week(user, this_week, open_week)
    approved = review.show_state(week)
    shown_version = week_lines(user, week)
    if not FINANCE:
        return
    if not approved:
        heading = _("Approve the week")
        st.markdown(f"##### {heading}")
        review.approve_control(user, week, this_week, shown_version)
    with st.expander(_("Clawback: reverse a won deal refunded in its first year"), icon=":material/undo:"):
        st.caption(_("The deal's commission is reversed with a negative line in the next open week; an approved "
                     "week never changes."))
        review.reverse_control(user, week)


def statements_tab(user: UserRead, this_week: str, open_week: str) -> None:
    week = review.pick_week(user, this_week, open_week)
    if user.is_staff:
        partner_id = staff_partner_pick(user, week)
        if partner_id is None:
            return
    else:
        partner_id = user.partner_id
    statement(user, partner_id, week)


def open_linked_week() -> None:
    """A link such as /commissions?week=2026-W45 (from the home page's work inbox) opens that week's tab on that
    week, once; a malformed week is ignored."""
    linked = st.query_params.get("week")
    if linked is None:
        return
    del st.query_params["week"]
    try:
        week = rules.week_label(linked)
    except ValidationError:
        return
    st.session_state[review.GOTO_KEY] = week
    st.session_state[TAB_KEY] = codes[0]  # the week review (staff) or the week (partners)


today = clock.today()
this_week = rules.iso_week(today)
open_week, error = attempt(lambda s: commissions.next_open_week(s, this_week))
st.title(_("Commissions"))
if error is not None:
    show_error(error)
    st.stop()
review.flash()

codes = STAFF_TABS if user.is_staff else PARTNER_TABS
open_linked_week()
labels = {code: _(TAB_NAMES[code]) for code in codes}
if st.session_state.get(TAB_KEY) not in codes:
    st.session_state[TAB_KEY] = codes[0]
if st.session_state.get(TAB_LABEL_KEY) != labels[st.session_state[TAB_KEY]]:
    st.session_state[TAB_LABEL_KEY] = labels[st.session_state[TAB_KEY]]


def tab_clicked() -> None:
    clicked = st.session_state.get(TAB_LABEL_KEY)
    st.session_state[TAB_KEY] = next((code for code, text in labels.items() if text == clicked), codes[0])


tabs = dict(zip(codes, st.tabs(list(labels.values()), key=TAB_LABEL_KEY, on_change=tab_clicked), strict=True))
# Only the open tab runs: each reads its own data, so the others cost nothing. Week and Statements each draw
# the week picker (one key: the chosen week stays when switching between them).
for code, tab in tabs.items():
    if not tab.open:
        continue
    with tab:
        if code in ("week_review", "week"):
            week_tab(user, this_week, open_week)
        elif code == "year_to_date":
            year_to_date(user, today.isocalendar()[0])
        elif code == "statements":
            statements_tab(user, this_week, open_week)
        else:
            reports(user, this_week)
