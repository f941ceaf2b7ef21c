"""Stored pipeline figures: each partner's deals counted and summed per stage, furthest stage and currency
(table pipeline_figure), each partner's counts and median days to won (partner_pipeline), its registrations per
week (pipeline_week), and each won deal's days to won (deal.won_days).

The pipeline's whole-program figures (funnel, win rate, partners compared) add up about fifteen rows per partner
instead of reading every deal, and its medians walk an index. They are kept in the transaction of every deal
write, whichever service makes it: a session hook notes the partners whose deals a flush adds, changes or
deletes, and before the commit their rows are counted again from their deals (a few hundred rows each). Writes
that bypass the ORM (the seed's bulk load, migrations, hand-written SQL) call `rebuild`; the daily job rebuilds
too, so a figure can never drift for longer than a day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from partner_model import clock
from partner_model.models import Deal, PartnerPipeline, PipelineFigure, PipelineWeek, ReviewStatus, Stage

D = Deal.__table__.c
F = PipelineFigure.__table__
P = PartnerPipeline.__table__
W = PipelineWeek.__table__
_LOCK_SPACE = 7_011  # the first key of this module's PostgreSQL advisory locks (the second: the partner id)
_TOUCHED = "pipeline_figures_partners"  # session.info key: partners whose figures this transaction must recount


def won_days(won_on: dt.date | None, created_at: dt.datetime | None) -> int | None:
    """Whole days from the registration day to the won day, both days in the business time zone (a deal
    registered and won on one working day took 0 days, whatever the UTC date); None when the deal is not won."""
    if won_on is None or created_at is None:
        return None
    return (won_on - clock.local_date(created_at)).days


def _won_days_sql(dialect: str) -> Any:
    """won_days in SQL: SQLite through the connection's business_date() (db.py), PostgreSQL with AT TIME ZONE."""
    if dialect == "sqlite":
        return sa.cast(sa.func.julianday(D.won_on) - sa.func.julianday(sa.func.business_date(D.created_at)),
                       sa.Integer)
    return D.won_on - sa.cast(sa.func.timezone(clock.zone().key, D.created_at), sa.Date)


def _of(column: Any, partner_ids: list[int] | None) -> list[Any]:
    return [] if partner_ids is None else [column.in_(partner_ids)]


def _figures(partner_ids: list[int] | None) -> sa.Insert:
    """pipeline_figure rows counted from the deals of these partners (None: every partner)."""
    counted = sa.select(D.partner_id, D.stage, D.furthest_stage, D.currency, sa.func.count(),
                        sa.func.coalesce(sa.func.sum(D.value_cents), 0)).where(
        D.review_status != ReviewStatus.denied.value, *_of(D.partner_id, partner_ids)).group_by(
        D.partner_id, D.stage, D.furthest_stage, D.currency)
    return F.insert().from_select(["partner_id", "stage", "furthest_stage", "currency", "deals", "value_cents"],
                                  counted)


def monday_sql(dialect: str) -> Any:
    """The Monday of the ISO week of a deal's registration day in the business time zone (as won_days counts it),
    in the dialect's date arithmetic."""
    if dialect == "sqlite":  # the next Sunday (or the day itself), less six days
        return sa.func.date(sa.func.business_date(D.created_at), "weekday 0", "-6 days")
    return sa.cast(sa.func.date_trunc("week", sa.func.timezone(clock.zone().key, D.created_at)), sa.Date)


def _weeks(partner_ids: list[int] | None, dialect: str) -> sa.Insert:
    """pipeline_week rows counted from the deals of these partners (None: every partner)."""
    monday = monday_sql(dialect)
    counted = sa.select(D.partner_id, monday, sa.func.count()).where(
        D.review_status != ReviewStatus.denied.value, *_of(D.partner_id, partner_ids)).group_by(D.partner_id, monday)
    return W.insert().from_select(["partner_id", "monday", "deals"], counted)


def _summaries(partner_ids: list[int] | None) -> sa.Insert:
    """partner_pipeline rows from the (just written) figures, with each partner's median days to won: its won
    deals numbered in won_days order, the middle one or two averaged."""
    f = F.c

    def deals_in(stage: Stage) -> Any:
        return sa.func.coalesce(sa.func.sum(sa.case((f.stage == stage.value, f.deals), else_=0)), 0)

    counts = sa.select(f.partner_id, sa.func.sum(f.deals).label("deals"), deals_in(Stage.closed_won).label("won"),
                       deals_in(Stage.closed_lost).label("lost")).where(
        *_of(f.partner_id, partner_ids)).group_by(f.partner_id).subquery()
    numbered = sa.select(
        D.partner_id, D.won_days,
        sa.func.row_number().over(partition_by=D.partner_id, order_by=(D.won_days, D.id)).label("n"),
        sa.func.count().over(partition_by=D.partner_id).label("total"),
    ).where(*_of(D.partner_id, partner_ids), D.stage == Stage.closed_won.value, D.won_days.is_not(None),
            D.review_status != ReviewStatus.denied.value).subquery()
    medians = sa.select(numbered.c.partner_id, sa.func.avg(numbered.c.won_days).label("median")).where(
        numbered.c.n.in_([(numbered.c.total + 1) // 2, (numbered.c.total + 2) // 2])).group_by(
        numbered.c.partner_id).subquery()
    rows = sa.select(counts.c.partner_id, counts.c.deals, counts.c.won, counts.c.lost, medians.c.median).outerjoin(
        medians, medians.c.partner_id == counts.c.partner_id)
    return P.insert().from_select(["partner_id", "deals", "won", "lost", "median_days_to_won"], rows)


def _dialect(session: Session | Connection) -> str:
    return session.get_bind().dialect.name if isinstance(session, Session) else session.dialect.name


def refresh(session: Session | Connection, partner_ids: Iterable[int]) -> None:
    """Count these partners' figures again from their deals (in the caller's transaction).

    On PostgreSQL two transactions recounting one partner take turns (an advisory lock per partner, in id order),
    so the second counts after the first's commit instead of inserting the same keys beside it."""
    ids = sorted({int(p) for p in partner_ids if p is not None})
    dialect = _dialect(session)
    if dialect == "postgresql":
        for partner_id in ids:
            session.execute(sa.text("SELECT pg_advisory_xact_lock(:space, :id)"),
                            {"space": _LOCK_SPACE, "id": partner_id})
    for start in range(0, len(ids), 500):  # bound the IN list
        chunk = ids[start:start + 500]
        for table in (P, F, W):
            session.execute(table.delete().where(table.c.partner_id.in_(chunk)))
        session.execute(_figures(chunk))
        session.execute(_summaries(chunk))
        session.execute(_weeks(chunk, dialect))


def rebuild(session: Session | Connection) -> None:
    """Every deal's won_days and every partner's figures from the deals (after bulk loads and migrations; the daily
    job runs it as a check). One statement each: seconds on the large program."""
    dialect = _dialect(session)
    if dialect == "postgresql":  # deal writes wait (their recount's DELETE) until the new figures are committed
        session.execute(sa.text("LOCK TABLE pipeline_figure, partner_pipeline, pipeline_week IN EXCLUSIVE MODE"))
    session.execute(sa.update(Deal.__table__).where(D.won_on.is_not(None), sa.or_(
        D.won_days.is_(None), D.won_days != _won_days_sql(dialect))).values(won_days=_won_days_sql(dialect)))
    session.execute(sa.update(Deal.__table__).where(D.won_on.is_(None), D.won_days.is_not(None))
                    .values(won_days=None))
    for table in (P, F, W):
        session.execute(table.delete())
    session.execute(_figures(None))
    session.execute(_summaries(None))
    session.execute(_weeks(None, dialect))


@sa.event.listens_for(Session, "before_flush")
def _note_deal_writes(session: Session, _context: Any, _instances: Any) -> None:
    touched: set[int] = session.info.setdefault(_TOUCHED, set())
    for obj in (*session.new, *session.dirty, *session.deleted):
        if not isinstance(obj, Deal):
            continue
        state = sa.inspect(obj)
        touched.update(p for p in (obj.partner_id, *state.attrs.partner_id.history.deleted) if p is not None)
        if obj not in session.deleted:
            days = won_days(obj.won_on, obj.created_at)
            if obj.won_days != days:
                obj.won_days = days


@sa.event.listens_for(Session, "before_commit")
def _recount_before_commit(session: Session) -> None:
    if session.new or session.dirty or session.deleted:
        session.flush()  # the flush's hook above notes the partners still pending
    touched = session.info.pop(_TOUCHED, None)
    if touched:
        refresh(session, touched)


@sa.event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop(_TOUCHED, None)
