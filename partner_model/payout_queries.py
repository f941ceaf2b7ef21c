"""Payouts as finance and partner admins read them: filtered, counted, summed and paged in SQL."""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session

from partner_model import rules
from partner_model.access import Actor, check_owns, is_staff, require_role, row_id, scope_partner
from partner_model.errors import N_, NotFound
from partner_model.models import Partner, Payout, PayoutEvent, PayoutRead, PayoutState, Role, User
from partner_model.payouts import read

PO, P, E, U = Payout.__table__.c, Partner.__table__.c, PayoutEvent.__table__.c, User.__table__.c
READER_ROLES = {Role.partner_admin, Role.finance, Role.admin}
COLUMNS = ["id", "partner_id", "partner_name", "currency", "week", "state", "lines_cents", "carried_in_cents",
           "due_cents", "carried_into_id", "paid_on", "bank_reference", "version"]


def _filtered(actor: Actor, *, state: object, partner_id: int | None, currency: object) -> sa.Select:
    require_role(actor, READER_ROLES, "see payouts")
    query = sa.select(PO.id).join(Partner.__table__, P.id == PO.partner_id)
    scope = scope_partner(actor, partner_id)
    if scope is not None:
        query = query.where(PO.partner_id == row_id(scope, "Partner"))
    if state not in (None, ""):
        query = query.where(PO.state == rules.choice(PayoutState, state, "state", N_("State")).value)
    if currency not in (None, ""):
        query = query.where(PO.currency == rules.currency(currency))
    return query


def list_payouts(
    session: Session, actor: Actor, *, state: object = None, partner_id: int | None = None, currency: object = None,
    limit: int = 50, offset: int = 0,
) -> pd.DataFrame:
    """Payouts newest first, `limit` from `offset`. Finance and admins see every partner's (or the one named);
    a partner admin sees their own partner's only.

    Columns: COLUMNS (amounts in cents; due_cents = lines_cents + carried_in_cents).
    Raises PermissionDenied, ValidationError (state, currency, limit, offset).
    """
    limit = rules.count_bound(limit, "limit", N_("Limit"))
    offset = rules.count_bound(offset, "offset", N_("Offset"))
    ids = _filtered(actor, state=state, partner_id=partner_id, currency=currency)
    query = (sa.select(PO.id, PO.partner_id, P.name.label("partner_name"), PO.currency, PO.week, PO.state,
                       PO.lines_cents, PO.carried_in_cents, (PO.lines_cents + PO.carried_in_cents).label("due_cents"),
                       PO.carried_into_id, PO.paid_on, PO.bank_reference, PO.version)
             .join(Partner.__table__, P.id == PO.partner_id).where(PO.id.in_(ids.scalar_subquery()))
             .order_by(PO.week.desc(), P.name, PO.currency).limit(limit).offset(offset))
    rows = session.execute(query).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=COLUMNS)


def payout_totals(
    session: Session, actor: Actor, *, state: object = None, partner_id: int | None = None, currency: object = None,
) -> pd.DataFrame:
    """Per state and currency of the payouts the same filters select: their count and due, summed in SQL.

    Columns: state, currency, payouts, due_cents. Raises PermissionDenied, ValidationError.
    """
    ids = _filtered(actor, state=state, partner_id=partner_id, currency=currency)
    rows = session.execute(
        sa.select(PO.state, PO.currency, sa.func.count(), sa.func.coalesce(sa.func.sum(
            PO.lines_cents + PO.carried_in_cents), 0))
        .where(PO.id.in_(ids.scalar_subquery())).group_by(PO.state, PO.currency)
        .order_by(PO.state, PO.currency)).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=["state", "currency", "payouts", "due_cents"])


def get_payout(session: Session, actor: Actor, payout_id: object) -> PayoutRead:
    """One payout. Raises PermissionDenied, NotFound (unknown, or another partner's)."""
    require_role(actor, READER_ROLES, "see payouts")
    payout = session.get(Payout, row_id(payout_id, "Payout"))
    if payout is None or (not is_staff(actor) and payout.partner_id != actor.partner_id):
        raise NotFound(N_("Payout not found."))
    return read(payout, session.get(Partner, payout.partner_id).name)  # type: ignore[union-attr]


def payout_history(session: Session, actor: Actor, payout_id: object) -> pd.DataFrame:
    """A payout's changes, oldest first. Columns: at, actor, from_state, to_state, note.
    Raises PermissionDenied, NotFound."""
    payout = get_payout(session, actor, payout_id)
    rows = session.execute(
        sa.select(E.at, sa.func.coalesce(U.name, ""), E.from_state, E.to_state, E.note)
        .join(User.__table__, U.id == E.actor_id, isouter=True)
        .where(E.payout_id == payout.id).order_by(E.id)).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=["at", "actor", "from_state", "to_state", "note"])


def carried_balance(session: Session, actor: Actor, partner_id: int) -> dict[str, int]:
    """The balance each currency carries into the partner's next payout, in cents ({} when none waits).
    Raises PermissionDenied, NotFound."""
    require_role(actor, READER_ROLES, "see payouts")
    check_owns(actor, partner_id, "Partner")
    rows = session.execute(
        sa.select(PO.currency, sa.func.sum(PO.lines_cents + PO.carried_in_cents))
        .where(PO.partner_id == row_id(partner_id, "Partner"), PO.state == PayoutState.carried.value,
               PO.carried_into_id.is_(None))
        .group_by(PO.currency)).all()
    return {currency: int(cents) for currency, cents in rows}


__all__ = ["COLUMNS", "carried_balance", "get_payout", "list_payouts", "payout_history", "payout_totals"]
