"""Pure Plotly figure builders for the commission reports: DataFrames in, a Figure out (None when there is
nothing to draw, so the page shows st.info instead: px.bar crashes on empty data).

Every builder draws one currency: amounts in different currencies are never added up or stacked together.
Money stays Decimal in the frames; it becomes a float only here, to place a bar on the screen.
"""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from pages.components.labels import BILLING_OPTION_LABELS, TIER_LABELS, label

OPTION_COLOURS = {"Credit card": "#4C78A8", "Invoice": "#72B7B2", "Via partner": "#F58518"}
DIRECTION_LABELS = {"payable": "Payable to partners", "netted": "Netted on partner invoices"}
DIRECTION_COLOURS = {"Payable to partners": "#4C78A8", "Netted on partner invoices": "#F58518"}
TIER_ORDER = [TIER_LABELS[t] for t in TIER_LABELS]


def currencies(*frames: pd.DataFrame) -> list[str]:
    """The currencies present in any of the frames, EUR (the default) first, then alphabetical."""
    found = {c for frame in frames if not frame.empty for c in frame["currency"].dropna().unique()}
    return sorted(found, key=lambda c: (c != "EUR", c))


def _in(frame: pd.DataFrame, currency: str) -> pd.DataFrame:
    if frame.empty:
        return frame
    mine = frame[frame["currency"] == currency].copy()
    mine["amount"] = mine["commission"].map(float)  # drawing only; the figures shown as text stay Decimal
    return mine[mine["amount"] != 0]


def _every(data: pd.DataFrame, key: str, values: list[str], weeks: list[str]) -> pd.DataFrame:
    """Zero rows for the weeks (and series) without commission, so the axis shows the whole period."""
    grid = pd.MultiIndex.from_product([weeks, values], names=["week", key])
    amounts = data.groupby(["week", key])["amount"].sum().reindex(grid, fill_value=0.0)
    return amounts.reset_index()


def _week_axis(fig: go.Figure, weeks: list[str]) -> None:
    # 26 "2026-W47" labels do not fit side by side: label every other week "W47" (hover shows the full week).
    shown = weeks[::-2][::-1]
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=weeks, tickangle=0,
                     tickvals=shown, ticktext=[w.split("-")[1] for w in shown])


def _style(fig: go.Figure, currency: str, *, height: int = 360) -> go.Figure:
    fig.update_layout(height=height, margin={"l": 10, "r": 10, "t": 30, "b": 10}, legend_title_text="",
                      legend={"orientation": "h", "y": -0.2})
    fig.update_traces(hovertemplate=f"%{{x}}<br>%{{y:,.2f}} {currency}<extra>%{{fullData.name}}</extra>")
    return fig


def weekly_by_option_figure(frame: pd.DataFrame, weeks: list[str], currency: str) -> go.Figure | None:
    """Commission per ISO week, stacked by billing option; every week of the period on the axis."""
    data = _in(frame, currency)
    if data.empty:
        return None
    data["Billing option"] = data["billing_option"].map(lambda v: label(BILLING_OPTION_LABELS, v))
    data = _every(data, "Billing option", list(OPTION_COLOURS), weeks)
    fig = px.bar(data, x="week", y="amount", color="Billing option", color_discrete_map=OPTION_COLOURS,
                 category_orders={"week": weeks, "Billing option": list(OPTION_COLOURS)},
                 labels={"week": "ISO week", "amount": f"Commission ({currency})"})
    _week_axis(fig, weeks)
    return _style(fig, currency)


def payable_netted_figure(frame: pd.DataFrame, weeks: list[str], currency: str) -> go.Figure | None:
    """Per week, commission paid to partners beside commission netted on their invoices."""
    data = _in(frame, currency)
    if data.empty:
        return None
    data["Direction"] = data["direction"].map(lambda v: DIRECTION_LABELS.get(str(v), str(v)))
    data = _every(data, "Direction", list(DIRECTION_COLOURS), weeks)
    fig = px.bar(data, x="week", y="amount", color="Direction", barmode="group",
                 color_discrete_map=DIRECTION_COLOURS,
                 category_orders={"week": weeks, "Direction": list(DIRECTION_COLOURS)},
                 labels={"week": "ISO week", "amount": f"Commission ({currency})"})
    _week_axis(fig, weeks)
    return _style(fig, currency)


def top_partners_figure(frame: pd.DataFrame, currency: str) -> go.Figure | None:
    """Partners by commission over the period, the highest on top."""
    data = _in(frame, currency)
    if data.empty:
        return None
    data = data.sort_values("amount")
    fig = px.bar(data, x="amount", y="partner_name", orientation="h",
                 labels={"partner_name": "Partner", "amount": f"Commission ({currency})"})
    fig.update_traces(marker_color="#4C78A8", name="Commission")
    fig = _style(fig, currency, height=max(240, 40 * len(data) + 80))
    fig.update_traces(hovertemplate=f"%{{y}}<br>%{{x:,.2f}} {currency}<extra></extra>")
    return fig


def by_tier_figure(frame: pd.DataFrame, currency: str) -> go.Figure | None:
    """Commission by partner tier over the period, tiers in their order."""
    data = _in(frame, currency)
    if data.empty:
        return None
    data["Tier"] = data["tier"].map(lambda v: label(TIER_LABELS, v))
    data = data.groupby("Tier")["amount"].sum().reindex(TIER_ORDER, fill_value=0.0).reset_index()
    fig = px.bar(data, x="Tier", y="amount", category_orders={"Tier": TIER_ORDER},
                 labels={"amount": f"Commission ({currency})"})
    fig.update_traces(marker_color="#54A24B", name="Commission")
    return _style(fig, currency)
