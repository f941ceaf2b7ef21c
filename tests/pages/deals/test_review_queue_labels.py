"""The review queue's words (pages/components/review_labels.py): pure functions, no Streamlit run."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from pages.components.deals.review_labels import (
    DENIAL_REASON_LABELS,
    HINTS,
    blank,
    event_text,
    hint,
    hint_names,
    hint_sentence,
    history_lines,
    md,
    money,
    plural,
    waiting,
    when,
)
from partner_model.deal_queries import HINT_CODES
from partner_model.models import DenialReason, EventRead


def test_every_hint_code_of_the_service_has_words():
    assert set(HINTS) == set(HINT_CODES)
    assert HINTS["existing_customer"].meaning == "The domain already belongs to a customer"
    assert HINTS["other_partner_open_deal"].meaning == "Another partner has an open deal for this domain"
    assert HINTS["free_mail"].meaning == "Free-mail domain (gmail.com and the like)"
    assert HINTS["registered_before"].meaning == "This partner registered the domain before"


def test_an_unknown_hint_code_still_shows_as_itself():
    assert hint("new_code").short == "new_code"
    assert hint_names(["free_mail", "new_code"]) == ["Free mail", "new_code"]
    assert hint_names(None) == []


def test_every_denial_reason_has_words():
    assert set(DENIAL_REASON_LABELS) == set(DenialReason)


@pytest.mark.parametrize(("kind", "before", "after", "text"), [
    ("registered", None, "new / pending", "Registered (stage New, Pending)"),
    ("reviewed", "pending", "accepted", "Accepted"),
    ("reviewed", "pending", "denied: existing_customer", "Denied: Already a customer"),
    ("reviewed", "pending", "denied: duplicate", "Denied: Duplicate registration"),
    ("moved", "new", "closed_won", "Moved from New to Closed won"),
    ("note", None, "Call back in May", "Note: Call back in May"),
    ("billing", None, "invoice", "Billing option not set → Invoice"),
    ("protection", "2026-01-01", "2026-03-02", "Registration protection extended from Jan 1, 2026 to Mar 2, 2026"),
    ("renamed", "a", None, "Renamed: a → —"),
])
def test_history_events_read_as_sentences(kind, before, after, text):
    assert event_text(kind, before, after) == text


def test_history_lines_name_who_did_it_and_when():
    at = dt.datetime(2026, 5, 4, 9, 30)
    events = [EventRead(id=1, deal_id=1, kind="registered", actor_id=7, at=at, from_value=None,
                        to_value="new / pending"),
              EventRead(id=2, deal_id=1, kind="reviewed", actor_id=None, at=at, from_value="pending",
                        to_value="accepted")]
    assert history_lines(events, {7: "Alice"}) == [
        ("May 4, 2026, 9:30\u202fAM", "Alice", "Registered (stage New, Pending)"),
        ("May 4, 2026, 9:30\u202fAM", "System", "Accepted"),
    ]


def test_waiting_says_days_and_business_days():
    assert waiting(1, 1) == "1 day (1 business day)"
    assert waiting(4, 2) == "4 days (2 business days)"


def test_partner_text_is_escaped_for_markdown():
    # A word joiner after "://" (no autolink) and after the colon of ":material/home:" (no icon: Streamlit reads
    # icon shortcodes before the Markdown, so a backslash alone does not stop them).
    assert md("**Big** [deal](http://x) :material/home:") == (
        "\\*\\*Big\\*\\* \\[deal\\]\\(http\\://\u2060x\\) \\:\u2060material/home\\:")


def test_counted_words_money_and_moments_use_the_readers_formats():
    assert plural(1, "deal") == "1 deal"
    assert plural(1234, "card") == "1,234 cards"
    assert plural(2, "widget") == "2 widgets"  # a word without a message still shows
    assert money(Decimal("12345.6"), "EUR") == "EUR\xa012,345.60"
    assert money(None, "EUR") == "—"
    assert when(dt.datetime(2026, 12, 24, 18, 5)) == "Dec 24, 2026, 6:05\u202fPM"


# --- what stands behind a hint, in words ---------------------------------------------------------------------------

REGISTERED = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


def test_another_partners_protected_deal_is_named_with_its_number_and_protection_end():
    detail = {"code": "other_partner_open_deal", "deal_id": 41, "partner_name": "Beta Advisors",
              "company_name": "Samecorp", "review_status": "accepted", "protected_until": dt.date(2027, 1, 31),
              "created_at": REGISTERED}
    assert hint_sentence(detail) == (
        "Beta Advisors registered it on Nov 2, 2026 (deal #41, Samecorp), protected until Jan 31, 2027")
    assert hint_sentence({**detail, "review_status": "pending", "protected_until": None}) == (
        "Beta Advisors registered it on Nov 2, 2026 (deal #41, Samecorp), not reviewed yet")
    assert hint_sentence({**detail, "protected_until": None}).endswith("(deal #41, Samecorp), accepted")


def test_the_other_hints_name_the_earlier_deal_the_account_and_the_mail_domain():
    assert hint_sentence({"code": "registered_before", "deal_id": 7, "partner_name": "Acme", "company_name": "Old Co",
                          "review_status": "denied", "protected_until": None, "created_at": REGISTERED}) == (
        "Acme registered it before, on Nov 2, 2026 (deal #7, Old Co): Denied")
    assert hint_sentence({"code": "existing_customer", "customer_id": 3, "name": "Nordic Retail",
                          "domain": "nordic-retail.example", "partner_name": "Acme"}) == (
        "Nordic Retail (nordic\\-retail\\.example) is already a customer, with Acme")
    assert hint_sentence({"code": "existing_customer", "customer_id": 3, "name": "Direct Oy", "domain": "d.example",
                          "partner_name": None}) == "Direct Oy (d\\.example) is already a customer"
    assert hint_sentence({"code": "free_mail", "domain": "gmail.com"}) == (
        "The contact writes from gmail\\.com, a free-mail domain")


def test_typed_names_in_a_hint_are_escaped():
    text = hint_sentence({"code": "other_partner_open_deal", "deal_id": 1, "partner_name": "**Evil** [x](y)",
                          "company_name": "$x^2$", "review_status": "pending", "protected_until": None,
                          "created_at": REGISTERED})
    assert text.startswith("\\*\\*Evil\\*\\* \\[x\\]\\(y\\) registered it") and "\\$x\\^2\\$" in text


def test_a_value_nobody_gave_is_a_dash_never_nan():
    assert [blank(v) for v in (None, float("nan"), "", "ISO 27001")] == ["—", "—", "—", "ISO 27001"]
