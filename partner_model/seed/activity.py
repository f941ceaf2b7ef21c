"""A year of product activity per account, the stored attention items, and the caches on the account.

The customer row keeps last_activity_on, activities_90d and open_attention_items so the overview can
sort 200,000 accounts in SQL; they are computed here from the very rows that are written.
"""

from __future__ import annotations

import numpy as np

from partner_model import rules
from partner_model.seed.accounts import ACTIVE, CLOSED, TRIAL, Customers
from partner_model.seed.bulk import Columns
from partner_model.seed.clock import Clock
from partner_model.seed.packed import Coded

ACTIVITY_DAYS = 365
KINDS = ["task_completed", "control_reviewed", "evidence_uploaded", "risk_assessed", "policy_approved",
         "document_edited", "report_exported", "sign_in"]
KIND_SHARE = [0.22, 0.16, 0.14, 0.08, 0.05, 0.15, 0.05, 0.15]


def _windows(rng: np.random.Generator, c: Customers, clock: Clock) -> tuple[np.ndarray, np.ndarray]:
    """First and last day each account was used within the last year (last < first: not used)."""
    n, today = len(c.state), clock.today
    first = np.maximum(today - ACTIVITY_DAYS + 1, c.trial_start)
    # Some customers stopped using the product: that is what the 'no activity' signal finds.
    dormant = rng.random(n) < 0.15
    last = np.select(
        [c.state == ACTIVE, c.state == TRIAL],
        [np.where(dormant, today - rng.integers(31, 200, size=n), today),
         np.where(dormant, np.minimum(c.trial_start + 2, today), today)],
        default=np.minimum(c.trial_end, today - 1))
    return first, last


def activity(rng: np.random.Generator, c: Customers, total: int, clock: Clock) -> tuple[Columns, dict]:
    """Exactly `total` events, in (customer, day) order; and each account's last day and 90-day count."""
    n = len(c.state)
    first, last = _windows(rng, c, clock)
    span = np.maximum(last - first + 1, 0)
    intensity = rng.lognormal(0.0, 0.7, size=n) * np.sqrt(c.users) * np.select(
        [c.state == ACTIVE, c.state == TRIAL], [1.0, 1.5], default=0.8)
    weight = span * intensity
    counts = rng.multinomial(total, weight / weight.sum())
    customer = np.repeat(np.arange(n, dtype=np.int64), counts)
    day = first[customer] + (rng.random(total) * span[customer]).astype(np.int64)
    # One sort on a packed key orders days within each account (the index on (customer_id, occurred_on)
    # then grows at its end, which is what keeps 5,000,000 inserts fast).
    base = int(day.min()) if total else 0
    key = np.sort((customer << 20) | (day - base))
    customer, day = key >> 20, (key & ((1 << 20) - 1)) + base
    ends = np.cumsum(counts)
    last_on = np.where(counts > 0, day[np.maximum(ends - 1, 0)] if total else 0, 0)
    recent = (day > clock.today - rules.ACTIVITY_WINDOW_DAYS) & (day <= clock.today)
    columns: Columns = {
        "customer_id": customer + 1,
        "occurred_on": day,
        "kind": Coded(rng.choice(len(KINDS), size=total, p=KIND_SHARE), KINDS),
    }
    caches = {"last_activity_on": last_on, "activities_90d": np.bincount(customer[recent], minlength=n)}
    return columns, caches


def attention(rng: np.random.Generator, c: Customers, clock: Clock) -> tuple[Columns, np.ndarray]:
    """Open items (overdue tasks, failed payments) on some live accounts, and resolved ones from the past."""
    n, today = len(c.state), clock.today
    live = c.state != CLOSED
    card = (c.state == ACTIVE) & (c.billing == 0)  # the vendor charges these customers' cards
    overdue = np.flatnonzero(live & (rng.random(n) < 0.04))
    failed = np.flatnonzero(card & (rng.random(n) < 0.03))
    resolved = np.flatnonzero(rng.random(n) < 0.06)
    customer = np.concatenate([overdue, failed, resolved])
    kind = np.concatenate([np.full(len(overdue), "overdue_tasks", dtype=object),
                           np.full(len(failed), "failed_payment", dtype=object),
                           np.where(card[resolved] & (rng.random(len(resolved)) < 0.3), "failed_payment",
                                    "overdue_tasks").astype(object)])
    opened = np.concatenate([today - rng.integers(0, 30, size=len(overdue) + len(failed)),
                             today - rng.integers(30, 300, size=len(resolved))])
    opened = np.maximum(opened, c.trial_start[customer])
    resolved_on = np.concatenate([np.zeros(len(overdue) + len(failed), dtype=np.int64),
                                  np.minimum(opened[len(overdue) + len(failed):] + rng.integers(1, 21, len(resolved)),
                                             today)])
    tasks = rng.integers(2, 15, size=len(customer)).tolist()
    detail = [
        f"{t} tasks overdue in {c.framework[i]}" if k == "overdue_tasks"
        else f"Card payment of {c.value_cents[i] // 100} {c.currency[i]} failed: the card on file has expired."
        for k, i, t in zip(kind.tolist(), customer.tolist(), tasks, strict=True)
    ]
    columns: Columns = {"customer_id": customer + 1, "kind": kind, "detail": detail, "opened_on": opened,
                        "resolved_on": resolved_on}
    return columns, np.bincount(overdue, minlength=n) + np.bincount(failed, minlength=n)
