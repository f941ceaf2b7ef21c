"""Deterministic demo and scale data: the same random seed and `today` give the same program.

`seed(engine, scale="demo"|"large")` fills an empty, migrated database. Rows are drawn as numpy
columns and bulk-inserted through the DBAPI (ORM objects one at a time would take an hour at the
large scale); every cached column (last activity, 90-day counts, open items) is computed from the
rows written beside it. Only the password hash differs between runs (argon2 salts it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy.engine import Engine

from partner_model import clock as business_day
from partner_model import pipeline_figures
from partner_model.errors import N_, Conflict, ValidationError
from partner_model.seed import accounts, activity, commission, consents, deals, firms, history, names, settled
from partner_model.seed.bulk import DayText, Loader, is_empty, loading
from partner_model.seed.clock import Clock
from partner_model.users import hash_password

DEMO_PASSWORD = firms.DEMO_PASSWORD


@dataclass(frozen=True)
class Scale:
    partners: int
    customers: int
    deals: int
    activities: int
    users_per_partner: int  # besides each partner's admin
    managers: int
    note_share: float  # share of open deals with a note
    history_days: int = 450
    settle: bool = True  # make the approved weeks' payouts and invoices (seed.settled) after the bulk load
    applicants: bool = False  # newsletter consents (with their history) and firms' applications (seed.consents)


SCALES = {
    "demo": Scale(partners=12, customers=400, deals=1_500, activities=40_000, users_per_partner=2, managers=2,
                  note_share=0.5, applicants=True),
    "large": Scale(partners=2_000, customers=200_000, deals=500_000, activities=5_000_000, users_per_partner=1,
                   managers=10, note_share=0.1),
    # Ten times larger, for PostgreSQL (issue 19): a vendor with thousands of partners.
    "xlarge": Scale(partners=20_000, customers=2_000_000, deals=5_000_000, activities=50_000_000,
                    users_per_partner=1, managers=100, note_share=0.1, settle=False),
}


def seed(
    engine: Engine, scale: str = "demo", random_seed: int = 0, progress: bool = True, today: dt.date | None = None
) -> dict[str, Any]:
    """Fill an empty, migrated database with a partner program; returns row counts and the demo users.

    Raises ValidationError (unknown scale) and Conflict (the database already holds data).
    """
    plan = SCALES.get(scale)
    if plan is None:
        raise ValidationError("scale", N_("Scale must be one of: {choices}."), choices=", ".join(SCALES))
    if not is_empty(engine):
        raise Conflict(N_("The database already holds data; seeding writes only into an empty database. "
                          "Point DATABASE_URL at a new database (or delete the SQLite file) and seed again."))
    clock = Clock.for_date(today or business_day.today(), plan.history_days)  # the app's today, not UTC's
    rng = np.random.default_rng(random_seed)
    days = DayText(clock.today - plan.history_days - 1000, clock.today + 400)
    estimate = plan.partners * (2 + plan.users_per_partner) + plan.customers + plan.activities + 5 * plan.deals
    with loading(engine, days, estimate, progress) as load:
        demo, finance_id = _load(load, rng, plan, clock)
    with engine.begin() as conn:
        pipeline_figures.rebuild(conn)  # the bulk load bypassed the session hooks that keep them
    if plan.settle:
        load.counts["payout"] = settled.settle(engine, clock, finance_id)
    return {"scale": scale, "random_seed": random_seed, "today": clock.date.isoformat(), "counts": load.counts,
            "users": demo}


def _load(load: Loader, rng: np.random.Generator, plan: Scale, clock: Clock) -> tuple[list[dict[str, str]], int]:
    """Draw and write table by table, parents first (PostgreSQL checks foreign keys row by row)."""
    partner_rows, partners = firms.partners(rng, plan.partners, clock)
    load.write("partner", partner_rows)
    user_rows, users = firms.users(rng, partners, per_partner=plan.users_per_partner, managers=plan.managers,
                                   password_hash=hash_password(DEMO_PASSWORD), clock=clock)
    load.write("user", user_rows, then=firms.assign_managers(users))
    companies = names.companies(rng, plan.customers + plan.deals, names.CUSTOMER_SECTORS)
    customer_rows, customers = accounts.customers(rng, _slice(companies, 0, plan.customers), partners, clock)
    event_rows, caches = activity.activity(rng, customers, plan.activities, clock)
    item_rows, open_items = activity.attention(rng, customers, clock)
    load.write("customer", {**customer_rows, **caches, "open_attention_items": open_items},
               then=accounts.derive_state(clock, load.dialect.name))
    load.write("activity_event", event_rows)
    load.write("attention_item", item_rows)
    prospects = _slice(companies, plan.customers, len(companies.domains))
    deal_rows, drawn = deals.deals(rng, plan.deals, customers, prospects, partners, users, clock)
    load.write("deal", deal_rows)
    note_rows, note_events = history.notes(rng, drawn, plan.note_share, clock)
    load.write("deal_note", note_rows)
    load.write("deal_event", history.events(drawn, note_events))
    line_rows = commission.lines(drawn, partners)
    load.write("commission_week", commission.weeks(line_rows["week"], users, clock))
    load.write("commission_line", line_rows)
    load.write("app_state", commission.app_state(clock))
    if plan.applicants:  # drawn from a stream of its own, so adding them changed none of the draws above
        consent_rows = consents.consents(rng.spawn(1)[0], deal_rows, drawn.f["country"], clock)
        load.write("newsletter_consent", consent_rows)
        load.write("deal_event", consents.consent_events(consent_rows))
        load.write("partner_application", consents.applications(clock))
    return users.demo, int(users.finance)


def _slice(companies: names.Companies, start: int, stop: int) -> names.Companies:
    return names.Companies(companies.names[start:stop], companies.domains[start:stop],
                           companies.countries[start:stop])


__all__ = ["DEMO_PASSWORD", "SCALES", "Scale", "seed"]
