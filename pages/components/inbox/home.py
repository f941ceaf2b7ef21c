"""The signed-in home page, by role: a work inbox where every item is a count with a link that opens its page
filtered. Staff items live in work.py; a partner's own home (registrations pending, the decisions since their
last visit, trials ending, this week's commission) is here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from pages.components.frame.access import PAGES
from pages.components.frame.labels import REVIEW_LABELS, label
from pages.components.frame.text import md, md_line
from pages.components.frame.translate import N_, _, fmt, ngettext
from pages.components.inbox import work
from pages.components.inbox.tiles import amounts, grid, head, money, run, tile
from partner_model import clock, commission_queries, customers, inbox_queries, rules, users
from partner_model.inbox_queries import WorkItem
from partner_model.models import UserRead

VISIT_KEY = "home_previous_visit"  # (user id, when their previous visit began): recorded once per browser session
DECISIONS_LISTED = 5
TRIAL_NAMES = 3
# The reasons a registration was denied, in the partner's words (the same messages the deal pages use).
DENIAL_REASONS = {"existing_customer": N_("Already a customer"), "invalid_lead": N_("Not a valid lead"),
                  "duplicate": N_("Duplicate registration"), "other": N_("Other reason (say why in the note)")}


def previous_visit(user: UserRead) -> dt.datetime | None:
    """When this user's previous visit began. The first home run of a browser session records the new visit and
    keeps the previous one, so every rerun (and a return to the home page) lists the same decisions."""
    kept = st.session_state.get(VISIT_KEY)
    if isinstance(kept, tuple) and kept[0] == user.id:
        return kept[1]
    since = run(lambda s: users.record_visit(s, user))
    st.session_state[VISIT_KEY] = (user.id, since)
    return since


def _registrations_pending(item: WorkItem) -> None:
    detail = _("Waiting for the vendor's review.") if item.count else _("No deal is waiting for review.")
    tile(_("Registrations pending review"), fmt().number(item.count), item.page, _("Open the deal board"), detail,
         filters=item.filters)


def _decision(decision: dict[str, Any]) -> str:
    """"Winner Co: Accepted", "Lost Co: Denied: Not a valid lead" (the company as typed, escaped)."""
    status = label(REVIEW_LABELS, decision["review_status"])
    reason = decision.get("denial_reason")
    if decision["review_status"] == "denied" and reason:
        status = _("Denied: {reason}").format(reason=_(DENIAL_REASONS[reason]) if reason in DENIAL_REASONS else reason)
    # TRANSLATORS: a decided registration on the home page: the customer company, then the decision.
    return _("{company}: {decision}").format(company=md_line(decision["company_name"]), decision=status)


def _decisions(item: WorkItem, since: dt.datetime | None) -> None:
    decisions: list[dict[str, Any]] = item.details.get("decisions") or []
    title = _("Decisions since your last visit") if since is not None else _("Decisions on your registrations")
    with st.container(border=True, height="stretch"):
        head(title)
        st.metric(title, fmt().number(item.count), label_visibility="collapsed")
        if since is not None:
            st.caption(_("Since {moment} UTC.").format(moment=fmt().datetime(since)))
        if not decisions:
            st.caption(_("No registration was decided since."))
        for decision in decisions[:DECISIONS_LISTED]:  # each opens its card on the deal board
            st.page_link(PAGES["deal_board"].path, label=_decision(decision), icon=":material/gavel:",
                         query_params={"deal": str(decision["deal_id"])})
        if len(decisions) > DECISIONS_LISTED:
            more = len(decisions) - DECISIONS_LISTED
            st.caption(ngettext("and {count} more", "and {count} more", more).format(count=fmt().number(more)))


def _trials_ending(count: int, soonest: pd.DataFrame) -> None:
    """Trials ending within 7 days: overview_metrics' count, the one the Customers page shows too."""
    days = rules.TRIAL_ENDING_DAYS
    # TRANSLATORS: a customer and the days left in its trial ("d" for days).
    names = ", ".join(_("{name} ({days} d)").format(name=md(r.name), days=fmt().number(r.trial_days_left))
                      for r in soonest.itertuples())
    detail = names or ngettext("No trial ends in the next {count} day.", "No trial ends in the next {count} days.",
                               days).format(count=fmt().number(days))
    title = ngettext("Trials ending within {count} day", "Trials ending within {count} days", days)
    tile(title.format(count=fmt().number(days)), fmt().number(count), "customers", _("Open customers"), detail,
         filters={"state": "trial", "sort": "trial_days_left"})


def _week_money(totals: pd.DataFrame) -> tuple[list[str], str]:
    """(the week's commission per currency, what is payable and what is netted), from the week's totals."""
    count = int(totals["lines"].sum())
    if not count:
        return amounts({}), _("No commission lines yet.")
    per_currency = commission_queries.currency_totals(totals)
    payable = {r.currency: r.payable for r in per_currency.itertuples()}
    netted = {r.currency: r.netted for r in per_currency.itertuples()}
    both = {r.currency: r.payable + r.netted for r in per_currency.itertuples()}
    split = ngettext("{count} line: payable {payable}, netted on invoices {netted}",
                     "{count} lines: payable {payable}, netted on invoices {netted}", count)
    return amounts(both), split.format(count=fmt().number(count), payable=money(payable), netted=money(netted))


def partner_home(user: UserRead, today: dt.date) -> None:
    """A partner's home: registrations pending review, decisions since the last visit, trials ending, and this
    week's commission. A handful of counts over the partner's own rows."""
    since = previous_visit(user)
    week = rules.iso_week(today)

    def read(s):  # type: ignore[no-untyped-def]
        items = inbox_queries.partner_work(s, user, since=since)
        metrics = customers.overview_metrics(s, user, today=today, refresh=False)
        soonest, __ = customers.customer_overview(s, user, state="trial", sort="trial_days_left", limit=TRIAL_NAMES,
                                                  today=today, refresh=False)
        return items, metrics["trials_ending"], soonest, commission_queries.week_partner_totals(s, user, week)

    result = run(read)
    if result is None:
        return
    items, trials_ending, soonest, totals = result
    by_code = {item.code: item for item in items}
    days_left = soonest["trial_days_left"]
    soonest = soonest[(days_left >= 0) & (days_left <= rules.TRIAL_ENDING_DAYS)]
    week_amounts, split = _week_money(totals)
    grid([
        lambda: _registrations_pending(by_code["registrations_pending"]),
        lambda: _decisions(by_code["decisions_since_last_visit"], since),
        lambda: _trials_ending(trials_ending, soonest),
        lambda: tile(_("Commission this week ({week})").format(week=week), "", "commissions",
                     _("Open commissions"), split, filters={"week": week}, amounts=week_amounts),
    ])


def summary(user: UserRead, today: dt.date | None = None) -> None:
    """The work inbox for the user's role."""
    today = today or clock.today()
    role = str(user.role)
    if role in ("partner_user", "partner_admin"):
        partner_home(user, today)
    elif role == "partner_manager":
        work.partner_manager_home(user, today)
    elif role == "finance":
        work.finance_inbox(user, today)
    elif role == "admin":
        work.admin_home(user, today)
