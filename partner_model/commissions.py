"""Commission lines per ISO week, the weekly review and its approval, statements and reports.

A won, accepted deal has one live commission line in the ISO week it was won. An approved week is
locked: a later change never rewrites it, but lands in the next open week as a reversal of the old
line plus, where the deal still earns commission, a new adjustment line naming the line it adjusts.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session, select

from partner_model import clock, db, invoices, notifications, payouts, rules, versioning
from partner_model.access import Actor, is_staff, require_role, row_id, write_service
from partner_model.errors import N_, Conflict, NotFound, ValidationError
from partner_model.models import (
    CommissionLine,
    CommissionWeek,
    Deal,
    DealEvent,
    LineKind,
    Partner,
    ReviewStatus,
    Role,
    Stage,
    WeekState,
    utcnow,
)

L = CommissionLine.__table__.c
LINE_COLUMNS = (
    "line_id", "week", "deal_id", "partner_id", "partner_name", "company_name", "kind", "adjusts_line_id",
    "billing_option", "direction", "value", "currency", "rate", "commission", "partner_invoice",
)
WEEKS_LOCK = "commission_weeks"  # approve_week and every line write serialize on it
FINANCE_ROLES = {Role.finance, Role.admin}
READER_ROLES = {Role.partner_user, Role.partner_admin, Role.partner_manager, Role.finance, Role.admin}


# --- keeping lines in step with deals ---------------------------------------------------------


def _approved_weeks(session: Session, since: str) -> set[str]:
    query = select(CommissionWeek.week).where(CommissionWeek.state == WeekState.approved,
                                              CommissionWeek.week >= since)
    return set(session.exec(query).all())


def next_open_week(session: Session, week: str) -> str:
    """`week` itself when open, else the first later week that finance has not approved."""
    approved = _approved_weeks(session, week)
    while week in approved:
        week = rules.week_after(week)
    return week


def _desired(deal: Deal, rate_bp: int) -> tuple | None:
    if deal.stage != Stage.closed_won or deal.review_status != ReviewStatus.accepted or deal.billing_option is None:
        return None
    if deal.clawed_back_on is not None:
        return None
    value = rules.from_cents(deal.value_cents)
    cents = rules.to_cents(rules.commission(value, rules.rate_from_bp(rate_bp)))
    return (deal.billing_option, deal.value_cents, deal.currency, rate_bp, cents)


def _signature(line: CommissionLine) -> tuple:
    return (line.billing_option, line.value_cents, line.currency, line.rate_bp, line.commission_cents)


def sync_deal(session: Session, deal: Deal, today: dt.date) -> None:
    """Bring a deal's commission lines in step with the deal; the caller commits.

    Lines in open weeks are rewritten freely; approved lines are only ever reversed in a later open week.
    Runs serialized with approve_week, so no line is ever written into a week after its approval.
    """
    db.serialize(session, WEEKS_LOCK)
    lines = session.exec(select(CommissionLine).where(CommissionLine.deal_id == deal.id)
                         .order_by(CommissionLine.id)).all()
    reversed_ids = {line.adjusts_line_id for line in lines if line.kind == LineKind.reversal}
    live = [line for line in lines if line.kind != LineKind.reversal and line.id not in reversed_ids]
    partner = session.get(Partner, deal.partner_id)
    rate_bp = live[0].rate_bp if live else partner.commission_rate_bp  # the rate earned when the deal was won
    desired = _desired(deal, rate_bp)
    approved = _approved_weeks(session, min((line.week for line in lines), default="0000-W00"))
    satisfied, replaced = False, None
    for line in live:
        if desired is not None and not satisfied and _signature(line) == desired:
            satisfied = True
        elif line.week not in approved:
            session.delete(line)
        else:
            replaced = line
            session.add(_reversal(line, _correction_week(session, line.week, today)))
    if desired is not None and not satisfied:
        natural = rules.iso_week(deal.won_on or today)
        week = next_open_week(session, natural)
        if week != natural:  # its own week is locked: an adjustment, in a week still to be reviewed
            week = next_open_week(session, max(week, rules.iso_week(today)))
        billing_option, value_cents, currency, rate, cents = desired
        session.add(CommissionLine(
            week=week, deal_id=deal.id, partner_id=deal.partner_id,
            kind=LineKind.commission if week == natural and replaced is None else LineKind.adjustment,
            adjusts_line_id=replaced.id if replaced is not None else None,
            billing_option=billing_option, direction=rules.direction(billing_option), value_cents=value_cents,
            currency=currency, rate_bp=rate, commission_cents=cents, created_at=utcnow()))
    session.flush()


def has_lines(session: Session, deal_id: int) -> bool:
    """Whether any commission line (in any week) names the deal."""
    return session.execute(sa.select(L.id).where(L.deal_id == deal_id).limit(1)).first() is not None


def _correction_week(session: Session, approved_week: str, today: dt.date) -> str:
    """Where a correction of an approved line goes: the first open week after it, and never a week already past."""
    return next_open_week(session, max(rules.week_after(approved_week), rules.iso_week(today)))


def _reversal(line: CommissionLine, week: str) -> CommissionLine:
    return CommissionLine(
        week=week, deal_id=line.deal_id, partner_id=line.partner_id, kind=LineKind.reversal,
        adjusts_line_id=line.id, billing_option=line.billing_option, direction=line.direction,
        value_cents=-line.value_cents, currency=line.currency, rate_bp=line.rate_bp,
        commission_cents=-line.commission_cents, created_at=utcnow())


# --- the weekly review ------------------------------------------------------------------------


def lines_query(actor: Actor, partner_id: int | None) -> sa.Select:
    d, p = Deal.__table__.c, Partner.__table__.c
    query = sa.select(
        L.id.label("line_id"), L.week, L.deal_id, L.partner_id, p.name.label("partner_name"), d.company_name,
        L.kind, L.adjusts_line_id, L.billing_option, L.direction, L.value_cents, L.currency, L.rate_bp,
        L.commission_cents, d.confirmation.label("deal_confirmation"),
    ).join(Deal.__table__, d.id == L.deal_id).join(Partner.__table__, p.id == L.partner_id)
    if not is_staff(actor):
        query = query.where(L.partner_id == actor.partner_id)
    elif partner_id is not None:
        query = query.where(L.partner_id == partner_id)
    return query


UNCONFIRMED = ("waiting", "sent_back")  # won_confirmations.OPEN: the manager has not confirmed the deal


def lines_frame(rows: list) -> pd.DataFrame:
    """Lines as a frame: LINE_COLUMNS, then `unconfirmed` (True when the line's deal is won and its manager has
    not confirmed it; exports leave it out)."""
    records = []
    for row in rows:
        record = dict(row)
        confirmation = record.pop("deal_confirmation", None)
        record["unconfirmed"] = getattr(confirmation, "value", confirmation) in UNCONFIRMED
        value = rules.from_cents(record.pop("value_cents"))
        commission = rules.from_cents(record.pop("commission_cents"))
        record.update(value=value, rate=rules.rate_from_bp(record.pop("rate_bp")), commission=commission,
                      partner_invoice=rules.partner_invoice_amount(value, commission)
                      if record["direction"] == "netted" else None)
        records.append(record)
    frame = pd.DataFrame(records, columns=[*LINE_COLUMNS, "unconfirmed"])
    frame["unconfirmed"] = frame["unconfirmed"].astype(bool)
    for column in ("kind", "billing_option", "direction"):
        frame[column] = frame[column].map(lambda v: getattr(v, "value", v))
    return frame


def week_lines(session: Session, actor: Actor, week: str, *, partner_id: int | None = None,
               unconfirmed_only: bool = False) -> pd.DataFrame:
    """Every commission line of an ISO week ("2026-W47"); a partner's users see only their own; with
    `unconfirmed_only` the lines of won deals their manager has not confirmed yet.

    Columns LINE_COLUMNS and `unconfirmed` (bool). Money columns (value, rate, commission, partner_invoice) are
    Decimal. Raises ValidationError (week).
    """
    require_role(actor, READER_ROLES, "see commissions")
    week = rules.week_label(week)
    query = lines_query(actor, partner_id).where(L.week == week)
    if unconfirmed_only:
        query = query.where(Deal.__table__.c.confirmation.in_(UNCONFIRMED))
    rows = session.execute(query.order_by(L.partner_id, L.id))
    return lines_frame(rows.mappings().all())


def week_state(session: Session, week: str) -> CommissionWeek:
    """The week's review state; a week nobody has approved is open."""
    week = rules.week_label(week)
    return session.get(CommissionWeek, week) or CommissionWeek(week=week, state=WeekState.open)


def week_version(session: Session, actor: Actor, week: str) -> str:
    """A fingerprint of the week's lines and state: it changes whenever any line of the week is created, changed
    or withdrawn, or the week is approved. The review page passes the one it showed to approve_week.

    Raises PermissionDenied (not finance or admin), ValidationError (week).
    """
    require_role(actor, FINANCE_ROLES, "approve commission weeks")
    week = rules.week_label(week)
    rows = session.execute(sa.select(L.id, L.partner_id, L.deal_id, L.kind, L.billing_option, L.direction,
                                     L.value_cents, L.currency, L.rate_bp, L.commission_cents)
                           .where(L.week == week).order_by(L.id)).all()
    digest = hashlib.sha256(week_state(session, week).state.value.encode())
    for row in rows:
        digest.update(repr(tuple(getattr(v, "value", v) for v in row)).encode())
    return f"{len(rows)}-{digest.hexdigest()[:16]}"


WEEK_CHANGED = N_("The lines of week {week} changed since you read them: review them again before approving.")


@write_service
def approve_week(
    session: Session, actor: Actor, week: str, *, expected_version: str | None = None, today: dt.date | None = None
) -> None:
    """Finance approves a week: it is locked, later changes go to the next open week, and its payable lines
    become the week's payouts (payouts.create_for_week) and its netted lines invoices or credit notes
    (invoices.create_for_week), in the same transaction.

    Approve what was seen: `expected_version` is the week_version of the lines the approver read; a different
    one now (a line created, changed or withdrawn meanwhile) is refused. Approval and line writes are serialized,
    so no line lands inside the week after it is approved, under any interleaving.
    Raises PermissionDenied (not finance or admin), ValidationError (week malformed or not started yet),
    Conflict (already approved, or the lines changed since `expected_version`).
    """
    require_role(actor, FINANCE_ROLES, "approve commission weeks")
    week = rules.week_label(week)
    if rules.week_monday(week) > (today or clock.today()):
        raise ValidationError("week", N_("Week {week} has not started yet: it cannot be approved."), week=week)
    db.serialize(session, WEEKS_LOCK)
    row = session.get(CommissionWeek, week, populate_existing=True)
    if row is not None and row.state == WeekState.approved:
        raise Conflict(N_("Week {week} was already approved."), week=week)
    if expected_version is not None and week_version(session, actor, week) != expected_version:
        raise Conflict(WEEK_CHANGED, week=week)
    if row is None:
        row = CommissionWeek(week=week)
        session.add(row)
    row.state, row.approved_by, row.approved_at = WeekState.approved, actor.id, utcnow()
    row.lines = int(session.execute(sa.select(sa.func.count()).where(L.week == week)).scalar_one())
    payouts.create_for_week(session, actor, week)  # under the weeks' lock: no line can join the week now
    invoices.create_for_week(session, actor, week, today)  # netted lines: invoices and credit notes
    with_lines = session.execute(sa.select(L.partner_id).where(L.week == week).distinct()).scalars().all()
    for partner_id in with_lines:
        notifications.notify(session, "week_approved", notifications.partner_users(session, partner_id,
                                                                                   admins_only=True),
                             page="commissions", link=f"week={week}", week=week)
    session.commit()


@write_service
def reverse_deal(session: Session, actor: Actor, deal_id: int, *, today: dt.date | None = None) -> None:
    """Claw back a won deal's commission (refunded in its first year): its lines are reversed in the next open week.

    Approved weeks never change. Raises PermissionDenied, NotFound, Conflict (nothing to reverse).
    """
    require_role(actor, {Role.finance, Role.admin}, "reverse commissions")
    deal = session.get(Deal, row_id(deal_id, "Deal"), populate_existing=True)
    if deal is None:
        raise NotFound(N_("Deal not found."))
    if deal.stage != Stage.closed_won or deal.clawed_back_on is not None:
        raise Conflict(N_("Only a won deal whose commission stands can be reversed."))
    today = today or clock.today()
    deal.clawed_back_on = today
    versioning.claim(session, deal)
    session.add(DealEvent(deal_id=deal.id, actor_id=actor.id, at=utcnow(), kind="clawback",
                          from_value=Stage.closed_won.value, to_value=today.isoformat()))
    sync_deal(session, deal, today)
    notifications.notify(session, "commission_reversed", notifications.partner_users(session, deal.partner_id,
                                                                                     admins_only=True),
                         page="commissions", link=f"deal={deal.id}", company=deal.company_name)
    session.commit()
