"""The pipeline's figure builders (pages/components/pipeline_charts.py): pure functions of DataFrames."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from pages.components.pipeline.charts import (
    STAGE_COLOURS,
    deals_per_stage,
    funnel_figure,
    registrations_figure,
    value_by_stage_figure,
)
from partner_model import i18n

FUNNEL = pd.DataFrame([
    {"stage": "new", "currency": "EUR", "deals": 3, "value": Decimal("3000.10")},
    {"stage": "new", "currency": "SEK", "deals": 2, "value": Decimal("50000.00")},
    {"stage": "trial", "currency": "EUR", "deals": 1, "value": Decimal("1200.00")},
    {"stage": "closed_won", "currency": "EUR", "deals": 1, "value": Decimal("999.99")},
    {"stage": "closed_lost", "currency": "SEK", "deals": 4, "value": Decimal("8000.00")},
])


def test_deals_per_stage_counts_over_currencies_and_fills_every_stage():
    assert deals_per_stage(FUNNEL).to_dict() == {"new": 5, "newsletter": 0, "trial": 1, "closed_won": 1,
                                                 "closed_lost": 4}
    assert deals_per_stage(FUNNEL.iloc[0:0]).sum() == 0


def test_the_funnel_steps_through_the_stages_up_to_closed_won():
    trace = funnel_figure(FUNNEL).data[0]
    assert trace.type == "funnel"
    assert list(trace.y) == ["New", "Newsletter subscription", "Trial", "Closed won"]
    assert list(trace.x) == [5, 0, 1, 1]


def test_the_funnel_of_no_deals_is_all_zeros_not_an_error():
    assert list(funnel_figure(FUNNEL.iloc[0:0]).data[0].x) == [0, 0, 0, 0]


def test_value_by_stage_has_a_panel_per_currency_and_exact_labels():
    fig = value_by_stage_figure(FUNNEL)
    by_panel: dict[str, dict[str, str]] = {}
    for trace in fig.data:
        by_panel.setdefault(trace.xaxis, {}).update(dict(zip(trace.y, trace.text, strict=True)))
    assert by_panel == {
        "x": {"New": "EUR\xa03,000.10", "Trial": "EUR\xa01,200.00", "Closed won": "EUR\xa0999.99"},
        "x2": {"New": "SEK\xa050,000.00", "Closed lost": "SEK\xa08,000.00"},
    }
    assert sorted(a.text for a in fig.layout.annotations) == ["EUR", "SEK"]
    assert fig.layout.xaxis2.matches is None  # each currency its own scale
    assert fig.layout.xaxis2.range[1] > 50000 > fig.layout.xaxis.range[1]


def test_registrations_per_week_draws_every_week_including_empty_ones():
    weekly = pd.DataFrame({"week": ["2026-W01", "2026-W02", "2026-W03"], "registrations": [4, 0, 2]})
    trace = registrations_figure(weekly).data[0]
    assert list(trace.x) == ["2026-W01", "2026-W02", "2026-W03"]
    assert list(trace.y) == [4, 0, 2]


def test_stage_words_and_colours_are_looked_up_when_drawn_in_the_readers_language(monkeypatch):
    monkeypatch.setattr("pages.components.frame.translate.language", lambda: "fi")
    words = i18n.translations("fi").gettext
    funnel = funnel_figure(FUNNEL)
    trace = funnel.data[0]
    assert list(trace.y) == [words(w) for w in ("New", "Newsletter subscription", "Trial", "Closed won")]
    assert list(trace.marker.color) == [STAGE_COLOURS[s] for s in ("new", "newsletter", "trial", "closed_won")]
    assert funnel.layout.separators == ",\xa0"
    fig = value_by_stage_figure(FUNNEL)
    colours = {trace.y[0]: trace.marker.color for trace in fig.data}
    assert colours[words("Closed lost")] == STAGE_COLOURS["closed_lost"]
    texts = {text for trace in fig.data for text in trace.text}
    assert i18n.Formats("fi").money(Decimal("3000.10"), "EUR") in texts
