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
RIGHT = st.column_config.TextColumn(alignment="right")


def money(amount: Decimal | None, currency: str) -> str:
    """12345.6 EUR -> "12,345.60 EUR"; no amount -> "—"."""
    if amount is None or (not isinstance(amount, Decimal) and pd.isna(amount)):
        return "—"
    return f"{amount:,.2f} {currency}"


def percent(rate: Decimal) -> str:
    """Decimal("0.125") -> "12.50 %"."""
    return f"{rate * 100:.2f} %"


def _adjusts(line_id: object) -> str:
    return "" if line_id is None or pd.isna(line_id) else f"adjusts line {int(line_id)}"


def lines_table(lines: pd.DataFrame, *, with_partner: bool = True, with_week: bool = False) -> pd.DataFrame:
    """The lines of commissions.week_lines (or year_to_date) as display text, one row per line."""
    rows = [{
        "Week": line.week,
        "Line": int(line.line_id),
        "Partner": line.partner_name,
        "Deal": int(line.deal_id),
        "Company": line.company_name,
        "Value": money(line.value, line.currency),
        "Rate": percent(line.rate),
        "Commission": money(line.commission, line.currency),
        "Billing option": label(BILLING_OPTION_LABELS, line.billing_option),
        "Payable / Netted": DIRECTION_LABELS.get(line.direction, line.direction),
        "To invoice the partner": money(line.partner_invoice, line.currency),
        "Kind": KIND_LABELS.get(line.kind, line.kind),
        "Adjusts": _adjusts(line.adjusts_line_id),
    } for line in lines.itertuples()]
    table = pd.DataFrame(rows)
    drop = [c for c, keep in (("Partner", with_partner), ("Week", with_week)) if not keep]
    return table.drop(columns=drop) if not table.empty else table


def totals_table(totals: pd.DataFrame) -> pd.DataFrame:
    """commissions.week_totals per partner and currency, in the words finance uses."""
    return pd.DataFrame([{
        "Partner": total.partner_name,
        "Currency": total.currency,
        "Commission payable to the partner": money(total.payable, total.currency),
        "Commission netted on the partner's invoice": money(total.netted, total.currency),
        "To invoice the partner (via partner deals)": money(total.partner_invoice, total.currency),
        "Lines": int(total.lines),
    } for total in totals.itertuples()])


def show_table(table: pd.DataFrame, key: str) -> None:
    """A read-only table with the money columns right-aligned."""
    money_columns = [c for c in table.columns if c in {"Value", "Commission", "To invoice the partner", "Rate"}
                     or c.startswith(("Commission ", "To invoice"))]
    st.dataframe(table, hide_index=True, width="stretch", key=key,
                 column_config=dict.fromkeys(money_columns, RIGHT))


def week_label(week: str, this_week: str, open_week: str = "") -> str:
    """"2026-W47 · 16 Nov – 22 Nov 2026 · this week"; a later week is the open week adjustments land in."""
    monday = rules.week_monday(week)
    sunday = monday + dt.timedelta(days=6)
    text = f"{week} · {monday:%-d %b} – {sunday:%-d %b %Y}"
    if week == this_week:
        return f"{text} · this week"
    return f"{text} · next open week" if week == open_week and week > this_week else text
