"""The interface languages: gettext catalogues managed with Babel, and locale formats for numbers, money and dates.

Catalogues live in `partner_model/locales/<language>/LC_MESSAGES/messages.po`; `scripts/translations.sh`
extracts, updates and compiles them with pybabel. At run time a catalogue is compiled from its .po in memory
(once per process), so a checkout never serves a stale or missing .mo.
"""

from __future__ import annotations

import datetime as dt
import gettext
import io
from decimal import Decimal
from functools import cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime, format_interval
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal, format_percent

from partner_model import rules
from partner_model.errors import N_

LANGUAGES: tuple[str, ...] = ("en", "fi", "sv", "nl", "de")
DEFAULT_LANGUAGE = "en"
# Each language named in itself, so a reader finds their own whatever the current language.
LANGUAGE_NAMES: dict[str, str] = {
    "en": "English", "fi": "Suomi", "sv": "Svenska", "nl": "Nederlands", "de": "Deutsch",
}
LOCALES_DIR = Path(__file__).parent / "locales"
DOMAIN = "messages"
# TRANSLATORS: an ISO week in words; {days} is its Monday to Sunday, e.g. "Nov 16 – 22", written by Babel.
WEEK_LABEL = N_("Week {number}, {year} ({days})")


def catalogue_path(language: str) -> Path:
    return LOCALES_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(language: str) -> gettext.NullTranslations:
    """The gettext translations of `language`; English (the source text) for an unknown language."""
    path = catalogue_path(language)
    if language not in LANGUAGES or not path.exists():
        return gettext.NullTranslations()
    with path.open("rb") as po:
        catalogue = read_po(po, locale=language)
    compiled = io.BytesIO()
    write_mo(compiled, catalogue)  # fuzzy entries are left out, as pybabel compile does
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def best_language(preferred: str | None) -> str:
    """The supported language for a browser locale such as 'fi-FI' or 'de_AT'; English when none fits."""
    if not preferred:
        return DEFAULT_LANGUAGE
    try:
        language = Locale.parse(preferred.replace("-", "_")).language
    except (ValueError, UnknownLocaleError):
        return DEFAULT_LANGUAGE
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


class Formats:
    """Numbers, money, dates and ISO weeks written the way readers of one language expect."""

    def __init__(self, language: str) -> None:
        self.language = language if language in LANGUAGES else DEFAULT_LANGUAGE
        self.locale = Locale.parse(self.language)
        self._gettext = translations(self.language).gettext

    def number(self, value: int | float | Decimal | None, empty: str = "—") -> str:
        return empty if value is None else format_decimal(value, locale=self.locale)

    def percent(self, fraction: float | Decimal | None, empty: str = "—", decimals: int = 1) -> str:
        """`fraction` (0.25) as a percentage ("25 %" in Finnish, "25%" in English)."""
        if fraction is None:
            return empty
        pattern = self.locale.percent_formats[None].pattern
        if decimals:
            pattern = pattern.replace("0", "0." + "#" * decimals, 1)
        return format_percent(fraction, format=pattern, locale=self.locale)

    def money(self, amount: Decimal | int | None, currency: str, empty: str = "—") -> str:
        """An amount with its ISO currency code: "EUR 12,345.67" in English, "12 345,67 EUR" in Finnish.

        The code, not a symbol: several currencies share "$" and "kr", and totals are per currency.
        """
        if amount is None:
            return empty
        return format_currency(Decimal(amount), currency, format=self._code_pattern(), locale=self.locale,
                               currency_digits=False)

    def _code_pattern(self) -> str:
        parts = []
        for part in self.locale.currency_formats["standard"].pattern.split(";"):
            if part.startswith("¤"):
                part = "¤¤\xa0" + part.lstrip("¤\xa0")
            elif part.endswith("¤"):
                part = part.rstrip("¤\xa0") + "\xa0¤¤"
            parts.append(part)
        return ";".join(parts)

    def date(self, day: dt.date | None, format: str = "medium", empty: str = "—") -> str:  # noqa: A002
        return empty if day is None else format_date(day, format=format, locale=self.locale)

    def datetime(self, moment: dt.datetime | None, format: str = "medium", empty: str = "—") -> str:  # noqa: A002
        return empty if moment is None else format_datetime(moment, format=format, locale=self.locale)

    def week(self, week: str) -> str:
        """An ISO week ('2026-W47') in words with its days: "Week 47, 2026 (Nov 16 – 22)" in English."""
        monday = rules.week_monday(week)
        iso_year, number, _ = monday.isocalendar()
        days = format_interval(monday, monday + dt.timedelta(days=6), skeleton="MMMd", locale=self.locale)
        return self._gettext(WEEK_LABEL).format(number=number, year=iso_year, days=days)
