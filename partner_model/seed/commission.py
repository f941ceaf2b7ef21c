"""Commission lines for every won, accepted deal, and the weeks finance has (or has not yet) approved."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import numpy as np

from partner_model import rules
from partner_model.customers import ACTIVITY_COUNTS_KEY, DERIVED_KEY
from partner_model.models import LineKind, WeekState
from partner_model.seed.bulk import Columns
from partner_model.seed.clock import HOUR, Clock
from partner_model.seed.deals import ACCEPTED, FINAL_STAGE, WON, Deals
from partner_model.seed.firms import BILLING, Partners, Users

APPROVAL_LAG_DAYS = 14  # finance approves a week once it is two weeks old; younger weeks stay open


def _commission_cents(value_cents: np.ndarray, rate_bp: np.ndarray) -> list[int]:
    """rules.commission on each line: exact Decimal, half-up to cents (the rule, not a float copy of it)."""
    rates = {bp: rules.rate_from_bp(bp) for bp in np.unique(rate_bp).tolist()}
    return [rules.to_cents(rules.commission(rules.from_cents(v), rates[bp]))
            for v, bp in zip(value_cents.tolist(), rate_bp.tolist(), strict=True)]


def _week_of(days: np.ndarray) -> np.ndarray:
    weeks = {d: rules.iso_week(dt.date.fromordinal(d)) for d in np.unique(days).tolist()}
    return np.array([weeks[d] for d in days.tolist()], dtype=object)


def lines(d: Deals, partners: Partners) -> Columns:
    f = d.f
    won = np.flatnonzero((FINAL_STAGE[f["path"]] == WON) & (f["review"] == ACCEPTED))
    won = won[np.argsort(f["entered"][won], kind="stable")]  # lines are written as deals are won
    rate_bp = partners.rate_bp[f["partner"][won]]
    billing = f["billing"][won]
    direction = np.array([rules.direction(b).value for b in BILLING], dtype=object)[billing]
    return {
        "id": np.arange(1, len(won) + 1), "week": _week_of(f["won_on"][won]), "deal_id": won + 1,
        "partner_id": f["partner"][won] + 1, "kind": np.full(len(won), LineKind.commission.value, dtype=object),
        "billing_option": np.array([b.value for b in BILLING], dtype=object)[billing], "direction": direction,
        "value_cents": f["value"][won], "currency": f["currency"][won], "rate_bp": rate_bp,
        "commission_cents": _commission_cents(f["value"][won], rate_bp), "created_at": f["entered"][won],
    }


def weeks(line_weeks: np.ndarray, users: Users, clock: Clock) -> Columns:
    """Every week with lines, and the current week; old enough weeks are approved by finance."""
    names = sorted(set(line_weeks.tolist()) | {rules.iso_week(clock.date)})
    sundays = np.array([rules.week_monday(w).toordinal() + 6 for w in names], dtype=np.int64)
    approved = sundays < clock.today - APPROVAL_LAG_DAYS
    # Approved on the Wednesday after the week, mid-morning.
    approved_at = Clock.start_of(sundays + 3) + 10 * HOUR
    lines = Counter(line_weeks.tolist())
    return {
        "week": names,
        "state": [(WeekState.approved if a else WeekState.open).value for a in approved.tolist()],
        "approved_by": np.where(approved, users.finance, -1),
        "approved_at": np.where(approved, np.minimum(approved_at, clock.now), -1),
        "lines": np.where(approved, np.array([lines[w] for w in names], dtype=np.int64), -1),
    }


def app_state(clock: Clock) -> Columns:
    """Tells customers.refresh_day_caches that activities_90d, state and attention are already right for `today`."""
    return {"key": [ACTIVITY_COUNTS_KEY, DERIVED_KEY], "value": [clock.date.isoformat()] * 2}

