"""Pipeline figures for partner managers (and partners, of their own deals): funnel, win rate, speed, stale deals."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session

from partner_model import clock, rules
from partner_model.access import Actor, managed_by, require_role, scope_partner
from partner_model.deal_queries import cards_frame
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


def reached(session: Session, actor: Actor, *, partner_id: int | None = None, manager_id: int | None = None
            ) -> pd.DataFrame:
    """The funnel by the furthest stage each deal reached (its history, kept in deal.furthest_stage): per stage of
    New -> Newsletter -> Trial -> Closed won, how many deals reached it, and the share of the previous stage's that
    went on (`conversion`, a fraction; None for New). Denied deals are left out. A deal now lost counts for the
    stages it reached. Columns: stage, reached, conversion.
    """
    rows = dict(session.execute(sa.select(D.furthest_stage, sa.func.count()).where(
        *_filters(actor, partner_id, manager_id)).group_by(D.furthest_stage)).all())
    counts = {getattr(k, "value", k): int(v) for k, v in rows.items()}
    records, at_least, before = [], 0, None
    for stage in reversed(rules.FUNNEL_STAGES):
        at_least += counts.get(stage.value, 0)
        records.append({"stage": stage.value, "reached": at_least})
    records.reverse()
    for record in records:
        record["conversion"] = (record["reached"] / before if before else None) if before is not None else None
        before = record["reached"]
    return pd.DataFrame(records, columns=["stage", "reached", "conversion"])


def partner_comparison(
    session: Session, actor: Actor, *, manager_id: int | None = None, limit: int = 200
) -> pd.DataFrame:
    """Partners side by side (staff): registrations, won, lost, win rate (won of closed, a fraction), value won per
    currency as text-free Decimal in `value_won` ({currency: Decimal}), and median days from registration to won.
    `manager_id` keeps that manager's partners. Denied deals are left out. Raises PermissionDenied.
    Columns: partner_id, partner_name, registrations, won, lost, win_rate, median_days_to_won, value_won.
    """
    require_role(actor, {Role.partner_manager, Role.admin}, "see the pipeline")
    filters = _filters(actor, None, manager_id)
    p = Partner.__table__.c
    won_case = sa.case((D.stage == Stage.closed_won.value, 1), else_=0)
    rows = session.execute(sa.select(
        D.partner_id, p.name, sa.func.count(), sa.func.sum(won_case),
        sa.func.sum(sa.case((D.stage == Stage.closed_lost.value, 1), else_=0)),
    ).join(Partner.__table__, p.id == D.partner_id).where(*filters).group_by(D.partner_id, p.name)
        .order_by(sa.func.sum(won_case).desc(), p.name).limit(rules.count_bound(limit, "limit", "limit"))).all()
    ids = [r[0] for r in rows]
    days = _days_to_won(session)
    won_rows = session.execute(sa.select(D.partner_id, D.currency, D.value_cents, days).where(
        *filters, D.partner_id.in_(ids), D.stage == Stage.closed_won.value)).all() if ids else []
    values: dict[int, dict[str, Any]] = {}
    spans: dict[int, list[float]] = {}
    for partner_id, currency, cents, span in won_rows:
        into = values.setdefault(partner_id, {})
        into[currency] = into.get(currency, 0) + int(cents)
        if span is not None:
            spans.setdefault(partner_id, []).append(float(getattr(span, "days", span)))
    records = []
    for partner_id, name, count, won, lost in rows:
        won, lost = int(won or 0), int(lost or 0)
        ordered = sorted(spans.get(partner_id, []))
        median = (ordered[len(ordered) // 2] if len(ordered) % 2 else
                  (ordered[len(ordered) // 2 - 1] + ordered[len(ordered) // 2]) / 2) if ordered else None
        records.append({"partner_id": partner_id, "partner_name": name, "registrations": int(count), "won": won,
                        "lost": lost, "win_rate": won / (won + lost) if won + lost else None,
                        "median_days_to_won": median,
                        "value_won": {c: rules.from_cents(v) for c, v in sorted(values.get(partner_id, {}).items())}})
    return pd.DataFrame(records, columns=["partner_id", "partner_name", "registrations", "won", "lost", "win_rate",
                                          "median_days_to_won", "value_won"])


def funnel(session: Session, actor: Actor, *, partner_id: int | None = None, manager_id: int | None = None
           ) -> pd.DataFrame:
    """Deals and value per stage and currency, in stage order (denied deals left out)."""
    query = sa.select(D.stage, D.currency, sa.func.count().label("deals"),
                      sa.func.sum(D.value_cents).label("value_cents")).where(*_filters(actor, partner_id, manager_id))
    rows = session.execute(query.group_by(D.stage, D.currency)).mappings().all()
    order = {stage.value: i for i, stage in enumerate(Stage)}
    records = [{"stage": getattr(r["stage"], "value", r["stage"]), "currency": r["currency"], "deals": r["deals"],
                "value": rules.from_cents(int(r["value_cents"] or 0))} for r in rows]
    records.sort(key=lambda r: (order[r["stage"]], r["currency"]))
    return pd.DataFrame(records, columns=["stage", "currency", "deals", "value"])


def stats(session: Session, actor: Actor, *, partner_id: int | None = None, manager_id: int | None = None
          ) -> dict[str, Any]:
    """Win rate (won of closed), conversion (won of all registered), median days from registration to won."""
    filters = _filters(actor, partner_id, manager_id)

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
    session: Session, actor: Actor, *, partner_id: int | None = None, manager_id: int | None = None, weeks: int = 26,
    today: dt.date | None = None,
) -> pd.DataFrame:
    """Deals registered per ISO week over the last `weeks` weeks, zero-filled (counted per day in SQL)."""
    today = today or clock.today()
    labels = rules.weeks_back(rules.iso_week(today), weeks)
    start = rules.week_monday(labels[0])
    since = dt.datetime.combine(start, dt.time(), dt.UTC)
    day = sa.func.date(D.created_at) if session.get_bind().dialect.name == "sqlite" else sa.cast(D.created_at, sa.Date)
    query = sa.select(day.label("day"), sa.func.count().label("n")).where(
        D.created_at >= since, *_filters(actor, partner_id, manager_id)).group_by(day)
    counts = dict.fromkeys(labels, 0)
    for row in session.execute(query):
        value = row.day if isinstance(row.day, dt.date) else dt.date.fromisoformat(str(row.day))
        week = rules.iso_week(value)
        if week in counts:
            counts[week] += row.n
    return pd.DataFrame({"week": list(counts), "registrations": list(counts.values())})


def stale_condition(today: dt.date) -> Any:
    """The one definition of a stale deal: in an open stage past that stage's limit (rules.STALE_AFTER_DAYS)."""
    limits = [(stage, days) for stage in rules.OPEN_STAGES if (days := rules.STALE_AFTER_DAYS[stage]) is not None]
    return sa.or_(*(sa.and_(D.stage == stage.value,
                            D.stage_entered_at < clock.day_start(today - dt.timedelta(days=days)))
                    for stage, days in limits))


def stale_count(session: Session, actor: Actor, *, partner_id: int | None = None, manager_id: int | None = None,
                today: dt.date | None = None, cap: int | None = None) -> int:
    """How many deals stale_deals would list in all (denied deals left out), or `cap` when there are at least that
    many (a home tile says "1,000+" without counting a big program's every stale deal). Counted stage by stage, so
    each count walks the (partner, stage, entered) or (stage, entered) index."""
    today = today or clock.today()
    filters = _filters(actor, partner_id, manager_id)
    total = 0
    for stage in rules.OPEN_STAGES:
        days = rules.STALE_AFTER_DAYS[stage]
        if days is None or (cap is not None and total >= cap):
            continue
        rows = sa.select(D.id).where(*filters, D.stage == stage.value,
                                     D.stage_entered_at < clock.day_start(today - dt.timedelta(days=days)))
        if cap is not None:
            rows = rows.limit(cap - total)
        total += session.execute(sa.select(sa.func.count()).select_from(rows.subquery())).scalar_one()
    return int(total)


def stale_deals(
    session: Session, actor: Actor, *, partner_id: int | None = None, manager_id: int | None = None, limit: int = 50,
    today: dt.date | None = None,
) -> pd.DataFrame:
    """Open deals that sat in their stage past its limit, longest waiting first: the ones to chase."""
    today = today or clock.today()
    filters = _filters(actor, partner_id, manager_id)
    overdue = stale_condition(today)
    p = Partner.__table__.c
    query = sa.select(
        D.id.label("deal_id"), D.company_name, D.customer_domain, D.contact_name, D.value_cents, D.currency,
        D.partner_id, p.name.label("partner_name"), D.stage, D.review_status, D.denial_reason, D.billing_option,
        D.stage_entered_at,
        D.version, D.customer_id, D.protected_until, D.created_at,
    ).join(Partner.__table__, p.id == D.partner_id).where(*filters, overdue)
    rows = session.execute(query.order_by(D.stage_entered_at, D.id).limit(limit)).mappings().all()
    return cards_frame(rows, today)
