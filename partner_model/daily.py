"""The daily job (`python -m partner_model daily`): keeps every date-driven value and reminder true.

It refreshes the day's derived values (activity counts, each account's state and attention), so no page pays for
them; raises the date-driven events once (their dedupe keys make a second run the same day a no-op); deletes
notifications older than 180 days; sends the digests and the outbox. With several app servers or hosts only one
run does the work at a time: a PostgreSQL advisory lock, a lock row on SQLite.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from partner_model import (
    clock,
    commission_queries,
    contact_mail,
    customers,
    db,
    inbox_queries,
    logs,
    mailer,
    notifications,
    pipeline_figures,
    rules,
    webhook,
)
from partner_model.models import AppState, CommissionLine, Customer, Deal, ReviewStatus, User, utcnow

DONE_KEY = "daily_on"
LOCK_KEY = "daily_lock"
LOCK_NAME = "partner-daily-job"
STALE_LOCK = dt.timedelta(minutes=30)


@dataclass
class DailyResult:
    ran: bool
    day: dt.date
    events: dict[str, int] = field(default_factory=dict)
    digests: int = 0
    sent: int = 0
    product_calls: int = 0  # calls to the product the product confirmed
    purged: int = 0


@contextlib.contextmanager
def _lock(engine: Engine) -> Iterator[bool]:
    """Whether this run got the daily lock (only one run works at a time, on every host)."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            got = bool(conn.execute(sa.text("SELECT pg_try_advisory_lock(hashtext(:n))"), {"n": LOCK_NAME}).scalar())
            conn.commit()
            try:
                yield got
            finally:
                if got:
                    conn.execute(sa.text("SELECT pg_advisory_unlock(hashtext(:n))"), {"n": LOCK_NAME})
                    conn.commit()
        return
    now = utcnow()
    with db.session(engine) as s:
        if s.get(AppState, LOCK_KEY) is None:
            with contextlib.suppress(sa.exc.IntegrityError):
                s.add(AppState(key=LOCK_KEY, value=""))
                s.commit()
            s.rollback()
        won = s.execute(sa.update(AppState).where(
            AppState.key == LOCK_KEY, sa.or_(AppState.value == "", AppState.value < (now - STALE_LOCK).isoformat()))
            .values(value=now.isoformat())).rowcount == 1
        s.commit()
    try:
        yield won
    finally:
        if won:
            with db.session(engine) as s:
                s.execute(sa.update(AppState).where(AppState.key == LOCK_KEY).values(value=""))
                s.commit()


def ran_today(session: Session, today: dt.date | None = None) -> bool:
    """Whether the daily job already ran for `today` (business zone)."""
    row = session.get(AppState, DONE_KEY)
    return row is not None and row.value == (today or clock.today()).isoformat()


def run(engine: Engine, *, today: dt.date | None = None, send: bool = True) -> DailyResult:
    """The day's work (see the module). Returns what it did; `ran` is False when another run held the lock."""
    today = today or clock.today()
    with _lock(engine) as got:
        if not got:
            return DailyResult(ran=False, day=today)
        result = DailyResult(ran=True, day=today)
        with db.session(engine) as s:
            customers.refresh_day_caches(s, today)
            result.events = raise_events(s, today)
            result.purged = notifications.purge(s)
            state = s.get(AppState, DONE_KEY) or AppState(key=DONE_KEY, value="")
            state.value = today.isoformat()
            s.add(state)
            s.commit()
        with db.session(engine) as s:  # its own short transaction: deal writes wait on PostgreSQL while it runs
            pipeline_figures.rebuild(s)
            s.commit()
        if send:
            result.digests = mailer.send_digests(engine).sent
            result.sent = mailer.send_due(engine).sent + contact_mail.send_due(engine).sent
            result.product_calls = webhook.send_due(engine).confirmed
        logs.get("daily").info("daily job done", extra={
            "day": today.isoformat(), "events": result.events, "digests": result.digests, "emails": result.sent,
            "product_calls": result.product_calls, "purged": result.purged})
        return result


def raise_events(session: Session, today: dt.date) -> dict[str, int]:
    """Add today's date-driven notifications; each has a dedupe key, so raising them twice adds nothing. The
    caller commits. Returns how many of each kind were added."""
    added = {
        "registration_overdue": _overdue(session, today),
        "protection_ending": _protection(session, today, ending=True),
        "protection_ended": _protection(session, today, ending=False),
        "trial_ending": _trials(session, today, ending=True),
        "trial_ended": _trials(session, today, ending=False),
        "week_waiting": _weeks(session, today),
    }
    return {kind: count for kind, count in added.items() if count}


def _overdue(session: Session, today: dt.date) -> int:
    """Each manager (or the admins of unmanaged partners) hears once a day of their overdue registrations."""
    d = Deal.__table__.c
    rows = session.execute(sa.select(d.partner_id, sa.func.count(), sa.func.min(d.created_at)).where(
        d.review_status == ReviewStatus.pending.value, d.created_at < inbox_queries.overdue_before(today))
        .group_by(d.partner_id)).all()
    per_user: dict[int, tuple[User, int, dt.datetime]] = {}
    for partner_id, count, oldest in rows:
        for user in notifications.manager_of(session, partner_id):
            _, total, first = per_user.get(user.id, (user, 0, oldest))
            per_user[user.id] = (user, total + count, min(first, oldest))
    added = 0
    for user, count, oldest in per_user.values():
        added += notifications.notify(session, "registration_overdue", [user], page="review_queue",
                                      dedupe=f"registration_overdue:{today}", count=count,
                                      oldest=clock.local_date(oldest))
    return added


def _protection(session: Session, today: dt.date, *, ending: bool) -> int:
    d = Deal.__table__.c
    window = (d.protected_until >= today, d.protected_until <= today + dt.timedelta(
        days=rules.PROTECTION_WARNING_DAYS)) if ending else (d.protected_until < today,
                                                               d.protected_until >= today - dt.timedelta(days=7))
    rows = session.execute(sa.select(d.id, d.partner_id, d.company_name, d.protected_until).where(
        d.review_status == ReviewStatus.accepted.value, d.stage.in_([s.value for s in rules.OPEN_STAGES]),
        *window)).all()
    kind = "protection_ending" if ending else "protection_ended"
    users = notifications.partner_users_of(session, [row.partner_id for row in rows])
    return notifications.notify_many(session, kind, [
        notifications.Event(users[partner_id], {"company": company, "until": until}, page="deal_board",
                            link=f"deal={deal_id}", dedupe=f"{kind}:{deal_id}:{until}")
        for deal_id, partner_id, company, until in rows])


def _trials(session: Session, today: dt.date, *, ending: bool) -> int:
    c = Customer.__table__.c
    unsubscribed = sa.or_(c.subscription_started_on.is_(None), c.subscription_started_on > today)
    window = (c.trial_ends_on >= today, c.trial_ends_on <= today + dt.timedelta(days=rules.TRIAL_ENDING_DAYS)) \
        if ending else (c.trial_ends_on < today, c.trial_ends_on >= today - dt.timedelta(days=7))
    rows = session.execute(sa.select(c.id, c.partner_id, c.name, c.trial_ends_on).where(
        c.partner_id.is_not(None), unsubscribed, *window)).all()
    kind = "trial_ending" if ending else "trial_ended"
    users = notifications.partner_users_of(session, [row.partner_id for row in rows])
    return notifications.notify_many(session, kind, [
        notifications.Event(users[partner_id], {"company": name, "ends": ends}, page="customers",
                            link=f"customer={customer_id}", dedupe=f"{kind}:{customer_id}:{ends}")
        for customer_id, partner_id, name, ends in rows])


def _weeks(session: Session, today: dt.date) -> int:
    """A week with lines that finance has not approved by its Monday + 7 + 2 days: finance hears once."""
    line = CommissionLine.__table__.c
    last_week = rules.iso_week(today - dt.timedelta(days=7))  # weeks before this one
    rows = session.execute(sa.select(line.week, sa.func.count()).where(
        line.week.in_(commission_queries.weeks_not_approved(session, until=last_week))).group_by(line.week)).all()
    finance = list(session.exec(select(User).where(User.role == "finance", User.active)))
    added = 0
    for week, count in rows:
        due = rules.week_monday(week) + dt.timedelta(days=9)
        if today > due:
            added += notifications.notify(session, "week_waiting", finance, page="commissions", link=f"week={week}",
                                          dedupe=f"week_waiting:{week}", week=week, count=count, due=due)
    return added
