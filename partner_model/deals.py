"""Deal registration, review, stage moves, notes and history. Every change writes a deal event.

The read side (board, review queue, review hints, pipeline) lives in deal_queries and is re-exported here.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlmodel import Session, select

from partner_model import commissions, customers, rules, versioning
from partner_model.access import Actor, check_owns, is_staff, require_role, scope_partner, write_service
from partner_model.deal_queries import (  # noqa: F401  (part of the deals API)
    BoardColumn,
    board,
    review_hints,
    review_queue,
)
from partner_model.errors import N_, Conflict, NotFound, ValidationError
from partner_model.models import (
    BillingOption,
    Customer,
    Deal,
    DealEvent,
    DealNote,
    DealRead,
    DenialReason,
    EventRead,
    NoteRead,
    Partner,
    ReviewStatus,
    Role,
    Stage,
    User,
    utcnow,
)

REGISTER_ROLES = {Role.partner_user, Role.partner_admin, Role.partner_manager, Role.admin}
MOVE_ROLES = REGISTER_ROLES
DEFAULT_FRAMEWORK = rules.FRAMEWORKS[0]
# One whole sentence per review status a deal can already have (the status is not a word glued in).
ALREADY_REVIEWED: dict[ReviewStatus, str] = {
    ReviewStatus.accepted: N_("This deal was already reviewed: it is accepted."),
    ReviewStatus.denied: N_("This deal was already reviewed: it is denied."),
}


def read(deal: Deal) -> DealRead:
    data = deal.model_dump()
    data["value"] = rules.from_cents(deal.value_cents)
    return DealRead.model_validate(data)


def _today(today: dt.date | None) -> dt.date:
    return today or dt.date.today()


def _now(today: dt.date | None) -> dt.datetime:
    """The current instant, moved onto `today` when a test or import gives one."""
    now = utcnow()
    return now if today is None else dt.datetime.combine(today, now.timetz())


def _event(session: Session, deal: Deal, actor: Actor, kind: str, from_value: object, to_value: object,
           at: dt.datetime) -> None:
    def text(value: object) -> str | None:
        return None if value is None else str(getattr(value, "value", value))[:2000]

    session.add(DealEvent(deal_id=deal.id, actor_id=actor.id, at=at, kind=kind,
                          from_value=text(from_value), to_value=text(to_value)))


def _note(session: Session, deal: Deal, actor: Actor, body: str, at: dt.datetime) -> DealNote:
    note = DealNote(deal_id=deal.id, author_id=actor.id, at=at, body=body)
    session.add(note)
    _event(session, deal, actor, "note", None, body[:200], at)
    return note


def _deal_for(session: Session, actor: Actor, deal_id: int, expected_version: int | None = None) -> Deal:
    deal = session.get(Deal, deal_id, populate_existing=True)  # fresh, not what this session saw earlier
    if deal is None:
        raise NotFound(N_("Deal not found."))
    check_owns(actor, deal.partner_id, "Deal")
    if expected_version is not None and deal.version != expected_version:
        raise Conflict(versioning.CHANGED_MEANWHILE)
    return deal


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
    today: dt.date | None = None,
) -> DealRead:
    """Register a deal for the actor's partner (staff name the partner); it is pending until reviewed.

    The customer's email domain identifies the customer. Refused with nothing written, as a ValidationError
    naming the field: a blank contact or company, an invalid email, the partner's own email domain or name,
    a negative, non-numeric or sub-cent value, an unknown currency. PermissionDenied for finance.
    """
    partner = _registering_partner(session, actor, partner_id)
    name = rules.clean_text(contact_name, "contact_name", N_("Contact name"))
    address, domain = rules.email(contact_email, "contact_email", N_("Contact email"))
    company = rules.clean_text(company_name, "company_name", N_("Company name"))
    value = rules.money(annual_value, "annual_value", N_("Expected annual value"))
    currency_code = rules.currency(currency)
    framework_text = rules.framework(framework)
    # TRANSLATORS: a noun, the name of a form field (a note written on a deal), as in "Note is required."
    note_text = rules.clean_text(note, "note", N_("Note"), required=False, max_length=2000)
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
    session.commit()
    return read(deal)


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

    Raises PermissionDenied (not a partner manager or admin), NotFound, ValidationError (reason, note),
    Conflict (already reviewed, or changed since `expected_version`).
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
    deal.review_status = ReviewStatus.accepted if accept else ReviewStatus.denied
    deal.denial_reason = denial
    deal.reviewed_by, deal.reviewed_at = actor.id, now
    if accept:
        deal.protected_until = day + dt.timedelta(days=rules.PROTECTION_DAYS)
    versioning.claim(session, deal)
    outcome = deal.review_status.value if accept else f"{deal.review_status.value}: {denial.value}"
    _event(session, deal, actor, "reviewed", ReviewStatus.pending.value, outcome, now)
    if note_text:
        _note(session, deal, actor, note_text, now)
    session.flush()
    return read(deal)


@write_service
def accept_many(
    session: Session, actor: Actor, deal_ids: list[int], *, today: dt.date | None = None
) -> list[DealRead]:
    """Accept several pending deals at once, all or none (the queue's "accept all without hints").

    Raises what review_deal raises for the first deal that cannot be accepted; then nothing is written.
    """
    require_role(actor, rules.REVIEWER_ROLES, "review deals")
    accepted = [_review(session, actor, deal_id, accept=True, reason=None, note=None, expected_version=None,
                        today=today) for deal_id in deal_ids]
    session.commit()
    return accepted


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


# --- moves --------------------------------------------------------------------------------------


def _account_for(session: Session, deal: Deal, today: dt.date) -> Customer:
    """The deal's customer account: linked, found by domain (the same partner's), or created as a trial now."""
    customer = session.get(Customer, deal.customer_id) if deal.customer_id else None
    if customer is None:
        customer = session.exec(select(Customer).where(Customer.domain == deal.customer_domain)).first()
    if customer is None:
        return customers.new_trial(session, partner_id=deal.partner_id, company_name=deal.company_name,
                                   domain=deal.customer_domain, framework=deal.framework or DEFAULT_FRAMEWORK,
                                   today=today)
    if customer.partner_id not in (None, deal.partner_id):
        raise ValidationError("stage", N_("{domain} already has an account with another partner."),
                              domain=deal.customer_domain)
    customer.partner_id = deal.partner_id
    return customer


def _apply_stage(session: Session, deal: Deal, target: Stage, today: dt.date) -> None:
    if deal.stage == Stage.closed_won:  # reopened: the subscription this deal started is undone
        customer = session.get(Customer, deal.customer_id) if deal.customer_id else None
        if customer is not None and customer.subscription_started_on == deal.won_on:
            customer.subscription_started_on = customer.renewal_on = customer.annual_value_cents = None
        deal.won_on = None
    if deal.stage == Stage.closed_lost:
        deal.lost_on = None
    if target == Stage.trial:
        deal.customer_id = _account_for(session, deal, today).id
    elif target == Stage.closed_won:
        customer = _account_for(session, deal, today)
        deal.customer_id = customer.id
        customer.subscription_started_on = today
        customer.renewal_on = rules.renewal_after(today, today + dt.timedelta(days=1))
        customer.annual_value_cents, customer.currency = deal.value_cents, deal.currency
        customer.billing_option = deal.billing_option
        deal.won_on = today
    elif target == Stage.closed_lost:
        deal.lost_on = today
    deal.stage = target
    if deal.customer_id is not None:
        customers.rederive(session, deal.customer_id)


@write_service
def move_deal(
    session: Session,
    actor: Actor,
    deal_id: int,
    *,
    stage: Stage | str,
    billing_option: BillingOption | str | None = None,
    note: str | None = None,
    expected_version: int | None = None,
    today: dt.date | None = None,
) -> DealRead:
    """Move a deal to another stage; its partner's users and partner managers/admins may.

    Closed won needs an accepted deal and a billing option; Closed lost needs a note; Trial links the customer's
    trial account or creates one; denied deals do not move; only staff reopen closed deals.
    Raises PermissionDenied, NotFound, ValidationError (stage, billing_option, note, review_status), Conflict.
    """
    require_role(actor, MOVE_ROLES, "move deals")
    target = rules.choice(Stage, stage, "stage", N_("Stage"))
    option = rules.choice(BillingOption, billing_option, "billing_option", N_("Billing option")) if billing_option \
        else None
    note_text = rules.clean_text(note, "note", N_("Note"), required=False, max_length=2000)
    deal = _deal_for(session, actor, deal_id, expected_version)
    rules.check_move(current=deal.stage, target=target, review_status=deal.review_status,
                     billing_option=option or deal.billing_option, note=note_text, is_staff=is_staff(actor))
    now, day = _now(today), _today(today)
    previous = deal.stage
    if option is not None and option != deal.billing_option:
        _event(session, deal, actor, "billing", deal.billing_option, option, now)
        deal.billing_option = option
    _apply_stage(session, deal, target, day)
    deal.stage_entered_at = now
    versioning.claim(session, deal)
    _event(session, deal, actor, "moved", previous, target, now)
    if note_text:
        _note(session, deal, actor, note_text, now)
    commissions.sync_deal(session, deal, day)
    session.commit()
    return read(deal)


@write_service
def set_billing_option(
    session: Session, actor: Actor, deal_id: int, billing_option: BillingOption | str, *,
    expected_version: int | None = None, today: dt.date | None = None,
) -> DealRead:
    """Change how a deal is billed (its partner, partner managers, finance, admins); a won deal's commission
    follows (approved weeks are adjusted, not rewritten).

    Raises PermissionDenied, NotFound, ValidationError (billing_option, review_status), Conflict.
    """
    require_role(actor, MOVE_ROLES | {Role.finance}, "change billing options")  # finance fixes how won deals bill
    option = rules.choice(BillingOption, billing_option, "billing_option", N_("Billing option"))
    deal = _deal_for(session, actor, deal_id, expected_version)
    if deal.review_status == ReviewStatus.denied:
        raise ValidationError("review_status", N_("A denied deal cannot be changed."))
    if deal.stage in rules.CLOSED_STAGES and not is_staff(actor):
        raise ValidationError("stage", N_("Only vendor staff can change a closed deal."))
    if option != deal.billing_option:
        now = _now(today)
        _event(session, deal, actor, "billing", deal.billing_option, option, now)
        deal.billing_option = option
        if deal.stage == Stage.closed_won and deal.customer_id:
            session.get(Customer, deal.customer_id).billing_option = option
        versioning.claim(session, deal)
        commissions.sync_deal(session, deal, _today(today))
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
