"""Why an account needs attention, in a few words for the overview's table: "trial ends in 3 d · no activity 45 d".

The signals are the domain's (rules.attention_signals, the same rule the stored attention count follows); this
module only words them, short enough for a table cell, in the reader's language. Pure functions over one page of
the overview's rows (at most PAGE_SIZE), tested without Streamlit.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from pages.components.frame.translate import _, fmt, ngettext
from partner_model import clock, rules
from partner_model.models import AccountState


def _date(value: Any) -> dt.date | None:
    if value is None or value is pd.NaT or (not isinstance(value, str) and bool(pd.isna(value))):
        return None
    if isinstance(value, pd.Timestamp | dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else None


def _count(value: Any) -> int:
    return 0 if value is None or (not isinstance(value, str) and bool(pd.isna(value))) else int(value)


def _trial_ending(days: int) -> str:
    if days == 0:
        # TRANSLATORS: why a customer account needs attention, in a table cell.
        return _("trial ends today")
    # TRANSLATORS: why a customer account needs attention, in a table cell; "d" is short for days.
    return _("trial ends in {days} d").format(days=fmt().number(days))


def _no_activity(last: dt.date | None, today: dt.date) -> str:
    if last is None:
        # TRANSLATORS: why a customer account needs attention, in a table cell: its users never did anything.
        return _("no activity ever")
    # TRANSLATORS: why a customer account needs attention, in a table cell: no activity for {days} days.
    return _("no activity {days} d").format(days=fmt().number((today - last).days))


def _renewal_due(days: int) -> str:
    if days == 0:
        # TRANSLATORS: why a customer account needs attention, in a table cell: the subscription renews today.
        return _("renews today")
    # TRANSLATORS: why a customer account needs attention, in a table cell; "d" is short for days.
    return _("renews in {days} d").format(days=fmt().number(days))


def attention_words(row: Any, today: dt.date | None = None) -> str:
    """One overview row's reasons, joined by middle dots; "" when nothing needs attention.

    `row` has the overview's columns (state, trial_ends_on, trial_started_on, last_activity_on, renewal_on,
    open_attention_items)."""
    today = today or clock.today()
    state = getattr(row, "state", None)
    words: list[str] = []
    if state in {s.value for s in AccountState}:
        last = _date(getattr(row, "last_activity_on", None))
        signals = rules.attention_signals(
            AccountState(state), _date(getattr(row, "trial_ends_on", None)), last,
            _date(getattr(row, "renewal_on", None)), today,
            trial_started_on=_date(getattr(row, "trial_started_on", None)))
        for code, __, params in signals:
            days = int(params.get("days", 0))  # type: ignore[call-overload]
            if code == "trial_ending":
                words.append(_trial_ending(days))
            elif code == "no_activity":
                words.append(_no_activity(last, today))
            elif code == "renewal_due":
                words.append(_renewal_due(days))
    items = _count(getattr(row, "open_attention_items", 0))
    if items:
        # TRANSLATORS: why a customer account needs attention, in a table cell: items someone opened on it.
        words.append(ngettext("{count} open item", "{count} open items", items).format(count=fmt().number(items)))
    return " · ".join(words)


def attention_column(frame: pd.DataFrame, today: dt.date | None = None) -> list[str]:
    """`attention_words` for every row of one page of the overview."""
    today = today or clock.today()
    return [attention_words(row, today) for row in frame.itertuples()]
