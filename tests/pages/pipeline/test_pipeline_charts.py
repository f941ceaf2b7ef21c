"""The pipeline's figure builders (pages/components/pipeline/charts.py): pure functions of DataFrames."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from pages.components.pipeline.charts import (
    STAGE_COLOURS,
    currency_totals,
    deals_per_stage,
    funnel_figure,
    registrations_figure,
    value_by_stage_figure,
    win_rate_figure,
)
from partner_model import i18n

FUNNEL = pd.DataFrame([
    {"stage": "new", "currency": "EUR", "deals": 3, "value": Decimal("3000.10")},
    {"stage": "new", "currency": "SEK", "deals": 2, "value": Decimal("50000.00")},
    {"stage": "trial", "currency": "EUR", "deals": 1, "value": Decimal("1200.00")},
    {"stage": "closed_won", "currency": "EUR", "deals": 1, "value": Decimal("999.99")},
    {"stage": "closed_lost", "currency": "SEK", "deals": 4, "value": Decimal("8000.00")},
])


REACHED = pd.DataFrame([
    {"stage": "new", "reached": 8, "conversion": None},
    {"stage": "newsletter", "reached": 6, "conversion": 0.75},
    {"stage": "trial", "reached": 3, "conversion": 0.5},
    {"stage": "closed_won", "reached": 1, "conversion": 1 / 3},
])
COMPARISON = pd.DataFrame([
    {"partner_id": 1, "partner_name": "Acme", "registrations": 10, "won": 1, "lost": 3, "win_rate": 0.25,
     "median_days_to_won": 12.0, "value_won": {"EUR": Decimal("1000.00")}},
    {"partner_id": 2, "partner_name": "<b>Beta</b>", "registrations": 4, "won": 2, "lost": 0, "win_rate": 1.0,
     "median_days_to_won": 3.5, "value_won": {"SEK": Decimal("900.50")}},
    {"partner_id": 3, "partner_name": "Gamma", "registrations": 2, "won": 0, "lost": 0, "win_rate": None,
     "median_days_to_won": None, "value_won": {}},
])


def test_deals_per_stage_counts_over_currencies_and_fills_every_stage():
    assert deals_per_stage(FUNNEL).to_dict() == {"new": 5, "newsletter": 0, "trial": 1, "closed_won": 1,
                                                 "closed_lost": 4}
    assert deals_per_stage(FUNNEL.iloc[0:0]).sum() == 0


def test_the_funnel_counts_the_furthest_stage_reached_with_the_share_of_the_step_before():
    trace = funnel_figure(REACHED).data[0]
    assert trace.type == "funnel"
    assert list(trace.y) == ["New", "Newsletter subscription", "Trial", "Closed won"]
    assert list(trace.x) == [8, 6, 3, 1]
    assert list(trace.text) == ["8", "6 · 75%", "3 · 50%", "1 · 33%"]
    assert trace.textinfo == "text", "the service's conversion, not Plotly's own percentages"
    assert list(trace.textposition) == ["inside", "inside", "inside", "outside"]  # beside a narrow step, readable


def test_the_funnel_of_no_deals_is_all_zeros_not_an_error():
    assert list(funnel_figure(REACHED.iloc[0:0]).data[0].x) == [0, 0, 0, 0]


def test_currency_totals_are_per_currency_largest_first():
    assert currency_totals(FUNNEL) == {"SEK": Decimal("58000.00"), "EUR": Decimal("5200.09")}


def test_value_by_stage_shows_one_currency_with_exact_labels_and_room_for_them():
    fig = value_by_stage_figure(FUNNEL, "EUR")
    assert len(fig.data) == 1 and not fig.layout.annotations  # one panel: no facets squeezed side by side
    bars = fig.data[0]
    assert dict(zip(bars.y, bars.text, strict=True)) == {
        "New": "EUR\xa03,000.10", "Newsletter subscription": "", "Trial": "EUR\xa01,200.00",
        "Closed won": "EUR\xa0999.99", "Closed lost": ""}
    assert fig.layout.title.text == "Value by stage in EUR"
    assert fig.layout.xaxis.range[1] >= 1.4 * 3000.10, "room right of the longest bar for its label"
    assert fig.layout.xaxis.nticks <= 4
    sek = value_by_stage_figure(FUNNEL, "SEK").data[0]
    assert dict(zip(sek.y, sek.text, strict=True))["New"] == "SEK\xa050,000.00"


def test_the_win_rate_chart_ranks_partners_with_closed_deals_and_writes_names_as_text():
    bars = win_rate_figure(COMPARISON).data[0]
    assert list(bars.y) == ["&lt;b&gt;Beta&lt;/b&gt;", "Acme"]  # best first; Gamma has closed nothing
    assert list(bars.x) == [1.0, 0.25]
    assert list(bars.text) == ["100%", "25%"]
    assert max(bars.x) <= 1


def test_registrations_per_week_draws_every_week_including_empty_ones():
    weekly = pd.DataFrame({"week": ["2026-W01", "2026-W02", "2026-W03"], "registrations": [4, 0, 2]})
    trace = registrations_figure(weekly).data[0]
    assert list(trace.x) == ["2026-W01", "2026-W02", "2026-W03"]
    assert list(trace.y) == [4, 0, 2]


def test_stage_words_and_colours_are_looked_up_when_drawn_in_the_readers_language(monkeypatch):
    monkeypatch.setattr("pages.components.frame.translate.language", lambda: "fi")
    words = i18n.translations("fi").gettext
    funnel = funnel_figure(REACHED)
    trace = funnel.data[0]
    assert list(trace.y) == [words(w) for w in ("New", "Newsletter subscription", "Trial", "Closed won")]
    assert list(trace.marker.color) == [STAGE_COLOURS[s] for s in ("new", "newsletter", "trial", "closed_won")]
    assert funnel.layout.separators == ",\xa0"
    fig = value_by_stage_figure(FUNNEL, "EUR")
    colours = dict(zip(fig.data[0].y, fig.data[0].marker.color, strict=True))
    assert colours[words("Closed lost")] == STAGE_COLOURS["closed_lost"]
    assert i18n.Formats("fi").money(Decimal("3000.10"), "EUR") in fig.data[0].text
    two_thirds = funnel_figure(REACHED.assign(conversion=[None, 2 / 3, 0.5, 0.5])).data[0].text[1]
    assert i18n.Formats("fi").percent(2 / 3, decimals=0) in two_thirds
