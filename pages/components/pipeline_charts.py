"""Plotly figures for the pipeline page: pure functions of the frames partner_model.pipeline returns.

Money is never summed across currencies: value charts get one panel per currency. Callers show st.info
instead of a figure when there are no deals (px.bar on empty data fails).
"""

from __future__ import annotations

import math
from decimal import Decimal

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from pages.components.labels import STAGE_LABELS
from partner_model.models import Stage

# The funnel's steps: a lost deal left the funnel, so Closed lost is not a step (the page states its count).
FUNNEL_STAGES = [Stage.new, Stage.newsletter, Stage.trial, Stage.closed_won]
STAGE_ORDER = [STAGE_LABELS[s] for s in Stage]
STAGE_COLOURS = {"New": "#8fb8ba", "Newsletter subscription": "#5f9ea1", "Trial": "#e0a030",
                 "Closed won": "#2f6f73", "Closed lost": "#b0565b"}
PRIMARY = "#2f6f73"
_LAYOUT = {"margin": {"l": 10, "r": 10, "t": 40, "b": 10}, "legend_title_text": ""}


def _title(text: str) -> dict[str, object]:
    return {"text": text, "font": {"size": 15}}


def deals_per_stage(funnel: pd.DataFrame) -> pd.Series:
    """Deal counts per stage over all currencies (counting deals, unlike adding money, is fine), all stages."""
    counts = funnel.groupby("stage")["deals"].sum() if not funnel.empty else pd.Series(dtype=int)
    return pd.Series({s.value: int(counts.get(s.value, 0)) for s in Stage})


def funnel_figure(funnel: pd.DataFrame) -> go.Figure:
    """Deals now in each open stage and in Closed won, in stage order."""
    counts = deals_per_stage(funnel)
    fig = go.Figure(go.Funnel(
        y=[STAGE_LABELS[s] for s in FUNNEL_STAGES], x=[counts[s.value] for s in FUNNEL_STAGES],
        textinfo="value+percent initial", marker={"color": [STAGE_COLOURS[STAGE_LABELS[s]] for s in FUNNEL_STAGES]},
        hovertemplate="%{y}: %{x} deals<extra></extra>",
    ))
    fig.update_layout(height=320, title=_title("Deals by stage"), **_LAYOUT)
    return fig


def value_by_stage_figure(funnel: pd.DataFrame) -> go.Figure:
    """Expected annual value per stage as horizontal bars, one panel per currency with its own axis."""
    data = funnel.assign(
        stage=funnel["stage"].map(lambda s: STAGE_LABELS.get(s, s)),
        amount=funnel["value"].map(float),  # the bar's length only; the label shows the exact Decimal
        text=[f"{Decimal(v):,.2f} {c}" for v, c in zip(funnel["value"], funnel["currency"], strict=True)],
    )
    currencies = sorted(data["currency"].unique())
    fig = px.bar(
        data, y="stage", x="amount", color="stage", facet_col="currency", text="text", orientation="h",
        category_orders={"stage": STAGE_ORDER, "currency": currencies}, color_discrete_map=STAGE_COLOURS,
        labels={"stage": "", "amount": "", "currency": "Currency"}, custom_data=["deals"],
        facet_col_spacing=0.12,
    )
    fig.update_traces(textposition="outside", cliponaxis=False, textfont_size=11,
                      hovertemplate="%{y}: %{text} in %{customdata[0]} deals<extra></extra>")
    fig.update_xaxes(matches=None, showticklabels=True, rangemode="tozero", nticks=4)
    for i, currency in enumerate(currencies):  # room on the right of the longest bar for its label
        longest = float(data.loc[data["currency"] == currency, "amount"].max() or 1)
        fig.layout[f"xaxis{i + 1 if i else ''}"].range = [0, longest * 1.6]
    fig.for_each_annotation(lambda a: a.update(text=a.text.replace("Currency=", "")))
    fig.update_layout(height=320, showlegend=False, title=_title("Value by stage, per currency"),
                      **{**_LAYOUT, "margin": {"l": 10, "r": 90, "t": 40, "b": 10}})  # the last panel's labels
    return fig


def registrations_figure(weekly: pd.DataFrame) -> go.Figure:
    """Deals registered per ISO week (zero weeks included, so gaps show)."""
    fig = px.bar(weekly, x="week", y="registrations", color_discrete_sequence=[PRIMARY],
                 labels={"week": "", "registrations": "Registrations"})
    fig.update_traces(hovertemplate="%{x}: %{y} registrations<extra></extra>")
    fig.update_layout(height=300, bargap=0.15, title=_title(f"Registrations per week, last {len(weekly)} weeks"),
                      **_LAYOUT)
    fig.update_xaxes(type="category", tickangle=-45)
    most = int(weekly["registrations"].max()) if not weekly.empty else 0
    fig.update_yaxes(rangemode="tozero", tick0=0, dtick=max(1, math.ceil(most / 5)))  # whole registrations only
    return fig
