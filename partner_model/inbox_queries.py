"""Each user's day of work, counted in SQL: what waits for a partner manager, finance, an admin and a partner.

Every item is a count with what the page needs to open the filtered list (`page` and `filters`), and details such
as the oldest age or totals per currency. Each count comes from the same definition the page that lists it uses
(overview_metrics, the review queue's overdue rule, the week's totals), so a figure shown in two places agrees.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from partner_model import applications, clock, commission_queries, partners, pipeline, rules, won_confirmations
from partner_model.access import Actor, managed_by, require_role
from partner_model.customer_queries import extension_requests
from partner_model.deal_queries import REVIEW_OVERDUE_BUSINESS_DAYS, protection_ending
from partner_model.models import (
    CommissionLine,
    Deal,
    Direction,
    LineKind,
    Partner,
    Payout,
    PayoutState,
    ReviewStatus,
    Role,
    User,
)

D, L, P, U = Deal.__table__.c, CommissionLine.__table__.c, Partner.__table__.c, User.__table__.c
PROTECTION_ENDING_DAYS = rules.PROTECTION_WARNING_DAYS
STALE_CAP = 1000  # the home counts stale deals up to this ("1,000+"): the pipeline lists them


@dataclass
class WorkItem:
    """One line of a user's work: `code` names it, `count` how many, `page` (a page key) with `filters` (its
    query parameters or widget choices) opens the list, `details` says more (ages, dates, totals per currency)."""

    code: str
    count: int
    page: str
    filters: dict[str, Any] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)


def overdue_before(today: dt.date) -> dt.datetime:
    """The instant before which a pending registration is overdue: more than 2 business days waiting (the queue's
    rule, rules.business_days_between), as the UTC start of the latest overdue registration day's next day."""
    day = today
    while rules.business_days_between(day, today) <= REVIEW_OVERDUE_BUSINESS_DAYS:
        day -= dt.timedelta(days=1)
    return clock.day_start(day + dt.timedelta(days=1))


def manager_work(session: Session, actor: Actor, *, manager_id: int | None = None,
                 today: dt.date | None = None, refresh: bool = True) -> list[WorkItem]:
    """A partner manager's (or an admin's) day: registrations waiting (overdue past 2 business days, the oldest
    age), extension requests waiting, accepted registrations whose protection ends within 14 days, stale deals, won
    deals waiting for confirmation (listed on the home page).
    `manager_id` keeps that manager's partners ("my partners"); None counts every partner.
    Raises PermissionDenied for other roles.
    """
    require_role(actor, rules.REVIEWER_ROLES, "review deals")
    today = today or clock.today()
    mine = [m] if (m := managed_by(D.partner_id, manager_id)) is not None else []
    pending = [D.review_status == ReviewStatus.pending.value, *mine]
    waiting = session.execute(sa.select(sa.func.count(), sa.func.min(D.created_at)).where(*pending)).one()
    overdue = session.execute(sa.select(sa.func.count()).where(*pending, D.created_at < overdue_before(today))
                              ).scalar_one()
    oldest_days = (today - clock.local_date(waiting[1])).days if waiting[1] is not None else None
    # `partner_id + 0`: the manager's partners are tested on the rows of the protection-end range; SQLite would
    # otherwise walk every accepted deal of those partners (ix_deal_review_partner) and test each one's end.
    ending_mine = [m] if (m := managed_by(D.partner_id + 0, manager_id)) is not None else []
    ending = session.execute(sa.select(sa.func.count(), sa.func.min(D.protected_until)).where(
        *protection_ending(today, PROTECTION_ENDING_DAYS), *ending_mine)).one()
    waiting_extensions = extension_requests(session, actor, manager_id=manager_id)
    return [
        WorkItem("registrations_waiting", int(waiting[0]), "review_queue", {"mine": manager_id is not None},
                 {"overdue": int(overdue), "oldest_days": oldest_days}),
        WorkItem("extension_requests", waiting_extensions, "customers",
                 {"extension_requested": True, "mine": manager_id is not None}),
        WorkItem("protection_ending", int(ending[0]), "deal_board",
                 {"protection_ending": True, "mine": manager_id is not None},
                 {"soonest": ending[1], "days": PROTECTION_ENDING_DAYS}),
        WorkItem("stale_deals", pipeline.stale_count(session, actor, manager_id=manager_id, today=today,
                                                     cap=STALE_CAP), "pipeline", {"mine": manager_id is not None},
                 {"capped": STALE_CAP}),
        WorkItem("won_deals_to_confirm", won_confirmations.waiting_count(session, actor, manager_id=manager_id),
                 "home", {"mine": manager_id is not None}),
    ]


def unapproved_weeks(session: Session, actor: Actor, *, today: dt.date | None = None) -> list[dict[str, Any]]:
    """Every week with lines that finance has not approved, oldest first, up to this week: the week, its count of
    lines, whether it is overdue (not approved by its Monday + 7 + 2 days), and per currency the commission payable
    and netted (Decimal). Raises PermissionDenied (not finance or admin)."""
    require_role(actor, rules.FINANCE_ROLES, "approve commission weeks")
    today = today or clock.today()
    not_approved = commission_queries.weeks_not_approved(session, until=rules.iso_week(today))

    def total(direction: Direction) -> Any:
        return sa.func.coalesce(sa.func.sum(sa.case((L.direction == direction.value, L.commission_cents), else_=0)), 0)

    rows = session.execute(sa.select(L.week, L.currency, sa.func.count(), total(Direction.payable),
                                     total(Direction.netted))
                           .where(L.week.in_(not_approved))
                           .group_by(L.week, L.currency).order_by(L.week, L.currency)).all()
    weeks: dict[str, dict[str, Any]] = {}
    for week, currency, count, payable, netted in rows:
        entry = weeks.setdefault(week, {"week": week, "lines": 0, "totals": {},
                                        "overdue": today > rules.week_monday(week) + dt.timedelta(days=9)})
        entry["lines"] += int(count)
        entry["totals"][currency] = {"payable": rules.from_cents(payable), "netted": rules.from_cents(netted)}
    return list(weeks.values())


def finance_work(session: Session, actor: Actor, *, today: dt.date | None = None) -> list[WorkItem]:
    """Finance's day: each week with lines not yet approved (oldest first, its totals per currency), the
    reversals (clawbacks and corrections) waiting in open weeks, payouts to confirm and ready for the bank.
    Raises PermissionDenied (not finance or admin)."""
    weeks = unapproved_weeks(session, actor, today=today)
    reversals = session.execute(sa.select(sa.func.count()).where(
        L.kind == LineKind.reversal.value, L.week.in_(commission_queries.weeks_not_approved(session)))).scalar_one()
    items = [WorkItem("week_to_approve", entry["lines"], "commissions", {"week": entry["week"]}, entry)
             for entry in weeks]
    items.append(WorkItem("reversals_waiting", int(reversals), "commissions", {}))
    items += _payouts_waiting(session)
    return items


def _payouts_waiting(session: Session) -> list[WorkItem]:
    """Draft payouts finance has not confirmed, and ready ones waiting for the bank: counts and dues per currency
    (cents), the same filter the Payouts page lists by (?state=draft / ?state=ready)."""
    po = Payout.__table__.c
    rows = session.execute(
        sa.select(po.state, po.currency, sa.func.count(), sa.func.sum(po.lines_cents + po.carried_in_cents))
        .where(po.state.in_([PayoutState.draft.value, PayoutState.ready.value]))
        .group_by(po.state, po.currency).order_by(po.currency)).all()
    items = []
    for state, code in ((PayoutState.draft, "payouts_to_confirm"), (PayoutState.ready, "payouts_ready")):
        mine = [r for r in rows if r[0] == state.value]
        items.append(WorkItem(code, sum(int(r[2]) for r in mine), "payouts", {"state": state.value},
                              {"due_cents": {r[1]: int(r[3]) for r in mine}}))
    return items


def admin_work(session: Session, actor: Actor, *, now: dt.datetime | None = None) -> list[WorkItem]:
    """An admin's day: applications to become a partner waiting, users locked after failed sign-ins, partners
    without a manager, partners whose billing information is incomplete (legal name, VAT id or billing email
    missing). Raises PermissionDenied."""
    require_role(actor, {Role.admin}, "manage users")
    now = now or dt.datetime.now(dt.UTC)
    locked = session.execute(sa.select(sa.func.count()).where(U.locked_until > now)).scalar_one()
    unmanaged = session.execute(sa.select(sa.func.count()).where(P.manager_id.is_(None))).scalar_one()
    no_billing = session.execute(sa.select(sa.func.count()).where(partners.missing_billing())).scalar_one()
    return [
        WorkItem("applications_waiting", applications.waiting_count(session, actor), "admin",
                 {"tab": "applications"}),
        WorkItem("locked_users", int(locked), "admin", {"tab": "users", "locked": True}),
        WorkItem("partners_without_manager", int(unmanaged), "admin", {"tab": "partners", "unmanaged": True}),
        WorkItem("partners_without_billing", int(no_billing), "billing", {"without_billing": True}),
    ]


def partner_work(session: Session, actor: Actor, *, since: dt.datetime | None = None) -> list[WorkItem]:
    """A partner user's home: their partner's registrations pending review, and the reviews decided since `since`
    (their previous visit; all when None), newest first, each as (deal_id, company_name, review_status,
    denial_reason) in details["decisions"]. Raises PermissionDenied for staff."""
    require_role(actor, rules.PARTNER_ROLES, "see their own deals")
    own = D.partner_id == actor.partner_id
    pending = session.execute(sa.select(sa.func.count()).where(
        own, D.review_status == ReviewStatus.pending.value)).scalar_one()
    decided = sa.select(D.id, D.company_name, D.review_status, D.denial_reason, D.reviewed_at).where(
        own, D.review_status != ReviewStatus.pending.value, D.reviewed_at.is_not(None))
    if since is not None:
        decided = decided.where(D.reviewed_at > (since if since.tzinfo else since.replace(tzinfo=dt.UTC)))
    rows = session.execute(decided.order_by(D.reviewed_at.desc(), D.id.desc()).limit(20)).all()
    decisions = [{"deal_id": r.id, "company_name": r.company_name,
                  "review_status": getattr(r.review_status, "value", r.review_status),
                  "denial_reason": getattr(r.denial_reason, "value", r.denial_reason)} for r in rows]
    return [
        WorkItem("registrations_pending", int(pending), "deal_board", {"review_status": "pending"}),
        WorkItem("decisions_since_last_visit", len(decisions), "deal_board", {}, {"decisions": decisions}),
    ]


def week_commission(totals: dict[str, dict[str, Decimal]]) -> dict[str, Decimal]:
    """A week's payable plus netted commission per currency (what the home item shows beside the count)."""
    return {currency: parts["payable"] + parts["netted"] for currency, parts in totals.items()}
