"""The partners compared, for staff: a sortable table (registrations, won, lost, win rate, median days to won, value
won per currency) and a chart of the win rates. Numbers stay numbers in the table so its columns sort."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from pages.components.frame.translate import _, fmt
from pages.components.pipeline.charts import COMPARISON_CHART_LIMIT, win_rate_figure


def comparison_frame(comparison: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The table as shown (headings in the reader's language) and its column settings."""
    currencies = sorted({currency for won in comparison["value_won"] for currency in won})
    rate, median = _("Win rate"), _("Median days to won")
    table: dict[str, Any] = {
        _("Partner"): comparison["partner_name"],
        _("Registrations"): comparison["registrations"].astype(int),
        _("Won"): comparison["won"].astype(int),
        _("Lost"): comparison["lost"].astype(int),
        # A percentage as a number (so it sorts), whole percent: 0.5 -> 50.
        rate: [None if r is None or r != r else round(float(r) * 100) for r in comparison["win_rate"]],
        median: [None if d is None or d != d else float(d) for d in comparison["median_days_to_won"]],
    }
    config: dict[str, Any] = {
        rate: st.column_config.NumberColumn(format="%d%%", help=_("Closed won of all closed deals")),
        median: st.column_config.NumberColumn(format="%.1f", help=_("From registration to Closed won")),
    }
    for currency in currencies:
        # TRANSLATORS: a column heading: the value of the deals won, in one currency such as EUR.
        heading = _("Value won, {currency}").format(currency=currency)
        table[heading] = [won.get(currency) for won in comparison["value_won"]]  # Decimal, exact
        config[heading] = st.column_config.NumberColumn(format="localized")
    return pd.DataFrame(table), config


def partner_comparison(comparison: pd.DataFrame) -> None:
    """Partners side by side (denied deals left out); click a heading to sort."""
    st.subheader(_("Partners compared"), anchor=False)
    if comparison.empty:
        st.info(_("No partner has registered a deal yet."), icon=":material/groups:")
        return
    st.caption(_("Every partner shown, whatever partner is chosen above; click a column's heading to sort. "
                 "Denied deals are left out; value won is per currency, never added up."))
    table, config = comparison_frame(comparison)
    st.dataframe(table, hide_index=True, width="stretch", column_config=config, placeholder="—")
    if comparison["win_rate"].notna().any():
        st.plotly_chart(win_rate_figure(comparison), key="pipeline_win_rates")
        closed = int(comparison["win_rate"].notna().sum())
        if closed > COMPARISON_CHART_LIMIT:
            st.caption(_("The chart shows the {count} partners with the most closed deals.").format(
                count=fmt().number(COMPARISON_CHART_LIMIT)))
    else:
        st.caption(_("No partner has a closed deal yet, so there is no win rate to chart."))
