"""The deal board's words (pure functions): column totals, card markers and labels, reading a drop back from the
drag-and-drop board, and history rows in the product's words.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from pages.components.deals.board_labels import (
    card_label,
    denial_sentence,
    denial_words,
    drag_header,
    dropped,
    event_values,
    history_frame,
    markers,
    review_note,
    total_line,
    totals_text,
)
from partner_model import i18n
from partner_model.models import EventRead, NoteRead

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
     "Denied: already a customer"),
    ({"review_status": "denied", "denial_reason": "other", "protection": None}, "Denied: see the reviewer's note"),
])
def test_markers_name_what_needs_a_look(change, text):
    assert [m.text for m in markers({**CARD, **change})] == [text]


def test_a_drag_label_shows_the_card_on_several_lines_and_ends_with_the_deal_id():
    lines = card_label({**CARD, "stale": True}).split("\n")
    assert lines == ["Fjord Logistics · #41", "EUR\xa024,000.50", "Acme Consulting", "Accepted",
                     "⚠ Stale: 3 days in stage"]  # the days once, in the marker


def test_drag_labels_are_unique_per_deal_even_for_the_same_company():
    assert card_label(CARD) != card_label({**CARD, "deal_id": 42})


def test_a_drag_column_header_has_the_stage_its_count_and_its_total_on_one_line_each():
    assert drag_header("closed_won", 3, {"EUR": Decimal("30000")}) == "Closed won\n3 deals\nEUR\xa030,000.00"
    assert drag_header("new", 0, {}) == "New\n0 deals\n—"


def test_a_column_total_is_the_largest_currency_then_how_many_more_never_a_list():
    """Issue: headers listed up to five currency sums and wrapped to six or seven lines with trailing '·'."""
    five = {"EUR": Decimal("48000"), "SEK": Decimal("90000"), "USD": Decimal("1000"), "GBP": Decimal("500"),
            "NOK": Decimal("10")}
    assert total_line(five) == "SEK\xa090,000.00 +\xa04\xa0more"  # the largest sum first
    assert total_line({"EUR": Decimal("1")}) == "EUR\xa01.00"
    assert total_line({}) == "—"
    header = drag_header("newsletter", 7, five)
    assert header.split("\n") == ["Newsletter subscription", "7 deals", "SEK\xa090,000.00 +\xa04\xa0more"]
    assert "·" not in header


def test_a_partners_drag_card_leaves_out_its_own_name_and_staff_see_it():
    assert card_label(CARD, staff=False).split("\n") == ["Fjord Logistics · #41", "EUR\xa024,000.50",
                                                         "Accepted · 3 days in stage"]
    assert "Acme Consulting" in card_label(CARD, staff=True)


@pytest.mark.parametrize("reason, words", [
    ("existing_customer", "Denied: the customer already has an account with us, so the deal cannot be registered as "
                          "new business."),
    ("duplicate", "Denied: this customer was already registered, so this registration repeats it."),
    ("other", "Denied for a reason the reviewer explains in their note."),
])
def test_a_denial_reads_as_a_sentence_meant_for_the_partner(reason, words):
    assert denial_sentence(reason) == words
    assert "say why in the note" not in denial_sentence(reason) and "say why" not in denial_words(reason)


def test_the_reviewers_note_is_the_note_written_with_the_review():
    at = dt.datetime(2026, 11, 20, 9, 30)
    events = [EventRead(id=1, deal_id=1, kind="registered", actor_id=3, at=at - dt.timedelta(days=1),
                        from_value=None, to_value="new / pending"),
              EventRead(id=2, deal_id=1, kind="reviewed", actor_id=7, at=at, from_value="pending",
                        to_value="denied: other")]
    notes = [NoteRead(id=1, deal_id=1, author_id=3, at=at - dt.timedelta(days=1), body="Partner's own note"),
             NoteRead(id=2, deal_id=1, author_id=7, at=at, body="The customer asked us not to work with partners.")]
    assert review_note(events, notes) == "The customer asked us not to work with partners."
    assert review_note(events, notes[:1]) is None
    assert review_note(events[:1], notes) is None


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
    ("reviewed", "pending", "denied: duplicate", ("Pending", "Denied: already registered")),
    ("reviewed", "pending", "denied: other", ("Pending", "Denied: see the reviewer's note")),
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
    assert lines[1:3] == [i18n.Formats("de").money(Decimal("24000.50"), "EUR"), "Acme Consulting"]
    assert drag_header("trial", 0, {}).split("\n")[0] == german("Trial")
    assert event_values("protection", "2026-03-01", None) == (i18n.Formats("de").date(dt.date(2026, 3, 1)), "—")
