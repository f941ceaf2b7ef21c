"""The service calls behind each page, and the same answer computed the naive way.

A scenario is a name, a `fast` call (the domain API, one short-lived session, as a page does it)
and optionally a `naive` one (benchmarks.naive). Both return the answer in one comparable shape, so
the run also checks that the services and the naive computation agree. To add a page later (e.g. an
AppTest run), append a Scenario whose `fast` runs it; leave `naive` out when there is nothing to compare.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from benchmarks import naive, pages
from benchmarks.context import Context
from partner_model import (
    applications,
    commissions,
    customers,
    db,
    deals,
    inbox_queries,
    invoice_queries,
    newsletter_queries,
    notifications,
    payout_queries,
    pipeline,
)

Answer = Any


@dataclass(frozen=True)
class Scenario:
    name: str
    fast: Callable[[Context], Answer]
    naive: Callable[[Context], Answer] | None = None
    goal_ms: float | None = None  # None: the services' 200 ms; pages carry their issue's target


def _resolve(arguments: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """Arguments given as functions of the context (the biggest partner, the search text) are looked up."""
    return {k: v(ctx) if callable(v) else v for k, v in arguments.items()}


def overview(name: str, *, as_partner: bool = False, **arguments: Any) -> Scenario:
    def fast(ctx: Context) -> Answer:
        actor = ctx.partner_user if as_partner else ctx.staff
        with db.session(ctx.engine) as session:
            frame, total = customers.customer_overview(session, actor, today=ctx.today, **_resolve(arguments, ctx))
        return total, tuple(frame["customer_id"])

    def slow(ctx: Context) -> Answer:
        scoped = {"partner_id": ctx.partner_user.partner_id} if as_partner else {}
        return naive.customer_overview(ctx, **_resolve(arguments, ctx), **scoped)

    return Scenario(f"customers: {name}", fast, slow)


def review_queue(ctx: Context) -> Answer:
    with db.session(ctx.engine) as session:
        frame, total = deals.review_queue(session, ctx.staff, today=ctx.today)
    return total, tuple(zip(frame["deal_id"], (tuple(sorted(h)) for h in frame["hints"]), strict=True))


def board(name: str, **arguments: Any) -> Scenario:
    def fast(ctx: Context) -> Answer:
        with db.session(ctx.engine) as session:
            columns = deals.board(session, ctx.staff, today=ctx.today, **_resolve(arguments, ctx))
        return {stage: (c.count, dict(sorted(c.totals.items())), tuple(c.cards["deal_id"]))
                for stage, c in columns.items() if c.count}

    def slow(ctx: Context) -> Answer:
        return naive.board(ctx, **_resolve(arguments, ctx))

    return Scenario(f"deals: board {name}", fast, slow)


def week_lines(ctx: Context) -> Answer:
    with db.session(ctx.engine) as session:
        frame = commissions.week_lines(session, ctx.staff, ctx.recent_week)
    return tuple(frame["line_id"]), sum(frame["commission"])


def _work(ctx: Context, role: str) -> Answer:
    actor = getattr(ctx, role)
    with db.session(ctx.engine) as session:
        if role == "manager":
            items = inbox_queries.manager_work(session, actor, manager_id=actor.id, today=ctx.today, refresh=False)
        elif role == "finance":
            items = inbox_queries.finance_work(session, actor, today=ctx.today)
        else:
            items = inbox_queries.admin_work(session, actor)
    return tuple((item.code, item.count) for item in items)


def _call(ctx: Context, service: Any) -> Answer:
    with db.session(ctx.engine) as session:
        return len(service(session, ctx.staff))


def outbox_write(ctx: Context) -> Answer:
    """What notify adds to a service call: the recipients' channels and three rows, flushed, then rolled back."""
    with db.session(ctx.engine) as session:
        recipients = notifications.partner_users(session, ctx.partner_user.partner_id)[:3]
        count = notifications.notify(session, "registration_accepted", recipients, page="deal_board",
                                     link="deal=1", company="Benchmark Oy", domain="benchmark.example",
                                     until=ctx.today)
        session.flush()
        session.rollback()
    return count


def _payouts(ctx: Context, what: str) -> Answer:
    """What the Payouts page reads for finance: a page of payouts, their totals, a page of invoices."""
    with db.session(ctx.engine) as session:
        if what == "list":
            return tuple(payout_queries.list_payouts(session, ctx.finance, limit=50)["id"])
        if what == "totals":
            return tuple(map(tuple, payout_queries.payout_totals(session, ctx.finance).values.tolist()))
        return (invoice_queries.count_invoices(session, ctx.finance),
                tuple(invoice_queries.list_invoices(session, ctx.finance, limit=50)["id"]))


def _program_steps(ctx: Context, what: str) -> Answer:
    """Issue 20's reads: the manager's won deals to confirm, the Newsletter stage by consent, the week's
    unconfirmed lines, the applications waiting."""
    with db.session(ctx.engine) as session:
        if what == "won":
            frame, total = deals.won_deals_to_confirm(session, ctx.manager, manager_id=ctx.manager.id,
                                                      include_sent_back=True, limit=10)
            return total, tuple(frame["deal_id"])
        if what == "newsletter":
            return tuple(sorted(newsletter_queries.stage_summary(session, ctx.staff).items()))
        if what == "unconfirmed":
            return len(commissions.week_lines(session, ctx.staff, ctx.recent_week, unconfirmed_only=True))
        frame, total = applications.list_applications(session, ctx.staff)
        return total, tuple(frame["id"])


def _partner(ctx: Context) -> int:
    return ctx.big_partner


def _search(ctx: Context) -> str:
    return ctx.search


SCENARIOS: list[Scenario] = [
    overview("all, by name"),
    overview("state trial", state="trial"),
    overview("state active", state="active"),
    overview("state closed", state="closed"),
    overview("needs attention", needs_attention=True),
    overview("search", search=_search),
    overview("one partner (staff filter)", partner_id=_partner),
    overview("a partner user's own", as_partner=True),
    overview("sort name", sort="name"),
    overview("sort -activities_90d", sort="-activities_90d"),
    overview("sort -attention_items", sort="-attention_items"),
    overview("sort trial_days_left", sort="trial_days_left"),
    overview("sort -framework_progress", sort="-framework_progress"),
    Scenario("deals: review queue", review_queue, naive.review_queue),
    board("(all partners)"),
    board("one partner", partner_id=_partner),
    board("search", search=_search),
    Scenario("commissions: week lines", week_lines, naive.week_lines),
    Scenario("inbox: a manager's work (my partners)", lambda ctx: _work(ctx, "manager")),
    Scenario("inbox: finance's work", lambda ctx: _work(ctx, "finance")),
    Scenario("inbox: an admin's work", lambda ctx: _work(ctx, "staff")),
    Scenario("pipeline: funnel by the furthest stage", lambda ctx: _call(ctx, pipeline.reached)),
    Scenario("pipeline: partner comparison", lambda ctx: _call(ctx, pipeline.partner_comparison)),
    Scenario("notifications: writing the outbox (3 recipients, goal 5 ms)", outbox_write, goal_ms=5.0),
    Scenario("deals: won deals to confirm (a manager's partners)", lambda ctx: _program_steps(ctx, "won")),
    Scenario("pipeline: the Newsletter stage by consent", lambda ctx: _program_steps(ctx, "newsletter")),
    Scenario("commissions: the week's unconfirmed lines", lambda ctx: _program_steps(ctx, "unconfirmed")),
    Scenario("admin: applications waiting", lambda ctx: _program_steps(ctx, "applications")),
    Scenario("payouts: a page of payouts (finance)", lambda ctx: _payouts(ctx, "list")),
    Scenario("payouts: totals per state and currency", lambda ctx: _payouts(ctx, "totals")),
    Scenario("payouts: a page of invoices and their count", lambda ctx: _payouts(ctx, "invoices")),
    *(Scenario(f"page run: {run[0]} (AppTest, {run[4] if len(run) > 4 else 'staff'}, goal {run[3]:.0f} ms)",
               pages.page_run(run[1], run[2], *(run[4:] or ["staff"])), goal_ms=run[3])
      for run in pages.PAGE_RUNS),
]
