"""A card's details, in a dialog opened from session state: the deal, its notes (add one), its history, and what
can be done to it: billing option, trial extension (partners), registration protection (staff).

Actions run in button callbacks and report inside the dialog; closing the dialog redraws the board.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from pages.components.deals.board_columns import CARD_KEY
from pages.components.deals.board_labels import WHEN, denial_sentence, history_frame, review_note
from pages.components.deals.board_moves import flash
from pages.components.deals.newsletter_form import newsletter_panel
from pages.components.deals.review_labels import md, md_line
from pages.components.deals.won_confirmation import confirmation_panel
from pages.components.frame.data import attempt
from pages.components.frame.errors import show_error
from pages.components.frame.labels import BILLING_OPTION_LABELS, REVIEW_LABELS, STAGE_LABELS, label
from pages.components.frame.partner_picker import partner_name
from pages.components.frame.translate import N_, _, date_column_format, fmt, ngettext
from partner_model import clock, customers, deals, rules
from partner_model.errors import DomainError
from partner_model.models import AccountState, BillingOption, DealRead, ReviewStatus, Role, UserRead

FLASH_KEY = "board_card_flash"  # (kind, message) of the last action in the dialog
PARTNER_ROLES = (Role.partner_user, Role.partner_admin)
# The linked account when it is no longer in trial, one sentence per state.
NOT_IN_TRIAL = {
    AccountState.active: N_("The linked account {name} is active, not in trial."),
    AccountState.closed: N_("The linked account {name} is closed, not in trial."),
}


def _close() -> None:
    # Set, not removed: the "Open a card" box in the browser must forget the card too.
    st.session_state[CARD_KEY] = None
    st.session_state.pop(FLASH_KEY, None)


def open_linked_card(user: UserRead) -> None:
    """A link such as /deal_board?deal=12 (from the registration page) opens that card once, if the user may see it."""
    linked = st.query_params.get("deal")
    if linked is None:
        return
    del st.query_params["deal"]
    # Parsed by the service, never trusted: "²", "99999999999999999999" or "x" are "Deal not found."
    deal, error = attempt(lambda s: deals.get_deal(s, user, linked))
    if error is not None:
        flash("error", error)
    else:
        st.session_state[CARD_KEY] = deal.id


def _act(action: Callable[[Any], Any], done: str) -> bool:
    """Run a service call for the open card; keep its outcome to show in the dialog."""
    __, error = attempt(action)
    st.session_state[FLASH_KEY] = ("error", error) if error is not None else ("success", done)
    return error is None


def note_key(deal_id: int) -> str:
    return f"board_note_{deal_id}"


def billing_key(deal_id: int) -> str:
    return f"board_billing_{deal_id}"


def _add_note(user: UserRead, deal_id: int) -> None:
    body = st.session_state.get(note_key(deal_id), "")
    if _act(lambda s: deals.add_note(s, user, deal_id, body), _("Note added.")):
        st.session_state[note_key(deal_id)] = ""


def _set_billing(user: UserRead, deal: DealRead) -> None:
    option = st.session_state.get(billing_key(deal.id))
    _act(lambda s: deals.set_billing_option(s, user, deal.id, option, expected_version=deal.version),
         _("Billing option set to {option}.").format(option=label(BILLING_OPTION_LABELS, option)))


def _flash() -> None:
    kind, message = st.session_state.pop(FLASH_KEY, (None, None))
    if kind == "error":
        show_error(message) if isinstance(message, DomainError) else st.error(message)
    elif kind == "success":
        st.success(message, icon=":material/check_circle:")


def _summary(user: UserRead, deal: DealRead, partner: str) -> None:
    status = label(REVIEW_LABELS, deal.review_status)
    if user.is_staff:
        first = _("**{partner}** · customer domain **{domain}**").format(partner=md(partner),
                                                                        domain=md(deal.customer_domain))
    else:  # a partner knows its own name
        first = _("Customer domain **{domain}**").format(domain=md(deal.customer_domain))
    lines = [
        first,
        _("Contact: {name} · {email}").format(name=md(deal.contact_name), email=md(deal.contact_email)),
        _("Expected annual value **{value}** · framework {framework}").format(
            value=fmt().money(deal.value, deal.currency), framework=md(deal.framework or "—")),
        # TRANSLATORS: {billing} is a billing option such as "Invoice", or "not set".
        _("Stage **{stage}** since {date} · review status **{status}** · billing option {billing}").format(
            stage=label(STAGE_LABELS, deal.stage), date=fmt().date(clock.local_date(deal.stage_entered_at)),
            status=status, billing=label(BILLING_OPTION_LABELS, deal.billing_option, _("not set"))),
    ]
    st.markdown("  \n".join(lines))
    if deal.review_status == ReviewStatus.denied:
        _denial(user, deal)


def _denial(user: UserRead, deal: DealRead) -> None:
    """Why the deal was denied, in words meant for the partner, with the reviewer's note."""
    found, __ = attempt(lambda s: (deals.history(s, user, deal.id), deals.notes(s, user, deal.id)))
    note = review_note(*found) if found is not None else None
    lines = [denial_sentence(deal.denial_reason)]
    if note:
        lines.append(_("Reviewer's note: {note}").format(note=md(note)))
    else:
        lines.append(_("The reviewer left no note."))
    st.error("  \n".join(lines), icon=":material/block:")


def _notes(user: UserRead, deal: DealRead) -> None:
    notes, error = attempt(lambda s: deals.notes(s, user, deal.id))
    if error is not None:
        show_error(error)
        return
    names, __ = attempt(lambda s: deals.user_names(s, {n.author_id for n in notes if n.author_id is not None}))
    if not notes:
        st.info(_("No notes yet."), icon=":material/sticky_note_2:")
    for note in notes:
        author = (names or {}).get(note.author_id, "—")
        written = _("**{author}** · {time} UTC").format(author=md(author), time=md(fmt().datetime(note.at, "short")))
        st.markdown(f"{written}  \n{md(note.body)}")
    st.text_area(_("Add a note"), key=note_key(deal.id), max_chars=2000,
                 placeholder=_("What happened, what comes next"))
    st.button(_("Add note"), key="board_note_add", on_click=_add_note, args=(user, deal.id), icon=":material/add:")


def _history(user: UserRead, deal: DealRead) -> None:
    events, error = attempt(lambda s: deals.history(s, user, deal.id))
    if error is not None:
        show_error(error)
        return
    names, __ = attempt(lambda s: deals.user_names(s, {e.actor_id for e in events if e.actor_id is not None}))
    st.dataframe(history_frame(events, names or {}), hide_index=True, width="stretch",
                 column_config={_(WHEN): st.column_config.DatetimeColumn(format=date_column_format() + " HH:mm")})


def _billing(user: UserRead, deal: DealRead) -> None:
    options = [option.value for option in BillingOption]
    current = getattr(deal.billing_option, "value", deal.billing_option)
    texts = {o: label(BILLING_OPTION_LABELS, o) for o in options}  # in this run's language
    st.selectbox(_("Billing option"), options, index=options.index(current) if current in options else None,
                 key=billing_key(deal.id), format_func=texts.__getitem__,
                 placeholder=_("Not set"))
    st.button(_("Save billing option"), key="board_billing_save", on_click=_set_billing, args=(user, deal))


def _trial(user: UserRead, deal: DealRead) -> None:
    if deal.customer_id is None:
        st.caption(_("No trial account is linked to this deal yet: moving it to Trial creates one."))
        return
    customer, error = attempt(lambda s: customers.get_customer(s, user, deal.customer_id))
    if error is not None:
        show_error(error)
        return
    if customer.state != AccountState.trial:
        sentence = NOT_IN_TRIAL.get(customer.state)
        st.caption(_(sentence).format(name=md(customer.name)) if sentence else
                   _("The linked account {name} is not in trial.").format(name=md(customer.name)))
        return
    st.markdown(_("Trial account **{name}** runs until **{date}**.").format(
        name=md(customer.name), date=fmt().date(customer.trial_ends_on)))
    if customer.extension_granted_on:
        st.caption(_("The 30-day extension was granted on {date}.").format(
            date=fmt().date(customer.extension_granted_on)))
    elif customer.extension_requested_on:
        st.caption(_("The 30-day extension was requested on {date}.").format(
            date=fmt().date(customer.extension_requested_on)))
    elif user.role in PARTNER_ROLES:
        st.button(_("Request the 30-day trial extension"), key="board_request_extension", on_click=_act,
                  args=(lambda s: customers.request_extension(s, user, customer.id, expected_version=customer.version),
                        _("Extension requested: vendor staff will grant it.")))


def _protection(user: UserRead, deal: DealRead) -> None:
    if deal.protected_until is None:
        st.caption(_("The registration is protected once vendor staff accept it."))
        return
    until = fmt().date(deal.protected_until)
    if deal.protection_extended:
        st.markdown(_("Registration protected until **{date}** (extended once).").format(date=until))
    else:
        st.markdown(_("Registration protected until **{date}**.").format(date=until))
    if user.role in rules.STAFF_ROLES and not deal.protection_extended:
        days = rules.PROTECTION_EXTENSION_DAYS
        st.button(ngettext("Extend protection by {count} day", "Extend protection by {count} days", days).format(
            count=fmt().number(days)), key="board_extend_protection", on_click=_act,
            args=(lambda s: deals.extend_protection(s, user, deal.id), _("Protection extended.")))


def _body(user: UserRead, deal: DealRead, partner: str) -> None:
    _flash()
    _summary(user, deal, partner)
    confirmation_panel(user, deal, _act)
    newsletter_panel(user, deal, _act)
    notes_tab, history_tab, actions_tab = st.tabs([_("Notes"), _("History"), _("Billing, trial, protection")])
    with notes_tab:
        _notes(user, deal)
    with history_tab:
        _history(user, deal)
    with actions_tab:
        _billing(user, deal)
        st.divider()
        _trial(user, deal)
        st.divider()
        _protection(user, deal)
    if st.button(_("Done"), key="board_card_close", on_click=_close):
        st.rerun()  # the whole page, so the dialog closes


def details_dialog(user: UserRead) -> None:
    """The open card's dialog; a deal that is gone meanwhile is reported on the page instead."""
    deal_id = st.session_state[CARD_KEY]
    deal, error = attempt(lambda s: deals.get_deal(s, user, deal_id))
    if error is not None:
        show_error(error)
        return
    partner = partner_name(user, deal.partner_id) or _("Partner #{id}").format(id=deal.partner_id)
    st.dialog(md_line(deal.company_name), width="large", on_dismiss=_close)(_body)(user, deal, partner)
