"""Locale formats (Babel) and the choice of language."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from partner_model import i18n

AMOUNT = Decimal("12345.67")


@pytest.mark.parametrize(("language", "money"), [
    ("en", "EUR\xa012,345.67"),
    ("fi", "12\xa0345,67\xa0EUR"),
    ("sv", "12\xa0345,67\xa0EUR"),
    ("nl", "EUR\xa012.345,67"),
    ("de", "12.345,67\xa0EUR"),
])
def test_money_is_written_the_locales_way_with_the_currency_code(language, money):
    assert i18n.Formats(language).money(AMOUNT, "EUR") == money


def test_money_keeps_cents_exactly_and_shows_the_sign():
    formats = i18n.Formats("fi")
    assert formats.money(Decimal("-0.10"), "SEK") == "−0,10\xa0SEK".replace("−", "-")
    assert formats.money(Decimal("1000000000.01"), "USD") == "1\xa0000\xa0000\xa0000,01\xa0USD"
    assert formats.money(None, "EUR") == "—"


@pytest.mark.parametrize(("language", "day"), [
    ("en", "Nov 22, 2026"), ("fi", "22.11.2026"), ("sv", "22 nov. 2026"), ("nl", "22 nov 2026"), ("de", "22.11.2026"),
])
def test_dates(language, day):
    assert i18n.Formats(language).date(dt.date(2026, 11, 22)) == day


def test_numbers_and_percentages():
    assert i18n.Formats("en").number(12345) == "12,345"
    assert i18n.Formats("de").number(12345) == "12.345"
    assert i18n.Formats("en").percent(Decimal("0.2")) == "20%"
    assert i18n.Formats("fi").percent(Decimal("0.125")) == "12,5\xa0%"


def test_an_iso_week_is_labelled_with_its_number_year_and_days():
    label = i18n.Formats("en").week("2026-W47")
    assert label.startswith("Week 47, 2026") and "16" in label and "22" in label
    # The first ISO week of 2027 starts in 2026: the ISO year is the one shown.
    assert i18n.Formats("en").week("2026-W53").startswith("Week 53, 2026")


@pytest.mark.parametrize(("browser", "language"), [
    ("fi-FI", "fi"), ("sv_SE", "sv"), ("de-AT", "de"), ("nl", "nl"), ("en-GB", "en"), ("fr-FR", "en"),
    (None, "en"), ("", "en"), ("not a locale!", "en"),
])
def test_the_browsers_language_picks_a_supported_one(browser, language):
    assert i18n.best_language(browser) == language


def test_an_unknown_language_falls_back_to_english():
    assert i18n.translations("xx").gettext("Deal board") == "Deal board"
    assert i18n.Formats("xx").language == "en"
