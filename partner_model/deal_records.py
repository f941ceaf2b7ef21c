"""A deal as services read and record it: fetched for an actor (version-checked), its read model, and the
history events and notes every change writes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from partner_model import clock, rules, versioning
from partner_model.access import Actor, check_owns, row_id
from partner_model.errors import N_, Conflict, NotFound
from partner_model.models import (
    Deal,
    DealEvent,
    DealNote,
    DealRead,
    utcnow,
)


def read(deal: Deal) -> DealRead:
    data = deal.model_dump()
    data["value"] = rules.from_cents(deal.value_cents)
    return DealRead.model_validate(data)


def _today(today: dt.date | None) -> dt.date:
    return today or clock.today()


def _now(today: dt.date | None) -> dt.datetime:
    """The current instant (UTC), moved onto `today` in the business time zone when a test or import gives one,
    so the instant's business date is `today`."""
    now = utcnow()
    if today is None:
        return now
    local = now.astimezone(clock.zone())
    return dt.datetime.combine(today, local.time(), clock.zone()).astimezone(dt.UTC)


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
    # populate_existing: fresh, not what this session saw earlier
    deal = session.get(Deal, row_id(deal_id, "Deal"), populate_existing=True)
    if deal is None:
        raise NotFound(N_("Deal not found."))
    check_owns(actor, deal.partner_id, "Deal")
    if expected_version is not None and deal.version != expected_version:
        raise Conflict(versioning.CHANGED_MEANWHILE)
    return deal


def furthest_stage_backfill() -> sa.Update:
    """UPDATE every deal's furthest_stage from its history (moved events) and its current stage, in one statement
    (migration 0011 and the seed run it; move_deal keeps it after that)."""
    d, e = Deal.__table__.c, DealEvent.__table__.c

    def order(column: Any) -> Any:
        return sa.case(*((column == stage.value, i) for i, stage in enumerate(rules.FUNNEL_STAGES)), else_=0)

    moved = (sa.select(sa.func.max(order(e.to_value))).where(e.deal_id == d.id, e.kind == "moved")
             .scalar_subquery())
    reached = sa.func.coalesce(moved, 0)
    best = sa.case((reached > order(d.stage), reached), else_=order(d.stage))
    stages = rules.FUNNEL_STAGES
    return sa.update(Deal.__table__).values(furthest_stage=sa.case(
        *((best == i, stage.value) for i, stage in enumerate(stages)), else_=stages[0].value))
