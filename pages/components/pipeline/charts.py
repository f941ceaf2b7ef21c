"""Plotly figures for the pipeline page: pure functions of the frames partner_model.pipeline returns.

Money is never summed across currencies: the value chart shows one currency at a time. Callers show st.info
instead of a figure when there are no deals. Every word is looked up in the
reader's language when a figure is drawn, numbers are written their way (plotly_layout), and partner names
go through plotly_text.
"""

from __future__ import annotations

import math
from decimal import Decimal

import pandas as pd
import plotly.graph_objects as go

from pages.components.frame.labels import STAGE_LABELS, label
from pages.components.frame.text import plotly_text
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


def funnel_figure(reached: pd.DataFrame) -> go.Figure:
    """The funnel by the furthest stage each deal reached (pipeline.reached): per step, how many deals got there,
    and the share of the step before that went on (the service's conversion, never above 100 %)."""
    counts = dict(zip(reached["stage"], reached["reached"], strict=True)) if not reached.empty else {}
    shares = dict(zip(reached["stage"], reached["conversion"], strict=True)) if not reached.empty else {}
    number, percent = fmt().number, fmt().percent
    texts = []
    for stage in FUNNEL_STAGES:  # short, so a narrow step's label fits beside it: "6 · 75%" (the table says more)
        share = shares.get(stage.value)
        count = number(int(counts.get(stage.value, 0)))
        texts.append(count if share is None or share != share else f"{count} · {percent(share, decimals=0)}")
    steps = [int(counts.get(s.value, 0)) for s in FUNNEL_STAGES]
    widest = max(steps, default=0) or 1
    # A label sits inside a wide step and beside a narrow one, never shrunk to fit (uniformtext below).
    where = ["inside" if step >= 0.35 * widest else "outside" for step in steps]
    # TRANSLATORS: a chart's hover text; {stage} and {count} are filled in by the chart.
    hover = _("{stage}: {count} deals reached it").format(stage="%{y}", count="%{x}")
    fig = go.Figure(go.Funnel(
        y=[_stage(s) for s in FUNNEL_STAGES], x=steps,
        text=texts, textinfo="text", textposition=where, insidetextanchor="middle",
        marker={"color": [STAGE_COLOURS[s.value] for s in FUNNEL_STAGES]}, hovertemplate=hover + _NO_EXTRA,
        connector={"fillcolor": "#e3ebeb"},
    ))
    fig.update_layout(height=320, title=_title(_("Deals by the furthest stage they reached")),
                      uniformtext={"minsize": 11, "mode": "show"},
                      **{**_LAYOUT, "margin": {"l": 10, "r": 50, "t": 40, "b": 10}}, **plotly_layout())
    fig.update_yaxes(automargin=True)
    return fig


def currency_totals(funnel: pd.DataFrame) -> dict[str, Decimal]:
    """Each currency's total expected value over every stage, largest first (never added across currencies)."""
    totals: dict[str, Decimal] = {}
    for currency, value in zip(funnel["currency"], funnel["value"], strict=True):
        totals[currency] = totals.get(currency, Decimal("0")) + Decimal(value)
    return dict(sorted(totals.items(), key=lambda item: (-item[1], item[0])))


def value_by_stage_figure(funnel: pd.DataFrame, currency: str) -> go.Figure:
    """Expected annual value per stage in one currency: a horizontal bar per stage, its exact amount beside it."""
    data = funnel[funnel["currency"] == currency]
    by_stage = dict(zip(data["stage"], data["value"], strict=True))
    deals = dict(zip(data["stage"], data["deals"], strict=True))
    stages = list(Stage)
    amounts = [Decimal(by_stage.get(s.value, 0)) for s in stages]
    longest = float(max(amounts, default=0)) or 1.0
    # TRANSLATORS: a chart's hover text: a stage, the value of its deals, how many deals.
    hover = _("{stage}: {value} in {count} deals").format(stage="%{y}", value="%{text}", count="%{customdata}")
    fig = go.Figure(go.Bar(
        y=[_stage(s) for s in stages], x=[float(a) for a in amounts],  # the bar's length only
        text=[fmt().money(a, currency) if a else "" for a in amounts],  # the exact Decimal, as the reader writes it
        customdata=[int(deals.get(s.value, 0)) for s in stages], orientation="h",
        marker={"color": [STAGE_COLOURS[s.value] for s in stages]}, textposition="outside", cliponaxis=False,
        hovertemplate=hover + _NO_EXTRA,
    ))
    # TRANSLATORS: a chart's title; {currency} is a currency code such as EUR.
    fig.update_layout(height=320, showlegend=False, title=_title(_("Value by stage in {currency}").format(
        currency=plotly_text(currency))), **{**_LAYOUT, "margin": {"l": 10, "r": 30, "t": 40, "b": 10}},
        **plotly_layout())
    # Room right of the longest bar for its amount; few ticks, so their numbers never run into each other.
    fig.update_xaxes(range=[0, longest * 1.45], nticks=4, rangemode="tozero", showgrid=True)
    fig.update_yaxes(autorange="reversed", automargin=True)
    return fig


COMPARISON_CHART_LIMIT = 15


def win_rate_figure(comparison: pd.DataFrame) -> go.Figure:
    """Win rate (won of closed) per partner as horizontal bars, best first; partners without a closed deal have
    none and are left out; at most COMPARISON_CHART_LIMIT partners, those with the most closed deals."""
    closed = comparison[comparison["win_rate"].notna()].assign(closed=lambda f: f["won"] + f["lost"])
    closed = closed.sort_values(["closed", "partner_name"], ascending=[False, True]).head(COMPARISON_CHART_LIMIT)
    closed = closed.sort_values(["win_rate", "partner_name"], ascending=[False, True])
    names = [plotly_text(name) for name in closed["partner_name"]]
    # TRANSLATORS: a chart's hover text: a partner, its win rate, and its won and closed deals.
    hover = _("{partner}: {rate} ({won} won of {closed} closed)").format(
        partner="%{y}", rate="%{text}", won="%{customdata[0]}", closed="%{customdata[1]}")
    fig = go.Figure(go.Bar(
        y=names, x=[float(rate) for rate in closed["win_rate"]], orientation="h", marker={"color": PRIMARY},
        text=[fmt().percent(rate, decimals=0) for rate in closed["win_rate"]], textposition="outside",
        cliponaxis=False, customdata=list(zip(closed["won"], closed["closed"], strict=True)),
        hovertemplate=hover + _NO_EXTRA,
    ))
    fig.update_layout(height=90 + 32 * max(len(names), 1), showlegend=False, title=_title(_("Win rate by partner")),
                      **{**_LAYOUT, "margin": {"l": 10, "r": 40, "t": 40, "b": 10}}, **plotly_layout())
    fig.update_xaxes(range=[0, 1.15], tickformat=".0%", tickvals=[0, 0.25, 0.5, 0.75, 1])
    fig.update_yaxes(autorange="reversed", automargin=True, type="category")
    return fig


def registrations_figure(weekly: pd.DataFrame) -> go.Figure:
    """Deals registered per ISO week (zero weeks included, so gaps show)."""
    # TRANSLATORS: a chart's hover text; {week} is an ISO week such as 2026-W47.
    hover = _("{week}: {count} registrations").format(week="%{x}", count="%{y}")
    # go.Bar, not plotly.express: the same bars built in a fifth of the time on every page run.
    fig = go.Figure(go.Bar(x=list(weekly["week"]), y=[int(n) for n in weekly["registrations"]],
                           marker={"color": PRIMARY}, hovertemplate=hover + _NO_EXTRA))
    weeks = len(weekly)
    title = ngettext("Registrations per week, last {count} week", "Registrations per week, last {count} weeks",
                     weeks).format(count=fmt().number(weeks))
    most = int(weekly["registrations"].max()) if not weekly.empty else 0
    fig.update_layout(height=300, bargap=0.15, title=_title(title), **_LAYOUT, **plotly_layout(),
                      xaxis={"type": "category", "tickangle": -45},
                      # whole registrations only
                      yaxis={"title": {"text": _("Registrations")}, "rangemode": "tozero", "tick0": 0,
                             "dtick": max(1, math.ceil(most / 5))})
    return fig
