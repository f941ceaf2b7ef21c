"""The customer overview's words and table: account state in words, sortable columns, column config, CSV.

Pure functions over the frames `customers.customer_overview` returns; no Streamlit widgets are drawn here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from partner_model.models import AccountState, CustomerRead

PAGE_SIZE = 50

# Columns a user may sort by: the service's column name -> the words shown in the sort picker.
SORT_COLUMNS: dict[str, str] = {
    "name": "Name",
    "domain": "Domain",
    "partner_name": "Partner",
    "state": "State",
    "trial_days_left": "Trial days left",
    "renewal_on": "Renewal date",
    "subscription_started_on": "Subscription start",
    "framework": "Framework",
    "framework_progress": "Framework progress",
    "users": "Users",
    "activities_90d": "Activities (90 days)",
    "attention_items": "Attention items",
    "last_activity_on": "Last activity",
}

STATE_FILTERS: dict[str, str] = {"all": "All", "trial": "Trial", "active": "Active", "closed": "Closed"}


def _missing(value: Any) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def _day(value: Any) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def state_words(state: str, *, trial_days_left: Any = None, since: Any = None, renews: Any = None) -> str:
    """'trial, N days left', 'active since D, renews R' or 'closed'."""
    if state == AccountState.trial:
        if _missing(trial_days_left):
            return "trial"
        days = int(trial_days_left)
        if days == 0:
            return "trial, ends today"
        return f"trial, {days} day{'' if days == 1 else 's'} left"
    if state == AccountState.active:
        words = "active" if _missing(since) else f"active since {_day(since)}"
        return words if _missing(renews) else f"{words}, renews {_day(renews)}"
    return "closed"


def account_words(customer: CustomerRead, today: dt.date | None = None) -> str:
    """The same words for one account read with `customers.get_customer`."""
    today = today or dt.date.today()
    days_left = (customer.trial_ends_on - today).days if customer.trial_ends_on else None
    return state_words(customer.state, trial_days_left=days_left, since=customer.subscription_started_on,
                       renews=customer.renewal_on)


def table_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The overview page's rows with the state in words added (one page: at most PAGE_SIZE rows)."""
    words = [state_words(r.state, trial_days_left=r.trial_days_left, since=r.subscription_started_on,
                         renews=r.renewal_on) for r in frame.itertuples()]
    return frame.assign(account=words)


def column_order(staff: bool) -> list[str]:
    # The product's columns first; the domain and (for staff) the partner after them, where a narrow screen scrolls.
    partner = ["partner_name"] if staff else []
    return ["name", "account", "framework", "framework_progress", "users", "activities_90d", "attention_items",
            "domain", *partner]


def column_config() -> dict[str, Any]:
    return {
        "name": st.column_config.TextColumn("Name"),
        "domain": st.column_config.TextColumn("Domain"),
        "partner_name": st.column_config.TextColumn("Partner"),
        "account": st.column_config.TextColumn("State"),
        "framework": st.column_config.TextColumn("Framework"),
        "framework_progress": st.column_config.ProgressColumn(
            "Progress", help="Progress in the main framework", format="%d%%", min_value=0, max_value=100,
            width="small"),
        "users": st.column_config.NumberColumn("Users", format="%d", width="small"),
        "activities_90d": st.column_config.NumberColumn(
            "Activity 90 d", help="Activities of the customer's users in the last 90 days", format="%d"),
        "attention_items": st.column_config.NumberColumn(
            "Attention", help="Items needing attention now (stored and derived)", format="%d", width="small"),
    }


def state_words_column(frame: pd.DataFrame) -> pd.Series:
    """`state_words` for every row at once: the CSV can hold 200,000 accounts, too many for a Python loop."""
    days = frame["trial_days_left"].astype("Int64")
    trial = ("trial, " + days.astype("string") + " days left").fillna("trial")
    trial = trial.mask((days == 0).fillna(False), "trial, ends today").mask((days == 1).fillna(False),
                                                                            "trial, 1 day left")
    active = ("active since " + frame["subscription_started_on"].astype("string")).fillna("active")
    active = (active + ", renews " + frame["renewal_on"].astype("string")).fillna(active)
    state = frame["state"].astype("string")
    words = pd.Series("closed", index=frame.index, dtype="string")
    return words.mask((state == "trial").fillna(False), trial).mask((state == "active").fillna(False), active)


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """Every matching account, with the state in words next to the raw dates."""
    return frame.assign(state_in_words=state_words_column(frame)).to_csv(index=False).encode("utf-8")
