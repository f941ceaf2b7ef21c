"""The money side of the seeded program's past: each approved week's payouts and partner invoices, made by the
same services approve_week calls (payouts.create_for_week, invoices.create_for_week), oldest week first, so
carried balances and invoice numbers come out as they would have in a live program. Payouts of weeks approved over
two weeks ago are paid (a bank reference, the Friday after the approval); later ones wait as drafts for finance."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from partner_model import clock as business_clock
from partner_model import db, invoices, payouts, users
from partner_model.models import CommissionWeek, PartnerInvoice, Payout, PayoutEvent, PayoutState, WeekState
from partner_model.seed.clock import Clock

PAID_AFTER_DAYS = 14


def settle(engine: Engine, clock: Clock, finance_id: int) -> int:
    """Payouts and invoices for every approved week; returns how many payouts were made."""
    w, po = CommissionWeek.__table__.c, Payout.__table__.c
    with db.session(engine) as session:
        actor = users.get_user(session, finance_id)
        approved = session.execute(sa.select(w.week, w.approved_at).where(w.state == WeekState.approved.value)
                                   .order_by(w.week)).all()
        made = 0
        for week, at in approved:
            day = business_clock.local_date(at if at.tzinfo else at.replace(tzinfo=dt.UTC))
            made += len(payouts.create_for_week(session, actor, week))
            invoices.create_for_week(session, actor, week, today=day)
        cutoff = (clock.date - dt.timedelta(days=PAID_AFTER_DAYS)).isoformat()
        paid_weeks = [week for week, at in approved if at.date().isoformat() < cutoff]
        paid = sa.select(po.id, po.week).where(po.state == PayoutState.draft.value, po.week.in_(paid_weeks))
        rows = session.execute(paid).all()
        for payout_id, week in rows:  # the Friday after the Wednesday approval, by the bank's reference
            friday = dt.date.fromisocalendar(*map(int, (week[:4], week[6:], 5))) + dt.timedelta(days=7)
            session.execute(sa.update(Payout.__table__).where(po.id == payout_id).values(
                state=PayoutState.paid.value, paid_on=friday, bank_reference=f"SEPA-{friday:%Y%m%d}-{payout_id}"))
            when = dt.datetime.combine(friday, dt.time(9), tzinfo=dt.UTC)
            session.execute(sa.insert(PayoutEvent.__table__), [
                {"payout_id": payout_id, "actor_id": finance_id, "at": when, "from_state": "draft",
                 "to_state": "ready", "note": None},
                {"payout_id": payout_id, "actor_id": finance_id, "at": when, "from_state": "ready",
                 "to_state": "paid", "note": f"{friday.isoformat()} SEPA-{friday:%Y%m%d}-{payout_id}"}])
        # Written as of the approval, not of the seeding (the same random seed gives the same program).
        approval = sa.select(w.approved_at).where(w.week == po.week).scalar_subquery()
        session.execute(sa.update(Payout.__table__).values(created_at=approval))
        inv = PartnerInvoice.__table__.c
        session.execute(sa.update(PartnerInvoice.__table__).values(
            created_at=sa.select(w.approved_at).where(w.week == inv.week).scalar_subquery()))
        ev = PayoutEvent.__table__.c
        session.execute(sa.update(PayoutEvent.__table__).where(ev.from_state.is_(None)).values(
            at=sa.select(Payout.__table__.c.created_at).where(Payout.__table__.c.id == ev.payout_id)
            .scalar_subquery()))
        session.commit()
    return made
