"""The Newsletter subscription stage's consent, provable: a double opt-in.

The partner asks for the contact's subscription on a deal in the Newsletter stage (name, email, language and the
partner's statement that the contact agreed in their talk). The contact gets an email in their language (the
contact outbox, partner_model/contact_mail.py) with a one-time confirmation link that works for 7 days and an
unsubscribe link; the app's routes (api/newsletter_routes.py) call `confirm` and `unsubscribe`. The record keeps
who asked and when, the link's use, the confirmation and the unsubscription; the links' tokens only as sha256,
and no IP address. A deal may stay in the stage without a confirmed consent: the card and the pipeline say so.
Every step is in the deal's history (kind "newsletter", from and to a ConsentState).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from collections.abc import Mapping

import sqlalchemy as sa
from sqlmodel import Session

from partner_model import i18n, identity, mailer, rules, versioning
from partner_model.access import Actor, require_role, write_service
from partner_model.deal_records import _deal_for, _now
from partner_model.errors import N_, Conflict, NotFound, ValidationError
from partner_model.models import (
    ConsentRead,
    ConsentState,
    ContactEmail,
    Deal,
    DealEvent,
    MailState,
    NewsletterConsent,
    Partner,
    Stage,
    utcnow,
)

CONFIRM_DAYS = 7
CONFIRM_PATH, UNSUBSCRIBE_PATH = "/newsletter/confirm", "/newsletter/unsubscribe"
REQUEST_ROLES = {"partner_user", "partner_admin", "partner_manager", "admin"}
SUBSCRIPTION_FIELDS = ("contact_name", "contact_email", "language", "contact_agreed")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _aware(moment: dt.datetime | None) -> dt.datetime | None:
    return moment if moment is None or moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def state_of(row: NewsletterConsent, now: dt.datetime) -> ConsentState:
    """A consent's state at `now`: replaced, unsubscribed, confirmed, expired (7 days without the link's use) or
    waiting."""
    if row.replaced_at is not None:
        return ConsentState.replaced
    if row.unsubscribed_at is not None:
        return ConsentState.unsubscribed
    if row.confirmed_at is not None:
        return ConsentState.confirmed
    if now > _aware(row.expires_at):  # type: ignore[operator]
        return ConsentState.expired
    return ConsentState.waiting


def read(row: NewsletterConsent, now: dt.datetime | None = None) -> ConsentRead:
    data = row.model_dump()
    data["state"] = state_of(row, now or utcnow())
    return ConsentRead.model_validate(data)


def _history(session: Session, row: NewsletterConsent, actor_id: int | None, before: ConsentState | None,
             after: ConsentState, at: dt.datetime) -> None:
    session.add(DealEvent(deal_id=row.deal_id, actor_id=actor_id, at=at, kind="newsletter",
                          from_value=before.value if before else None, to_value=after.value))


def check(subscription: Mapping[str, object]) -> tuple[str, str, str]:
    """The subscription's name, email and language, validated by field; the partner's statement must be given.
    Raises ValidationError (contact_name, contact_email, language, contact_agreed)."""
    unknown = set(subscription) - set(SUBSCRIPTION_FIELDS)
    if unknown:
        raise ValidationError("subscription", N_("Unknown subscription field: {name}."), name=sorted(unknown)[0])
    name = rules.clean_text(subscription.get("contact_name"), "contact_name", N_("Contact name"))
    email, __ = identity.email(subscription.get("contact_email"), "contact_email", N_("Contact email"))
    language = subscription.get("language")
    if language not in i18n.LANGUAGES:
        raise ValidationError("language", N_("Choose the contact's language."))
    if subscription.get("contact_agreed") is not True:
        raise ValidationError("contact_agreed", N_("Confirm that the contact agreed to the newsletter in your "
                                                   "talk: without it no subscription is asked for."))
    return name, email, language  # type: ignore[return-value]


def ask(session: Session, deal: Deal, actor: Actor, subscription: Mapping[str, object], now: dt.datetime
        ) -> NewsletterConsent:
    """Ask for the contact's subscription on `deal` (in the caller's transaction; move_deal and
    request_subscription call this): a waiting request of the deal is replaced, and the double opt-in email goes
    to the contact's outbox. Raises ValidationError by field (check), Conflict (the deal's contact already
    confirmed this address)."""
    name, email, language = check(subscription)
    current = [r for r in session.execute(sa.select(NewsletterConsent).where(
        NewsletterConsent.deal_id == deal.id, NewsletterConsent.replaced_at.is_(None))).scalars()]
    for row in current:
        if row.contact_email == email and state_of(row, now) == ConsentState.confirmed:
            raise Conflict(N_("{email} already confirmed the subscription for this deal."), email=email)
    for row in current:
        if state_of(row, now) in (ConsentState.waiting, ConsentState.expired):
            row.replaced_at = now
    confirm, leave = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    row = NewsletterConsent(deal_id=deal.id, partner_id=deal.partner_id, contact_name=name, contact_email=email,
                            language=language, contact_agreed=True, requested_by=actor.id, requested_at=now,
                            expires_at=now + dt.timedelta(days=CONFIRM_DAYS), confirm_hash=token_hash(confirm),
                            unsubscribe_hash=token_hash(leave))
    session.add(row)
    session.flush()
    partner = session.get(Partner, deal.partner_id)
    base = mailer.settings().base_url
    session.add(ContactEmail(
        consent_id=row.id, kind="newsletter_confirm", to_address=email, language=language, created_at=now,
        mail_state=MailState.pending, next_attempt_at=now,
        params=json.dumps({"name": name, "partner": partner.name if partner else "", "days": CONFIRM_DAYS,
                           "link": f"{base}{CONFIRM_PATH}?token={confirm}",
                           "unsubscribe": f"{base}{UNSUBSCRIBE_PATH}?token={leave}"})))
    _history(session, row, actor.id, None, ConsentState.waiting, now)
    return row


@write_service
def request_subscription(session: Session, actor: Actor, deal_id: int, *, contact_name: object = None,
                         contact_email: object = None, language: object = None, contact_agreed: object = None,
                         expected_version: int | None = None) -> ConsentRead:
    """Ask for the contact's newsletter subscription on a deal in the Newsletter stage (again after it expired or
    to another address): the deal's partner users, partner managers and admins may.

    Raises PermissionDenied, NotFound, ValidationError (stage, contact_name, contact_email, language,
    contact_agreed), Conflict (stale, already confirmed).
    """
    require_role(actor, REQUEST_ROLES, "move deals")
    subscription = {"contact_name": contact_name, "contact_email": contact_email, "language": language,
                    "contact_agreed": contact_agreed}
    check(subscription)  # every field's message before anything is looked up
    deal = _deal_for(session, actor, deal_id, expected_version)
    if deal.stage != Stage.newsletter:
        raise ValidationError("stage", N_("Only a deal in the Newsletter subscription stage asks for a "
                                          "subscription."))
    now = _now(None)
    row = ask(session, deal, actor, subscription, now)
    versioning.claim(session, deal)
    session.commit()
    return read(row, now)


def _by(session: Session, column: sa.Column, token: object) -> NewsletterConsent:
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        raise NotFound(N_("This link is not valid."))
    row = session.execute(sa.select(NewsletterConsent).where(column == token_hash(token))).scalar_one_or_none()
    if row is None:
        raise NotFound(N_("This link is not valid."))
    return row


def peek(session: Session, link: str, token: object) -> ConsentRead:
    """The consent a link's token belongs to, unchanged (the page that asks the contact to press the button):
    `link` is "confirm" or "unsubscribe". Raises NotFound for an unknown token."""
    column = NewsletterConsent.__table__.c.confirm_hash if link == "confirm" else \
        NewsletterConsent.__table__.c.unsubscribe_hash
    return read(_by(session, column, token))


@write_service
def confirm(session: Session, token: object, *, now: dt.datetime | None = None) -> ConsentRead:
    """The contact used the confirmation link (no sign-in: the token is the proof). The link's first use is
    recorded; within 7 days the consent is confirmed (in the deal's history). Using it again changes nothing.
    Returns the consent as it now is (its state says expired, replaced or unsubscribed when it did not confirm).
    Raises NotFound for an unknown token."""
    now = now or utcnow()
    row = _by(session, NewsletterConsent.__table__.c.confirm_hash, token)
    row.link_used_at = row.link_used_at or now
    if state_of(row, now) == ConsentState.waiting:
        row.confirmed_at = now
        _history(session, row, None, ConsentState.waiting, ConsentState.confirmed, now)
    session.commit()
    return read(row, now)


@write_service
def unsubscribe(session: Session, token: object, *, now: dt.datetime | None = None) -> ConsentRead:
    """The contact left the newsletter by the link in its email (recorded, in the deal's history); again changes
    nothing. Raises NotFound for an unknown token."""
    now = now or utcnow()
    row = _by(session, NewsletterConsent.__table__.c.unsubscribe_hash, token)
    if row.unsubscribed_at is None:
        before = state_of(row, now)
        row.unsubscribed_at = now
        _history(session, row, None, before, ConsentState.unsubscribed, now)
    session.commit()
    return read(row, now)


def consent_for_deal(session: Session, actor: Actor, deal_id: int) -> ConsentRead | None:
    """The deal's current subscription request (the newest not replaced), or None. Raises NotFound (a deal the
    actor may not see)."""
    deal = _deal_for(session, actor, deal_id)
    row = session.execute(sa.select(NewsletterConsent).where(
        NewsletterConsent.deal_id == deal.id, NewsletterConsent.replaced_at.is_(None))
        .order_by(NewsletterConsent.id.desc()).limit(1)).scalar_one_or_none()
    return read(row) if row is not None else None


__all__ = ["CONFIRM_DAYS", "SUBSCRIPTION_FIELDS", "ask", "check", "confirm", "consent_for_deal", "peek",
           "request_subscription", "state_of", "unsubscribe"]
