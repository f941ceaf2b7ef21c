"""The commission figure builders and table formatting (pages/components/commission_*.py): pure functions."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest

from factories import python_week_totals
from pages.components.commissions.charts import (
    by_tier_figure,
    currencies,
    payable_netted_figure,
    top_partners_figure,
    weekly_by_option_figure,
)
from pages.components.commissions.review import week_options
from pages.components.commissions.tables import (
    line_counts,
    lines_table,
    money,
    money_texts,
    percent,
    totals_table,
    week_label,
)
from pages.components.frame import translate
from partner_model import i18n
from partner_model.i18n import LANGUAGES, Formats


@pytest.fixture
def finnish(monkeypatch):  # type: ignore[no-untyped-def]
    """The builders run as for a reader who chose Finnish (no catalogue needed: formats and fallbacks)."""
    monkeypatch.setattr(translate, "language", lambda: "fi")


def eur(amount: str) -> str:
    """An amount as the page writes it in English: "EUR 800.00", a no-break space after the code."""
    sign, digits = ("-", amount[1:]) if amount.startswith("-") else ("", amount)
    return f"{sign}EUR\u00a0{digits}"


WEEKS = ["2026-W45", "2026-W46", "2026-W47"]
WEEKLY = pd.DataFrame([
    {"week": "2026-W45", "billing_option": "credit_card", "currency": "EUR", "commission": Decimal("100.10")},
    {"week": "2026-W45", "billing_option": "via_partner", "currency": "EUR", "commission": Decimal("50.00")},
    {"week": "2026-W47", "billing_option": "invoice", "currency": "EUR", "commission": Decimal("-20.00")},
    {"week": "2026-W46", "billing_option": "invoice", "currency": "SEK", "commission": Decimal("900.00")},
])
EMPTY = pd.DataFrame(columns=["week", "billing_option", "currency", "commission"])


def test_currencies_lists_eur_first_then_the_others_alphabetically():
    assert currencies(WEEKLY, EMPTY, pd.DataFrame({"currency": ["USD", "CHF"]})) == ["EUR", "CHF", "SEK", "USD"]
    assert currencies(EMPTY) == []


def test_weekly_figure_stacks_one_currency_by_billing_option_over_every_week():
    fig = weekly_by_option_figure(WEEKLY, WEEKS, "EUR")
    assert fig.layout.barmode == "relative"
    assert {t.name for t in fig.data} == {"Credit card", "Invoice", "Via partner"}
    assert list(fig.layout.xaxis.categoryarray) == WEEKS
    amounts = {t.name: list(t.y) for t in fig.data}
    assert amounts["Credit card"] == [100.1, 0.0, 0.0] and amounts["Invoice"] == [0.0, 0.0, -20.0]
    assert all(list(t.x) == WEEKS for t in fig.data)
    assert list(fig.layout.xaxis.ticktext) == ["W45", "W47"]
    assert "EUR" in fig.layout.yaxis.title.text
    sek = {t.name: list(t.y) for t in weekly_by_option_figure(WEEKLY, WEEKS, "SEK").data}
    assert sum(sum(y) for y in sek.values()) == 900.0 and sek["Invoice"] == [0.0, 900.0, 0.0]


def test_figures_with_nothing_to_draw_are_none():
    assert weekly_by_option_figure(EMPTY, WEEKS, "EUR") is None
    assert weekly_by_option_figure(WEEKLY, WEEKS, "USD") is None
    assert payable_netted_figure(pd.DataFrame(columns=["week", "direction", "currency", "commission"]), WEEKS,
                                 "EUR") is None
    assert top_partners_figure(pd.DataFrame(columns=["partner_id", "partner_name", "currency", "commission"]),
                               "EUR") is None
    assert by_tier_figure(pd.DataFrame(columns=["tier", "currency", "commission"]), "EUR") is None
    zero = pd.DataFrame([{"tier": "gold", "currency": "EUR", "commission": Decimal("0.00")}])
    assert by_tier_figure(zero, "EUR") is None


def test_payable_netted_top_partners_and_tier_figures_use_the_products_words():
    directions = pd.DataFrame([
        {"week": "2026-W46", "direction": "payable", "currency": "EUR", "commission": Decimal("10.00")},
        {"week": "2026-W46", "direction": "netted", "currency": "EUR", "commission": Decimal("5.00")},
    ])
    assert {t.name for t in payable_netted_figure(directions, WEEKS, "EUR").data} == {
        "Payable to partners", "Netted on partner invoices"}
    top = pd.DataFrame([
        {"partner_id": 1, "partner_name": "Acme", "currency": "EUR", "commission": Decimal("30.00")},
        {"partner_id": 2, "partner_name": "Beta", "currency": "EUR", "commission": Decimal("70.00")},
        {"partner_id": 3, "partner_name": "Krona AB", "currency": "SEK", "commission": Decimal("900.00")},
    ])
    fig = top_partners_figure(top, "EUR")
    assert list(fig.data[0].y) == ["Acme", "Beta"]  # highest drawn last, i.e. on top
    tiers = pd.DataFrame([{"tier": "gold", "currency": "EUR", "commission": Decimal("7.00")},
                          {"tier": "registered", "currency": "EUR", "commission": Decimal("3.00")}])
    tier_fig = by_tier_figure(tiers, "EUR").data[0]
    assert list(tier_fig.x) == ["Registered", "Silver", "Gold", "Platinum"] and list(tier_fig.y) == [3.0, 0, 7.0, 0]


def test_money_and_rates_are_shown_exactly_in_the_readers_locale():
    assert money(Decimal("12345.6"), "EUR") == "EUR\u00a012,345.60"
    assert money(Decimal("-2000.00"), "SEK") == "-SEK\u00a02,000.00"
    assert money(None, "EUR") == "—"
    assert percent(Decimal("0.125")) == "12.5%" and percent(Decimal("0.1234")) == "12.34%"


@pytest.mark.parametrize("language", LANGUAGES)
def test_table_money_is_exactly_what_the_locale_formats_write(monkeypatch, language):
    monkeypatch.setattr(translate, "language", lambda: language)
    amounts = [Decimal(v) for v in ("0.00", "-0.01", "12.5", "-999.99", "1000.00", "-12345.67", "98765432.10")]
    for currency in ("EUR", "SEK", "USD"):
        expected = [Formats(language).money(a, currency) for a in amounts]
        assert money_texts(amounts, [currency] * len(amounts)) == expected
        assert [money(a, currency) for a in amounts] == expected
    assert money_texts([None], ["EUR"]) == ["—"]


def test_money_rates_and_weeks_follow_the_readers_language(finnish):
    assert money(Decimal("12345.6"), "EUR") == "12\u00a0345,60\u00a0EUR"
    assert percent(Decimal("0.125")) == "12,5\u00a0%"
    this_week = i18n.translations("fi").gettext("{week} · this week")
    assert this_week != "{week} · this week"
    assert week_label("2026-W47", "2026-W47") == this_week.format(week=Formats("fi").week("2026-W47"))
    assert not week_label("2026-W47", "2026-W47").startswith("Week ")  # the week in words is Finnish too


def _line(**overrides):  # type: ignore[no-untyped-def]
    line = {"line_id": 7, "week": "2026-W47", "deal_id": 3, "partner_id": 1, "partner_name": "Acme",
            "company_name": "Winner Co", "kind": "commission", "adjusts_line_id": None,
            "billing_option": "via_partner", "direction": "netted", "value": Decimal("1000.00"), "currency": "EUR",
            "rate": Decimal("0.2000"), "commission": Decimal("200.00"), "partner_invoice": Decimal("800.00")}
    return {**line, **overrides}


def test_lines_and_totals_tables_speak_the_products_words():
    lines = pd.DataFrame([_line(), _line(line_id=9, kind="reversal", adjusts_line_id=7.0,
                                         value=Decimal("-1000.00"), commission=Decimal("-200.00"),
                                         partner_invoice=Decimal("-800.00"))])
    table = lines_table(lines)
    assert list(table["Kind"]) == ["Commission", "Reversal of line 7"]
    assert table.iloc[0][["Billing option", "Payable / Netted", "Rate"]].tolist() == ["Via partner", "Netted",
                                                                                       "20%"]
    assert "To invoice the partner" not in table.columns
    own = lines_table(lines, with_partner=False)
    assert "Partner" not in own.columns and list(own["To invoice the partner"]) == [eur("800.00"), eur("-800.00")]
    totals = totals_table(python_week_totals(lines))
    assert totals.iloc[0].to_dict() == {
        "Partner": "Acme", "Currency": "EUR", "Payable to the partner": eur("0.00"),
        "Netted on the partner's invoice": eur("0.00"), "To invoice the partner (via partner)": eur("0.00"),
        "Lines": 2}
    assert line_counts(lines) == "2 lines from 1 partner: 1 commission, 1 reversal"


def test_week_picker_lists_the_open_week_ahead_then_this_week_and_51_before():
    options = week_options("2026-W47", "2026-W47")
    assert options[0] == "2026-W47" and len(options) == 52 and options[-1] == "2025-W48"
    ahead = week_options("2026-W52", "2027-W02")
    assert ahead[:4] == ["2027-W02", "2027-W01", "2026-W53", "2026-W52"]
    assert week_label("2026-W47", "2026-W47") == "Week 47, 2026 (Nov 16\u2009–\u200922) · this week"
    assert week_label("2026-W48", "2026-W47", "2026-W48").endswith("next open week")
    assert week_label("2026-W46", "2026-W47", "2026-W48") == "Week 46, 2026 (Nov 9\u2009–\u200915)"


def test_figures_write_numbers_and_money_the_readers_way(finnish):
    fig = weekly_by_option_figure(WEEKLY, WEEKS, "EUR")
    assert fig.layout.separators == ",\u00a0"  # decimal comma, no-break space between thousands
    assert all("%{y:,.2f}\u00a0EUR" in t.hovertemplate for t in fig.data)
    top = top_partners_figure(pd.DataFrame([{"partner_id": 1, "partner_name": "Acme", "currency": "EUR",
                                             "commission": Decimal("30.00")}]), "EUR")
    assert "%{x:,.2f}\u00a0EUR" in top.data[0].hovertemplate


def test_figures_in_english_put_the_currency_code_first():
    fig = weekly_by_option_figure(WEEKLY, WEEKS, "EUR")
    assert fig.layout.separators == ".,"
    assert all("EUR\u00a0%{y:,.2f}" in t.hovertemplate for t in fig.data)
    assert fig.layout.yaxis.title.text == "Commission (EUR)" and fig.layout.xaxis.title.text == "ISO week"
