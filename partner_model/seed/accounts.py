"""Customer accounts with a plausible mix of trials, subscriptions and closed trials.

The state is never stored: rules.account_state derives it from the dates generated here, so each
account's dates are drawn to land in the state it was meant to have on `today`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sqlalchemy as sa

from partner_model import customers as customer_service
from partner_model import rules
from partner_model.models import Customer
from partner_model.seed import names
from partner_model.seed.bulk import Columns
from partner_model.seed.clock import Clock
from partner_model.seed.firms import BILLING, Partners

TRIAL, ACTIVE, CLOSED = 0, 1, 2
FRAMEWORK_SHARE = np.array([0.30, 0.18, 0.14, 0.10, 0.08, 0.06, 0.05, 0.05, 0.04])
FX = {"EUR": 1.0, "SEK": 11.0, "NOK": 11.5, "DKK": 7.45, "CHF": 0.95}


@dataclass
class Customers:
    """What deals and activity need to know about the accounts, index i is the account with id i + 1."""

    names: list[str]
    domains: list[str]
    countries: np.ndarray
    partner: np.ndarray  # partner index, -1 for a direct customer
    state: np.ndarray
    trial_start: np.ndarray
    trial_end: np.ndarray
    subscribed: np.ndarray  # 0 when not subscribed
    value_cents: np.ndarray  # the subscription's (or the expected) annual value
    currency: np.ndarray
    billing: np.ndarray  # index into BILLING
    framework: np.ndarray
    users: np.ndarray


def _trial_dates(rng: np.random.Generator, state: np.ndarray, clock: Clock) -> dict[str, np.ndarray]:
    """Trial start and end, extension request and grant, subscription start; 0 means none."""
    n, today, history = len(state), clock.today, clock.history_days
    kind = rng.random(n)  # which extension story each account has
    granted = np.where(state == TRIAL, kind < 0.2, kind < 0.09)
    asked_only = ~granted & np.where(state == TRIAL, kind < 0.35, kind < 0.12) & (state != ACTIVE)
    length = np.where(granted, rules.TRIAL_DAYS + rules.EXTENSION_DAYS, rules.TRIAL_DAYS)
    ago = np.select(
        [state == TRIAL, state == ACTIVE],
        [np.where(granted, rng.integers(13, length, size=n), rng.integers(1, rules.TRIAL_DAYS + 1, size=n)),
         rng.integers(20, history, size=n)],
        default=rng.integers(length + 1, np.maximum(history, length + 2), size=n))
    start = today - ago
    asked = np.where(granted, start + rng.integers(5, 11, size=n), 0)
    asked = np.where(asked_only, np.minimum(start + rng.integers(1, 12, size=n), today), asked)
    subscribed = np.where(state == ACTIVE, np.minimum(start + rng.integers(3, length + 1), today - 1), 0)
    return {"trial_started_on": start, "trial_ends_on": start + length, "extension_requested_on": asked,
            "extension_granted_on": np.where(granted, asked + rng.integers(0, 4, size=n), 0),
            "subscription_started_on": subscribed}


def _money(rng: np.random.Generator, countries: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Annual values in the customer's currency (sometimes EUR), whole hundreds, as cents."""
    local = np.array([names.COUNTRIES[c][3] for c in countries.tolist()], dtype=object)
    currency = np.where(rng.random(len(countries)) < 0.85, local, "EUR")
    eur = np.clip(rng.lognormal(np.log(9000), 0.8, size=len(countries)), 1200, 250_000)
    rate = np.array([FX[c] for c in currency.tolist()])
    return (np.round(eur * rate / 100) * 100 * 100).astype(np.int64), currency


def _usage(rng: np.random.Generator, state: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Users per account and the main framework's progress, both higher for paying customers."""
    n = len(state)
    users = np.select([state == ACTIVE, state == TRIAL],
                      [np.clip(rng.lognormal(2.0, 0.9, size=n), 1, 500), rng.integers(1, 9, size=n)],
                      default=rng.integers(1, 6, size=n)).astype(np.int64)
    progress = np.select([state == ACTIVE, state == TRIAL],
                         [rng.beta(3, 1.6, size=n) * 100, rng.beta(1.2, 5, size=n) * 60],
                         default=rng.beta(1, 6, size=n) * 40).astype(np.int64)
    return users, progress


def customers(
    rng: np.random.Generator, firms: names.Companies, partners: Partners, clock: Clock
) -> tuple[Columns, Customers]:
    n = len(firms.domains)
    state = rng.choice(3, size=n, p=[0.08, 0.55, 0.37])
    dates = _trial_dates(rng, state, clock)
    # Ids follow the day an account was opened, as they would in a live system.
    order = np.argsort(dates["trial_started_on"], kind="stable")
    state = state[order]
    dates = {k: v[order] for k, v in dates.items()}
    firms = names.Companies([firms.names[i] for i in order.tolist()], [firms.domains[i] for i in order.tolist()],
                            firms.countries[order])
    partner = np.where(rng.random(n) < 0.03, -1, rng.choice(len(partners.weight), size=n, p=partners.weight))
    value, currency = _money(rng, firms.countries)
    billing = rng.choice(len(BILLING), size=n, p=[0.35, 0.45, 0.2])
    framework = np.array(rules.FRAMEWORKS, dtype=object)[rng.choice(len(rules.FRAMEWORKS), size=n, p=FRAMEWORK_SHARE)]
    users, progress = _usage(rng, state)
    active = state == ACTIVE
    columns: Columns = {
        "id": np.arange(1, n + 1), "name": firms.names, "domain": firms.domains,
        "partner_id": np.where(partner >= 0, partner + 1, -1), "framework": framework,
        "framework_progress": progress, "users": users, **dates,
        "annual_value_cents": np.where(active, value, -1), "currency": currency,
        "billing_option": [BILLING[b].value if a else None for b, a in zip(billing.tolist(), active.tolist(),
                                                                          strict=True)],
        "created_at": clock.moments(rng, dates["trial_started_on"]),
        "derived_attention": np.zeros(n, dtype=np.int64),  # see derive_state
    }
    info = Customers(firms.names, firms.domains, firms.countries, partner, state, dates["trial_started_on"],
                     dates["trial_ends_on"], dates["subscription_started_on"], value, currency, billing, framework,
                     users)
    return columns, info


def derive_state(clock: Clock, dialect: str) -> sa.Update:
    """The overview's stored state and attention count for `today`, by the service's own SQL expressions.

    The seed runs it while the customer table has no indexes yet: the same UPDATE on 200,000 indexed rows
    afterwards takes minutes on SQLite.
    """
    return sa.update(Customer.__table__).values(
        derived_state=customer_service.state_expr(clock.date),
        derived_attention=customer_service.attention_expr(clock.date, dialect))
