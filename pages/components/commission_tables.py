"""Commission lines and totals as the page shows them: product words, rates in %, money as exact text with
two decimals and its currency (a column may mix currencies, so amounts are never turned into floats).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd
import streamlit as st

from pages.components.labels import BILLING_OPTION_LABELS, label
from partner_model import rules

KIND_LABELS = {"commission": "Commission", "adjustment": "Adjustment", "reversal": "Reversal"}
DIRECTION_LABELS = {"payable": "Payable", "netted": "Netted"}
WIDTHS = {"Line": 44, "Deal": 44, "Rate": 64, "Kind": 150, "Payable / Netted": 112}
MONEY_COLUMNS = {"Value", "Commission", "To invoice the partner", "Rate", "Payable to the partner",
                 "Netted on the partner's invoice", "To invoice the partner (via partner)"}


def money(amount: Decimal | None, currency: str) -> str:
    """12345.6 EUR -> "12,345.60 EUR"; no amount -> "—"."""
    if amount is None or (not isinstance(amount, Decimal) and pd.isna(amount)):
        return "—"
    return f"{amount:,.2f} {currency}"


def percent(rate: Decimal) -> str:
    """Decimal("0.125") -> "12.50 %"."""
    return f"{rate * 100:.2f} %"


def _kind(kind: str, adjusts_line_id: object) -> str:
    """"Commission", or "Reversal of line 12": a correction names the line it adjusts."""
    word = KIND_LABELS.get(kind, kind)
    if adjusts_line_id is None or pd.isna(adjusts_line_id):
        return word
    return f"{word} of line {int(adjusts_line_id)}"


def _moneys(lines: pd.DataFrame, column: str) -> list[str]:
    # tolist() first: iterating a pandas (Arrow-backed) column element by element is slow.
    return [money(a, c) for a, c in zip(lines[column].tolist(), lines["currency"].tolist(), strict=True)]


def lines_table(lines: pd.DataFrame, *, with_partner: bool = True, with_week: bool = False) -> pd.DataFrame:
    """The lines of commissions.week_lines (or year_to_date) as display text, one row per line.

    Built column by column: a busy week has thousands of lines.
    """
    if lines.empty:
        return pd.DataFrame()
    columns = {
        "Week": lines["week"].tolist(),
        "Line": lines["line_id"].astype(int).tolist(),
        "Partner": lines["partner_name"].tolist(),
        "Deal": lines["deal_id"].astype(int).tolist(),
        "Company": lines["company_name"].tolist(),
        "Value": _moneys(lines, "value"),
        "Rate": [percent(rate) for rate in lines["rate"].tolist()],
        "Commission": _moneys(lines, "commission"),
        "Billing option": [label(BILLING_OPTION_LABELS, option) for option in lines["billing_option"].tolist()],
        "Payable / Netted": [DIRECTION_LABELS.get(d, d) for d in lines["direction"].tolist()],
        "To invoice the partner": _moneys(lines, "partner_invoice"),
        "Kind": [_kind(k, a) for k, a in zip(lines["kind"].tolist(), lines["adjusts_line_id"].tolist(), strict=True)],
    }
    # Staff tables need the partner; to stay readable without scrolling they leave the per-line invoice amount
    # to the totals (a partner's own table has room for it).
    drop = {c for c, keep in (("Partner", with_partner), ("Week", with_week),
                              ("To invoice the partner", not with_partner)) if not keep}
    return pd.DataFrame({c: v for c, v in columns.items() if c not in drop})


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def line_counts(lines: pd.DataFrame, per_partner: bool = True) -> str:
    """"4 lines from 2 partners: 2 commissions, 1 reversal, 1 adjustment"."""
    kinds = ", ".join(_plural(n, str(kind)) for kind, n in lines["kind"].value_counts().items())
    partners = f" from {_plural(lines['partner_id'].nunique(), 'partner')}" if per_partner else ""
    return f"{_plural(len(lines), 'line')}{partners}: {kinds}"


def totals_table(totals: pd.DataFrame) -> pd.DataFrame:
    """commissions.week_totals per partner and currency: commission payable to the partner, commission netted
    on the partner's invoice, and what to invoice the partner for via-partner deals (value - commission)."""
    return pd.DataFrame({
        "Partner": totals["partner_name"].tolist(),
        "Currency": totals["currency"].tolist(),
        "Payable to the partner": _moneys(totals, "payable"),
        "Netted on the partner's invoice": _moneys(totals, "netted"),
        "To invoice the partner (via partner)": _moneys(totals, "partner_invoice"),
        "Lines": [int(n) for n in totals["lines"].tolist()],
    })


def show_table(table: pd.DataFrame, key: str) -> None:
    """A read-only table with the money right-aligned."""
    # Fixed widths for ids and the kind, so a reversal's "of line N" fits on a laptop screen.
    config = {c: st.column_config.TextColumn(alignment="right", width=WIDTHS.get(c)) if c in MONEY_COLUMNS
              else st.column_config.Column(width=WIDTHS[c]) for c in table.columns if c in MONEY_COLUMNS | set(WIDTHS)}
    st.dataframe(table, hide_index=True, width="stretch", key=key, column_config=config)


def week_label(week: str, this_week: str, open_week: str = "") -> str:
    """"2026-W47 · 16 Nov – 22 Nov 2026 · this week"; a later week is the open week adjustments land in."""
    monday = rules.week_monday(week)
    sunday = monday + dt.timedelta(days=6)
    text = f"{week} · {monday:%-d %b} – {sunday:%-d %b %Y}"
    if week == this_week:
        return f"{text} · this week"
    return f"{text} · next open week" if week == open_week and week > this_week else text
