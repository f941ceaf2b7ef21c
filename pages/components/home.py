"""The signed-in home page's summaries, by role. Every figure comes from the domain API; each links to its page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd
import streamlit as st

from pages.components.access import PAGES
from pages.components.data import attempt, show_error
from pages.components.labels import STAGE_LABELS, label
from partner_model import commissions, customers, deals, pipeline, rules
from partner_model.models import UserRead

LIST_LIMIT = 50  # a summary counts up to this many rows, then says "50+"


def money(totals: dict[str, Decimal]) -> str:
    """Amounts per currency as text: "12,000.00 EUR · 800.00 SEK"; none is 0.00."""
    shown = [f"{amount:,.2f} {currency}" for currency, amount in sorted(totals.items()) if amount]
    return " · ".join(shown) or "0.00"


def lines_text(count: int) -> str:
    return "1 line" if count == 1 else f"{count} lines"


def _count(frame: pd.DataFrame, limit: int = LIST_LIMIT) -> str:
    return f"{limit}+" if len(frame) >= limit else str(len(frame))


def _tile(title: str, value: str, page: str, link_text: str, detail: str = "") -> None:
    with st.container(border=True, height="stretch"):  # tiles in a row share one height
        st.metric(title, value)
        if detail:
            st.caption(detail)
        st.page_link(PAGES[page].path, label=link_text, icon=PAGES[page].icon)


def _run(action):  # type: ignore[no-untyped-def]
    result, error = attempt(action)
    if error is not None:
        show_error(error)
    return result


def trials_ending(user: UserRead) -> None:
    """Trials that end within the next 7 days, soonest first."""
    result = _run(lambda s: customers.customer_overview(
        s, user, state="trial", sort="trial_days_left", limit=LIST_LIMIT))
    if result is None:
        return
    frame, _ = result
    ending = frame[frame["trial_days_left"].fillna(10**6) <= rules.TRIAL_ENDING_DAYS]
    soonest = ", ".join(f"{r.name} ({r.trial_days_left} d)" for r in ending.head(3).itertuples())
    soonest = soonest or f"No trial ends in the next {rules.TRIAL_ENDING_DAYS} days."
    _tile(f"Trials ending within {rules.TRIAL_ENDING_DAYS} days", _count(ending), "customers",
          "Open customers", soonest)


def pending_deals(user: UserRead) -> None:
    """A partner's deals still waiting for the vendor's review."""
    board = _run(lambda s: deals.board(s, user, review_status="pending", per_stage=1))
    if board is None:
        return
    count = sum(column.count for column in board.values())
    totals: dict[str, Decimal] = {}
    for column in board.values():
        for currency, amount in column.totals.items():
            totals[currency] = totals.get(currency, Decimal("0.00")) + amount
    detail = f"Worth {money(totals)} a year" if count else "No deal is waiting for review."
    _tile("Deals pending review", str(count), "deal_board", "Open the deal board", detail)


def _week_money(lines: pd.DataFrame) -> tuple[str, str]:
    """(the week's commission in all, what is payable and what is netted) per currency, from week_totals."""
    if lines.empty:
        return "0.00", "No commission lines yet."
    totals = commissions.week_totals(lines)
    payable = {r.currency: r.payable for r in totals.itertuples()}
    netted = {r.currency: r.netted for r in totals.itertuples()}
    both = {c: payable.get(c, Decimal("0.00")) + netted.get(c, Decimal("0.00")) for c in {*payable, *netted}}
    return money(both), f"{lines_text(len(lines))}: payable {money(payable)}, netted on invoices {money(netted)}"


def commission_this_week(user: UserRead, today: dt.date) -> None:
    week = rules.iso_week(today)
    lines = _run(lambda s: commissions.week_lines(s, user, week))
    if lines is None:
        return
    total, split = _week_money(lines)
    _tile(f"Commission this week ({week})", total, "commissions", "Open commissions", split)


def pending_reviews(user: UserRead) -> None:
    result = _run(lambda s: deals.review_queue(s, user, limit=1))
    if result is None:
        return
    frame, total = result
    if total:
        days = int(frame.iloc[0]["age_days"])
        oldest = "The oldest came in today." if days == 0 else f"The oldest has waited {days} days."
    else:
        oldest = "Nothing to review."
    _tile("Pending reviews", str(total), "review_queue", "Open the review queue", oldest)


def stale(user: UserRead) -> None:
    frame = _run(lambda s: pipeline.stale_deals(s, user, limit=LIST_LIMIT))
    if frame is None:
        return
    by_stage = frame.groupby("stage").size() if not frame.empty else pd.Series(dtype=int)
    detail = ", ".join(f"{label(STAGE_LABELS, s)}: {n}" for s, n in by_stage.items())
    _tile("Stale deals", _count(frame), "deal_board", "Open the deal board", detail or "None: all deals move.")


def open_week(user: UserRead, today: dt.date) -> None:
    """The first week finance has not approved, from this one on, and its commission."""
    def read(s):  # type: ignore[no-untyped-def]
        week = commissions.next_open_week(s, rules.iso_week(today))
        return week, commissions.week_lines(s, user, week)

    result = _run(read)
    if result is None:
        return
    week, lines = result
    total, split = _week_money(lines)
    _tile(f"Open week {week}", total, "commissions", "Review the week", split)


def summary(user: UserRead, today: dt.date | None = None) -> None:
    """The tiles for the user's role, side by side (at most three)."""
    today = today or dt.date.today()
    role = str(user.role)
    tiles = {
        "partner_user": [trials_ending, pending_deals, lambda u: commission_this_week(u, today)],
        "partner_manager": [pending_reviews, trials_ending, stale],
        "finance": [lambda u: open_week(u, today)],
        "admin": [pending_reviews, stale, lambda u: open_week(u, today)],
    }
    tiles["partner_admin"] = tiles["partner_user"]
    for column, tile in zip(st.columns(3), tiles[role], strict=False):
        with column:
            tile(user)
