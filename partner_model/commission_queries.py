"""Read-only commission queries the commissions page needs beyond commissions.py: the week's totals per
partner summed in SQL, the partners with lines in a week, which lines can still be clawed back, and a deal's
lines across weeks.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session

from partner_model import rules
from partner_model.access import Actor, is_staff, require_role
from partner_model.commissions import READER_ROLES, lines_frame, lines_query
from partner_model.models import (
    CommissionLine,
    CommissionWeek,
    Deal,
    Direction,
    LineKind,
    Partner,
    Role,
    Stage,
    WeekState,
)

L, D, P = CommissionLine.__table__.c, Deal.__table__.c, Partner.__table__.c
CLAWBACK_ROLES = {Role.finance, Role.admin}
TOTAL_COLUMNS = ["partner_id", "partner_name", "currency", "payable", "netted", "partner_invoice", "lines"]


def weeks_not_approved(session: Session, *, until: str | None = None) -> list[str]:
    """Every ISO week ("2026-W47") from the first commission line's week to the last line's (or to `until`, when
    earlier) that finance has not approved, oldest first; [] when there are no lines.

    Lines "in a week not approved" are then read as `week IN (these)`, a few ranges of the week index: a NOT IN over
    the approved weeks read every line of the program (1,067,969 on the ten-times-larger one, 130 ms a count)."""
    first, last = session.execute(sa.select(sa.func.min(L.week), sa.func.max(L.week))).one()
    if first is None:
        return []
    last = min(last, until) if until is not None else last
    approved = set(session.execute(sa.select(CommissionWeek.__table__.c.week).where(
        CommissionWeek.__table__.c.state == WeekState.approved.value)).scalars())
    weeks, monday = [], rules.week_monday(first)
    while (week := rules.iso_week(monday)) <= last:
        if week not in approved:
            weeks.append(week)
        monday += dt.timedelta(days=7)
    return weeks


def _scoped(query: sa.Select, actor: Actor) -> sa.Select:
    return query if is_staff(actor) else query.where(L.partner_id == actor.partner_id)


def period_totals(
    session: Session, actor: Actor, first_week: str, last_week: str, *, partner_id: int | None = None
) -> pd.DataFrame:
    """The one way to total commission lines, summed in SQL over the ISO weeks `first_week`..`last_week`: per
    partner and currency the commission payable, the commission netted, and the via-partner invoice amount (value
    minus commission of netted lines), as Decimal, and the count of lines; partners by name. A partner's users get
    their own row(s) only; staff may name one partner.

    Columns: partner_id, partner_name, currency, payable, netted, partner_invoice, lines.
    Raises PermissionDenied, ValidationError (week).
    """
    require_role(actor, READER_ROLES, "see commissions")
    first, last = rules.week_label(first_week), rules.week_label(last_week)
    netted = L.direction == Direction.netted

    def total(condition: sa.ColumnElement[bool], amount: sa.ColumnElement[int]) -> sa.ColumnElement[int]:
        return sa.func.coalesce(sa.func.sum(sa.case((condition, amount), else_=0)), 0)

    query = _scoped(sa.select(
        L.partner_id, P.name, L.currency,
        total(L.direction == Direction.payable, L.commission_cents), total(netted, L.commission_cents),
        total(netted, L.value_cents - L.commission_cents), sa.func.count(),
    ).join(Partner.__table__, P.id == L.partner_id).where(L.week >= first, L.week <= last), actor)
    if partner_id is not None and is_staff(actor):
        query = query.where(L.partner_id == partner_id)
    rows = session.execute(query.group_by(L.partner_id, P.name, L.currency).order_by(P.name, L.currency)).all()
    records = [(*row[:3], *(rules.from_cents(cents) for cents in row[3:6]), row[6]) for row in rows]
    return pd.DataFrame(records, columns=TOTAL_COLUMNS)


def week_partner_totals(session: Session, actor: Actor, week: str, *, partner_id: int | None = None) -> pd.DataFrame:
    """period_totals for one ISO week ("2026-W47"). Raises PermissionDenied, ValidationError (week)."""
    return period_totals(session, actor, week, week, partner_id=partner_id)


def currency_totals(totals: pd.DataFrame) -> pd.DataFrame:
    """period_totals summed over partners: one row per currency (payable, netted, partner_invoice, lines)."""
    columns = ["currency", "payable", "netted", "partner_invoice", "lines"]
    records: dict[str, dict] = {}
    for row in totals.itertuples(index=False):
        into = records.setdefault(row.currency, {"currency": row.currency, "payable": Decimal("0.00"),
                                                 "netted": Decimal("0.00"), "partner_invoice": Decimal("0.00"),
                                                 "lines": 0})
        for name in columns[1:]:
            into[name] += getattr(row, name)
    return pd.DataFrame([records[c] for c in sorted(records)], columns=columns)


def week_partners(session: Session, actor: Actor, week: str) -> dict[int, str]:
    """Partner id -> name of the partners with lines in the week, by name (a picker's options)."""
    require_role(actor, READER_ROLES, "see commissions")
    query = _scoped(sa.select(P.id, P.name).join(CommissionLine.__table__, L.partner_id == P.id)
                    .where(L.week == week).distinct(), actor)
    return {pid: name for pid, name in session.execute(query.order_by(P.name)).all()}


def reversible_lines(session: Session, actor: Actor, week: str) -> pd.DataFrame:
    """The week's lines that a clawback would reverse: commission or adjustment lines no reversal has cancelled,
    of deals still Closed won and not clawed back (finance and admin). Columns as commissions.week_lines.

    Raises PermissionDenied.
    """
    require_role(actor, CLAWBACK_ROLES, "reverse commissions")
    reversal = sa.alias(CommissionLine.__table__, "reversal")
    # Matching on deal_id first lets the deal index find the few candidate reversals of each line.
    cancelled = sa.exists().where(reversal.c.deal_id == L.deal_id, reversal.c.kind == LineKind.reversal,
                                  reversal.c.adjusts_line_id == L.id)
    query = lines_query(actor, None).where(
        L.week == week, L.kind != LineKind.reversal, ~cancelled,
        D.stage == Stage.closed_won, D.clawed_back_on.is_(None),
    ).order_by(L.partner_id, L.id)
    return lines_frame(session.execute(query).mappings().all())


def deal_lines(session: Session, actor: Actor, deal_id: int) -> pd.DataFrame:
    """Every commission line of one deal, oldest week first; a partner's users only for their own deals."""
    require_role(actor, READER_ROLES, "see commissions")
    query = lines_query(actor, None).where(L.deal_id == deal_id).order_by(L.week, L.id)
    return lines_frame(session.execute(query).mappings().all())


def week_overview(session: Session, actor: Actor, weeks: list[str]) -> dict[str, dict[str, object]]:
    """Per ISO week of `weeks`: its state ("open" or "approved") and how many lines it has (a partner's users:
    their own lines), for the week picker. Two queries whatever the number of weeks.

    Raises PermissionDenied, ValidationError (a malformed week).
    """
    require_role(actor, READER_ROLES, "see commissions")
    labels = [rules.week_label(week) for week in weeks]
    w = CommissionWeek.__table__.c
    stored = dict(session.execute(sa.select(w.week, w.lines).where(w.week.in_(labels),
                                                                    w.state == WeekState.approved.value)).all())
    approved = set(stored)
    # Staff read an approved week's stored count; the other weeks (and a partner's own lines) are counted.
    counts = {week: lines for week, lines in stored.items() if lines is not None} if is_staff(actor) else {}
    counted = [week for week in labels if week not in counts]
    if counted:
        counts.update(session.execute(_scoped(sa.select(L.week, sa.func.count()).where(L.week.in_(counted)), actor)
                                      .group_by(L.week)).all())
    return {week: {"state": WeekState.approved.value if week in approved else WeekState.open.value,
                   "lines": int(counts.get(week, 0))} for week in labels}
