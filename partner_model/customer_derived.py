"""What the dashboard derives for each account, and the stored copies the overview filters and sorts on.

The SQL expressions mirror rules.account_state and rules.attention_signals; the per-day caches (activity counts
over 90 days, state and attention count) are refreshed once per day and re-derived for one account after a write.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from partner_model import clock, rules
from partner_model.models import AccountState, ActivityEvent, AppState, Customer

C = Customer.__table__.c
ACTIVITY_COUNTS_KEY = "activity_counts_on"
DERIVED_KEY = "derived_on"


def state_expr(today: dt.date) -> sa.ColumnElement[str]:
    return sa.case(
        (_subscribed(today), AccountState.active.value),
        (C.trial_ends_on >= today, AccountState.trial.value),
        else_=AccountState.closed.value,
    )


def _subscribed(today: dt.date) -> sa.ColumnElement[bool]:
    return sa.and_(C.subscription_started_on.is_not(None), C.subscription_started_on <= today)


def month_day(column: Any, dialect: str) -> sa.ColumnElement[int]:
    """The date's month and day as one whole number, MMDD (1231 for 31 December; None for no date).

    Spelt exactly as the expression index ix_customer_renewal_day (migration 0025) with literal constants, so the
    planner matches that index: the renewals count reads only the month's active accounts, not all of them.
    """
    if dialect == "sqlite":
        return sa.cast(sa.func.strftime(sa.literal_column("'%m%d'"), column), sa.Integer)
    return sa.cast(sa.extract("month", column) * sa.literal_column("100") + sa.extract("day", column), sa.Integer)


def _mmdd(day: dt.date) -> int:
    return day.month * 100 + day.day


def _year_before(day: dt.date) -> dt.date:
    return day.replace(year=day.year - 1) if (day.month, day.day) != (2, 29) else day.replace(year=day.year - 1, day=28)


def renewal_due_expr(today: dt.date, dialect: str) -> sa.ColumnElement[bool]:
    """An active subscription whose next yearly renewal (rules.renewal_after) falls within 30 days."""
    end = today + dt.timedelta(days=rules.RENEWAL_DUE_DAYS)
    day = month_day(C.subscription_started_on, dialect)
    first, last = _mmdd(today), _mmdd(end)
    in_window = day.between(first, last) if first <= last else sa.or_(day >= first, day <= last)
    # the first renewal is a full year after the start
    return sa.and_(_subscribed(today), in_window, C.subscription_started_on <= _year_before(end))


def _renewal_sort(today: dt.date, dialect: str) -> list[sa.ColumnElement[Any]]:
    """Order by the next renewal: anniversaries still ahead this year first, then the ones of next year."""
    day = month_day(C.subscription_started_on, dialect)
    active = _subscribed(today)
    return [sa.case((active, sa.case((day >= _mmdd(today), 0), else_=1))), sa.case((active, day))]


def attention_expr(today: dt.date, dialect: str) -> sa.ColumnElement[int]:
    """Stored open items plus the derived signals, counted per account."""
    active = _subscribed(today)
    in_trial = sa.and_(sa.not_(active), C.trial_ends_on >= today)
    trial_ending = sa.and_(in_trial, C.trial_ends_on <= today + dt.timedelta(days=rules.TRIAL_ENDING_DAYS))
    brand_new = sa.and_(C.trial_started_on.is_not(None),
                        C.trial_started_on > today - dt.timedelta(days=rules.NEW_TRIAL_GRACE_DAYS))
    inactive = sa.and_(
        sa.or_(active, sa.and_(in_trial, sa.not_(brand_new))),
        sa.or_(C.last_activity_on.is_(None), C.last_activity_on < today - dt.timedelta(days=rules.INACTIVE_DAYS)),
    )
    return (
        C.open_attention_items
        + sa.case((trial_ending, 1), else_=0)
        + sa.case((inactive, 1), else_=0)
        + sa.case((renewal_due_expr(today, dialect), 1), else_=0)
    )


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def next_renewal(subscription_started_on: dt.date | None, today: dt.date) -> dt.date | None:
    """The next yearly renewal of an active subscription, else None."""
    if subscription_started_on is None or subscription_started_on > today:
        return None
    return rules.renewal_after(subscription_started_on, today)


def _today(today: dt.date | None) -> dt.date:
    return today or clock.today()


def _stale(session: Session, key: str, today: dt.date) -> AppState | None:
    """The app_state row for `key` when it is not for `today` (a new one, not yet added, when missing)."""
    state = session.get(AppState, key)
    if state is not None and state.value == today.isoformat():
        return None
    return state or AppState(key=key, value="")


def refresh_activity_counts(session: Session, today: dt.date | None = None) -> bool:
    """Recount every account's activities in the 90 days up to `today`, once per day.

    The overview sorts and filters on the count, so it is kept on the account; returns True when recounted.
    """
    today = _today(today)
    state = _stale(session, ACTIVITY_COUNTS_KEY, today)
    if state is None:
        return False
    a = ActivityEvent.__table__.c
    window = (a.occurred_on > today - dt.timedelta(days=rules.ACTIVITY_WINDOW_DAYS), a.occurred_on <= today)
    # The window's events counted once, grouped (not one count per account), and only the accounts whose count
    # changed written: on PostgreSQL every row an UPDATE touches is a new row version, changed or not.
    counts = (sa.select(a.customer_id, sa.func.sum(a.activities).label("n")).where(*window)
              .group_by(a.customer_id).subquery())
    session.execute(sa.update(Customer.__table__).values(activities_90d=counts.c.n).where(
        C.id == counts.c.customer_id, C.activities_90d.is_distinct_from(counts.c.n)))
    session.execute(sa.update(Customer.__table__).values(activities_90d=0).where(
        C.activities_90d != 0, ~sa.exists().where(a.customer_id == C.id, *window)))
    state.value = today.isoformat()
    session.add(state)
    session.commit()
    return True


def refresh_derived(session: Session, today: dt.date | None = None) -> bool:
    """Store every account's state and attention count for `today`, once per day (one UPDATE).

    They are what the overview filters, sorts and counts on; returns True when re-derived.
    """
    today = _today(today)
    state = _stale(session, DERIVED_KEY, today)
    if state is None:
        return False
    derived_state, derived_attention = state_expr(today), attention_expr(today, _dialect(session))
    changed = sa.or_(C.derived_state.is_distinct_from(derived_state),
                     C.derived_attention.is_distinct_from(derived_attention))  # only the accounts whose values move
    session.execute(sa.update(Customer.__table__).values(derived_state=derived_state,
                                                         derived_attention=derived_attention).where(changed))
    state.value = today.isoformat()
    session.add(state)
    session.commit()
    return True


def refresh_day_caches(session: Session, today: dt.date | None = None) -> None:
    """Bring the per-day caches (activity counts, state and attention) to `today`; cheap when they are."""
    refresh_activity_counts(session, today)
    refresh_derived(session, today)


def recount_activities(session: Session, customer_ids: Iterable[int]) -> None:
    """Recount these accounts' 90-day activities for the day the counts were last made (the product feed's new
    activity shows at once, not after the next daily run); no commit."""
    ids = sorted(set(customer_ids))
    day = session.get(AppState, ACTIVITY_COUNTS_KEY)
    if not ids or day is None or not day.value:
        return  # nothing counted yet: the next refresh counts every account
    today = dt.date.fromisoformat(day.value)
    a = ActivityEvent.__table__.c
    session.flush()
    for start in range(0, len(ids), 900):
        counted = sa.select(sa.func.coalesce(sa.func.sum(a.activities), 0)).where(
            a.customer_id == C.id, a.occurred_on > today - dt.timedelta(days=rules.ACTIVITY_WINDOW_DAYS),
            a.occurred_on <= today).scalar_subquery()
        session.execute(sa.update(Customer.__table__).where(C.id.in_(ids[start:start + 900]))
                        .values(activities_90d=counted))
    for customer_id in ids:
        customer = session.identity_map.get(session.identity_key(Customer, customer_id))  # type: ignore[arg-type]
        if customer is not None:
            session.expire(customer, ["activities_90d"])


def rederive_many(session: Session, customer_ids: Iterable[int]) -> None:
    """rederive for many accounts in one UPDATE (the product feed's batches); no commit."""
    ids = sorted(set(customer_ids))
    day = session.get(AppState, DERIVED_KEY)
    if not ids or day is None or not day.value:
        return
    today = dt.date.fromisoformat(day.value)
    session.flush()
    for start in range(0, len(ids), 900):
        session.execute(sa.update(Customer.__table__).where(C.id.in_(ids[start:start + 900])).values(
            derived_state=state_expr(today), derived_attention=attention_expr(today, _dialect(session))))
    for customer_id in ids:  # what the session holds of them is read again on next use
        customer = session.identity_map.get(session.identity_key(Customer, customer_id))  # type: ignore[arg-type]
        if customer is not None:
            session.expire(customer, ["derived_state", "derived_attention"])


def rederive(session: Session, customer_id: int) -> None:
    """Re-derive one account's stored state and attention after a write changed their inputs; no commit."""
    day = session.get(AppState, DERIVED_KEY)
    if day is None or not day.value:
        return  # nothing derived yet: the next overview derives every account
    today = dt.date.fromisoformat(day.value)
    session.flush()
    session.execute(sa.update(Customer.__table__).where(C.id == customer_id).values(
        derived_state=state_expr(today), derived_attention=attention_expr(today, _dialect(session))))
    customer = session.get(Customer, customer_id)
    if customer is not None:
        session.refresh(customer, ["derived_state", "derived_attention"])


