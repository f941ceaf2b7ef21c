"""The contact's newsletter subscription on a deal: the fields asked for when a deal enters the Newsletter stage
(name, email, language, the partner's statement that the contact agreed), and the card's panel that says where
the consent stands and asks again. Rules and the double opt-in: partner_model.newsletter.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from pages.components.frame.data import attempt
from pages.components.frame.labels import CONSENT_LABELS, label
from pages.components.frame.text import md
from pages.components.frame.translate import _, fmt, language
from partner_model import clock, i18n, newsletter
from partner_model.models import ConsentState, DealRead, Stage, UserRead

STATE_ICONS = {ConsentState.waiting: ":material/mark_email_unread:", ConsentState.confirmed: ":material/verified:",
               ConsentState.expired: ":material/timer_off:", ConsentState.unsubscribed: ":material/unsubscribe:"}


def subscription_fields(prefix: str, contact_name: str, contact_email: str) -> None:
    """The subscription's inputs, prefilled with the deal's contact; `entered(prefix)` reads them."""
    languages = list(i18n.LANGUAGES)
    st.text_input(_("Contact name"), value=contact_name, key=f"{prefix}_name", max_chars=200)
    st.text_input(_("Contact email"), value=contact_email, key=f"{prefix}_email", max_chars=254)
    st.selectbox(_("The contact's language"), languages, index=languages.index(language()),
                          format_func=i18n.LANGUAGE_NAMES.__getitem__, key=f"{prefix}_language",
                          help=_("The confirmation email is written in it."))
    st.checkbox(_("The contact agreed in our talk to receive the newsletter"), key=f"{prefix}_agreed")
    st.caption(_("The contact gets an email with a link to confirm the subscription within {days} days, and a "
                 "link to unsubscribe.").format(days=fmt().number(newsletter.CONFIRM_DAYS)))


def entered(prefix: str) -> dict[str, Any]:
    """What the subscription's inputs hold now (read in a button's callback, after the last typing), as
    newsletter.check takes it."""
    state = st.session_state
    return {"contact_name": state.get(f"{prefix}_name"), "contact_email": state.get(f"{prefix}_email"),
            "language": state.get(f"{prefix}_language"), "contact_agreed": bool(state.get(f"{prefix}_agreed"))}


def newsletter_panel(user: UserRead, deal: DealRead, act: Callable[[Callable[[Any], Any], str], bool]) -> None:
    """In a Newsletter-stage card's dialog: the consent's state (who asked, when, confirmed when), and the form
    to ask (again, after it expired, or another address)."""
    if deal.stage != Stage.newsletter:
        return
    consent, __ = attempt(lambda s: newsletter.consent_for_deal(s, user, deal.id))
    if consent is None:
        st.warning(_("No newsletter subscription was asked for: the contact's consent is not recorded."),
                   icon=":material/mail:")
    else:
        state = label(CONSENT_LABELS, consent.state)
        detail = _("**Newsletter subscription: {state}** · {name} ({email}) · asked on {asked}").format(
            state=state, name=md(consent.contact_name), email=md(consent.contact_email),
            asked=fmt().date(clock.local_date(consent.requested_at)))
        if consent.confirmed_at is not None:
            detail += "  \n" + _("Confirmed by the contact on {date}.").format(
                date=fmt().date(clock.local_date(consent.confirmed_at)))
        elif consent.state == ConsentState.waiting:
            detail += "  \n" + _("The confirmation link works until {date}.").format(
                date=fmt().date(clock.local_date(consent.expires_at)))
        box = st.success if consent.state == ConsentState.confirmed else st.info
        box(detail, icon=STATE_ICONS.get(consent.state, ":material/mail:"))
    if consent is not None and consent.state == ConsentState.confirmed:
        return
    with st.expander(_("Ask for the subscription") if consent is None else _("Ask again"),
                     expanded=consent is None):
        prefix = f"board_newsletter_{deal.id}"
        subscription_fields(prefix, deal.contact_name, deal.contact_email)
        st.button(_("Send the confirmation email"), key="board_newsletter_send", icon=":material/send:",
                  on_click=act, args=(lambda s: newsletter.request_subscription(
                      s, user, deal.id, expected_version=deal.version, **entered(prefix)),
                      _("The confirmation email is on its way to the contact.")))
