"""The deal board's words (pure functions): column totals, card markers and labels, reading a drop back from the
drag-and-drop board, and history rows in the product's words.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from pages.components.deals.board_labels import (
    card_label,
    drag_header,
    dropped,
    event_values,
    history_frame,
    markers,
    totals_text,
)
from partner_model import i18n
from partner_model.models import EventRead

CARD = {"deal_id": 41, "company_name": "Fjord Logistics", "value": Decimal("24000.50"), "currency": "EUR",
        "partner_name": "Acme Consulting", "review_status": "accepted", "denial_reason": None, "days_in_stage": 3,
        "stale": False, "protection": "protected", "protected_until": dt.date(2027, 1, 31)}


def test_totals_are_per_currency_largest_first_and_a_dash_without_deals():
    assert totals_text({}) == "—"
    assert totals_text({"SEK": Decimal("500.00"), "EUR": Decimal("24000.50")}) == "EUR\xa024,000.50 · SEK\xa0500.00"


def test_a_plain_card_has_no_markers():
    assert markers(CARD) == []


@pytest.mark.parametrize("change, text", [
    ({"stale": True, "days_in_stage": 12}, "Stale: 12 days in stage"),
    ({"protection": "expiring"}, "Protection ends Jan 31, 2027"),
    ({"stale": True, "days_in_stage": 1}, "Stale: 1 day in stage"),
    ({"protection": "expired"}, "Protection expired"),
    ({"review_status": "denied", "denial_reason": "existing_customer", "protection": None},
     "Denied: Already a customer"),
])
def test_markers_name_what_needs_a_look(change, text):
    assert [m.text for m in markers({**CARD, **change})] == [text]


def test_a_drag_label_shows_the_card_on_several_lines_and_ends_with_the_deal_id():
    lines = card_label({**CARD, "stale": True}).split("\n")
    assert lines == ["Fjord Logistics · #41", "EUR\xa024,000.50 · Acme Consulting", "Accepted · 3 days in stage",
                     "⚠ Stale: 3 days in stage"]


def test_drag_labels_are_unique_per_deal_even_for_the_same_company():
    assert card_label(CARD) != card_label({**CARD, "deal_id": 42})


def test_a_drag_column_header_has_the_stage_its_count_and_value_sums():
    assert drag_header("closed_won", 3, {"EUR": Decimal("30000")}) == "Closed won\n3 deals · EUR\xa030,000.00"
    assert drag_header("new", 1, {}) == "New\n1 deal · —"


BEFORE = [{"header": "New (2)", "items": ["a #1", "b #2"]}, {"header": "Trial (0)", "items": []}]


def test_a_card_dropped_in_another_column_is_a_move():
    after = [{"header": "New (2)", "items": ["a #1"]}, {"header": "Trial (0)", "items": ["b #2"]}]
    assert dropped(BEFORE, after) == ("b #2", "Trial (0)")


@pytest.mark.parametrize("after", [
    None,
    BEFORE,
    [{"header": "New (2)", "items": ["b #2", "a #1"]}, {"header": "Trial (0)", "items": []}],  # reordered only
    [{"header": "New (3)", "items": []}, {"header": "Trial (0)", "items": ["z #9"]}],  # an older board's value
])
def test_no_move_without_a_known_card_in_another_column(after):
    assert dropped(BEFORE, after) is None


@pytest.mark.parametrize("kind, before, after, expected", [
    ("registered", None, "new / pending", ("—", "New, Pending")),
    ("reviewed", "pending", "accepted", ("Pending", "Accepted")),
    ("reviewed", "pending", "denied: duplicate", ("Pending", "Denied: Duplicate registration")),
    ("moved", "trial", "closed_won", ("Trial", "Closed won")),
    ("billing", None, "via_partner", ("Not set", "Via partner")),
    ("note", None, "Call again in May", ("—", "Call again in May")),
    ("protection", "2026-03-01", "2026-04-30", ("Mar 1, 2026", "Apr 30, 2026")),
])
def test_history_values_are_in_the_products_words(kind, before, after, expected):
    assert event_values(kind, before, after) == expected


def test_history_rows_say_who_what_when_from_and_to():
    at = dt.datetime(2026, 11, 20, 9, 30)
    events = [EventRead(id=1, deal_id=1, kind="moved", actor_id=7, at=at, from_value="new", to_value="trial"),
              EventRead(id=2, deal_id=1, kind="note", actor_id=None, at=at, from_value=None, to_value="hi")]
    frame = history_frame(events, {7: "Alice"})
    assert list(frame.columns) == ["When (UTC)", "Who", "What", "From", "To"]
    assert frame["When (UTC)"].tolist() == [at, at]  # a time column (sortable), drawn in the reader's format
    assert frame.drop(columns="When (UTC)").values.tolist() == [["Alice", "Moved", "New", "Trial"],
                                                                ["System", "Note added", "—", "hi"]]


def test_history_times_are_naive_utc_whatever_the_database_returns():
    aware = dt.datetime(2026, 11, 20, 11, 30, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    events = [EventRead(id=1, deal_id=1, kind="note", actor_id=None, at=aware, from_value=None, to_value="hi")]
    assert history_frame(events, {})["When (UTC)"].tolist() == [dt.datetime(2026, 11, 20, 9, 30)]


def test_the_words_follow_the_readers_language(monkeypatch):
    monkeypatch.setattr("pages.components.frame.translate.language", lambda: "de")
    german = i18n.translations("de").gettext
    assert totals_text({"EUR": Decimal("24000.50")}) == i18n.Formats("de").money(Decimal("24000.50"), "EUR")
    lines = card_label(CARD).split("\n")
    assert lines[0] == "Fjord Logistics · #41"  # the deal id that keeps each label unique stays as it is
    assert lines[1] == f"{i18n.Formats('de').money(Decimal('24000.50'), 'EUR')} · Acme Consulting"
    assert drag_header("trial", 0, {}).split("\n")[0] == german("Trial")
    assert event_values("protection", "2026-03-01", None) == (i18n.Formats("de").date(dt.date(2026, 3, 1)), "—")
