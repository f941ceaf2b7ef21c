"""Partners: tiers and commission rates, and the billing information partners keep current."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session, func, select

from partner_model import bank_details, rules, vat, versioning
from partner_model.access import Actor, audit, check_owns, is_staff, require_role, row_id, write_service
from partner_model.errors import N_, AlreadyExists, Conflict, FieldChecks, NotFound, ValidationError
from partner_model.models import (
    AuditEvent,
    BillingChangeRead,
    BillingInfoChange,
    BillingOption,
    Partner,
    PartnerRead,
    Role,
    Tier,
    User,
    utcnow,
)
from partner_model.versioning import CHANGED_MEANWHILE

BILLING_FIELDS = ("legal_name", "vat_id", "billing_email", "address", "default_billing_option", "iban", "bic",
                  "country")


def read(partner: Partner) -> PartnerRead:
    data = partner.model_dump()
    data["commission_rate"] = rules.rate_from_bp(partner.commission_rate_bp)
    return PartnerRead.model_validate(data)


@write_service
def create_partner(
    session: Session,
    *,
    name: str,
    domain: str,
    commission_rate: Decimal | str | None = None,
    tier: Tier | str | None = None,
    actor: Actor | None = None,
) -> PartnerRead:
    """Create a partner. The rate is a fraction (Decimal('0.20') = 20 %); without one, the tier's rate applies.

    Raises ValidationError (name, domain, commission_rate, tier) and Conflict (domain taken).
    """
    if actor is not None:
        require_role(actor, {Role.admin}, "create partners")
    checks = FieldChecks()  # every bad field at once
    name_text = checks.run(rules.clean_text, name, "name", N_("Partner name"))
    domain_text = checks.run(rules.domain, domain, "domain", N_("Partner domain"))
    tier_value = checks.run(rules.choice, Tier, tier, "tier", N_("Tier")) if tier is not None else Tier.registered
    rate = checks.run(rules.commission_rate, commission_rate) if commission_rate is not None else None
    checks.raise_any()
    partner = new_partner(session, name_text, domain_text, tier_value, rate, actor)
    session.commit()
    return read(partner)


def new_partner(session: Session, name: str, domain: str, tier: Tier, rate: Decimal | None,
                actor: Actor | None) -> Partner:
    """A partner of checked fields added in the caller's transaction (create_partner, an accepted application);
    without a rate the tier's applies; audited when an actor made it. Raises AlreadyExists (domain taken)."""
    rate = rate if rate is not None else rules.TIER_RATES[tier]
    if session.exec(select(Partner.id).where(Partner.domain == domain)).first() is not None:
        raise AlreadyExists("domain", N_("A partner with the domain {domain} already exists."), domain=domain)
    partner = Partner(name=name, domain=domain, tier=tier, commission_rate_bp=rules.rate_to_bp(rate))
    session.add(partner)
    session.flush()
    if actor is not None:
        audit(session, "partner_created", actor_id=actor.id, subject=domain, detail=f"{name}, {rate}")
    return partner


def get_partner(session: Session, actor: Actor, partner_id: int) -> PartnerRead:
    """A partner's details; a partner's users see only their own. Raises NotFound."""
    check_owns(actor, partner_id, "Partner")
    partner = session.get(Partner, row_id(partner_id, "Partner"))
    if partner is None:
        raise NotFound(N_("Partner not found."))
    return read(partner)


def missing_billing() -> Any:
    """The one definition of "without billing information": no legal name, VAT id or billing email."""
    return sa.or_(Partner.legal_name.is_(None), Partner.vat_id.is_(None),  # type: ignore[union-attr]
                  Partner.billing_email.is_(None))  # type: ignore[union-attr]


def partner_names(
    session: Session, actor: Actor, *, search: str | None = None, ids: list[int] | None = None,
    limit: int | None = None, without_billing: bool = False,
) -> dict[int, str]:
    """Partner id -> name by name, for pickers: staff get all, a partner's users their own.

    `search` keeps the partners whose name or domain contains it (any case), `ids` only those partners, and
    `limit` at most that many: a staff picker over thousands of partners asks for what it shows, in SQL;
    `without_billing` those missing billing information (missing_billing). Raises ValidationError (search).
    """
    query = select(Partner.id, Partner.name).order_by(Partner.name, Partner.id)
    if not is_staff(actor):
        query = query.where(Partner.id == actor.partner_id)
    pattern = rules.search_pattern(search)
    if pattern is not None:
        query = query.where(func.lower(Partner.name).like(pattern, escape="\\")
                            | Partner.domain.like(pattern, escape="\\"))
    if ids is not None:
        query = query.where(Partner.id.in_([i for i in ids if isinstance(i, int)]))
    if without_billing:
        query = query.where(missing_billing())
    if limit is not None:
        query = query.limit(rules.count_bound(limit, "limit", N_("Page size")))
    return {row.id: row.name for row in session.exec(query).all()}


def count_partners(session: Session, actor: Actor) -> int:
    """How many partners the actor may see (a partner's users: their own, 1)."""
    if not is_staff(actor):
        return 1
    return int(session.exec(select(func.count()).select_from(Partner)).one())


def list_partners(
    session: Session, actor: Actor, *, search: str | None = None, manager_id: int | None = None, limit: int = 200,
    offset: int = 0, without_manager: bool = False,
) -> tuple[pd.DataFrame, int]:
    """Partners with tier, rate and manager (staff), by name, paged in SQL; `manager_id` keeps that manager's
    partners, `without_manager` those no partner manager looks after (the admin's work inbox links here).

    Columns: PartnerRead's fields and manager_name. Raises PermissionDenied for partner roles.
    """
    require_role(actor, rules.STAFF_ROLES, "list partners")
    limit = rules.count_bound(limit, "limit", N_("Page size"))
    offset = rules.count_bound(offset, "offset", N_("Offset"))
    query = select(Partner)
    if manager_id is not None:
        query = query.where(Partner.manager_id == manager_id)
    if without_manager:
        query = query.where(Partner.manager_id.is_(None))  # type: ignore[union-attr]
    pattern = rules.search_pattern(search)
    if pattern is not None:
        query = query.where(func.lower(Partner.name).like(pattern, escape="\\")
                            | Partner.domain.like(pattern, escape="\\"))
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(Partner.name).limit(limit).offset(offset)).all()
    frame = pd.DataFrame([read(p).model_dump() for p in rows],
                         columns=list(PartnerRead.model_fields))
    managers = {u.id: u.name for u in session.exec(select(User).where(
        User.id.in_({p.manager_id for p in rows if p.manager_id is not None}))).all()}
    frame["manager_name"] = [managers.get(p.manager_id) for p in rows]
    return frame, total


PARTNER_CHANGED = N_("Someone else changed this partner since you opened it ({changes}, by {who} at {time} UTC): "
                    "reload to see it, then make your change again.")


def _stale(session: Session, partner: Partner, expected_version: object) -> None:
    """Conflict naming the newest change (which fields, who, when) when the caller saw an older version."""
    try:
        versioning.check(partner, expected_version)
    except Conflict:
        raise _conflict(session, partner) from None


def _conflict(session: Session, partner: Partner) -> Conflict:
    billing = session.exec(select(BillingInfoChange).where(BillingInfoChange.partner_id == partner.id)
                           .order_by(BillingInfoChange.id.desc()).limit(len(BILLING_FIELDS))).all()
    tier = session.exec(select(AuditEvent).where(AuditEvent.kind == "partner_commission",
                                                 AuditEvent.subject == partner.domain)
                        .order_by(AuditEvent.id.desc()).limit(1)).first()
    newest_billing = billing[0].at if billing else None
    if tier is not None and (newest_billing is None or _utc(tier.at) >= _utc(newest_billing)):
        changes, actor_id, at = N_("tier and commission rate"), tier.actor_id, tier.at
    elif billing:
        fields = sorted({change.field for change in billing if change.at == newest_billing})
        changes, actor_id, at = ", ".join(fields), billing[0].actor_id, newest_billing
    else:
        return Conflict(CHANGED_MEANWHILE)
    who = session.get(User, actor_id).name if actor_id and session.get(User, actor_id) else "—"
    return Conflict(PARTNER_CHANGED, changes=changes, who=who, time=f"{_utc(at):%Y-%m-%d %H:%M}")


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


@write_service
def set_commission(
    session: Session, actor: Actor, partner_id: int, *, tier: Tier | str | None = None,
    commission_rate: Decimal | str | None = None, expected_version: int | None = None,
) -> PartnerRead:
    """Set a partner's tier and/or its commission rate (a fraction: Decimal("0.22") is 22 %). Admin only; audited.

    `tier=None` keeps the tier; a new tier without a rate takes the tier's rate; a rate without a tier overrides
    the rate and keeps the tier. `expected_version` is the PartnerRead.version the admin saw.
    Raises PermissionDenied, NotFound, ValidationError (tier, commission_rate; neither given), Conflict (stale).
    """
    require_role(actor, {Role.admin}, "change commission rates")
    partner = session.get(Partner, row_id(partner_id, "Partner"))
    if partner is None:
        raise NotFound(N_("Partner not found."))
    if tier is None and commission_rate is None:
        raise ValidationError("tier", N_("Choose a tier or a commission rate to change."))
    tier_value = rules.choice(Tier, tier, "tier", N_("Tier")) if tier is not None else partner.tier
    if commission_rate is not None:
        rate = rules.commission_rate(commission_rate)
    elif tier_value != partner.tier:
        rate = rules.TIER_RATES[tier_value]
    else:
        rate = rules.rate_from_bp(partner.commission_rate_bp)
    _stale(session, partner, expected_version)
    before = f"{partner.tier.value} {rules.rate_from_bp(partner.commission_rate_bp)}"
    if (tier_value, rules.rate_to_bp(rate)) != (partner.tier, partner.commission_rate_bp):
        partner.tier, partner.commission_rate_bp = tier_value, rules.rate_to_bp(rate)
        versioning.claim(session, partner)
        audit(session, "partner_commission", actor_id=actor.id, subject=partner.domain,
              detail=f"{before} -> {tier_value.value} {rate}")
    session.commit()
    return read(partner)


def _billing_email(value: object) -> str:
    return rules.email(value, "billing_email", N_("Billing email"))[0]


def _default_option(option: object) -> BillingOption | None:
    if option in (None, ""):
        return None
    return rules.choice(BillingOption, option, "default_billing_option", N_("Default billing option"))


BILLING_CHECKS = {
    "legal_name": lambda v: rules.clean_text(v, "legal_name", N_("Legal name")),
    "vat_id": vat.vat_id,
    "billing_email": _billing_email,
    "address": lambda v: rules.clean_text(v, "address", N_("Address"), max_length=500),
    "default_billing_option": _default_option,
    "iban": bank_details.iban,
    "bic": bank_details.bic,
    "country": bank_details.country,
}


def _billing_values(fields: dict[str, object]) -> dict[str, object]:
    """Validated billing information; every bad field is reported at once (ValidationError.errors)."""
    checks = FieldChecks()
    values = {field: checks.run(BILLING_CHECKS[field], value) for field, value in fields.items()}
    checks.raise_any()
    return values


@write_service
def update_billing_info(
    session: Session, actor: Actor, partner_id: int, *, expected_version: int | None = None, **fields: object
) -> PartnerRead:
    """Update legal name, VAT id, billing email, address, default billing option and bank details (IBAN, BIC,
    country: bank_details); each change is recorded.

    Only the fields given change (a form sends the ones its user changed). `expected_version` is the
    PartnerRead.version the form was filled from: when someone saved meanwhile, nothing is written.
    The partner's admins and vendor admins may change it.
    Raises PermissionDenied, NotFound, ValidationError (the field), Conflict (stale version).
    """
    unknown = set(fields) - set(BILLING_FIELDS)
    if unknown:
        raise ValidationError(min(unknown), N_("Unknown billing field: {name}."), name=min(unknown))
    require_role(actor, {Role.partner_admin, Role.admin}, "change billing information")
    check_owns(actor, partner_id, "Partner")
    partner = session.get(Partner, row_id(partner_id, "Partner"))
    if partner is None:
        raise NotFound(N_("Partner not found."))
    values = _billing_values(fields)
    _stale(session, partner, expected_version)
    now = utcnow()
    changed = False
    for field, new in values.items():
        old = getattr(partner, field)
        if old != new:
            session.add(BillingInfoChange(
                partner_id=partner.id, actor_id=actor.id, at=now, field=field,
                from_value=_text(old), to_value=_text(new)))
            setattr(partner, field, new)
            changed = True
    if changed:
        versioning.claim(session, partner)
    session.commit()
    return read(partner)


def _text(value: object) -> str | None:
    return None if value is None else str(getattr(value, "value", value))


def billing_history(session: Session, actor: Actor, partner_id: int) -> list[BillingChangeRead]:
    """Billing-information changes, newest first. The partner's own users and staff may read them."""
    check_owns(actor, partner_id, "Partner")
    query = select(BillingInfoChange).where(BillingInfoChange.partner_id == partner_id)
    rows = session.exec(query.order_by(BillingInfoChange.id.desc())).all()
    return [BillingChangeRead.model_validate(r, from_attributes=True) for r in rows]


@write_service
def set_manager(
    session: Session, actor: Actor, partner_id: int, manager_id: int | None, *, expected_version: int | None = None
) -> PartnerRead:
    """Name the partner manager who looks after a partner (None: nobody). Admin only; audited.

    The manager must be an active user with role partner_manager.
    Raises PermissionDenied, NotFound, ValidationError (manager_id), Conflict (stale version).
    """
    require_role(actor, {Role.admin}, "change partner managers")
    partner = session.get(Partner, row_id(partner_id, "Partner"))
    if partner is None:
        raise NotFound(N_("Partner not found."))
    if manager_id is not None:
        manager = session.get(User, row_id(manager_id, "User")) if isinstance(manager_id, int) else None
        if manager is None or not manager.active or manager.role != Role.partner_manager:
            raise ValidationError("manager_id", N_("Choose an active partner manager."))
    _stale(session, partner, expected_version)
    if partner.manager_id != manager_id:
        before = partner.manager_id
        partner.manager_id = manager_id
        versioning.claim(session, partner)
        audit(session, "partner_manager", actor_id=actor.id, subject=partner.domain, detail=f"{before} -> {manager_id}")
    session.commit()
    return read(partner)


def managers(session: Session, actor: Actor) -> dict[int, str]:
    """Active partner managers, id -> name by name (the admin's picker). Staff only."""
    require_role(actor, rules.STAFF_ROLES, "list partners")
    rows = session.exec(select(User.id, User.name).where(User.role == Role.partner_manager, User.active)
                        .order_by(User.name)).all()
    return {row.id: row.name for row in rows}
