"""The signed-in home page's summaries, by role. Every figure comes from the domain API; each links to its page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd
import streamlit as st
from babel.numbers import format_decimal

from pages.components.frame.access import PAGES
from pages.components.frame.data import attempt
from pages.components.frame.errors import show_error
from pages.components.frame.labels import STAGE_LABELS, label
from pages.components.frame.text import md
from pages.components.frame.translate import _, fmt, ngettext
from partner_model import clock, commission_queries, commissions, customers, deals, pipeline, rules
from partner_model.models import UserRead

LIST_LIMIT = 50  # a summary counts up to this many rows, then says "50+"


def money(totals: dict[str, Decimal]) -> str:
    """Amounts per currency in the reader's format: "EUR 12,000.00 · SEK 800.00" in English; none is 0.00."""
    shown = [fmt().money(amount, currency) for currency, amount in sorted(totals.items()) if amount]
    return " · ".join(shown) or _zero()


def _zero() -> str:
    """No money at all, in no currency: 0.00 with the reader's decimal mark."""
    return format_decimal(Decimal("0.00"), format="#,##0.00", locale=fmt().locale)


def _count(frame: pd.DataFrame, limit: int = LIST_LIMIT) -> str:
    return f"{fmt().number(limit)}+" if len(frame) >= limit else fmt().number(len(frame))


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
        s, user, state="trial", sort="trial_days_left", limit=LIST_LIMIT, refresh=False))
    if result is None:
        return
    frame, __ = result
    ending = frame[frame["trial_days_left"].fillna(10**6) <= rules.TRIAL_ENDING_DAYS]
    days = rules.TRIAL_ENDING_DAYS
    # TRANSLATORS: a customer and the days left in its trial ("d" for days).
    soonest = ", ".join(_("{name} ({days} d)").format(name=md(r.name), days=fmt().number(r.trial_days_left))
                        for r in ending.head(3).itertuples())
    soonest = soonest or ngettext("No trial ends in the next {count} day.", "No trial ends in the next {count} days.",
                                  days).format(count=fmt().number(days))
    title = ngettext("Trials ending within {count} day", "Trials ending within {count} days", days)
    _tile(title.format(count=fmt().number(days)), _count(ending), "customers", _("Open customers"), soonest)


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
    detail = _("Worth {amount} a year").format(amount=money(totals)) if count else _("No deal is waiting for review.")
    _tile(_("Deals pending review"), fmt().number(count), "deal_board", _("Open the deal board"), detail)


def _week_money(totals: pd.DataFrame) -> tuple[str, str]:
    """(the week's commission in all, what is payable and what is netted) per currency, from the week's totals."""
    count = int(totals["lines"].sum())
    if not count:
        return _zero(), _("No commission lines yet.")
    totals = commission_queries.currency_totals(totals)
    payable = {r.currency: r.payable for r in totals.itertuples()}
    netted = {r.currency: r.netted for r in totals.itertuples()}
    both = {c: payable.get(c, Decimal("0.00")) + netted.get(c, Decimal("0.00")) for c in {*payable, *netted}}
    split = ngettext("{count} line: payable {payable}, netted on invoices {netted}",
                     "{count} lines: payable {payable}, netted on invoices {netted}", count)
    return money(both), split.format(count=fmt().number(count), payable=money(payable), netted=money(netted))


def commission_this_week(user: UserRead, today: dt.date) -> None:
    week = rules.iso_week(today)
    totals = _run(lambda s: commission_queries.week_partner_totals(s, user, week))
    if totals is None:
        return
    total, split = _week_money(totals)
    _tile(_("Commission this week ({week})").format(week=week), total, "commissions", _("Open commissions"), split)


def pending_reviews(user: UserRead) -> None:
    result = _run(lambda s: deals.review_queue(s, user, limit=1))
    if result is None:
        return
    frame, total = result
    if total:
        days = int(frame.iloc[0]["age_days"])
        if days == 0:
            oldest = _("The oldest came in today.")
        else:
            oldest = ngettext("The oldest has waited {count} day.", "The oldest has waited {count} days.",
                              days).format(count=fmt().number(days))
    else:
        oldest = _("Nothing to review.")
    _tile(_("Pending reviews"), fmt().number(total), "review_queue", _("Open the review queue"), oldest)


def stale(user: UserRead) -> None:
    frame = _run(lambda s: pipeline.stale_deals(s, user, limit=LIST_LIMIT))
    if frame is None:
        return
    by_stage = frame.groupby("stage").size() if not frame.empty else pd.Series(dtype=int)
    detail = ", ".join(f"{label(STAGE_LABELS, s)}: {fmt().number(n)}" for s, n in by_stage.items())
    _tile(_("Stale deals"), _count(frame), "deal_board", _("Open the deal board"),
          detail or _("None: all deals move."))


def open_week(user: UserRead, today: dt.date) -> None:
    """The first week finance has not approved, from this one on, and its commission."""
    def read(s):  # type: ignore[no-untyped-def]
        week = commissions.next_open_week(s, rules.iso_week(today))
        return week, commission_queries.week_partner_totals(s, user, week)

    result = _run(read)
    if result is None:
        return
    week, totals = result
    total, split = _week_money(totals)
    _tile(_("Open week {week}").format(week=week), total, "commissions", _("Review the week"), split)


def summary(user: UserRead, today: dt.date | None = None) -> None:
    """The tiles for the user's role, side by side (at most three)."""
    today = today or clock.today()
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
