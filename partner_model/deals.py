"""Deal registration, review, notes and history. Every change writes a deal event.

Moves and billing live in deal_moves, the read side (board, review queue, hints) in deal_queries; both are
re-exported here.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlmodel import Session, select

from partner_model import notifications, registrations, rules, versioning
from partner_model.access import Actor, is_staff, require_role, scope_partner, write_service
from partner_model.deal_moves import (  # noqa: F401  (part of the deals API)
    DEFAULT_FRAMEWORK,
    MOVE_ROLES,
    REGISTER_ROLES,
    move_deal,
    set_billing_option,
    set_value,
)
from partner_model.deal_queries import (  # noqa: F401  (part of the deals API)
    BoardColumn,
    board,
    hint_details,
    registration_warnings,
    review_hints,
    review_queue,
)
from partner_model.deal_records import _deal_for, _event, _note, _now, _today, read  # noqa: F401
from partner_model.errors import N_, Conflict, FieldChecks, NotFound, ValidationError
from partner_model.models import (
    Deal,
    DealEvent,
    DealNote,
    DealRead,
    DenialReason,
    EventRead,
    NoteRead,
    Partner,
    ReviewStatus,
    Stage,
    User,
)
from partner_model.won_confirmations import (  # noqa: F401  (part of the deals API)
    answer_won_question,
    confirm_won_deal,
    send_back_won_deal,
    won_deals_to_confirm,
)

# One whole sentence per review status a deal can already have (the status is not a word glued in).
ALREADY_REVIEWED: dict[ReviewStatus, str] = {
    ReviewStatus.accepted: N_("This deal was already reviewed: it is accepted."),
    ReviewStatus.denied: N_("This deal was already reviewed: it is denied."),
}


# --- registration ---------------------------------------------------------------------------


def _registering_partner(session: Session, actor: Actor, partner_id: int | None) -> Partner:
    require_role(actor, REGISTER_ROLES, "register deals")
    if is_staff(actor) and partner_id is None:
        raise ValidationError("partner_id", N_("Choose the partner you register this deal for."))
    partner = session.get(Partner, scope_partner(actor, partner_id))
    if partner is None:
        raise ValidationError("partner_id", N_("That partner does not exist."))
    return partner


def _refuse_own(actor: Actor, partner: Partner, contact_name: str, company: str, domain: str) -> None:
    """Partners register the customer's contact, never their own name or email domain."""
    own_domains = [partner.domain]
    if not is_staff(actor):
        own_domains.append(actor.email.rsplit("@", 1)[-1])
    if any(rules.same_domain(domain, own) for own in own_domains):
        raise ValidationError("contact_email", N_("{domain} is the partner's own email domain: "
                                                  "register the customer's contact email, not your own."),
                              domain=domain)
    if rules.same_name(company, partner.name):
        raise ValidationError("company_name", N_("That is the partner's own name: enter the customer's company."))
    if not is_staff(actor) and rules.same_name(contact_name, actor.name):
        raise ValidationError("contact_name", N_("That is your own name: enter the customer's contact person."))


@write_service
def register_deal(
    session: Session,
    actor: Actor,
    *,
    contact_name: str,
    contact_email: str,
    company_name: str,
    annual_value: Decimal | int | str,
    currency: str = "EUR",
    framework: str | None = None,
    note: str | None = None,
    partner_id: int | None = None,
    customer_domain: str | None = None,
    today: dt.date | None = None,
) -> DealRead:
    """Register a deal for the actor's partner (staff name the partner); it is pending until reviewed.

    The customer's company domain identifies the customer: the contact email's domain, or `customer_domain`
    (required when the email is at a free-mail domain such as gmail.com, which never identifies a customer).
    Refused with nothing written, as a ValidationError naming the field: a blank contact or company, an invalid
    email, a free-mail email without a customer domain, a free-mail customer domain, the partner's own email
    domain or name, a negative, non-numeric or sub-cent value, an unknown currency. PermissionDenied for finance.
    """
    require_role(actor, REGISTER_ROLES, "register deals")
    checks = FieldChecks()  # every bad field is reported at once (error.errors), the first as error.field
    partner = checks.run(_registering_partner, session, actor, partner_id)
    name = checks.run(rules.clean_text, contact_name, "contact_name", N_("Contact name"))
    address, domain = checks.run(rules.email, contact_email, "contact_email", N_("Contact email")) or (None, None)
    if domain is not None:
        domain = checks.run(_customer_domain, domain, customer_domain)
    company = checks.run(rules.clean_text, company_name, "company_name", N_("Company name"))
    value = checks.run(rules.money, annual_value, "annual_value", N_("Expected annual value"))
    currency_code = checks.run(rules.currency, currency)
    framework_text = checks.run(rules.framework, framework)
    # TRANSLATORS: a noun, the name of a form field (a note written on a deal), as in "Note is required."
    note_text = checks.run(rules.clean_text, note, "note", N_("Note"), required=False, max_length=2000)
    checks.raise_any()
    _refuse_own(actor, partner, name, company, domain)  # type: ignore[arg-type]
    now = _now(today)
    deal = Deal(
        partner_id=partner.id, registered_by=actor.id, contact_name=name, contact_email=address,
        company_name=company, customer_domain=domain, value_cents=rules.to_cents(value), currency=currency_code,
        framework=framework_text, created_at=now, stage_entered_at=now,
    )
    session.add(deal)
    session.flush()
    _event(session, deal, actor, "registered", None, f"{Stage.new.value} / {ReviewStatus.pending.value}", now)
    if note_text:
        _note(session, deal, actor, note_text, now)
    notifications.notify(session, "registration_submitted", notifications.manager_of(session, partner.id),
                         page="review_queue", link=f"deal={deal.id}", company=company, partner=partner.name,
                         domain=domain)
    session.commit()
    return read(deal)


def _customer_domain(email_domain: str, customer_domain: object) -> str:
    """The customer's company domain: the one given, else the email's unless that is free mail."""
    if customer_domain is None or rules.is_blank(customer_domain):
        if rules.is_free_mail(email_domain):
            raise ValidationError("customer_domain", N_("{domain} is a free-mail domain: enter the customer's "
                                                        "company domain, e.g. customer.com."), domain=email_domain)
        return email_domain
    given = rules.domain(customer_domain, "customer_domain", N_("Customer domain"))
    if rules.is_free_mail(given):
        raise ValidationError("customer_domain", N_("{domain} is a free-mail domain, not a company's."),
                              domain=given)
    return given


# --- review -----------------------------------------------------------------------------------


@write_service
def review_deal(
    session: Session,
    actor: Actor,
    deal_id: int,
    *,
    accept: bool,
    reason: DenialReason | str | None = None,
    note: str | None = None,
    expected_version: int | None = None,
    today: dt.date | None = None,
) -> DealRead:
    """Staff accept a pending deal (its registration is then protected for 90 days) or deny it with a reason.

    One protected registration per customer: accepting while another partner holds an accepted, unexpired
    registration for the same customer domain (or one it is a subdomain of) raises Conflict naming it.
    Raises PermissionDenied (not a partner manager or admin), NotFound, ValidationError (accept not a bool,
    reason, note), Conflict (already reviewed, changed since `expected_version`, protected for another partner).
    """
    require_role(actor, rules.REVIEWER_ROLES, "review deals")
    deal = _review(session, actor, deal_id, accept=accept, reason=reason, note=note,
                   expected_version=expected_version, today=today)
    session.commit()
    return deal


def _review(
    session: Session, actor: Actor, deal_id: int, *, accept: bool, reason: DenialReason | str | None,
    note: str | None, expected_version: int | None, today: dt.date | None,
) -> DealRead:
    if not isinstance(accept, bool):
        raise ValidationError("accept", N_("Accept must be true or false."))
    deal = _deal_for(session, actor, deal_id)
    if accept:  # decided alone: of two reviewers racing on one customer, exactly one accepts
        registrations.lock_customer(session, deal.customer_domain)
        deal = _deal_for(session, actor, deal_id)
    if deal.review_status != ReviewStatus.pending:  # said first: it is why the version moved on
        raise Conflict(ALREADY_REVIEWED[deal.review_status])
    if expected_version is not None and deal.version != expected_version:
        raise Conflict(versioning.CHANGED_MEANWHILE)
    denial = None if accept else rules.choice(DenialReason, reason, "reason", N_("Denial reason")) if reason else None
    if not accept and denial is None:
        raise ValidationError("reason", N_("Choose why the deal is denied."))
    note_text = rules.clean_text(note, "note", N_("Note"), required=False, max_length=2000)
    now, day = _now(today), _today(today)
    if accept:
        registrations.refuse_if_held(session, deal, day)
    versioning.claim(session, deal)  # before any change: a lost race leaves nothing to roll back
    deal.review_status = ReviewStatus.accepted if accept else ReviewStatus.denied
    deal.denial_reason = denial
    deal.reviewed_by, deal.reviewed_at = actor.id, now
    if accept:
        deal.protected_until = day + dt.timedelta(days=rules.PROTECTION_DAYS)
    outcome = deal.review_status.value if accept else f"{deal.review_status.value}: {denial.value}"
    _event(session, deal, actor, "reviewed", ReviewStatus.pending.value, outcome, now)
    if note_text:
        _note(session, deal, actor, note_text, now)
    recipients = notifications.partner_users(session, deal.partner_id)
    if accept:
        notifications.notify(session, "registration_accepted", recipients, page="deal_board", link=f"deal={deal.id}",
                             company=deal.company_name, domain=deal.customer_domain, until=deal.protected_until)
    else:
        notifications.notify(session, "registration_denied", recipients, page="deal_board", link=f"deal={deal.id}",
                             company=deal.company_name, domain=deal.customer_domain, reason=denial.value,
                             note=note_text or "")
    session.flush()
    return read(deal)


class AcceptedDeals(list):  # type: ignore[type-arg]
    """The deals accept_many accepted (a list of DealRead), with `skipped`: (deal_id, why) for the others."""

    def __init__(self) -> None:
        super().__init__()
        self.skipped: list[tuple[int, str]] = []


@write_service
def accept_many(
    session: Session, actor: Actor, deal_ids: list[int], *, today: dt.date | None = None
) -> AcceptedDeals:
    """Accept the deals that are still pending and have no review hint now (the queue's "accept all without
    hints"), re-checking each at the moment it is accepted; the others are skipped and reported in `skipped`
    (deal id, the hint code or the reason: "reviewed", "changed", "not_found", "protected").

    Raises PermissionDenied. Whatever was accepted is written in one commit.
    """
    require_role(actor, rules.REVIEWER_ROLES, "review deals")
    day = _today(today)
    result = AcceptedDeals()
    for deal_id in deal_ids:
        try:
            deal = _deal_for(session, actor, deal_id)
            registrations.lock_customer(session, deal.customer_domain)
            hints = review_hints(session, actor, deal.id, today=day)
            if hints:
                result.skipped.append((deal.id, hints[0]))
                continue
            result.append(_review(session, actor, deal.id, accept=True, reason=None, note=None,
                                  expected_version=None, today=today))
        except NotFound:
            result.skipped.append((deal_id, "not_found"))
        except Conflict as conflict:
            reason = "protected" if conflict.template == registrations.HELD_BY_OTHER else "reviewed"
            result.skipped.append((deal_id, reason))
    session.commit()
    return result


@write_service
def extend_protection(session: Session, actor: Actor, deal_id: int, *, today: dt.date | None = None) -> DealRead:
    """Staff extend an accepted registration's protection once, by 60 days.

    Raises PermissionDenied, NotFound, ValidationError (not accepted), Conflict (already extended).
    """
    require_role(actor, rules.REVIEWER_ROLES, "extend registration protection")
    deal = _deal_for(session, actor, deal_id)
    if deal.review_status != ReviewStatus.accepted or deal.protected_until is None:
        raise ValidationError("review_status", N_("Only an accepted registration is protected."))
    if deal.protection_extended:
        raise Conflict(N_("This registration's protection was already extended once."))
    before = deal.protected_until
    deal.protected_until = max(before, _today(today)) + dt.timedelta(days=rules.PROTECTION_EXTENSION_DAYS)
    deal.protection_extended = True
    versioning.claim(session, deal)
    _event(session, deal, actor, "protection", before.isoformat(), deal.protected_until.isoformat(), _now(today))
    session.commit()
    return read(deal)


# --- notes and history ---------------------------------------------------------------------------


@write_service
def add_note(session: Session, actor: Actor, deal_id: int, body: str, *, today: dt.date | None = None) -> NoteRead:
    """Add a note to a deal card (its partner's users and staff). Raises NotFound, ValidationError (body)."""
    text = rules.clean_text(body, "body", N_("Note"), max_length=2000)
    deal = _deal_for(session, actor, deal_id)
    note = _note(session, deal, actor, text, _now(today))  # type: ignore[arg-type]
    session.commit()
    return NoteRead.model_validate(note, from_attributes=True)


def get_deal(session: Session, actor: Actor, deal_id: int) -> DealRead:
    """A deal the actor may see. Raises NotFound (also for another partner's deal)."""
    return read(_deal_for(session, actor, deal_id))


def notes(session: Session, actor: Actor, deal_id: int) -> list[NoteRead]:
    """A deal's notes, oldest first, with their authors' ids."""
    _deal_for(session, actor, deal_id)
    rows = session.exec(select(DealNote).where(DealNote.deal_id == deal_id).order_by(DealNote.at, DealNote.id))
    return [NoteRead.model_validate(n, from_attributes=True) for n in rows.all()]


def history(session: Session, actor: Actor, deal_id: int) -> list[EventRead]:
    """A deal's history, oldest first: registration, review, moves, notes and billing changes."""
    _deal_for(session, actor, deal_id)
    rows = session.exec(select(DealEvent).where(DealEvent.deal_id == deal_id).order_by(DealEvent.at, DealEvent.id))
    return [EventRead.model_validate(e, from_attributes=True) for e in rows.all()]


def user_names(session: Session, user_ids: set[int]) -> dict[int, str]:
    """Names of the authors and actors shown beside notes and history."""
    if not user_ids:
        return {}
    rows = session.exec(select(User.id, User.name).where(User.id.in_(sorted(user_ids)))).all()
    return {row.id: row.name for row in rows}
