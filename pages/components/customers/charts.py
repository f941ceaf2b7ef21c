"""Plotly figures for the customer overview: pure functions of the frames the services return.

Built with graph_objects, not plotly.express: px took about 0.3 s per figure here, a whole page run's budget.
Callers show st.info instead of a figure when a frame is empty. Titles, axes, legend and hover texts are in the
reader's language, numbers and days in their locale's format.
"""

from __future__ import annotations

import re

import pandas as pd
import plotly.graph_objects as go

from pages.components.customers.table import STATE_NAMES
from pages.components.frame.text import plotly_text
from pages.components.frame.translate import _, fmt, ngettext, plotly_layout

STATE_ORDER = ("trial", "active", "closed")  # stacking order, bottom first
STATE_COLOURS = {"trial": "#e0a030", "active": "#2f6f73", "closed": "#9aa5ab"}
_MARGIN = {"l": 10, "r": 10, "t": 40, "b": 10}
_NO_EXTRA = "<extra></extra>"  # Plotly markup: no second box beside the hover text


def accounts_by_state_and_framework(frame: pd.DataFrame) -> go.Figure:
    """Stacked bars: accounts per main framework, split by state; the biggest framework first."""
    counts = frame.pivot_table(index="framework", columns="state", values="accounts", aggfunc="sum", fill_value=0)
    counts = counts.loc[counts.sum(axis=1).sort_values(ascending=False).index]
    frameworks = [plotly_text(f) for f in counts.index]  # typed by partners: tick labels and hover show them as text
    hover = _("Main framework: {framework}<br>State: {state}<br>Accounts: {accounts}")
    fig = go.Figure()
    for state in STATE_ORDER:
        if state in counts.columns:
            name = _(STATE_NAMES[state])
            fig.add_trace(go.Bar(
                x=frameworks, y=counts[state].tolist(), name=name, marker_color=STATE_COLOURS[state],
                hovertemplate=hover.format(framework="%{x}", state=name, accounts="%{y:,d}") + _NO_EXTRA))
    fig.update_layout(barmode="stack", bargap=0.35, height=320, margin=_MARGIN, legend_title_text="",
                      title={"text": _("Accounts by state and framework"), "font": {"size": 15}},
                      xaxis_title=_("Main framework"), yaxis_title=_("Accounts"), **plotly_layout())
    return fig


def daily_activity(frame: pd.DataFrame, name: str) -> go.Figure:
    """One bar per day: the account's activities over the window the frame covers."""
    days = frame["day"].tolist()
    hover = _("{day}<br>Activities: {activities}")
    fig = go.Figure(go.Bar(
        x=days, y=frame["activities"].tolist(), name=_("Activities"), marker_color="#2f6f73",
        customdata=[fmt().date(day) for day in days],
        hovertemplate=hover.format(day="%{customdata}", activities="%{y:,d}") + _NO_EXTRA))
    title = ngettext("Daily activity of {name}, last {count} day", "Daily activity of {name}, last {count} days",
                     len(frame)).format(name=plotly_text(name), count=fmt().number(len(frame)))
    fig.update_layout(height=260, margin=_MARGIN, bargap=0.1, yaxis_title=_("Activities"),
                      title={"text": title, "font": {"size": 15}}, **plotly_layout())
    fig.update_xaxes(tickformat=day_month_format())
    return fig


def day_month_format() -> str:
    """A d3 time format for day and month, numeric, in the reader's order ("%-m/%-d" in English, "%-d.%-m." in
    Finnish): Plotly would write month names in English."""
    pattern = fmt().locale.datetime_skeletons["Md"].pattern
    codes = {"d": "%-d", "dd": "%d", "M": "%-m", "MM": "%m"}
    return re.sub(r"d+|M+", lambda m: codes.get(m.group(), m.group()), pattern.replace("'", ""))
