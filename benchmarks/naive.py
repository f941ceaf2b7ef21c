"""The naive way to answer each page: read the whole table(s) into pandas, then filter, sum and sort there.

Each function mirrors the rules the service applies in SQL (states, attention signals, hints), so the
benchmark also proves both give the same answer. Dates come back from SQLite as ISO text, which
compares in date order.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa

from benchmarks.context import Context
from partner_model import identity, rules


def _read(ctx: Context, sql: str) -> pd.DataFrame:
    with ctx.engine.connect() as conn:
        return pd.read_sql(sa.text(sql), conn)


def _day(ctx: Context, days: int = 0) -> str:
    return (ctx.today + dt.timedelta(days=days)).isoformat()


def _overview_columns(ctx: Context, c: pd.DataFrame) -> pd.DataFrame:
    """State, attention (stored items plus the derived signals) and trial days left, as the service defines them."""
    today = _day(ctx)
    active = c["subscription_started_on"].notna() & (c["subscription_started_on"] <= today)
    trial = ~active & c["trial_ends_on"].notna() & (c["trial_ends_on"] >= today)
    c["state"] = np.select([active, trial], ["active", "trial"], "closed")
    ending = trial & (c["trial_ends_on"] <= _day(ctx, rules.TRIAL_ENDING_DAYS))
    brand_new = trial & c["trial_started_on"].notna() & (c["trial_started_on"] > _day(ctx, -rules.NEW_TRIAL_GRACE_DAYS))
    inactive = (active | (trial & ~brand_new)) & (c["last_activity_on"].isna()
                                   | (c["last_activity_on"] < _day(ctx, -rules.INACTIVE_DAYS)))
    renewals = {d: rules.renewal_after(dt.date.fromisoformat(str(d)[:10]), ctx.today).isoformat()
                for d in c["subscription_started_on"].dropna().unique()}  # dates are ISO text here
    renewal_on = c["subscription_started_on"].map(renewals)
    renewal = active & (renewal_on >= today) & (renewal_on <= _day(ctx, rules.RENEWAL_DUE_DAYS))
    c["attention_items"] = c["open_attention_items"] + ending.astype(int) + inactive.astype(int) + renewal.astype(int)
    left = (pd.to_datetime(c["trial_ends_on"]) - pd.Timestamp(ctx.today)).dt.days
    c["trial_days_left"] = left.where(trial)
    return c


def customer_overview(
    ctx: Context, *, state: str | None = None, needs_attention: bool | None = None, search: str | None = None,
    partner_id: int | None = None, sort: str | None = None, limit: int = 50,
) -> tuple[int, tuple[int, ...]]:
    c = _overview_columns(ctx, _read(ctx, "SELECT * FROM customer"))
    partners = _read(ctx, "SELECT id AS partner_id, name AS partner_name FROM partner")
    c = c.merge(partners, on="partner_id", how="left")
    if partner_id is not None:
        c = c[c["partner_id"] == partner_id]
    if state:
        c = c[c["state"] == state]
    if needs_attention:
        c = c[c["attention_items"] > 0]
    if search:
        text = search.strip().lower()
        c = c[c["name"].str.lower().str.contains(text, regex=False) | c["domain"].str.contains(text, regex=False)]
    column = (sort or "name").removeprefix("-")
    column = "id" if column == "customer_id" else column
    ordered = c.sort_values([column, "id"], ascending=[not (sort or "").startswith("-"), True], na_position="last",
                            kind="stable")
    return len(c), tuple(int(i) for i in ordered["id"].head(limit))


def _hints(deal: Any, customers: dict[str, int], deals: pd.DataFrame, open_deals: pd.DataFrame) -> tuple[str, ...]:
    """The review hints as deals.review_hints defines them: a customer is its domain and the domains it is a
    subdomain of; another partner's pending or protected registration is its open deal; free mail identifies
    nobody."""
    domain, partner = deal.customer_domain, deal.partner_id
    same = set(identity.parent_domains(domain))
    free = rules.is_free_mail(domain)
    hints = []
    if not free and any(customers.get(d) not in (None, deal.customer_id) for d in same):
        hints.append("existing_customer")
    if not free:
        others = open_deals[open_deals["customer_domain"].isin(same) & (open_deals["partner_id"] != partner)
                            & (open_deals["id"] != deal.id)]
        if len(others):
            hints.append("other_partner_open_deal")
    contact = str(deal.contact_email).rsplit("@", 1)[-1]
    if free or rules.is_free_mail(contact):
        hints.append("free_mail")
    if not free:
        mine = deals[deals["customer_domain"].isin(same) & (deals["partner_id"] == partner) & (deals["id"] < deal.id)]
        if len(mine):
            hints.append("registered_before")
    return tuple(sorted(hints))


def review_queue(ctx: Context, limit: int = 50) -> tuple[int, tuple[tuple[int, tuple[str, ...]], ...]]:
    deals = _read(ctx, "SELECT * FROM deal")
    customers = _read(ctx, "SELECT id, domain FROM customer")
    pending = deals[deals["review_status"] == "pending"]
    page = pending.sort_values(["created_at", "id"], kind="stable").head(limit)
    open_stages = [s.value for s in rules.OPEN_STAGES]
    open_deals = deals[(deals["review_status"] == "pending") | ((deals["review_status"] == "accepted")
                       & deals["stage"].isin(open_stages)
                       & (deals["protected_until"].isna() | (deals["protected_until"] >= _day(ctx))))]
    by_domain = dict(zip(customers["domain"], customers["id"], strict=True))
    return len(pending), tuple((int(d.id), _hints(d, by_domain, deals, open_deals)) for d in page.itertuples())


def board(ctx: Context, *, partner_id: int | None = None, search: str | None = None, per_stage: int = 20) -> dict:
    deals = _read(ctx, "SELECT * FROM deal")
    deals = deals[deals["review_status"] != "denied"]
    if partner_id is not None:
        deals = deals[deals["partner_id"] == partner_id]
    if search:
        text = search.strip().lower()
        deals = deals[deals["company_name"].str.lower().str.contains(text, regex=False)
                      | deals["customer_domain"].str.contains(text, regex=False)
                      | deals["contact_name"].str.lower().str.contains(text, regex=False)]
    answer = {}
    for stage, cards in deals.groupby("stage"):
        sums = cards.groupby("currency")["value_cents"].sum()
        top = cards.sort_values(["stage_entered_at", "id"], ascending=False).head(per_stage)
        answer[stage] = (len(cards), {cur: rules.from_cents(int(v)) for cur, v in sorted(sums.items())},
                         tuple(int(i) for i in top["id"]))
    return answer


def week_lines(ctx: Context) -> tuple[tuple[int, ...], Any]:
    lines = _read(ctx, "SELECT * FROM commission_line")
    deals = _read(ctx, "SELECT id AS deal_id, company_name FROM deal")
    partners = _read(ctx, "SELECT id AS partner_id, name AS partner_name FROM partner")
    week = lines[lines["week"] == ctx.recent_week].merge(deals, on="deal_id").merge(partners, on="partner_id")
    week = week.sort_values(["partner_id", "id"])
    return tuple(int(i) for i in week["id"]), sum(rules.from_cents(int(c)) for c in week["commission_cents"])
