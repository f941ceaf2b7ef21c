"""Issue 12, races proven with threads and a widened window: approval against line writes, two reviewers on
one customer. Run on PostgreSQL (real concurrent transactions) and on SQLite (one writer at a time)."""

from __future__ import annotations

import threading
import time

import sqlalchemy as sa

from partner_model import commissions, db, deals, registrations, rules, users
from partner_model.errors import Conflict
from partner_model.models import CommissionLine, CommissionWeek

WINDOW = 0.6  # seconds a thread sleeps inside the critical part, so the other one runs into it


def _in_threads(*actions):  # type: ignore[no-untyped-def]
    """Run each action in its own thread with its own session; returns each one's result or exception."""
    results: list[object] = [None] * len(actions)

    def run(i: int, action) -> None:  # type: ignore[no-untyped-def]
        try:
            results[i] = action()
        except Exception as error:  # noqa: BLE001  (the test inspects it)
            results[i] = error

    threads = []
    for i, (delay, action) in enumerate(actions):
        thread = threading.Thread(target=run, args=(i, action))
        thread.start()
        threads.append(thread)
        time.sleep(delay)
    for thread in threads:
        thread.join(30)
    return results


def _session_call(engine, fn):  # type: ignore[no-untyped-def]
    def call():  # type: ignore[no-untyped-def]
        with db.session(engine) as s:
            return fn(s)
    return call


def test_no_line_is_ever_created_inside_a_week_after_its_approval(engine, session, cast, factory, monkeypatch):
    """A deal won while approve_week runs: its line lands in the week only if the approver is refused, else in
    the next open week; never inside the approved week."""
    first = factory.won_deal(cast.acme_user, cast.manager, annual_value="1000", billing_option="invoice")
    week = rules.iso_week(first.won_on)
    seen = commissions.week_version(session, cast.finance, week)
    late = factory.accepted_deal(cast.beta_user, cast.manager, annual_value="2000")
    slow = commissions.next_open_week

    def widened(s, w):  # type: ignore[no-untyped-def]
        found = slow(s, w)
        time.sleep(WINDOW)  # between reading which weeks are approved and writing the line
        return found

    monkeypatch.setattr(commissions, "next_open_week", widened)
    results = _in_threads(
        (0.2, _session_call(engine, lambda s: deals.move_deal(s, cast.beta_user, late.id, stage="closed_won",
                                                              billing_option="credit_card"))),
        (0.0, _session_call(engine, lambda s: commissions.approve_week(s, cast.finance, week,
                                                                        expected_version=seen))),
    )
    assert not isinstance(results[0], Exception), results[0]
    with db.session(engine) as s:
        state = s.get(CommissionWeek, week)
        lines = s.execute(sa.select(CommissionLine).where(CommissionLine.week == week)).scalars().all()
    if isinstance(results[1], Conflict):  # the line came first: the approver saw another week than now
        assert state is None or state.state == "open"
        assert {line.deal_id for line in lines} == {first.id, late.id}
    else:
        assert results[1] is None and state.state == "approved"
        assert {line.deal_id for line in lines} == {first.id}, "the late line went to the next open week"
        assert all(line.created_at <= state.approved_at for line in lines)


def test_two_reviewers_accepting_two_partners_deals_for_one_customer_at_once_accept_exactly_one(
        engine, cast, factory, monkeypatch):
    first = factory.deal(cast.acme_user, contact_email="a@samecorp.fi")
    second = factory.deal(cast.beta_user, contact_email="b@samecorp.fi")
    other_manager = factory.user(role="partner_manager")
    slow = registrations.holder

    def widened(*args, **kwargs):  # type: ignore[no-untyped-def]
        found = slow(*args, **kwargs)
        time.sleep(WINDOW)  # between "nobody holds it" and the acceptance
        return found

    monkeypatch.setattr(registrations, "holder", widened)
    results = _in_threads(
        (0.1, _session_call(engine, lambda s: deals.review_deal(s, cast.manager, first.id, accept=True))),
        (0.0, _session_call(engine, lambda s: deals.review_deal(s, other_manager, second.id, accept=True))),
    )
    outcomes = sorted(type(r).__name__ for r in results)
    assert outcomes == ["Conflict", "DealRead"], results
    with db.session(engine) as s:
        admin = users.get_user(s, cast.admin.id)
        statuses = sorted(deals.get_deal(s, admin, d.id).review_status for d in (first, second))
    assert statuses == ["accepted", "pending"]
