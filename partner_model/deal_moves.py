"""Deal stage moves and billing options: the stage rules, the trial account a move links or creates, the
subscription a won deal starts, and the commission lines that follow."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from sqlmodel import Session, select

from partner_model import (
    commissions,
    customers,
    identity,
    newsletter,
    notifications,
    rules,
    versioning,
    won_confirmations,
)
from partner_model.access import Actor, is_staff, require_role, write_service
from partner_model.deal_records import _deal_for, _event, _note, _now, _today, read
from partner_model.errors import N_, ValidationError
from partner_model.models import (
    BillingOption,
    Customer,
    Deal,
    DealRead,
    ReviewStatus,
    Role,
    Stage,
)

REGISTER_ROLES = {Role.partner_user, Role.partner_admin, Role.partner_manager, Role.admin}
MOVE_ROLES = REGISTER_ROLES
DEFAULT_FRAMEWORK = rules.FRAMEWORKS[0]


def _account_for(session: Session, deal: Deal, today: dt.date) -> Customer:
    """The deal's customer account: linked, found by domain (the same partner's), or created as a trial now."""
    customer = session.get(Customer, deal.customer_id) if deal.customer_id else None
    if customer is None:  # one customer identity: the account at the domain or at a domain it belongs to
        parents = identity.parent_domains(deal.customer_domain)
        found = session.exec(select(Customer).where(Customer.domain.in_(parents))).all()
        customer = min(found, key=lambda c: parents.index(c.domain)) if found else None
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
            customer.subscription_started_on = customer.annual_value_cents = None
        deal.won_on = None
        deal.clawed_back_on = None  # a refund ended that sale; winning the deal again is a new one that earns
        won_confirmations.cleared(deal)
    if deal.stage == Stage.closed_lost:
        deal.lost_on = None
    if target == Stage.trial:
        deal.customer_id = _account_for(session, deal, today).id
    elif target == Stage.closed_won:
        customer = _account_for(session, deal, today)
        deal.customer_id = customer.id
        customer.subscription_started_on = today
        customer.annual_value_cents, customer.currency = deal.value_cents, deal.currency
        customer.billing_option = deal.billing_option
        deal.won_on = today
    elif target == Stage.closed_lost:
        deal.lost_on = today
    deal.stage = target
    deal.furthest_stage = rules.furthest(deal.furthest_stage, target)
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
    subscription: Mapping[str, object] | None = None,
) -> DealRead:
    """Move a deal to another stage; its partner's users and partner managers/admins may.

    Closed won needs an accepted deal and a billing option; Closed lost needs a note; Trial links the customer's
    trial account or creates one; denied deals do not move; only staff reopen closed deals, and reopening a won
    deal that has commission lines needs a note the partner sees. Entering Newsletter subscription may ask for
    the contact's subscription in the same change (`subscription`: contact_name, contact_email, language,
    contact_agreed; see newsletter.ask): the double opt-in email goes out with the move.
    Raises PermissionDenied, NotFound, ValidationError (stage, billing_option, note, review_status, subscription
    and its fields), Conflict.
    """
    require_role(actor, MOVE_ROLES, "move deals")
    target = rules.choice(Stage, stage, "stage", N_("Stage"))
    option = rules.choice(BillingOption, billing_option, "billing_option", N_("Billing option")) if billing_option \
        else None
    note_text = rules.clean_text(note, "note", N_("Note"), required=False, max_length=2000)
    if subscription is not None:
        if target != Stage.newsletter:
            raise ValidationError("subscription", N_("A newsletter subscription is asked for when the deal enters "
                                                     "the Newsletter subscription stage."))
        newsletter.check(subscription)
    deal = _deal_for(session, actor, deal_id, expected_version)
    rules.check_move(current=deal.stage, target=target, review_status=deal.review_status,
                     billing_option=option or deal.billing_option, note=note_text, is_staff=is_staff(actor))
    if deal.stage == Stage.closed_won and note_text is None and commissions.has_lines(session, deal.id):
        # the partner's commission is reversed: they must learn why
        raise ValidationError("note", N_("Say why you reopen this won deal: its commission is reversed, and the "
                                         "partner sees your note."))
    now, day = _now(today), _today(today)
    previous = deal.stage
    if previous == Stage.closed_won and is_staff(actor) and note_text:
        notifications.notify(session, "deal_reopened", notifications.partner_users(session, deal.partner_id,
                                                                                   admins_only=True),
                             page="deal_board", link=f"deal={deal.id}", company=deal.company_name, note=note_text)
    if option is not None and option != deal.billing_option:
        _event(session, deal, actor, "billing", deal.billing_option, option, now)
        deal.billing_option = option
    _apply_stage(session, deal, target, day)
    deal.stage_entered_at = now
    versioning.claim(session, deal)
    _event(session, deal, actor, "moved", previous, target, now)
    if note_text:
        _note(session, deal, actor, note_text, now)
    if target == Stage.closed_won and previous != Stage.closed_won:  # its manager confirms it
        won_confirmations.opened(session, deal, actor, note_text, now)
    if subscription is not None:
        newsletter.ask(session, deal, actor, subscription, now)
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


@write_service
def set_value(
    session: Session, actor: Actor, deal_id: int, annual_value: object, *, expected_version: int | None = None,
    today: dt.date | None = None,
) -> DealRead:
    """Correct a deal's expected annual value (exact Decimal, in the deal's currency); a won deal's commission
    follows (approved weeks are adjusted in the next open week, never rewritten). The deal's partner and staff may;
    a closed deal only staff (finance included). Written to the deal's history.

    Raises PermissionDenied, NotFound, ValidationError (annual_value, review_status, stage), Conflict (stale).
    """
    require_role(actor, MOVE_ROLES | {Role.finance}, "change deal values")
    value = rules.money(annual_value, "annual_value", N_("Expected annual value"))
    deal = _deal_for(session, actor, deal_id, expected_version)
    if deal.review_status == ReviewStatus.denied:
        raise ValidationError("review_status", N_("A denied deal cannot be changed."))
    if deal.stage in rules.CLOSED_STAGES and not is_staff(actor):
        raise ValidationError("stage", N_("Only vendor staff can change a closed deal."))
    cents = rules.to_cents(value)
    if cents != deal.value_cents:
        versioning.claim(session, deal)
        _event(session, deal, actor, "value", rules.from_cents(deal.value_cents), value, _now(today))
        deal.value_cents = cents
        if deal.stage == Stage.closed_won and deal.customer_id:
            session.get(Customer, deal.customer_id).annual_value_cents = cents
        commissions.sync_deal(session, deal, _today(today))
    session.commit()
    return read(deal)
