"""The weekly review's controls: the ISO-week picker, the week's state, approving a week and clawbacks.

Actions confirm with a checkbox before their button (AppTest can drive that; a dialog opened by a button it
cannot). After an action the page reruns to show what changed; the message waits in the session state.
"""

from __future__ import annotations

import streamlit as st

from pages.components.commissions.tables import lines_table, money_texts, show_table, week_label
from pages.components.frame.data import attempt
from pages.components.frame.errors import show_error
from pages.components.frame.text import md
from pages.components.frame.translate import _, fmt
from partner_model import commission_queries, commissions, deals, rules
from partner_model.errors import DomainError
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


def pick_week(user: UserRead, this_week: str, open_week: str) -> str:
    """The ISO-week picker, each option marked with the week's state and its count of lines (two SQL queries for
    all of them); this week is selected first. A week asked for (GOTO_KEY: a link's ?week=, an action's target)
    older than the weeks listed is added at the end, so an old week still waiting for approval can be opened."""
    options = week_options(this_week, open_week)
    goto = st.session_state.pop(GOTO_KEY, None)
    if isinstance(goto, str) and goto not in options and goto < options[-1]:
        options.append(goto)
    current = st.session_state.get(WEEK_KEY)
    if goto in options:
        current = goto
    elif current not in options:
        chosen = st.session_state.get(CHOSEN_KEY)
        current = chosen if chosen in options else this_week
    keep_choice(WEEK_KEY, current)
    overview, error = attempt(lambda s: commission_queries.week_overview(s, user, options))
    if error is not None:
        show_error(error)
        overview = {}
    # The texts made now, in this run's language (a format_func that looked the language up later, as AppTest
    # does between runs, could write them in another one).
    labels = {w: week_label(w, this_week, open_week, overview.get(w)) for w in options}
    week = st.selectbox(_("ISO week"), options, key=WEEK_KEY, format_func=labels.__getitem__,
                        help=_("Commission lines land in the ISO week the deal was won; changes after a week "
                               "was approved land in the next open week."))
    st.session_state[CHOSEN_KEY] = week
    return week


def keep_choice(key: str, value: object) -> None:
    """Set a select box's value again before it is drawn, even when unchanged.

    The option texts are in the reader's language (format_func), and a browser remembers the *text* of the
    chosen option: after a language switch it would send back a text no option has any more, and the choice
    would be lost. Setting the value from the script makes Streamlit send the option's new text.
    """
    st.session_state[key] = value


def flash() -> None:
    """The message an action left for the run after it (translated when the action ran), or its refusal."""
    message = st.session_state.pop(FLASH_KEY, None)
    if isinstance(message, DomainError):
        show_error(message)
    elif message:
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
        # TRANSLATORS: stands for {who} in "**Approved** by {who}" when the approver's account is gone.
        who = md(names.get(state.approved_by)) if names.get(state.approved_by) else _("an unknown user")
        if state.approved_at is None:
            text = _("**Approved** by {who}. The week is locked: later changes land in the next open week as "
                     "adjustments.").format(who=who)
        else:
            # TRANSLATORS: {time} is a date and time, "Nov 16, 2026, 2:30:00 PM"; the approval is stored in UTC.
            text = _("**Approved** by {who} at {time} UTC. The week is locked: later changes land in the next open "
                     "week as adjustments.").format(who=who, time=fmt().datetime(state.approved_at))
        st.success(text, icon=":material/lock:")
        return True
    # TRANSLATORS: "Open" is the state of a week that is not approved (locked) yet.
    st.info(_("**Open**: week {week} has not been approved yet.").format(week=week), icon=":material/lock_open:")
    return False


def _approve(user: UserRead, week: str, shown_version: str | None) -> None:
    """Approve exactly the lines the page showed: their version was taken when they were read and drawn."""
    __, error = attempt(lambda s: commissions.approve_week(s, user, week, expected_version=shown_version))
    st.session_state.pop(f"approve_confirm_{week}", None)
    st.session_state[FLASH_KEY] = error if error is not None else _("Week {week} approved and locked.").format(
        week=week)


def approve_control(user: UserRead, week: str, this_week: str, shown_version: str | None) -> None:
    """Finance approves the week after confirming; a week that has not begun cannot be approved. The button
    carries the version of the lines shown above it, so lines that changed since are never approved unseen."""
    if week > this_week:
        st.caption(_("This week has not begun: it can be approved once it is under way."))
        return
    confirmed = st.checkbox(_("I have checked the lines of week {week}: lock it").format(week=week),
                            key=f"approve_confirm_{week}")
    st.button(_("Approve week"), key="approve_week", type="primary", icon=":material/verified:",
              disabled=not confirmed, on_click=_approve, args=(user, week, shown_version))


def reverse_control(user: UserRead, week: str) -> None:
    """Clawback: pick a live line of the week; its deal's commission is reversed in the next open week."""
    lines, error = attempt(lambda s: commission_queries.reversible_lines(s, user, week))
    if error is not None:
        show_error(error)
        return
    if lines.empty:
        st.info(_("Week {week} has no commission line that can be reversed.").format(week=week))
        return
    # Labels built once, column-wise: a busy week offers thousands of lines.
    # TRANSLATORS: an option of "Line to reverse": line id, deal id, customer company, partner, commission.
    template = _("Line {line} · deal {deal} · {company} · {partner} · {amount}")
    amounts = money_texts(lines["commission"].tolist(), lines["currency"].tolist())
    labels = {int(i): template.format(line=i, deal=d, company=c, partner=p, amount=a)
              for i, d, c, p, a in zip(lines["line_id"], lines["deal_id"], lines["company_name"],
                                       lines["partner_name"], amounts, strict=True)}
    deal_of = dict(zip(lines["line_id"].astype(int), lines["deal_id"].astype(int), strict=True))
    if st.session_state.get(f"reverse_line_{week}") in labels:
        keep_choice(f"reverse_line_{week}", st.session_state[f"reverse_line_{week}"])
    line_id = st.selectbox(_("Line to reverse"), list(labels), index=None, key=f"reverse_line_{week}",
                           placeholder=_("Choose a line"), format_func=labels.get)
    confirmed = st.checkbox(_("The customer was refunded within the first year: claw the commission back"),
                            key=f"reverse_confirm_{week}", disabled=line_id is None)
    if st.button(_("Reverse (refunded in first year)"), key="reverse_line", icon=":material/undo:",
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
        st.session_state[FLASH_KEY] = _("Deal {deal} reversed: line {line} was withdrawn from open week {week}."
                                        ).format(deal=deal_id, line=line_id, week=week)
    else:
        target = reversal.iloc[-1]["week"]
        st.session_state[FLASH_KEY] = _("Deal {deal} reversed: reversal line {reversal} cancels line {line} in week "
                                        "{week}.").format(deal=deal_id, reversal=int(reversal.iloc[-1]["line_id"]),
                                                          line=line_id, week=target)
        st.session_state[GOTO_KEY] = target
    st.rerun()


def deal_history(user: UserRead, deal_id: int) -> None:
    """All weeks' lines of one deal, so a reversal or an adjustment can be followed back to its line."""
    lines, error = attempt(lambda s: commission_queries.deal_lines(s, user, deal_id))
    if error is not None:
        show_error(error)
    elif lines.empty:
        st.info(_("Deal {deal} has no commission lines.").format(deal=deal_id))
    else:
        show_table(lines_table(lines, with_week=True), key=f"deal_lines_{deal_id}")
