"""Pipeline figures for partner managers (and partners, of their own deals): funnel, win rate, speed, stale deals."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session

from partner_model import clock, rules
from partner_model.access import Actor, partner_scope, require_role
from partner_model.deal_queries import cards_frame
from partner_model.models import (
    Deal,
    Partner,
    PartnerPipeline,
    PipelineFigure,
    PipelineWeek,
    ReviewStatus,
    Role,
    Stage,
)

D = Deal.__table__.c
F = PipelineFigure.__table__.c
S = PartnerPipeline.__table__.c
W = PipelineWeek.__table__.c
PIPELINE_ROLES = rules.PIPELINE_ROLES


def _scope(actor: Actor, partner_id: int | None, manager_id: int | None, partner_column: Any) -> list[Any]:
    require_role(actor, PIPELINE_ROLES, "see the pipeline")
    return partner_scope(actor, partner_id, manager_id, partner_column)


def _filters(session: Session, actor: Actor, partner_id: int | None, manager_id: int | None = None) -> list[Any]:
    """Conditions on deal rows: the actor's scope, denied deals left out (as an IN list, so the (review status,
    created) index serves a range of registration dates). A manager's partners are looked up first and given as
    a list of ids: the planners then walk each partner's index entries instead of every deal's."""
    filters = [D.review_status.in_([s.value for s in ReviewStatus if s is not ReviewStatus.denied]),
               *_scope(actor, partner_id, None, D.partner_id)]
    if manager_id is not None:
        p = Partner.__table__.c
        filters.append(D.partner_id.in_(session.execute(sa.select(p.id).where(p.manager_id == manager_id))
                                        .scalars().all()))
    return filters


def _figure_filters(actor: Actor, partner_id: int | None, manager_id: int | None = None) -> list[Any]:
    """The same scope on the stored figures (which already leave denied deals out)."""
    return _scope(actor, partner_id, manager_id, F.partner_id)


def _median_days_to_won(session: Session, filters: list[Any], won: int, *, scoped: bool) -> float | None:
    """The median of won deals' won_days: the middle row(s) by ORDER BY/OFFSET, never loading the won deals. `won`
    is how many there are. The whole program walks ix_deal_stage_won_days in order; `scoped` (some partners only)
    sorts those partners' won deals, read along ix_deal_partner_won_days: ordering by `won_days + 0` keeps SQLite
    from choosing the ordered index and testing every won deal's partner."""
    if not won:
        return None
    order = D.won_days + 0 if scoped else D.won_days
    middle = session.execute(sa.select(D.won_days).where(
        *filters, D.stage == Stage.closed_won.value, D.won_days.is_not(None)).order_by(order)
        .offset((won - 1) // 2).limit(2 - won % 2)).scalars().all()
    return float(sum(middle) / len(middle)) if middle else None


def reached(session: Session, actor: Actor, *, partner_id: int | None = None, manager_id: int | None = None
            ) -> pd.DataFrame:
    """The funnel by the furthest stage each deal reached (its history, kept in deal.furthest_stage): per stage of
    New -> Newsletter -> Trial -> Closed won, how many deals reached it, and the share of the previous stage's that
    went on (`conversion`, a fraction; None for New). Denied deals are left out. A deal now lost counts for the
    stages it reached. Columns: stage, reached, conversion. Added up from the stored figures.
    """
    rows = dict(session.execute(sa.select(F.furthest_stage, sa.func.sum(F.deals)).where(
        *_figure_filters(actor, partner_id, manager_id)).group_by(F.furthest_stage)).all())
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
    `manager_id` keeps that manager's partners; the `limit` partners with the most won deals come first (then by
    name). Denied deals are left out. Read from the stored per-partner figures. Raises PermissionDenied.
    Columns: partner_id, partner_name, registrations, won, lost, win_rate, median_days_to_won, value_won.
    """
    require_role(actor, {Role.partner_manager, Role.admin}, "see the pipeline")
    filters = _scope(actor, None, manager_id, S.partner_id)
    p = Partner.__table__.c
    rows = session.execute(sa.select(S.partner_id, p.name, S.deals, S.won, S.lost, S.median_days_to_won).join(
        Partner.__table__, p.id == S.partner_id).where(*filters).order_by(S.won.desc(), p.name)
        .limit(rules.count_bound(limit, "limit", "limit"))).all()
    values: dict[int, dict[str, int]] = {}
    if rows:
        for partner_id, currency, cents in session.execute(sa.select(
                F.partner_id, F.currency, sa.func.sum(F.value_cents)).where(
                F.partner_id.in_([r[0] for r in rows]), F.stage == Stage.closed_won.value)
                .group_by(F.partner_id, F.currency)):
            values.setdefault(partner_id, {})[currency] = int(cents)
    records = [{"partner_id": partner_id, "partner_name": name, "registrations": int(count), "won": int(won),
                "lost": int(lost), "win_rate": won / (won + lost) if won + lost else None,
                "median_days_to_won": None if median is None else float(median),
                "value_won": {c: rules.from_cents(v) for c, v in sorted(values.get(partner_id, {}).items())}}
               for partner_id, name, count, won, lost, median in rows]
    return pd.DataFrame(records, columns=["partner_id", "partner_name", "registrations", "won", "lost", "win_rate",
                                          "median_days_to_won", "value_won"])


def funnel(session: Session, actor: Actor, *, partner_id: int | None = None, manager_id: int | None = None
           ) -> pd.DataFrame:
    """Deals and value per stage and currency, in stage order (denied deals left out; added up from the stored
    figures). Columns: stage, currency, deals, value (Decimal)."""
    query = sa.select(F.stage, F.currency, sa.func.sum(F.deals).label("deals"),
                      sa.func.sum(F.value_cents).label("value_cents")).where(
        *_figure_filters(actor, partner_id, manager_id))
    rows = session.execute(query.group_by(F.stage, F.currency)).mappings().all()
    order = {stage.value: i for i, stage in enumerate(Stage)}
    records = [{"stage": getattr(r["stage"], "value", r["stage"]), "currency": r["currency"],
                "deals": int(r["deals"]), "value": rules.from_cents(int(r["value_cents"] or 0))} for r in rows]
    records.sort(key=lambda r: (order[r["stage"]], r["currency"]))
    return pd.DataFrame(records, columns=["stage", "currency", "deals", "value"])


def stats(session: Session, actor: Actor, *, partner_id: int | None = None, manager_id: int | None = None
          ) -> dict[str, Any]:
    """Win rate (won of closed, a fraction), conversion (won of all registered, a fraction), median days from
    registration to won; deals, won and lost counted. Denied deals are left out."""
    totals = session.execute(sa.select(
        sa.func.coalesce(sa.func.sum(S.deals), 0).label("deals"), sa.func.coalesce(sa.func.sum(S.won), 0).label("won"),
        sa.func.coalesce(sa.func.sum(S.lost), 0).label("lost"),
    ).where(*_scope(actor, partner_id, manager_id, S.partner_id))).mappings().one()
    won, lost, deals = int(totals["won"]), int(totals["lost"]), int(totals["deals"])
    return {
        "deals": deals, "won": won, "lost": lost,
        "win_rate": won / (won + lost) if won + lost else None,
        "conversion": won / deals if deals else None,
        "median_days_to_won": _median_days_to_won(
            session, _filters(session, actor, partner_id, manager_id), won,
            scoped=partner_id is not None or manager_id is not None or actor.partner_id is not None),
    }


def registrations_per_week(
    session: Session, actor: Actor, *, partner_id: int | None = None, manager_id: int | None = None, weeks: int = 26,
    today: dt.date | None = None,
) -> pd.DataFrame:
    """Deals registered per ISO week (by the registration day in the business time zone) over the last `weeks`
    weeks, zero-filled, denied deals left out; added up from the stored weekly figures. Columns: week
    ("2026-W49"), registrations."""
    today = today or clock.today()
    labels = rules.weeks_back(rules.iso_week(today), weeks)
    query = sa.select(W.monday, sa.func.sum(W.deals)).where(
        W.monday >= rules.week_monday(labels[0]), *_scope(actor, partner_id, manager_id, W.partner_id)
    ).group_by(W.monday)
    counts = dict.fromkeys(labels, 0)
    for monday, deals in session.execute(query):
        week = rules.iso_week(monday if isinstance(monday, dt.date) else dt.date.fromisoformat(str(monday)))
        if week in counts:
            counts[week] += int(deals)
    return pd.DataFrame({"week": list(counts), "registrations": list(counts.values())})


def stale_by_stage(today: dt.date) -> list[Any]:
    """The one definition of a stale deal, one condition per open stage that has a limit: in that stage since
    before its limit (rules.STALE_AFTER_DAYS) ended. Queried stage by stage, each walks a (stage, entered) index."""
    return [sa.and_(D.stage == stage.value, D.stage_entered_at < clock.day_start(today - dt.timedelta(days=days)))
            for stage in rules.OPEN_STAGES if (days := rules.STALE_AFTER_DAYS[stage]) is not None]


def stale_count(session: Session, actor: Actor, *, partner_id: int | None = None, manager_id: int | None = None,
                today: dt.date | None = None, cap: int | None = None) -> int:
    """How many deals stale_deals would list in all (denied deals left out), or `cap` when there are at least that
    many (a home tile says "1,000+" without counting a big program's every stale deal). Counted stage by stage, so
    each count walks the (partner, stage, entered) or (stage, entered) index."""
    today = today or clock.today()
    filters = _filters(session, actor, partner_id, manager_id)
    total = 0
    for stale in stale_by_stage(today):
        if cap is not None and total >= cap:
            break
        rows = sa.select(D.id).where(*filters, stale)
        if cap is not None:
            rows = rows.limit(cap - total)
        total += session.execute(sa.select(sa.func.count()).select_from(rows.subquery())).scalar_one()
    return int(total)


def stale_deals(
    session: Session, actor: Actor, *, partner_id: int | None = None, manager_id: int | None = None, limit: int = 50,
    today: dt.date | None = None,
) -> pd.DataFrame:
    """Open deals that sat in their stage past its limit, longest waiting first: the ones to chase (at most `limit`;
    denied deals left out). Read stage by stage, each the oldest `limit` along the (stage, entered) index, then
    merged: one query with the stages OR-ed together would sort every stale deal. Columns: as the deal board's cards.
    """
    today = today or clock.today()
    filters = _filters(session, actor, partner_id, manager_id)
    limit = rules.count_bound(limit, "limit", "limit")
    p = Partner.__table__.c
    columns = (D.id.label("deal_id"), D.company_name, D.customer_domain, D.contact_name, D.value_cents, D.currency,
               D.partner_id, p.name.label("partner_name"), D.stage, D.review_status, D.denial_reason,
               D.billing_option, D.stage_entered_at, D.version, D.customer_id, D.protected_until, D.created_at)
    rows: list[Any] = []
    for stale in stale_by_stage(today):
        query = sa.select(*columns).join(Partner.__table__, p.id == D.partner_id).where(*filters, stale)
        rows += session.execute(query.order_by(D.stage_entered_at, D.id).limit(limit)).mappings().all()
    rows.sort(key=lambda r: (r["stage_entered_at"], r["deal_id"]))
    return cards_frame(rows[:limit], today)
