"""A won deal's confirmation in its card's dialog: where it stands; the partner answers the manager's question;
the partner's manager (or an admin) confirms it or sends it back. Rules: partner_model.won_confirmations.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from pages.components.frame.labels import CONFIRMATION_LABELS, label
from pages.components.frame.text import md
from pages.components.frame.translate import _, fmt
from partner_model import clock, deals, rules
from partner_model.models import Confirmation, DealRead, Stage, UserRead

ANSWER_KEY, QUESTION_KEY = "board_won_answer", "board_won_question"


def confirmation_panel(user: UserRead, deal: DealRead, act: Callable[[Callable[[Any], Any], str], bool]) -> None:
    """The confirmation's state and what this user may do about it; `act` runs a service call and reports it in
    the dialog (details._act)."""
    if deal.stage != Stage.closed_won or deal.confirmation is None:
        return
    state = label(CONFIRMATION_LABELS, deal.confirmation)
    if deal.confirmation == Confirmation.confirmed:
        when = fmt().date(clock.local_date(deal.confirmed_at)) if deal.confirmed_at else "—"
        st.success(_("Won deal confirmed by the partner manager on {date}.").format(date=when),
                   icon=":material/verified:")
        return
    if deal.confirmation == Confirmation.sent_back:
        st.warning(_("**{state}**: {question}").format(state=state, question=md(deal.confirmation_question or "")),
                   icon=":material/help:")
    else:
        st.info(_("**{state}**: the partner manager confirms the won deal.").format(state=state),
                icon=":material/pending:")
    if user.role in rules.PARTNER_ROLES and deal.confirmation == Confirmation.sent_back:
        st.text_area(_("Your answer"), key=ANSWER_KEY, max_chars=2000)
        st.button(_("Send the answer"), key="board_won_answer_send", icon=":material/send:", on_click=act, args=(
            lambda s: deals.answer_won_question(s, user, deal.id, st.session_state.get(ANSWER_KEY, ""),
                                                expected_version=deal.version),
            _("Answer sent: the deal waits for the manager's confirmation again.")))
    if user.role in rules.REVIEWER_ROLES:
        st.button(_("Confirm the won deal"), key="board_won_confirm", type="primary", icon=":material/verified:",
                  on_click=act, args=(lambda s: deals.confirm_won_deal(s, user, deal.id, expected_version=deal.version),
                                      _("Won deal confirmed.")))
        if deal.confirmation == Confirmation.waiting:
            st.text_input(_("Question for the partner"), key=QUESTION_KEY, max_chars=2000)
            st.button(_("Send back"), key="board_won_send_back", icon=":material/reply:", on_click=act, args=(
                lambda s: deals.send_back_won_deal(s, user, deal.id, st.session_state.get(QUESTION_KEY, ""),
                                                   expected_version=deal.version),
                _("Sent back to the partner with your question.")))
