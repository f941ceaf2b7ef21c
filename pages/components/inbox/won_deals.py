"""Won deals waiting for their partner manager's confirmation, on the manager's (and an admin's) home: each with
its partner, value, billing option and the partner's note; Confirm, or Send back with a question the partner
sees on the deal's card. The rules and the history are partner_model.won_confirmations'.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from pages.components.frame.data import attempt
from pages.components.frame.errors import show_error
from pages.components.frame.labels import BILLING_OPTION_LABELS, label
from pages.components.frame.text import md, md_line
from pages.components.frame.translate import _, fmt, ngettext
from pages.components.inbox.tiles import run
from partner_model import deals
from partner_model.errors import DomainError
from partner_model.models import UserRead

LISTED = 10  # the oldest wins first; the rest are counted
FLASH_KEY = "home_won_flash"  # (kind, message) of the last Confirm or Send back


def _question_key(deal_id: int) -> str:
    return f"home_won_question_{deal_id}"


def _done(error: DomainError | None, success: str, deal_id: int) -> None:
    st.session_state[FLASH_KEY] = ("error", error) if error is not None else ("success", success)
    if error is None:
        st.session_state.pop(_question_key(deal_id), None)


def _confirm(user: UserRead, row: Any) -> None:
    __, error = attempt(lambda s: deals.confirm_won_deal(s, user, int(row.deal_id), expected_version=int(row.version)))
    _done(error, _("{company} is confirmed.").format(company=md_line(row.company_name)), int(row.deal_id))


def _send_back(user: UserRead, row: Any) -> None:
    question = st.session_state.get(_question_key(int(row.deal_id)), "")
    __, error = attempt(lambda s: deals.send_back_won_deal(s, user, int(row.deal_id), question,
                                                           expected_version=int(row.version)))
    _done(error, _("{company} was sent back to the partner with your question.").format(
        company=md_line(row.company_name)), int(row.deal_id))


def _flash() -> None:
    kind, message = st.session_state.pop(FLASH_KEY, (None, None))
    if kind == "error":
        show_error(message)
    elif kind == "success":
        st.success(message, icon=":material/check_circle:")


def _card(user: UserRead, row: Any) -> None:
    with st.container(border=True, key=f"home_won_{row.deal_id}"):
        # TRANSLATORS: a won deal waiting for confirmation: the customer company, its partner, value, billing option.
        st.markdown(_("**{company}** · {partner} · {value} · billing option {billing}").format(
            company=md(row.company_name), partner=md(row.partner_name), value=fmt().money(row.value, row.currency),
            billing=label(BILLING_OPTION_LABELS, row.billing_option, _("not set"))))
        st.caption(_("Won on {date} · customer domain {domain}").format(
            date=fmt().date(row.won_on) if row.won_on else "—", domain=md(row.customer_domain)))
        if isinstance(row.partner_note, str) and row.partner_note:
            st.markdown(_("Latest note: {note}").format(note=md(row.partner_note)))
        if row.confirmation == "sent_back":
            st.info(_("Sent back with the question: {question} The partner's answer makes it wait for you again; "
                      "you may also confirm it now.").format(question=md(row.question or "")),
                    icon=":material/help:")
        confirm, ask = st.columns([1, 3], vertical_alignment="bottom")
        confirm.button(_("Confirm"), key=f"home_won_confirm_{row.deal_id}", type="primary", on_click=_confirm,
                       args=(user, row), icon=":material/verified:")
        if row.confirmation == "waiting":
            with ask:
                question, send = st.columns([3, 1], vertical_alignment="bottom")
                question.text_input(_("Question for the partner"), key=_question_key(int(row.deal_id)),
                                    max_chars=2000, placeholder=_("What do you need to know first?"))
                send.button(_("Send back"), key=f"home_won_send_back_{row.deal_id}", on_click=_send_back,
                            args=(user, row), icon=":material/reply:")


def won_deals(user: UserRead, manager_id: int | None) -> None:
    """The won deals waiting for confirmation (and those sent back), oldest win first; `manager_id` keeps that
    manager's partners ("My partners only")."""
    st.subheader(_("Won deals to confirm"), anchor=False)  # under the registrations and deals
    _flash()
    result = run(lambda s: deals.won_deals_to_confirm(s, user, manager_id=manager_id, include_sent_back=True,
                                                      limit=LISTED))
    if result is None:
        return
    frame, total = result
    if not total:
        st.caption(_("No won deal waits for confirmation."))
        return
    for row in frame.itertuples(index=False):
        _card(user, row)
    if total > LISTED:
        more = total - LISTED
        st.caption(ngettext("{count} more won deal waits; confirm these first.",
                            "{count} more won deals wait; confirm these first.", more).format(count=fmt().number(more)))
