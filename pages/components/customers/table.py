"""The customer overview's words and table: account state in words, sortable columns, column config, CSV.

Pure functions over the frames `customers.customer_overview` returns; no Streamlit widgets are drawn here.
Every word is in the reader's language and every date in their locale's format.
"""

from __future__ import annotations

import datetime as dt
import string
from typing import Any

import pandas as pd
import streamlit as st

from pages.components.customers.attention import attention_column
from pages.components.frame.translate import N_, _, date_column_format, fmt, ngettext
from partner_model import clock, exports, rules
from partner_model.models import AccountState, CustomerRead

PAGE_SIZE = 50

# Columns a user may sort by: the service's column name -> the words shown in the sort picker.
SORT_COLUMNS: dict[str, str] = {
    "name": N_("Name"),
    "domain": N_("Domain"),
    "partner_name": N_("Partner"),
    "state": N_("State"),
    "trial_days_left": N_("Trial days left"),
    "renewal_on": N_("Renewal date"),
    "subscription_started_on": N_("Subscription start"),
    "framework": N_("Framework"),
    "framework_progress": N_("Framework progress"),
    "users": N_("Users"),
    "activities_90d": N_("Activities (90 days)"),
    "attention_items": N_("Attention items"),
    "last_activity_on": N_("Last activity"),
    "extension_requested_on": N_("Extension requested"),
}

# An account's state as a name (filters, chart legend, CSV), capitalised.
STATE_NAMES: dict[str, str] = {
    # TRANSLATORS: the state of a customer account: its trial is running.
    AccountState.trial: N_("Trial"),
    # TRANSLATORS: the state of a customer account: it has a paid subscription.
    AccountState.active: N_("Active"),
    # TRANSLATORS: the state of a customer account: no trial and no subscription any more.
    AccountState.closed: N_("Closed"),
}

STATE_FILTERS: dict[str, str] = {
    # TRANSLATORS: the customer state filter: accounts in every state.
    "all": N_("All"),
    **{str(state): name for state, name in STATE_NAMES.items()},
}

# The CSV's column headers (every column customers.customer_overview returns, and the state in words).
CSV_HEADERS: dict[str, str] = {
    "customer_id": N_("Customer ID"),
    "name": N_("Name"),
    "domain": N_("Domain"),
    "partner_id": N_("Partner ID"),
    "partner_name": N_("Partner"),
    "state": N_("State"),
    "framework": N_("Framework"),
    "framework_progress": N_("Framework progress (%)"),
    "users": N_("Users"),
    "activities_90d": N_("Activities (90 days)"),
    "attention_items": N_("Attention items"),
    "trial_days_left": N_("Trial days left"),
    "trial_ends_on": N_("Trial ends on"),
    "subscription_started_on": N_("Subscription start"),
    "renewal_on": N_("Renewal date"),
    "last_activity_on": N_("Last activity"),
    "extension_requested_on": N_("Extension requested on"),
    "extension_granted_on": N_("Extension granted on"),
    "trial_started_on": N_("Trial started on"),
    "open_attention_items": N_("Open attention items"),
    "extension_declined_on": N_("Extension declined on"),
    "state_in_words": N_("State in words"),
}


def _missing(value: Any) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def _day(value: Any) -> str:
    return fmt().date(value) if isinstance(value, dt.date) else str(value)


# The messages of the state in words: whole sentences, so a translator can order them freely.
def _trial_words(days: int) -> str:
    if days == 0:
        # TRANSLATORS: a customer account's state in the customer table.
        return _("trial, ends today")
    # TRANSLATORS: a customer account's state in the customer table.
    return ngettext("trial, {count} day left", "trial, {count} days left", days).format(count=fmt().number(days))


def _active_template(since: bool, renews: bool) -> str:
    if since and renews:
        # TRANSLATORS: a customer account's state in the customer table; {since} and {renews} are dates.
        return _("active since {since}, renews {renews}")
    if since:
        # TRANSLATORS: a customer account's state in the customer table; {since} is a date.
        return _("active since {since}")
    if renews:
        # TRANSLATORS: a customer account's state in the customer table; {renews} is a date.
        return _("active, renews {renews}")
    # TRANSLATORS: a customer account's state in the customer table (it has a paid subscription).
    return _("active")


def _trial_unknown() -> str:
    # TRANSLATORS: a customer account's state in the customer table (its trial is running).
    return _("trial")


def _closed() -> str:
    # TRANSLATORS: a customer account's state in the customer table (no trial and no subscription any more).
    return _("closed")


def state_words(state: str, *, trial_days_left: Any = None, since: Any = None, renews: Any = None) -> str:
    """'trial, N days left', 'active since D, renews R' or 'closed', in the reader's language."""
    if state == AccountState.trial:
        return _trial_unknown() if _missing(trial_days_left) else _trial_words(int(trial_days_left))
    if state == AccountState.active:
        template = _active_template(not _missing(since), not _missing(renews))
        return template.format(since="" if _missing(since) else _day(since),
                               renews="" if _missing(renews) else _day(renews))
    return _closed()


def account_words(customer: CustomerRead, today: dt.date | None = None) -> str:
    """The same words for one account read with `customers.get_customer`."""
    today = today or clock.today()
    days_left = (customer.trial_ends_on - today).days if customer.trial_ends_on else None
    return state_words(customer.state, trial_days_left=days_left, since=customer.subscription_started_on,
                       renews=customer.renewal_on)


def _waiting_since(frame: pd.DataFrame) -> list[Any]:
    """The extension request's date while it waits for staff (neither granted nor declined), else None."""
    return [asked if _missing(granted) and _missing(declined) and not _missing(asked) else None
            for asked, granted, declined in zip(frame["extension_requested_on"], frame["extension_granted_on"],
                                                frame["extension_declined_on"], strict=True)]


def table_frame(frame: pd.DataFrame, today: dt.date | None = None) -> pd.DataFrame:
    """The overview page's rows with the state and the attention in words and the waiting extension request
    added (one page: at most PAGE_SIZE rows)."""
    words = [state_words(r.state, trial_days_left=r.trial_days_left, since=r.subscription_started_on,
                         renews=r.renewal_on) for r in frame.itertuples()]
    return frame.assign(account=words, attention=attention_column(frame, today),
                        extension=pd.Series(_waiting_since(frame), index=frame.index, dtype="object"))


# A click on a table column's header sorts the whole list in SQL by this overview column (None: not sortable).
HEADER_SORT: dict[str, str] = {
    "name": "name", "domain": "domain", "partner_name": "partner_name", "account": "state",
    "attention": "attention_items", "extension": "extension_requested_on", "framework": "framework",
    "framework_progress": "framework_progress", "users": "users", "activities_90d": "activities_90d",
}


def column_order(staff: bool, extension: bool = False) -> list[str]:
    """The columns that fit a 1440-pixel screen whole, none cut: who and where first (name, domain, the partner
    for staff), then the state and why the account needs attention, then the waiting extension request's date when
    a row has one (or the list is filtered to them), else for partners the activity. The rest (framework, users,
    progress) is in the account's details, the Sort control and the CSV."""
    columns = ["name", "domain", *(["partner_name"] if staff else []), "account", "attention"]
    if extension:
        return [*columns, "extension"]
    return columns if staff else [*columns, "activities_90d"]


def _header(text: str, column: str, sort: str | None) -> str:
    """A header with an arrow on the column the list is sorted by (the Sort control says the same)."""
    key = HEADER_SORT.get(column)
    if not sort or key is None or sort.removeprefix("-") != key:
        return text
    return f"{text} {'↓' if sort.startswith('-') else '↑'}"


def column_config(sort: str | None = None) -> dict[str, Any]:
    """Every column's header (an arrow on the sorted one), width and help; `sort` is the service's sort key."""
    sort = sort or "name"
    clicks = _("Click a column's header to sort every page by it; click again to reverse.")
    return {
        "name": st.column_config.TextColumn(_header(_("Name"), "name", sort), width=140, help=clicks),
        "domain": st.column_config.TextColumn(_header(_("Domain"), "domain", sort), width=160),
        "partner_name": st.column_config.TextColumn(_header(_("Partner"), "partner_name", sort), width=130),
        "account": st.column_config.TextColumn(_header(_("State"), "account", sort), width=270),
        "attention": st.column_config.TextColumn(
            # TRANSLATORS: a column header: why the account needs attention, in words.
            _header(_("Needs attention"), "attention", sort), width=230,
            help=_("Why the account needs attention: a trial ending within {trial} days, no activity for {idle} days, "
                   "a renewal within {renewal} days, items opened on it").format(
                trial=fmt().number(rules.TRIAL_ENDING_DAYS), idle=fmt().number(rules.INACTIVE_DAYS),
                renewal=fmt().number(rules.RENEWAL_DUE_DAYS))),
        "extension": st.column_config.DateColumn(
            # TRANSLATORS: a short column header: the date a trial extension was asked for (and still waits).
            _header(_("Extension asked"), "extension", sort), format=date_column_format(), width=110,
            help=_("The day the 30-day trial extension was requested, while it waits for a decision")),
        "framework": st.column_config.TextColumn(_header(_("Framework"), "framework", sort), width=100),
        "framework_progress": st.column_config.ProgressColumn(
            _header(_("Progress"), "framework_progress", sort), help=_("Progress in the main framework"),
            format="%d%%", min_value=0, max_value=100, width=80),
        "users": st.column_config.NumberColumn(_header(_("Users"), "users", sort), format="%d", width=60),
        "activities_90d": st.column_config.NumberColumn(
            # TRANSLATORS: a short column header: activities in the last 90 days ("d" for days).
            _header(_("Activity 90 d"), "activities_90d", sort),
            help=_("Activities of the customer's users in the last 90 days"), format="%d", width=80),
    }


def _texts(values: pd.Series, words: Any) -> pd.Series:
    """`words(value)` for every value, computed once per distinct value (200,000 rows hold few distinct ones)."""
    present = values.dropna()
    table = {value: words(value) for value in pd.unique(present)}
    return present.map(table).astype("string").reindex(values.index)


def _fill(template: str, index: pd.Index, **columns: pd.Series) -> pd.Series:
    """`template.format(**columns)` row by row, as whole columns (NA where a column used is NA)."""
    out = pd.Series("", index=index, dtype="string")
    for literal, field, _spec, _conversion in string.Formatter().parse(template):
        out = out + literal
        if field is not None:
            out = out + columns[field]
    return out


def state_words_column(frame: pd.DataFrame) -> pd.Series:
    """`state_words` for every row at once: the CSV can hold 200,000 accounts, too many for a Python loop."""
    index = frame.index
    days = frame["trial_days_left"].astype("Int64")
    trial = _texts(days, lambda d: _trial_words(int(d))).fillna(_trial_unknown())
    since = _texts(frame["subscription_started_on"], _day)
    renews = _texts(frame["renewal_on"], _day)
    has_since, has_renews = since.notna().to_numpy(), renews.notna().to_numpy()
    active = pd.Series(_active_template(False, False), index=index, dtype="string")
    for with_since, with_renews in ((True, False), (False, True), (True, True)):
        rows = (has_since == with_since) & (has_renews == with_renews)
        if rows.any():
            filled = _fill(_active_template(with_since, with_renews), index, since=since, renews=renews)
            active = active.mask(rows, filled)
    state = frame["state"].astype("string")
    words = pd.Series(_closed(), index=index, dtype="string")
    return words.mask((state == "trial").fillna(False), trial).mask((state == "active").fillna(False), active)


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """Every matching account, with the state in words next to the raw dates; headers and states in the reader's
    language. Written by the shared export writer: commas, plain numbers, a byte order mark (spreadsheets read the
    letters right), and no text cell a spreadsheet could run as a formula."""
    states = {str(state): _(name) for state, name in STATE_NAMES.items()}
    shown = frame.assign(state_in_words=state_words_column(frame),
                         state=frame["state"].map(lambda v: states.get(str(v), v)))
    shown = shown.rename(columns={column: _(header) for column, header in CSV_HEADERS.items()})
    return exports.csv_bytes(shown)
