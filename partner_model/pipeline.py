"""Pipeline figures for partner managers (and partners, of their own deals): funnel, win rate, speed, stale deals."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session

from partner_model import clock, rules
from partner_model.access import Actor, managed_by, require_role, scope_partner
from partner_model.deal_queries import CARD_COLUMNS, cards_frame
from partner_model.models import Deal, Partner, ReviewStatus, Role, Stage

D = Deal.__table__.c
PIPELINE_ROLES = {Role.partner_user, Role.partner_admin, Role.partner_manager, Role.admin}


def _filters(actor: Actor, partner_id: int | None, manager_id: int | None = None) -> list[Any]:
    require_role(actor, PIPELINE_ROLES, "see the pipeline")
    filters: list[Any] = [D.review_status != ReviewStatus.denied.value]
    scoped = scope_partner(actor, partner_id)
    if scoped is not None:
        filters.append(D.partner_id == scoped)
    if (mine := managed_by(D.partner_id, manager_id)) is not None:
        filters.append(mine)
    return filters


def _days_to_won(session: Session) -> sa.ColumnElement[Any]:
    """Whole days from registration to won, in the dialect's own date arithmetic."""
    if session.get_bind().dialect.name == "sqlite":
        return sa.func.julianday(D.won_on) - sa.func.julianday(sa.func.date(D.created_at))
    return D.won_on - sa.cast(D.created_at, sa.Date)


def funnel(session: Session, actor: Actor, *, partner_id: int | None = None) -> pd.DataFrame:
    """Deals and value per stage and currency, in stage order (denied deals left out)."""
    query = sa.select(D.stage, D.currency, sa.func.count().label("deals"),
                      sa.func.sum(D.value_cents).label("value_cents")).where(*_filters(actor, partner_id))
    rows = session.execute(query.group_by(D.stage, D.currency)).mappings().all()
    order = {stage.value: i for i, stage in enumerate(Stage)}
    records = [{"stage": getattr(r["stage"], "value", r["stage"]), "currency": r["currency"], "deals": r["deals"],
                "value": rules.from_cents(int(r["value_cents"] or 0))} for r in rows]
    records.sort(key=lambda r: (order[r["stage"]], r["currency"]))
    return pd.DataFrame(records, columns=["stage", "currency", "deals", "value"])


def stats(session: Session, actor: Actor, *, partner_id: int | None = None) -> dict[str, Any]:
    """Win rate (won of closed), conversion (won of all registered), median days from registration to won."""
    filters = _filters(actor, partner_id)

    def count_if(condition: Any) -> Any:
        return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)

    totals = session.execute(sa.select(
        sa.func.count().label("deals"),
        count_if(D.stage == Stage.closed_won.value).label("won"),
        count_if(D.stage == Stage.closed_lost.value).label("lost"),
    ).where(*filters)).mappings().one()
    won, lost, deals = int(totals["won"]), int(totals["lost"]), int(totals["deals"])
    days = _days_to_won(session)
    won_filter = [*filters, D.stage == Stage.closed_won.value, D.won_on.is_not(None)]
    median = None
    if won:  # the middle row by ORDER BY/OFFSET: portable, and never loads the won deals into Python
        middle = session.execute(sa.select(days).where(*won_filter).order_by(days).offset((won - 1) // 2)
                                 .limit(2 - won % 2)).scalars().all()
        median = float(sum(middle) / len(middle)) if middle else None
    return {
        "deals": deals, "won": won, "lost": lost,
        "win_rate": won / (won + lost) if won + lost else None,
        "conversion": won / deals if deals else None,
        "median_days_to_won": median,
    }


def registrations_per_week(
    session: Session, actor: Actor, *, partner_id: int | None = None, weeks: int = 26, today: dt.date | None = None
) -> pd.DataFrame:
    """Deals registered per ISO week over the last `weeks` weeks, zero-filled (counted per day in SQL)."""
    today = today or clock.today()
    labels = rules.weeks_back(rules.iso_week(today), weeks)
    start = rules.week_monday(labels[0])
    since = dt.datetime.combine(start, dt.time(), dt.UTC)
    day = sa.func.date(D.created_at) if session.get_bind().dialect.name == "sqlite" else sa.cast(D.created_at, sa.Date)
    query = sa.select(day.label("day"), sa.func.count().label("n")).where(
        D.created_at >= since, *_filters(actor, partner_id)).group_by(day)
    counts = dict.fromkeys(labels, 0)
    for row in session.execute(query):
        value = row.day if isinstance(row.day, dt.date) else dt.date.fromisoformat(str(row.day))
        week = rules.iso_week(value)
        if week in counts:
            counts[week] += row.n
    return pd.DataFrame({"week": list(counts), "registrations": list(counts.values())})


def stale_deals(
    session: Session, actor: Actor, *, partner_id: int | None = None, limit: int = 50, today: dt.date | None = None
) -> pd.DataFrame:
    """Open deals that sat in their stage past its limit, longest waiting first: the ones to chase."""
    today = today or clock.today()
    filters = _filters(actor, partner_id)
    overdue = []
    for stage in rules.OPEN_STAGES:
        limit_days = rules.STALE_AFTER_DAYS[stage]
        if limit_days is not None:
            cutoff = clock.day_start(today - dt.timedelta(days=limit_days))
            overdue.append(sa.and_(D.stage == stage.value, D.stage_entered_at < cutoff))
    if not overdue:
        return pd.DataFrame(columns=list(CARD_COLUMNS))
    p = Partner.__table__.c
    query = sa.select(
        D.id.label("deal_id"), D.company_name, D.customer_domain, D.contact_name, D.value_cents, D.currency,
        D.partner_id, p.name.label("partner_name"), D.stage, D.review_status, D.denial_reason, D.billing_option,
        D.stage_entered_at,
        D.version, D.customer_id, D.protected_until, D.created_at,
    ).join(Partner.__table__, p.id == D.partner_id).where(*filters, sa.or_(*overdue))
    rows = session.execute(query.order_by(D.stage_entered_at, D.id).limit(limit)).mappings().all()
    return cards_frame(rows, today)
