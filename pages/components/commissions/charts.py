"""Pure Plotly figure builders for the commission reports: DataFrames in, a Figure out (None when there is
nothing to draw, so the page shows st.info instead: px.bar crashes on empty data).

Every builder draws one currency: amounts in different currencies are never added up or stacked together.
Money stays Decimal in the frames; it becomes a float only here, to place a bar on the screen.
Every word is in the reader's language (series names through label()), and Plotly writes numbers their way
(plotly_layout()).
"""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from pages.components.frame.labels import BILLING_OPTION_LABELS, TIER_LABELS, label
from pages.components.frame.text import plotly_text
from pages.components.frame.translate import N_, _, fmt, plotly_layout

# Colours and order by stored value (a billing option, a direction, a tier); the names drawn are translated.
OPTION_COLOURS = {"credit_card": "#4C78A8", "invoice": "#72B7B2", "via_partner": "#F58518"}
DIRECTION_LABELS = {"payable": N_("Payable to partners"), "netted": N_("Netted on partner invoices")}
# The same series as a partner reads them about their own commission.
OWN_DIRECTION_LABELS = {"payable": N_("Paid to you"), "netted": N_("Netted on your invoices")}
DIRECTION_COLOURS = {"payable": "#4C78A8", "netted": "#F58518"}
TIER_ORDER = [str(tier) for tier in TIER_LABELS]
SERIES = "series"  # the frame column naming a bar's series (its legend entry)


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


def _amount_title(currency: str) -> str:
    return _("Commission ({currency})").format(currency=currency)


def _money_hover(value: str, currency: str) -> str:
    """A Plotly hover placeholder for an amount, with the currency code where the reader's locale puts it
    ("EUR 1,234.50" or "1 234,50 EUR"); layout.separators (plotly_layout) give the marks."""
    number = f"%{{{value}:,.2f}}"
    if fmt().locale.currency_formats["standard"].pattern.startswith("¤"):
        return f"{currency}\u00a0{number}"
    return f"{number}\u00a0{currency}"


def _style(fig: go.Figure, currency: str, *, height: int = 360) -> go.Figure:
    fig.update_layout(height=height, margin={"l": 10, "r": 10, "t": 30, "b": 10}, legend_title_text="",
                      legend={"orientation": "h", "y": -0.2}, **plotly_layout())
    fig.update_traces(hovertemplate=f"%{{x}}<br>{_money_hover('y', currency)}<extra>%{{fullData.name}}</extra>")
    return fig


def weekly_by_option_figure(frame: pd.DataFrame, weeks: list[str], currency: str) -> go.Figure | None:
    """Commission per ISO week, stacked by billing option; every week of the period on the axis."""
    data = _in(frame, currency)
    if data.empty:
        return None
    names = {option: label(BILLING_OPTION_LABELS, option) for option in OPTION_COLOURS}
    data[SERIES] = data["billing_option"].map(lambda v: names.get(str(v)) or label(BILLING_OPTION_LABELS, v))
    order = list(names.values())
    data = _every(data, SERIES, order, weeks)
    fig = px.bar(data, x="week", y="amount", color=SERIES,
                 color_discrete_map={names[o]: colour for o, colour in OPTION_COLOURS.items()},
                 category_orders={"week": weeks, SERIES: order},
                 labels={"week": _("ISO week"), "amount": _amount_title(currency), SERIES: _("Billing option")})
    _week_axis(fig, weeks)
    return _style(fig, currency)


def payable_netted_figure(frame: pd.DataFrame, weeks: list[str], currency: str, *,
                          own: bool = False) -> go.Figure | None:
    """Per week, commission paid to partners beside commission netted on their invoices; `own` names the series
    in a partner's terms ("Paid to you", "Netted on your invoices")."""
    data = _in(frame, currency)
    if data.empty:
        return None
    words = OWN_DIRECTION_LABELS if own else DIRECTION_LABELS
    names = {direction: label(words, direction) for direction in DIRECTION_COLOURS}
    data[SERIES] = data["direction"].map(lambda v: names.get(str(v), str(v)))
    order = list(names.values())
    data = _every(data, SERIES, order, weeks)
    fig = px.bar(data, x="week", y="amount", color=SERIES, barmode="group",
                 color_discrete_map={names[d]: colour for d, colour in DIRECTION_COLOURS.items()},
                 category_orders={"week": weeks, SERIES: order},
                 labels={"week": _("ISO week"), "amount": _amount_title(currency), SERIES: _("Payable / Netted")})
    _week_axis(fig, weeks)
    return _style(fig, currency)


def top_partners_figure(frame: pd.DataFrame, currency: str) -> go.Figure | None:
    """Partners by commission over the period, the highest on top."""
    data = _in(frame, currency)
    if data.empty:
        return None
    data = data.sort_values("amount")
    data["partner_name"] = data["partner_name"].map(plotly_text)  # typed by people: tick labels and hover as text
    fig = px.bar(data, x="amount", y="partner_name", orientation="h",
                 labels={"partner_name": _("Partner"), "amount": _amount_title(currency)})
    fig.update_traces(marker_color="#4C78A8", name=_("Commission"))
    fig = _style(fig, currency, height=max(240, 40 * len(data) + 80))
    fig.update_traces(hovertemplate=f"%{{y}}<br>{_money_hover('x', currency)}<extra></extra>")
    return fig


def by_tier_figure(frame: pd.DataFrame, currency: str) -> go.Figure | None:
    """Commission by partner tier over the period, tiers in their order."""
    data = _in(frame, currency)
    if data.empty:
        return None
    names = [label(TIER_LABELS, tier) for tier in TIER_ORDER]
    data = data.groupby(data["tier"].map(str))["amount"].sum().reindex(TIER_ORDER, fill_value=0.0)
    data = pd.DataFrame({"tier": names, "amount": data.tolist()})
    fig = px.bar(data, x="tier", y="amount", category_orders={"tier": names},
                 labels={"tier": _("Tier"), "amount": _amount_title(currency)})
    fig.update_traces(marker_color="#54A24B", name=_("Commission"))
    return _style(fig, currency)
