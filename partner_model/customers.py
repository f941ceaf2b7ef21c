"""Customer accounts, the write side: trials, extensions, attention items and activities.

The overview and every other read live in customer_queries, the derived per-day values in customer_derived;
both are re-exported here, so `customers.customer_overview` stays the one name callers use.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, select

from partner_model import clock, identity, notifications, registrations, rules, versioning, webhook
from partner_model.access import Actor, audit, is_staff, require_role, row_id, scope_partner, write_service
from partner_model.customer_derived import (  # noqa: F401  (part of the customers API)
    ACTIVITY_COUNTS_KEY,
    DERIVED_KEY,
    attention_expr,
    next_renewal,
    recount_activities,
    rederive,
    rederive_many,
    refresh_activity_counts,
    refresh_day_caches,
    refresh_derived,
    renewal_due_expr,
    state_expr,
)
from partner_model.customer_queries import (  # noqa: F401  (part of the customers API)
    ATTENTION_COLUMNS,
    OVERVIEW_COLUMNS,
    _customer_for,
    accounts_by_state_and_framework,
    activity_by_day,
    attention,
    customer_deals,
    customer_overview,
    extension_requests,
    get_customer,
    overview_metrics,
    read,
)
from partner_model.errors import N_, AlreadyExists, Conflict, FieldChecks, NotFound, ValidationError
from partner_model.models import (
    AccountState,
    ActivityEvent,
    AppState,
    AttentionItem,
    Customer,
    CustomerRead,
    Deal,
    DealEvent,
    Partner,
    Role,
)


def _today(today: dt.date | None) -> dt.date:
    return today or clock.today()


@write_service
def record_activity(session: Session, customer_id: int, *, occurred_on: dt.date, kind: str = "task") -> None:
    """Store one activity of a customer's users (imports call this) and keep the account's counters right."""
    customer = session.get(Customer, row_id(customer_id, "Customer"))
    if customer is None:
        raise NotFound(N_("Customer not found."))
    kind_text = rules.clean_text(kind, "kind", N_("Activity kind"), max_length=40)
    session.add(ActivityEvent(customer_id=customer_id, occurred_on=occurred_on, kind=kind_text))
    if customer.last_activity_on is None or occurred_on > customer.last_activity_on:
        customer.last_activity_on = occurred_on
    counted_on = session.get(AppState, ACTIVITY_COUNTS_KEY)
    if counted_on is not None:
        day = dt.date.fromisoformat(counted_on.value)
        if day - dt.timedelta(days=rules.ACTIVITY_WINDOW_DAYS) < occurred_on <= day:
            customer.activities_90d += 1
    rederive(session, customer_id)
    session.commit()


@write_service
def add_attention_item(
    session: Session, actor: Actor, customer_id: int, *, kind: str, detail: str = "", today: dt.date | None = None
) -> int:
    """Open an attention item on an account (staff, or the account's partner). Returns its id."""
    customer = _customer_for(session, actor, customer_id)
    # TRANSLATORS: the name of a form field: the kind of an attention item (e.g. overdue tasks).
    kind_text = rules.clean_text(kind, "kind", N_("Kind"), max_length=40)
    detail_text = rules.clean_text(detail, "detail", N_("Detail"), required=False, max_length=500) or ""
    item = AttentionItem(customer_id=customer_id, kind=kind_text, detail=detail_text, opened_on=_today(today))
    session.add(item)
    customer.open_attention_items += 1
    rederive(session, customer_id)
    session.commit()
    return item.id  # type: ignore[return-value]


@write_service
def resolve_attention_item(session: Session, actor: Actor, item_id: int, *, today: dt.date | None = None) -> None:
    """Close a stored attention item. Raises NotFound, Conflict (already resolved)."""
    item = session.get(AttentionItem, row_id(item_id, "Attention item"))
    if item is None:
        raise NotFound(N_("Attention item not found."))
    customer = _customer_for(session, actor, item.customer_id)
    if item.resolved_on is not None:
        raise Conflict(N_("This item was already resolved."))
    item.resolved_on = _today(today)
    customer.open_attention_items = max(0, customer.open_attention_items - 1)
    rederive(session, customer.id)
    session.commit()


def new_trial(
    session: Session, *, partner_id: int, company_name: object, domain: object, framework: object,
    today: dt.date, field_prefix: str = "",
) -> Customer:
    """Validate and add a 14-day trial account for a partner; the caller commits. Deals use this too."""
    checks = FieldChecks()  # every bad field at once
    name = checks.run(rules.clean_text, company_name, f"{field_prefix}company_name", N_("Company name"))
    domain_text = checks.run(rules.domain, domain, f"{field_prefix}domain", N_("Domain"))
    framework_text = checks.run(rules.framework, framework, f"{field_prefix}framework", required=True)
    checks.raise_any()
    partner = session.get(Partner, partner_id)
    if partner is None:
        raise ValidationError("partner_id", N_("That partner does not exist."))
    if rules.same_domain(domain_text, partner.domain):
        raise ValidationError(f"{field_prefix}domain", N_("Use the customer's domain, not your own."))
    if rules.is_free_mail(domain_text):
        raise ValidationError(f"{field_prefix}domain", N_("{domain} is a free-mail domain, not a company's."),
                              domain=domain_text)
    existing = session.exec(select(Customer.domain).where(Customer.domain.in_(
        identity.parent_domains(domain_text)))).first()
    if existing is not None:  # the domain, or a domain it is a subdomain of: one customer
        raise AlreadyExists(f"{field_prefix}domain", N_("The domain {domain} already has a customer account."),
                            domain=existing)
    if registrations.holder(session, domain_text, partner_id, today) is not None:
        raise AlreadyExists(f"{field_prefix}domain", N_("{domain} is protected for another partner's accepted "
                                                        "registration."), domain=domain_text)
    customer = Customer(
        name=name, domain=domain_text, partner_id=partner_id, framework=framework_text,
        trial_started_on=today, trial_ends_on=rules.trial_end(today),
    )
    session.add(customer)
    session.flush()
    rederive(session, customer.id)
    return customer


@write_service
def create_trial(
    session: Session,
    actor: Actor,
    *,
    company_name: str,
    domain: str,
    framework: str,
    partner_id: int | None = None,
    today: dt.date | None = None,
) -> CustomerRead:
    """Start a 14-day trial for a customer, linked to the partner (a partner's own; staff name the partner).

    Raises PermissionDenied, ValidationError (company_name, domain, framework, partner_id) and AlreadyExists
    (the domain already has an account).
    """
    require_role(actor, {Role.partner_user, Role.partner_admin, Role.partner_manager, Role.admin}, "create trials")
    if is_staff(actor):
        if partner_id is None:
            raise ValidationError("partner_id", N_("Choose the partner the trial belongs to."))
    else:
        partner_id = scope_partner(actor, partner_id)
    today = _today(today)
    customer = new_trial(session, partner_id=partner_id, company_name=company_name, domain=domain,  # type: ignore[arg-type]
                         framework=framework, today=today)
    webhook.queue(session, "trial.created", customer)  # the product creates the real trial
    session.commit()
    return read(customer, today)


@write_service
def request_extension(
    session: Session, actor: Actor, customer_id: int, *, expected_version: int | None = None,
    today: dt.date | None = None,
) -> CustomerRead:
    """A partner asks for the 30-day trial extension of one of its trial accounts.

    `expected_version` is the CustomerRead.version the partner saw. Raises NotFound, PermissionDenied,
    ValidationError (not in trial), Conflict (already asked or granted, or the account changed meanwhile).
    """
    require_role(actor, {Role.partner_user, Role.partner_admin}, "request trial extensions")
    today = _today(today)
    customer = _customer_for(session, actor, customer_id)
    if rules.account_state(customer.trial_ends_on, customer.subscription_started_on, today) != AccountState.trial:
        raise ValidationError("state", N_("Only a running trial can be extended."))
    if customer.extension_granted_on is not None:
        raise Conflict(N_("This trial was already extended once."))
    if customer.extension_requested_on is not None:
        raise Conflict(N_("An extension was already requested for this trial."))
    _claim(session, customer, expected_version)
    customer.extension_requested_on = today
    partner = session.get(Partner, customer.partner_id)
    notifications.notify(session, "extension_requested", notifications.manager_of(session, customer.partner_id),
                         page="customers", link=f"customer={customer.id}", company=customer.name,
                         partner=partner.name if partner else "")
    session.commit()
    return read(customer, today)


@write_service
def grant_extension(
    session: Session, actor: Actor, customer_id: int, *, expected_version: int | None = None,
    today: dt.date | None = None,
) -> CustomerRead:
    """Staff extend a trial by 30 days, once per account.

    `expected_version` is the CustomerRead.version the reviewer saw. Raises PermissionDenied, NotFound,
    ValidationError (subscribed account), Conflict (already extended, or the account changed meanwhile).
    """
    require_role(actor, {Role.partner_manager, Role.admin}, "grant trial extensions")
    today = _today(today)
    customer = _customer_for(session, actor, customer_id)
    if customer.extension_granted_on is not None:
        raise Conflict(N_("This trial was already extended once."))
    state = rules.account_state(customer.trial_ends_on, customer.subscription_started_on, today)
    if state == AccountState.active or customer.trial_ends_on is None:
        raise ValidationError("state", N_("Only a trial can be extended."))
    _claim(session, customer, expected_version)
    customer.trial_ends_on = max(customer.trial_ends_on, today) + dt.timedelta(days=rules.EXTENSION_DAYS)
    customer.extension_granted_on = today
    rederive(session, customer.id)
    webhook.queue(session, "trial.extended", customer)  # the product extends the real trial
    if customer.partner_id is not None:
        notifications.notify(session, "extension_granted", notifications.partner_users(session, customer.partner_id),
                             page="customers", link=f"customer={customer.id}", company=customer.name,
                             ends=customer.trial_ends_on)
    session.commit()
    return read(customer, today)


@write_service
def decline_extension(
    session: Session, actor: Actor, customer_id: int, *, reason: str, expected_version: int | None = None,
    today: dt.date | None = None,
) -> CustomerRead:
    """Staff decline a requested 30-day extension with a reason the partner sees; the request leaves the queue.

    Raises PermissionDenied, NotFound, ValidationError (reason blank; nothing requested), Conflict (already
    decided, or the account changed since `expected_version`).
    """
    require_role(actor, {Role.partner_manager, Role.admin}, "grant trial extensions")
    today = _today(today)
    customer = _customer_for(session, actor, customer_id)
    reason_text = rules.clean_text(reason, "reason", N_("Reason"), max_length=500)
    if customer.extension_requested_on is None:
        raise ValidationError("state", N_("No extension was requested for this trial."))
    if customer.extension_granted_on is not None or customer.extension_declined_on is not None:
        raise Conflict(N_("This extension request was already decided."))
    _claim(session, customer, expected_version)
    customer.extension_declined_on, customer.extension_decline_reason = today, reason_text
    if customer.partner_id is not None:
        notifications.notify(session, "extension_declined", notifications.partner_users(session, customer.partner_id),
                             page="customers", link=f"customer={customer.id}", company=customer.name,
                             reason=reason_text)
    session.commit()
    return read(customer, today)


ACCOUNT_CHANGED = N_("Someone else changed this account since you opened it (its trial now ends on {ends}): reload "
                     "and try again.")


@write_service
def link_account(
    session: Session, actor: Actor, customer_id: int, *, partner_id: int, deal_id: int | None = None,
    expected_version: int | None = None,
) -> CustomerRead:
    """Staff link an unlinked account (the product created it; no partner holds it) to a partner, e.g. the partner
    whose registration names its domain (`deal_id`: that registration; its history records the link and it
    points at the account). Audited. Raises PermissionDenied, NotFound, Conflict (the account has a partner, or
    changed meanwhile), ValidationError (partner_id; a deal of another partner or another customer)."""
    require_role(actor, {Role.partner_manager, Role.admin}, "link accounts")
    customer = _customer_for(session, actor, customer_id)
    if customer.partner_id is not None:
        raise Conflict(N_("This account already belongs to a partner."))
    partner = session.get(Partner, row_id(partner_id, "Partner"))
    if partner is None:
        raise ValidationError("partner_id", N_("Choose the partner the account belongs to."))
    deal = None
    if deal_id is not None:
        deal = session.get(Deal, row_id(deal_id, "Deal"))
        if deal is None or deal.partner_id != partner.id or customer.domain not in identity.parent_domains(
                deal.customer_domain):
            raise ValidationError("deal_id", N_("That registration is not this partner's registration of this "
                                                "customer."))
    _claim(session, customer, expected_version)
    customer.partner_id = partner.id
    audit(session, "account_linked", actor_id=actor.id, subject=customer.domain,
          detail=f"partner {partner.id}" + (f", deal {deal.id}" if deal is not None else ""))
    if deal is not None:
        deal.customer_id = deal.customer_id or customer.id
        session.add(DealEvent(deal_id=deal.id, actor_id=actor.id, kind="account_linked", from_value=None,
                              to_value=customer.name[:2000]))
    today = _today(None)
    rederive(session, customer.id)
    session.commit()
    return read(customer, today)


def _claim(session: Session, customer: Customer, expected_version: int | None) -> None:
    """Claim the account's version before changing it; Conflict, saying what it looks like now, when stale."""
    try:
        versioning.check(customer, expected_version)
        versioning.claim(session, customer)
    except Conflict:
        raise Conflict(ACCOUNT_CHANGED, ends=str(customer.trial_ends_on or "—")) from None
