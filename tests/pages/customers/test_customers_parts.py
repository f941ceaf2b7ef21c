"""The customer page's pure parts: the state in words, the CSV, the figures (no AppTest, no database)."""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
import pytest

from pages.components.customers.charts import accounts_by_state_and_framework, daily_activity, day_month_format
from pages.components.customers.table import (
    CSV_HEADERS,
    account_words,
    csv_bytes,
    state_words,
    state_words_column,
    table_frame,
)
from pages.components.frame import translate
from partner_model.customers import OVERVIEW_COLUMNS
from partner_model.i18n import Formats
from partner_model.models import CustomerRead

D = dt.date(2026, 3, 1)
R = dt.date(2027, 3, 1)


@pytest.mark.parametrize(("state", "kwargs", "words"), [
    ("trial", {"trial_days_left": 5}, "trial, 5 days left"),
    ("trial", {"trial_days_left": 1}, "trial, 1 day left"),
    ("trial", {"trial_days_left": 0}, "trial, ends today"),
    ("trial", {"trial_days_left": pd.NA}, "trial"),
    ("active", {"since": D, "renews": R}, "active since Mar 1, 2026, renews Mar 1, 2027"),
    ("active", {"since": D, "renews": None}, "active since Mar 1, 2026"),
    ("active", {"since": None, "renews": R}, "active, renews Mar 1, 2027"),
    ("active", {}, "active"),
    ("closed", {"trial_days_left": None}, "closed"),
])
def test_state_words_name_the_state_and_its_dates(state, kwargs, words):
    assert state_words(state, **kwargs) == words


@pytest.mark.parametrize("language", ["en", "fi", "de"])
def test_state_words_for_a_whole_frame_match_the_single_row_words(monkeypatch, language):
    monkeypatch.setattr(translate, "language", lambda: language)
    rows = [("trial", 5, None, None), ("trial", 1, None, None), ("trial", 0, None, None),
            ("trial", None, None, None), ("active", None, D, R), ("active", None, D, None),
            ("active", None, None, R), ("active", None, None, None), ("closed", None, None, None)]
    frame = pd.DataFrame(rows, columns=["state", "trial_days_left", "subscription_started_on", "renewal_on"])
    expected = [state_words(s, trial_days_left=t, since=a, renews=r) for s, t, a, r in rows]
    assert list(state_words_column(frame)) == expected


def test_state_words_write_dates_the_readers_way(monkeypatch):
    monkeypatch.setattr(translate, "language", lambda: "fi")
    words = state_words("active", since=D, renews=R)
    assert Formats("fi").date(D) in words and Formats("fi").date(R) in words and "2026-03-01" not in words


def test_account_words_count_trial_days_from_today():
    customer = CustomerRead(id=1, name="A", domain="a.example", partner_id=1, state="trial", framework="NIS2",
                            framework_progress=0, users=1, trial_ends_on=D + dt.timedelta(days=3))
    assert account_words(customer, today=D) == "trial, 3 days left"


def overview_frame() -> pd.DataFrame:
    rows = [
        {"customer_id": 1, "name": "Trial Oy", "state": "trial", "trial_days_left": 3},
        {"customer_id": 2, "name": "Paying AB", "state": "active", "subscription_started_on": D, "renewal_on": R},
        {"customer_id": 3, "name": "Gone BV", "state": "closed"},
    ]
    frame = pd.DataFrame(rows, columns=list(OVERVIEW_COLUMNS))
    frame["trial_days_left"] = frame["trial_days_left"].astype("Int64")
    return frame


def test_table_rows_get_the_state_in_words():
    assert list(table_frame(overview_frame())["account"]) == [
        "trial, 3 days left", "active since Mar 1, 2026, renews Mar 1, 2027", "closed"]


def test_csv_has_every_row_and_column_with_the_state_in_words():
    read = pd.read_csv(io.BytesIO(csv_bytes(overview_frame())))
    assert len(read) == 3
    assert set(OVERVIEW_COLUMNS) <= set(CSV_HEADERS)  # every column gets a header in the reader's words
    assert list(read.columns) == [CSV_HEADERS[c] for c in [*OVERVIEW_COLUMNS, "state_in_words"]]
    assert list(read["Name"]) == ["Trial Oy", "Paying AB", "Gone BV"]
    assert list(read["State"]) == ["Trial", "Active", "Closed"]
    assert list(read["State in words"]) == ["trial, 3 days left", "active since Mar 1, 2026, renews Mar 1, 2027",
                                            "closed"]


def test_framework_chart_stacks_states_with_the_biggest_framework_first():
    counts = pd.DataFrame({"state": ["trial", "active", "active", "closed"],
                           "framework": ["GDPR", "NIS2", "GDPR", "NIS2"], "accounts": [1, 5, 2, 1]})
    fig = accounts_by_state_and_framework(counts)
    assert fig.layout.barmode == "stack"
    assert [t.name for t in fig.data] == ["Trial", "Active", "Closed"]
    active = next(t for t in fig.data if t.name == "Active")
    assert list(active.x) == ["NIS2", "GDPR"] and list(active.y) == [5, 2]


def test_activity_chart_has_a_bar_per_day():
    days = pd.DataFrame({"day": [D + dt.timedelta(days=i) for i in range(90)],
                         "activities": [i % 3 for i in range(90)]})
    fig = daily_activity(days, "Trial Oy")
    assert len(fig.data[0].x) == 90 and "last 90 days" in fig.layout.title.text
    assert list(fig.data[0].customdata[:1]) == ["Mar 1, 2026"]  # the hover's day, written the reader's way


def test_charts_write_numbers_and_days_the_readers_way(monkeypatch):
    monkeypatch.setattr(translate, "language", lambda: "fi")
    counts = pd.DataFrame({"state": ["active"], "framework": ["NIS2"], "accounts": [1500]})
    separators = accounts_by_state_and_framework(counts).layout.separators
    assert separators == translate.plotly_layout()["separators"] and separators.startswith(",")
    days = pd.DataFrame({"day": [D], "activities": [1]})
    fig = daily_activity(days, "Trial Oy")
    assert fig.layout.xaxis.tickformat == day_month_format() == "%-d.%-m."
    assert list(fig.data[0].customdata) == ["1.3.2026"]


@pytest.mark.parametrize(("days", "expected"), [
    (1, "The trial ends in 1 day (Nov 23, 2026)."),
    (3, "The trial ends in 3 days (Nov 25, 2026)."),
])
def test_a_derived_signal_counts_one_day_in_the_singular(days, expected):
    from types import SimpleNamespace

    from pages.components.customers.details import _why
    from partner_model import rules

    item = SimpleNamespace(why="(English)", why_template=rules.ATTENTION_WHY["trial_ending"],
                           why_params={"days": days, "date": dt.date(2026, 11, 22) + dt.timedelta(days=days)})
    assert _why(item) == expected
