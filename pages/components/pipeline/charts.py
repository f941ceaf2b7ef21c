"""Plotly figures for the pipeline page: pure functions of the frames partner_model.pipeline returns.

Money is never summed across currencies: value charts get one panel per currency. Callers show st.info
instead of a figure when there are no deals (px.bar on empty data fails). Every word is looked up in the
reader's language when a figure is drawn, and numbers are written their way (plotly_layout).
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from pages.components.frame.labels import STAGE_LABELS, label
from pages.components.frame.translate import _, fmt, ngettext, plotly_layout
from partner_model.models import Stage

# The funnel's steps: a lost deal left the funnel, so Closed lost is not a step (the page states its count).
FUNNEL_STAGES = [Stage.new, Stage.newsletter, Stage.trial, Stage.closed_won]
STAGE_COLOURS = {Stage.new.value: "#8fb8ba", Stage.newsletter.value: "#5f9ea1", Stage.trial.value: "#e0a030",
                 Stage.closed_won.value: "#2f6f73", Stage.closed_lost.value: "#b0565b"}
PRIMARY = "#2f6f73"
_LAYOUT = {"margin": {"l": 10, "r": 10, "t": 40, "b": 10}, "legend_title_text": ""}
_NO_EXTRA = "<extra></extra>"  # Plotly: no trace name beside the hover text


def _title(text: str) -> dict[str, object]:
    return {"text": text, "font": {"size": 15}}


def _stage(stage: object) -> str:
    """A stage's word in the reader's language (drawn now, never at import)."""
    return label(STAGE_LABELS, stage)


def deals_per_stage(funnel: pd.DataFrame) -> pd.Series:
    """Deal counts per stage over all currencies (counting deals, unlike adding money, is fine), all stages."""
    counts = funnel.groupby("stage")["deals"].sum() if not funnel.empty else pd.Series(dtype=int)
    return pd.Series({s.value: int(counts.get(s.value, 0)) for s in Stage})


def funnel_figure(funnel: pd.DataFrame) -> go.Figure:
    """Deals now in each open stage and in Closed won, in stage order."""
    counts = deals_per_stage(funnel)
    # TRANSLATORS: a chart's hover text; {stage} and {count} are filled in by the chart.
    hover = _("{stage}: {count} deals").format(stage="%{y}", count="%{x}")
    fig = go.Figure(go.Funnel(
        y=[_stage(s) for s in FUNNEL_STAGES], x=[counts[s.value] for s in FUNNEL_STAGES],
        textinfo="value+percent initial", marker={"color": [STAGE_COLOURS[s.value] for s in FUNNEL_STAGES]},
        hovertemplate=hover + _NO_EXTRA,
    ))
    fig.update_layout(height=320, title=_title(_("Deals by stage")), **_LAYOUT, **plotly_layout())
    return fig


def value_by_stage_figure(funnel: pd.DataFrame) -> go.Figure:
    """Expected annual value per stage as horizontal bars, one panel per currency with its own axis."""
    data = funnel.assign(
        stage=funnel["stage"].map(_stage),
        amount=funnel["value"].map(float),  # the bar's length only; the label shows the exact Decimal
        text=[fmt().money(v, c) for v, c in zip(funnel["value"], funnel["currency"], strict=True)],
    )
    currencies = sorted(data["currency"].unique())
    fig = px.bar(
        data, y="stage", x="amount", color="stage", facet_col="currency", text="text", orientation="h",
        category_orders={"stage": [_stage(s) for s in Stage], "currency": currencies},
        color_discrete_map={_stage(code): colour for code, colour in STAGE_COLOURS.items()},
        # "Currency" names the facets internally only: it is taken off each panel's title below.
        labels={"stage": "", "amount": "", "currency": "Currency"}, custom_data=["deals"],
        facet_col_spacing=0.12,
    )
    # TRANSLATORS: a chart's hover text: a stage, the value of its deals, how many deals.
    hover = _("{stage}: {value} in {count} deals").format(stage="%{y}", value="%{text}", count="%{customdata[0]}")
    fig.update_traces(textposition="outside", cliponaxis=False, textfont_size=11, hovertemplate=hover + _NO_EXTRA)
    fig.update_xaxes(matches=None, showticklabels=True, rangemode="tozero", nticks=4)
    for i, currency in enumerate(currencies):  # room on the right of the longest bar for its label
        longest = float(data.loc[data["currency"] == currency, "amount"].max() or 1)
        fig.layout[f"xaxis{i + 1 if i else ''}"].range = [0, longest * 1.6]
    fig.for_each_annotation(lambda a: a.update(text=a.text.replace("Currency=", "")))
    fig.update_layout(height=320, showlegend=False, title=_title(_("Value by stage, per currency")),
                      **{**_LAYOUT, "margin": {"l": 10, "r": 90, "t": 40, "b": 10}},  # the last panel's labels
                      **plotly_layout())
    return fig


def registrations_figure(weekly: pd.DataFrame) -> go.Figure:
    """Deals registered per ISO week (zero weeks included, so gaps show)."""
    fig = px.bar(weekly, x="week", y="registrations", color_discrete_sequence=[PRIMARY],
                 labels={"week": "", "registrations": _("Registrations")})
    # TRANSLATORS: a chart's hover text; {week} is an ISO week such as 2026-W47.
    hover = _("{week}: {count} registrations").format(week="%{x}", count="%{y}")
    fig.update_traces(hovertemplate=hover + _NO_EXTRA)
    weeks = len(weekly)
    title = ngettext("Registrations per week, last {count} week", "Registrations per week, last {count} weeks",
                     weeks).format(count=fmt().number(weeks))
    fig.update_layout(height=300, bargap=0.15, title=_title(title), **_LAYOUT, **plotly_layout())
    fig.update_xaxes(type="category", tickangle=-45)
    most = int(weekly["registrations"].max()) if not weekly.empty else 0
    fig.update_yaxes(rangemode="tozero", tick0=0, dtick=max(1, math.ceil(most / 5)))  # whole registrations only
    return fig
