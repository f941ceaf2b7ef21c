"""Issue 14, speed without a wrong figure: the pipeline's stored figures (pipeline_figure, partner_pipeline,
pipeline_week, deal.won_days) follow every deal write in its own transaction, equal a rebuild from the deals
after any mix of writes, come back right after a write outside the services, and hold when two transactions
write one partner's deals at once (both databases)."""

from __future__ import annotations

import datetime as dt
import statistics
from decimal import Decimal

import sqlalchemy as sa

from partner_model import clock, daily, db, deals, partners, pipeline, pipeline_figures, rules, users
from partner_model.models import Deal, PartnerPipeline, PipelineFigure, PipelineWeek
from tests.services.test_races import _in_threads, _session_call

TODAY = clock.today()
TABLES = (PipelineFigure, PartnerPipeline, PipelineWeek)


def _stored(session) -> dict[str, list[tuple]]:  # type: ignore[no-untyped-def]
    session.expire_all()
    return {t.__tablename__: sorted(tuple(str(v) for v in row) for row in session.execute(sa.select(t.__table__)))
            for t in TABLES}


def _rebuilt(engine) -> dict[str, list[tuple]]:  # type: ignore[no-untyped-def]
    """The stored figures as a rebuild from the deals makes them (rolled back: the store itself is untouched)."""
    with engine.connect() as connection:
        transaction = connection.begin()
        pipeline_figures.rebuild(connection)
        rebuilt = {t.__tablename__: sorted(tuple(str(v) for v in row) for row in connection.execute(sa.select(
            t.__table__))) for t in TABLES}
        transaction.rollback()
    return rebuilt


def _deals(session) -> list[dict]:  # type: ignore[no-untyped-def]
    """Every deal as the naive way reads it: the whole table into Python."""
    return [dict(row) for row in session.execute(sa.select(Deal.__table__)).mappings()]


def _mixed_writes(session, cast, factory) -> None:  # type: ignore[no-untyped-def]
    """Registrations in two currencies, a denial, moves forward and back, a loss, wins, a value changed."""
    factory.deal(cast.acme_user, annual_value="1000")
    denied = factory.deal(cast.acme_user, annual_value="5000")
    deals.review_deal(session, cast.manager, denied.id, accept=False, reason="duplicate")
    back = factory.accepted_deal(cast.acme_user, cast.manager, annual_value="2000", currency="SEK")
    deals.move_deal(session, cast.acme_user, back.id, stage="trial")
    deals.move_deal(session, cast.acme_user, back.id, stage="newsletter")
    lost = factory.accepted_deal(cast.beta_user, cast.manager, annual_value="3000")
    deals.move_deal(session, cast.beta_user, lost.id, stage="closed_lost", note="No budget")
    won = factory.accepted_deal(cast.acme_user, cast.manager, annual_value="4000",
                                today=TODAY - dt.timedelta(days=9))
    deals.move_deal(session, cast.acme_user, won.id, stage="closed_won", billing_option="invoice", today=TODAY)
    factory.won_deal(cast.acme_user, cast.manager, annual_value="700")
    factory.won_deal(cast.beta_user, cast.manager, annual_value="900", currency="SEK")
    changed = factory.accepted_deal(cast.beta_user, cast.manager, annual_value="100")
    deals.set_value(session, cast.manager, changed.id, annual_value="150.50")


def test_after_any_mix_of_writes_the_stored_figures_equal_a_rebuild_from_the_deals(engine, session, cast, factory):
    _mixed_writes(session, cast, factory)
    stored = _stored(session)
    assert stored["pipeline_figure"], "the writes left figures"
    assert stored == _rebuilt(engine)


def test_the_pipelines_figures_match_the_deals_counted_the_naive_way(session, cast, factory):
    _mixed_writes(session, cast, factory)
    rows = [d for d in _deals(session) if d["review_status"] != "denied"]
    funnel = pipeline.funnel(session, cast.admin)
    expected: dict[tuple[str, str], list] = {}
    for d in rows:
        into = expected.setdefault((d["stage"], d["currency"]), [0, 0])
        into[0] += 1
        into[1] += d["value_cents"]
    assert {(r.stage, r.currency): [r.deals, rules.to_cents(r.value)] for r in funnel.itertuples()} == expected
    stats = pipeline.stats(session, cast.admin)
    # days to won count business days (registered and won on one local day: 0), not UTC dates
    won_days = sorted((d["won_on"] - clock.local_date(d["created_at"])).days for d in rows
                      if d["stage"] == "closed_won")
    assert (stats["deals"], stats["won"], stats["lost"]) == (
        len(rows), sum(d["stage"] == "closed_won" for d in rows), sum(d["stage"] == "closed_lost" for d in rows))
    assert stats["median_days_to_won"] == statistics.median(won_days) and 9 in won_days
    compared = pipeline.partner_comparison(session, cast.admin).set_index("partner_name")
    acme = compared.loc[cast.acme.name]
    assert (acme["registrations"], acme["won"], acme["lost"]) == (4, 2, 0)
    assert acme["value_won"] == {"EUR": Decimal("4700.00")} and acme["median_days_to_won"] == 4.5
    beta = compared.loc[cast.beta.name]
    assert (beta["registrations"], beta["won"], beta["lost"]) == (3, 1, 1) and beta["win_rate"] == 0.5
    weekly = pipeline.registrations_per_week(session, cast.admin, today=TODAY).set_index("week")["registrations"]
    for week in {rules.iso_week(d["created_at"].date()) for d in rows}:
        assert weekly[week] == sum(rules.iso_week(d["created_at"].date()) == week for d in rows)
    assert weekly.sum() == len(rows)


def test_a_managers_scope_reads_only_their_partners_figures(session, cast, factory):
    _mixed_writes(session, cast, factory)
    partners.set_manager(session, cast.admin, cast.beta.id, cast.manager.id)
    stats = pipeline.stats(session, cast.manager, manager_id=cast.manager.id)
    assert (stats["deals"], stats["won"], stats["lost"], stats["median_days_to_won"]) == (3, 1, 1, 0.0)
    assert list(pipeline.partner_comparison(session, cast.manager, manager_id=cast.manager.id)["partner_name"]) == [
        cast.beta.name]
    assert pipeline.registrations_per_week(session, cast.manager, manager_id=cast.manager.id,
                                           today=TODAY)["registrations"].sum() == 3
    partner_view = pipeline.stats(session, cast.acme_user)
    assert (partner_view["deals"], partner_view["won"], partner_view["median_days_to_won"]) == (4, 2, 4.5)


def test_a_rolled_back_write_leaves_the_figures_as_they_were(session, cast, factory):
    factory.won_deal(cast.acme_user, cast.manager)
    deal = session.get(Deal, factory.deal(cast.acme_user).id)
    before = _stored(session)
    deal.stage = "closed_won"
    session.flush()  # the hooks noted the partner
    session.rollback()
    assert _stored(session) == before
    factory.deal(cast.beta_user)  # the next commit recounts Beta only: nothing noted before the rollback remains
    assert _stored(session) == _rebuilt(session.get_bind())


def test_a_write_outside_the_services_is_healed_by_a_rebuild_and_by_the_daily_job(engine, session, cast, factory):
    deal = factory.won_deal(cast.acme_user, cast.manager)
    with engine.begin() as conn:  # hand-written SQL: the session hooks never see it
        conn.execute(sa.update(Deal.__table__).where(Deal.__table__.c.id == deal.id).values(stage="closed_lost"))
    assert pipeline.stats(session, cast.admin)["won"] == 1  # stale until the rebuild
    daily.run(engine, today=TODAY, send=False)
    session.expire_all()
    stats = pipeline.stats(session, cast.admin)
    assert (stats["won"], stats["lost"]) == (0, 1)
    assert _stored(session) == _rebuilt(engine)


def test_two_transactions_writing_one_partners_deals_at_once_both_land_in_the_figures(engine, cast, factory):
    first = factory.accepted_deal(cast.acme_user, cast.manager)
    second = factory.accepted_deal(cast.acme_user, cast.manager)
    results = _in_threads(*((0.0, _session_call(engine, lambda s, d=d: deals.move_deal(
        s, users.get_user(s, cast.acme_user.id), d.id, stage="closed_won", billing_option="invoice")))
        for d in (first, second)))
    assert all(not isinstance(r, Exception) for r in results), results
    with db.session(engine) as s:
        assert pipeline.stats(s, users.get_user(s, cast.admin.id))["won"] == 2
        assert _stored(s) == _rebuilt(engine)


def test_days_to_won_and_the_registration_week_count_business_days_not_utc_dates(engine, session, cast, factory):
    """Registered on Monday 30 November at 00:30 in Helsinki (Sunday 29 November, 22:30 UTC: ISO week 48 in UTC)
    and won that Monday: 0 days to won, registered in week 49. Before, UTC's date made it 1 day and week 48, and
    the pipeline's tests failed every evening between 22:00 and 24:00 UTC."""
    deal = factory.accepted_deal(cast.acme_user, cast.manager, annual_value="5000")
    monday = dt.date(2026, 11, 30)
    deals.move_deal(session, cast.acme_user, deal.id, stage="closed_won", billing_option="invoice", today=monday)
    registered = dt.datetime(2026, 11, 29, 22, 30, tzinfo=dt.UTC)
    assert clock.local_date(registered) == monday  # Europe/Helsinki, the default business zone
    session.execute(sa.update(Deal).where(Deal.id == deal.id).values(created_at=registered, won_days=None))
    session.commit()
    assert pipeline_figures.won_days(monday, registered) == 0
    pipeline_figures.rebuild(session)  # the SQL way, as after a bulk load and in the daily check
    session.commit()
    assert session.get(Deal, deal.id, populate_existing=True).won_days == 0
    weeks = pipeline.registrations_per_week(session, cast.admin, today=monday, weeks=2)
    assert dict(zip(weeks["week"], weeks["registrations"], strict=True)) == {"2026-W48": 0, "2026-W49": 1}


def test_the_boards_counts_and_sums_from_the_stored_figures_match_the_deals_counted_the_naive_way(
        session, cast, factory):
    """Issue 19: the board's default columns add up pipeline_figure; for every scope (all, one partner, a
    manager's partners, a partner's own) they equal the deals not denied, counted one by one."""
    _mixed_writes(session, cast, factory)
    partners.set_manager(session, cast.admin, cast.beta.id, cast.manager.id)
    rows = [d for d in _deals(session) if d["review_status"] != "denied"]

    def naive(keep) -> dict:  # type: ignore[no-untyped-def]
        expected: dict[str, list] = {}
        for d in rows:
            if keep(d):
                into = expected.setdefault(d["stage"], [0, {}])
                into[0] += 1
                into[1][d["currency"]] = into[1].get(d["currency"], Decimal("0.00")) + rules.from_cents(
                    d["value_cents"])
        return {stage: (count, totals) for stage, (count, totals) in expected.items()}

    def board(actor, **scope) -> dict:  # type: ignore[no-untyped-def]
        return {stage: (c.count, c.totals) for stage, c in deals.board(session, actor, **scope).items() if c.count}

    assert board(cast.admin) == naive(lambda d: True)
    assert board(cast.admin, partner_id=cast.acme.id) == naive(lambda d: d["partner_id"] == cast.acme.id)
    assert board(cast.manager, manager_id=cast.manager.id) == naive(lambda d: d["partner_id"] == cast.beta.id)
    assert board(cast.acme_user) == naive(lambda d: d["partner_id"] == cast.acme.id)
    # asked for, the denied deal is counted from the deals themselves
    assert board(cast.admin, review_status="denied") == {"new": (1, {"EUR": Decimal("5000.00")})}
