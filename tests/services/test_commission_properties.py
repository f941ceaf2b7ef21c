"""Property tests of the commission lines over random deals, rates, currencies and billing options.

Each example builds its own SQLite file (a copy of one migrated template) through the public services:
partners with random rates win random deals in one ISO week, finance approves that week, then some deals
change billing option and some are clawed back. Whatever the draw:
- the week's lines sum to python_week_totals (an oracle in factories), per partner and currency;
- commission = value x rate, rounded half-up to cents; netted lines invoice value - commission; all Decimal;
- the approved week's lines never change;
- commission_queries.week_partner_totals (summed in SQL) equals python_week_totals;
- a clawed-back deal's lines cancel exactly (they sum to 0); a re-billed deal still sums to its commission,
  and every reversal and adjustment names the line it corrects.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
import uuid
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factories import cheap_hashing, python_week_totals
from partner_model import commission_queries, commissions, db, deals, partners, rules, users
from partner_model.errors import PermissionDenied

WON_ON = dt.date(2026, 3, 4)  # a Wednesday of 2026-W10
WEEK = rules.iso_week(WON_ON)
LATER = WON_ON + dt.timedelta(days=7)  # the changes happen the week after
OPTIONS = ("credit_card", "invoice", "via_partner")
MONEY_COLUMNS = ("value", "rate", "commission")

rates = st.integers(min_value=0, max_value=10_000).map(lambda bp: Decimal(bp) / 10_000)
cents = st.integers(min_value=0, max_value=50_000_000)  # up to 500,000.00


@dataclass(frozen=True)
class DealPlan:
    partner: int  # index into the example's partners
    cents: int
    currency: str
    option: str
    change: str | None  # None, "reverse", or the billing option to switch to after approval


deal_plans = st.builds(
    DealPlan,
    partner=st.integers(min_value=0, max_value=1),
    cents=cents,
    currency=st.sampled_from(("EUR", "EUR", "SEK", "USD")),
    option=st.sampled_from(OPTIONS),
    change=st.one_of(st.none(), st.just("reverse"), st.sampled_from(OPTIONS)),
)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file; every example starts from a copy (migrating per example is slow)."""
    path = tmp_path_factory.mktemp("commission-properties") / "template.db"
    engine = db.make_engine(f"sqlite:///{path}")
    db.migrate(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


def _expected_commission(value: Decimal, rate: Decimal) -> Decimal:
    return (value * rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _world(s, partner_rates: list[Decimal]):  # type: ignore[no-untyped-def]
    """Partners with the drawn rates, a user for each, a partner manager and finance."""
    with cheap_hashing():
        made = [partners.create_partner(s, name=f"Partner {i}", domain=f"p{i}-{uuid.uuid4().hex[:6]}.example",
                                        commission_rate=rate) for i, rate in enumerate(partner_rates)]
        sellers = [users.create_user(s, email=f"seller@{p.domain}", name=f"Seller {p.id}", role="partner_user",
                                     password="correct horse battery", partner_id=p.id) for p in made]
        manager = users.create_user(s, email="manager@vendor.example", name="Manager", role="partner_manager",
                                    password="correct horse battery")
        finance = users.create_user(s, email="finance@vendor.example", name="Finance", role="finance",
                                    password="correct horse battery")
    return made, sellers, manager, finance


def _win(s, seller, manager, plan: DealPlan, n: int) -> int:  # type: ignore[no-untyped-def]
    deal = deals.register_deal(
        s, seller, contact_name="Kim Customer", contact_email=f"kim@c{n}-{uuid.uuid4().hex[:6]}.example",
        company_name=f"Customer {n}", annual_value=rules.from_cents(plan.cents), currency=plan.currency,
        today=WON_ON)
    deals.review_deal(s, manager, deal.id, accept=True)
    deals.move_deal(s, seller, deal.id, stage="closed_won", billing_option=plan.option, today=WON_ON)
    return deal.id


def _all_lines(s, finance, weeks: list[str]) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    return pd.concat([commissions.week_lines(s, finance, w) for w in weeks], ignore_index=True)


def _check_line_maths(lines: pd.DataFrame) -> None:
    for line in lines.itertuples():
        for column in MONEY_COLUMNS:
            assert isinstance(getattr(line, column), Decimal), f"{column} is {type(getattr(line, column))}"
        sign = -1 if line.kind == "reversal" else 1
        assert line.commission == sign * _expected_commission(sign * line.value, line.rate)
        if line.direction == "netted":
            assert isinstance(line.partner_invoice, Decimal)
            assert line.partner_invoice == line.value - line.commission
            assert line.billing_option == "via_partner"
        else:
            assert line.billing_option in ("credit_card", "invoice")


def _check_totals(lines: pd.DataFrame) -> None:
    totals = python_week_totals(lines)
    assert int(totals["lines"].sum()) == len(lines)
    for total in totals.itertuples():
        mine = lines[(lines["partner_id"] == total.partner_id) & (lines["currency"] == total.currency)]
        payable = mine[mine["direction"] == "payable"]
        netted = mine[mine["direction"] == "netted"]
        for amount in (total.payable, total.netted, total.partner_invoice):
            assert isinstance(amount, Decimal)
        assert total.payable == sum(payable["commission"], Decimal("0.00"))
        assert total.netted == sum(netted["commission"], Decimal("0.00"))
        assert total.partner_invoice == sum(netted["value"], Decimal("0.00")) - total.netted
        assert total.lines == len(mine)


def _check_sql_totals(s, finance, sellers, week: str) -> None:  # type: ignore[no-untyped-def]
    """commission_queries sums in SQL exactly what commissions.week_totals sums in Python, for staff and partners."""
    for actor in (finance, *sellers):
        lines = commissions.week_lines(s, actor, week)
        expected = python_week_totals(lines).sort_values(["partner_id", "currency"]).to_dict("records")
        summed = commission_queries.week_partner_totals(s, actor, week)
        assert summed.sort_values(["partner_id", "currency"]).to_dict("records") == expected
        assert all(isinstance(v, Decimal) for c in ("payable", "netted", "partner_invoice") for v in summed[c])
        assert set(commission_queries.week_partners(s, actor, week)) == set(lines["partner_id"])


def _apply_changes(s, finance, manager, plans: list[DealPlan], deal_ids: list[int]) -> None:  # type: ignore[no-untyped-def]
    # Finance claws back; billing options on closed deals are changed by partner managers (finance may not).
    for plan, deal_id in zip(plans, deal_ids, strict=True):
        if plan.change == "reverse":
            commissions.reverse_deal(s, finance, deal_id, today=LATER)
        elif plan.change is not None:
            deals.set_billing_option(s, manager, deal_id, plan.change, today=LATER)


def _check_after_changes(all_lines: pd.DataFrame, plans: list[DealPlan], deal_ids: list[int],
                         partner_rates: list[Decimal]) -> None:
    by_id = all_lines.set_index("line_id")
    for plan, deal_id in zip(plans, deal_ids, strict=True):
        mine = all_lines[all_lines["deal_id"] == deal_id]
        total = sum(mine["commission"], Decimal("0.00"))
        if plan.change == "reverse":
            assert total == Decimal("0.00")
            assert sum(mine["value"], Decimal("0.00")) == Decimal("0.00")
        else:
            value = rules.from_cents(plan.cents)
            assert total == _expected_commission(value, partner_rates[plan.partner])
        for line in mine[mine["kind"] != "commission"].itertuples():
            # Reversals and adjustments land after the approved week and name an earlier line of the same deal.
            assert line.week > WEEK
            assert not pd.isna(line.adjusts_line_id)
            assert by_id.loc[int(line.adjusts_line_id), "deal_id"] == deal_id


def _check_queries(s, finance, seller, everything: pd.DataFrame, plans: list[DealPlan],  # type: ignore[no-untyped-def]
                   deal_ids: list[int]) -> None:
    """commission_queries: only lines nothing has cancelled can be clawed back; a deal's lines are all its lines."""
    changed = {d for p, d in zip(plans, deal_ids, strict=True) if p.change not in (None, p.option)}
    reversible = commission_queries.reversible_lines(s, finance, WEEK)
    assert set(reversible["deal_id"]) == set(deal_ids) - changed
    assert set(reversible["kind"]) <= {"commission"}
    later = commission_queries.reversible_lines(s, finance, rules.week_after(WEEK))
    rebilled = {d for p, d in zip(plans, deal_ids, strict=True) if p.change not in (None, "reverse", p.option)}
    assert set(later["deal_id"]) == rebilled and set(later["kind"]) <= {"adjustment"}
    for deal_id in deal_ids:
        mine = commission_queries.deal_lines(s, finance, deal_id)
        assert sorted(mine["line_id"]) == sorted(everything.loc[everything["deal_id"] == deal_id, "line_id"])
    with pytest.raises(PermissionDenied):
        commission_queries.reversible_lines(s, seller, WEEK)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(partner_rates=st.lists(rates, min_size=2, max_size=2), plans=st.lists(deal_plans, min_size=1, max_size=6))
def test_commission_lines_keep_their_sums_and_approved_weeks_never_change(
        template: Path, partner_rates: list[Decimal], plans: list[DealPlan]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copyfile(template, Path(tmp) / "x.db")
        engine = db.make_engine(f"sqlite:///{tmp}/x.db")
        try:
            with db.session(engine) as s:
                made, sellers, manager, finance = _world(s, partner_rates)
                deal_ids = [_win(s, sellers[p.partner], manager, p, n) for n, p in enumerate(plans)]
                week = commissions.week_lines(s, finance, WEEK)
                assert sorted(week["deal_id"]) == sorted(deal_ids)
                assert set(week["kind"]) == {"commission"}
                _check_line_maths(week)
                _check_totals(week)

                commissions.approve_week(s, finance, WEEK)
                assert commissions.week_state(s, WEEK).state == "approved"
                _apply_changes(s, finance, manager, plans, deal_ids)

                after = commissions.week_lines(s, finance, WEEK)
                pd.testing.assert_frame_equal(after, week)
                weeks = rules.weeks_back(rules.week_after(rules.week_after(WEEK)), 3)
                everything = _all_lines(s, finance, weeks)
                _check_line_maths(everything)
                for w in weeks:
                    _check_totals(commissions.week_lines(s, finance, w))
                    _check_sql_totals(s, finance, sellers, w)
                _check_after_changes(everything, plans, deal_ids, partner_rates)
                _check_queries(s, finance, sellers[0], everything, plans, deal_ids)
        finally:
            engine.dispose()


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(partner_rates=st.lists(rates, min_size=2, max_size=2), plans=st.lists(deal_plans, min_size=1, max_size=4))
def test_a_partner_sees_only_its_own_lines_and_they_match_the_staff_view(
        template: Path, partner_rates: list[Decimal], plans: list[DealPlan]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copyfile(template, Path(tmp) / "x.db")
        engine = db.make_engine(f"sqlite:///{tmp}/x.db")
        try:
            with db.session(engine) as s:
                made, sellers, manager, finance = _world(s, partner_rates)
                for n, plan in enumerate(plans):
                    _win(s, sellers[plan.partner], manager, plan, n)
                everyone = commissions.week_lines(s, finance, WEEK)
                for partner, seller in zip(made, sellers, strict=True):
                    own = commissions.week_lines(s, seller, WEEK)
                    assert set(own["partner_id"]) <= {partner.id}
                    staff_view = everyone[everyone["partner_id"] == partner.id].reset_index(drop=True)
                    if staff_view.empty:  # an empty frame's columns have no dtype to compare
                        assert own.empty
                    else:
                        pd.testing.assert_frame_equal(own.reset_index(drop=True), staff_view)
        finally:
            engine.dispose()
