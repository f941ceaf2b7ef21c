"""Issue 12: money follows the deal's truth. A hypothesis state machine drives one deal through random sequences
of what can happen to it (won, reopened, value or billing changed, clawed back, won again), with finance
approving weeks and time passing. After every step, on SQLite and PostgreSQL:
- the deal's commission lines add up to what its current state earns (value x rate, half-up to cents, when it
  is Closed won, accepted, billed and not clawed back; else zero);
- every approved week's lines are exactly what they were when it was approved;
- no line id is used twice.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test
from sqlmodel import SQLModel

from factories import Factory
from partner_model import commissions, db, deals, rules
from partner_model.errors import Conflict, ValidationError
from partner_model.models import CommissionLine

START = dt.date(2026, 3, 2)  # a Monday
RATE = Decimal("0.20")
OPTIONS = ("credit_card", "invoice", "via_partner")
VALUES = st.sampled_from(["12000.00", "8000.50", "0.00", "99999.99", "1234.56"])


def _empty(engine) -> None:  # type: ignore[no-untyped-def]
    from partner_model import models  # noqa: F401  (registers the tables)

    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE partner SET manager_id = NULL"))
        for table in reversed(SQLModel.metadata.sorted_tables):
            conn.execute(table.delete())


def _machine(engine):  # type: ignore[no-untyped-def]
    class DealLife(RuleBasedStateMachine):
        """One deal's life; `self.today` moves forward only."""

        @initialize(value=VALUES, option=st.sampled_from(OPTIONS))
        def register_and_win(self, value: str, option: str) -> None:
            _empty(engine)
            self.today = START
            self.approved: dict[str, list[tuple]] = {}
            with db.session(engine) as s:
                f = Factory(s)
                partner = f.partner(commission_rate=RATE)
                self.seller = f.user(partner=partner)
                self.staff = f.user(role="admin")
                self.finance = f.user(role="finance")
                deal = f.deal(self.seller, annual_value=value, today=self.today)
                deals.review_deal(s, self.staff, deal.id, accept=True, today=self.today)
                self.deal_id = deals.move_deal(s, self.seller, deal.id, stage="closed_won", billing_option=option,
                                               today=self.today).id

        def _deal(self, s):  # type: ignore[no-untyped-def]
            return deals.get_deal(s, self.staff, self.deal_id)

        @rule(days=st.integers(min_value=0, max_value=10))
        def time_passes(self, days: int) -> None:
            self.today += dt.timedelta(days=days)

        @rule()
        def finance_approves_this_week(self) -> None:
            week = rules.iso_week(self.today)
            with db.session(engine) as s:
                try:
                    commissions.approve_week(s, self.finance, week, today=self.today,
                                             expected_version=commissions.week_version(s, self.finance, week))
                except Conflict:
                    return  # already approved
                self.approved[week] = _lines(s, week)

        @rule(option=st.sampled_from(OPTIONS))
        def win(self, option: str) -> None:
            with db.session(engine) as s, contextlib.suppress(ValidationError):  # already won
                deals.move_deal(s, self.staff, self.deal_id, stage="closed_won", billing_option=option,
                                today=self.today)

        @rule(stage=st.sampled_from(["trial", "newsletter", "closed_lost"]))
        def reopen(self, stage: str) -> None:
            with db.session(engine) as s, contextlib.suppress(ValidationError):  # already there
                deals.move_deal(s, self.staff, self.deal_id, stage=stage, note="Reopened: the customer changed "
                                "its mind.", today=self.today)

        @rule(option=st.sampled_from(OPTIONS))
        def billing_changes(self, option: str) -> None:
            with db.session(engine) as s:
                deals.set_billing_option(s, self.staff, self.deal_id, option, today=self.today)

        @rule(value=VALUES)
        def value_changes(self, value: str) -> None:
            with db.session(engine) as s:
                deals.set_value(s, self.staff, self.deal_id, value, today=self.today)

        @rule()
        def clawed_back(self) -> None:
            with db.session(engine) as s, contextlib.suppress(Conflict):  # not won, or already clawed back
                commissions.reverse_deal(s, self.finance, self.deal_id, today=self.today)

        @invariant()
        def lines_add_up_to_what_the_deal_earns_now(self) -> None:
            with db.session(engine) as s:
                deal = self._deal(s)
                total = s.execute(sa.select(sa.func.coalesce(sa.func.sum(CommissionLine.commission_cents), 0))
                                  .where(CommissionLine.deal_id == self.deal_id)).scalar_one()
            earns = (deal.stage == "closed_won" and deal.review_status == "accepted"
                     and deal.billing_option is not None and deal.clawed_back_on is None)
            expected = (deal.value * RATE).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) if earns else 0
            assert rules.from_cents(total) == expected, (deal.stage, deal.value, deal.clawed_back_on)

        @invariant()
        def approved_weeks_never_change(self) -> None:
            with db.session(engine) as s:
                for week, lines in self.approved.items():
                    assert _lines(s, week) == lines, week

        @invariant()
        def line_ids_are_unique(self) -> None:
            with db.session(engine) as s:
                ids = s.execute(sa.select(CommissionLine.id)).scalars().all()
            assert len(ids) == len(set(ids))

    return DealLife


def _lines(s, week: str) -> list[tuple]:  # type: ignore[no-untyped-def]
    rows = s.execute(sa.select(CommissionLine.id, CommissionLine.kind, CommissionLine.commission_cents,
                               CommissionLine.value_cents, CommissionLine.billing_option)
                     .where(CommissionLine.week == week).order_by(CommissionLine.id)).all()
    return [tuple(getattr(v, "value", v) for v in row) for row in rows]


@pytest.mark.parametrize("steps", [14])
def test_a_deals_commission_lines_always_add_up_to_what_it_earns_now(engine, steps):
    run_state_machine_as_test(_machine(engine), settings=settings(
        max_examples=30, stateful_step_count=steps, deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]))
