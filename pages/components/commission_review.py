"""The weekly review's controls: the ISO-week picker, the week's state, approving a week and clawbacks.

Actions confirm with a checkbox before their button (AppTest can drive that; a dialog opened by a button it
cannot). After an action the page reruns to show what changed; the message waits in the session state.
"""

from __future__ import annotations

import streamlit as st

from pages.components.commission_tables import lines_table, money, show_table, week_label
from pages.components.data import attempt, show_error
from partner_model import commission_queries, commissions, deals, rules
from partner_model.models import UserRead

WEEK_KEY = "commission_week"
GOTO_KEY = "commission_week_goto"  # set before a rerun to open another week (a drawn widget cannot be changed)
FLASH_KEY = "commission_flash"
CHOSEN_KEY = "commission_week_chosen"  # survives tabs without the picker (Streamlit drops an undrawn widget's state)
WEEKS_SHOWN = 52


def week_options(this_week: str, open_week: str) -> list[str]:
    """Newest first: the open week when it lies ahead (where adjustments land), this week, then earlier weeks."""
    ahead, week = [], this_week
    while week < open_week:  # ISO week strings sort in time order
        week = rules.week_after(week)
        ahead.insert(0, week)
    return ahead + list(reversed(rules.weeks_back(this_week, WEEKS_SHOWN)))


def pick_week(this_week: str, open_week: str) -> str:
    """The ISO-week picker; this week is selected first."""
    options = week_options(this_week, open_week)
    goto = st.session_state.pop(GOTO_KEY, None)
    if goto in options:
        st.session_state[WEEK_KEY] = goto
    if st.session_state.get(WEEK_KEY) not in options:
        chosen = st.session_state.get(CHOSEN_KEY)
        st.session_state[WEEK_KEY] = chosen if chosen in options else this_week
    week = st.selectbox("ISO week", options, key=WEEK_KEY,
                        format_func=lambda w: week_label(w, this_week, open_week),
                        help="Commission lines land in the ISO week the deal was won; changes after a week "
                             "was approved land in the next open week.")
    st.session_state[CHOSEN_KEY] = week
    return week


def flash() -> None:
    """The message an action left for the run after it."""
    message = st.session_state.pop(FLASH_KEY, None)
    if message:
        st.success(message, icon=":material/check_circle:")


def show_state(week: str) -> bool:
    """The week's state in words; True when the week is approved (locked)."""
    def read(s):  # type: ignore[no-untyped-def]
        state = commissions.week_state(s, week)
        return state, deals.user_names(s, {state.approved_by} if state.approved_by else set())

    (state, names), error = attempt(read)
    if error is not None:
        show_error(error)
        return False
    if state.state == "approved":
        at = f"{state.approved_at:%Y-%m-%d %H:%M} UTC" if state.approved_at else "an unknown time"
        who = names.get(state.approved_by, "an unknown user")
        st.success(f"**Approved** by {who} at {at}. The week is locked: later changes land in the next open "
                   "week as adjustments.", icon=":material/lock:")
        return True
    st.info(f"**Open**: week {week} has not been approved yet.", icon=":material/lock_open:")
    return False


def approve_control(user: UserRead, week: str, this_week: str) -> None:
    """Finance approves the week after confirming; a week that has not begun cannot be approved."""
    if week > this_week:
        st.caption("This week has not begun: it can be approved once it is under way.")
        return
    confirmed = st.checkbox(f"I have checked the lines of week {week}: lock it", key=f"approve_confirm_{week}")
    if st.button("Approve week", key="approve_week", type="primary", icon=":material/verified:",
                 disabled=not confirmed):
        _, error = attempt(lambda s: commissions.approve_week(s, user, week))
        if error is not None:
            show_error(error)
            return
        st.session_state[FLASH_KEY] = f"Week {week} approved and locked."
        st.rerun()


def reverse_control(user: UserRead, week: str) -> None:
    """Clawback: pick a live line of the week; its deal's commission is reversed in the next open week."""
    lines, error = attempt(lambda s: commission_queries.reversible_lines(s, user, week))
    if error is not None:
        show_error(error)
        return
    if lines.empty:
        st.info(f"Week {week} has no commission line that can be reversed.")
        return
    # Labels built once, column-wise: a busy week offers thousands of lines.
    labels = {int(i): f"Line {i} · deal {d} · {c} · {p} · {money(a, cur)}" for i, d, c, p, a, cur in zip(
        lines["line_id"], lines["deal_id"], lines["company_name"], lines["partner_name"], lines["commission"],
        lines["currency"], strict=True)}
    deal_of = dict(zip(lines["line_id"].astype(int), lines["deal_id"].astype(int), strict=True))
    line_id = st.selectbox("Line to reverse", list(labels), index=None, key=f"reverse_line_{week}",
                           placeholder="Choose a line", format_func=labels.get)
    confirmed = st.checkbox("The customer was refunded within the first year: claw the commission back",
                            key=f"reverse_confirm_{week}", disabled=line_id is None)
    if st.button("Reverse (refunded in first year)", key="reverse_line", icon=":material/undo:",
                 disabled=line_id is None or not confirmed):
        _reverse(user, deal_of[line_id], int(line_id), week)


def _reverse(user: UserRead, deal_id: int, line_id: int, week: str) -> None:
    def act(s):  # type: ignore[no-untyped-def]
        commissions.reverse_deal(s, user, deal_id)
        return commission_queries.deal_lines(s, user, deal_id)

    lines, error = attempt(act)
    if error is not None:
        show_error(error)
        return
    reversal = lines[(lines["kind"] == "reversal") & (lines["adjusts_line_id"] == line_id)]
    if reversal.empty:  # the week was still open: the line is simply withdrawn
        st.session_state[FLASH_KEY] = f"Deal {deal_id} reversed: line {line_id} was withdrawn from open week {week}."
    else:
        target = reversal.iloc[-1]["week"]
        st.session_state[FLASH_KEY] = (f"Deal {deal_id} reversed: reversal line {int(reversal.iloc[-1]['line_id'])} "
                                       f"cancels line {line_id} in week {target}.")
        st.session_state[GOTO_KEY] = target
    st.rerun()


def deal_history(user: UserRead, deal_id: int) -> None:
    """All weeks' lines of one deal, so a reversal or an adjustment can be followed back to its line."""
    lines, error = attempt(lambda s: commission_queries.deal_lines(s, user, deal_id))
    if error is not None:
        show_error(error)
    elif lines.empty:
        st.info(f"Deal {deal_id} has no commission lines.")
    else:
        show_table(lines_table(lines, with_week=True), key=f"deal_lines_{deal_id}")
