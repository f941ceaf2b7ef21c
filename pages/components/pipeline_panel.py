"""The pipeline page's widgets: the partner filter, the headline metrics and the stale deals to chase."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from pages.components.labels import STAGE_LABELS, label
from partner_model import rules
from partner_model.models import Stage, UserRead

PARTNER_KEY = "pipeline_partner"


def partner_filter(user: UserRead, names: dict[int, str]) -> int | None:
    """Staff choose a partner or all; a partner's users see their own partner's pipeline only."""
    if user.partner_id is not None:
        st.caption(f"Your deals at {names.get(user.partner_id, 'your partner')} (denied deals left out).")
        return user.partner_id
    return st.selectbox("Partner", [None, *names], key=PARTNER_KEY,
                        format_func=lambda p: "All partners" if p is None else names[p],
                        help="Every figure below is for this partner, or for the whole program.")


def _percent(share: float | None) -> str:
    return "—" if share is None else f"{share:.0%}"


def metrics(stats: dict[str, Any]) -> None:
    """Win rate (won of closed), conversion (won of registered), median days from registration to won."""
    closed = stats["won"] + stats["lost"]
    median = stats["median_days_to_won"]
    cells = st.columns(4)
    cells[0].metric("Deals registered", f"{stats['deals']:,}", border=True,
                    help="Every registered deal except denied ones.")
    cells[1].metric("Win rate", _percent(stats["win_rate"]), border=True,
                    help=f"Closed won of all closed deals: {stats['won']:,} won of {closed:,} closed.")
    cells[2].metric("Conversion", _percent(stats["conversion"]), border=True,
                    help=f"Closed won of all registered deals: {stats['won']:,} of {stats['deals']:,}.")
    cells[3].metric("Median days to won", "—" if median is None else f"{median:g} days", border=True,
                    help="From registration to Closed won, over the won deals.")


def stale_table(frame: pd.DataFrame, show_partner: bool) -> None:
    """Open deals past their stage's limit, longest waiting first."""
    if frame.empty:
        st.info("No stale deals: every open deal moved within its stage's limit.", icon=":material/check_circle:")
        return
    limits = {s.value: rules.STALE_AFTER_DAYS[s] for s in Stage}
    shown = pd.DataFrame({
        "Company": frame["company_name"],
        "Partner": frame["partner_name"],
        "Stage": frame["stage"].map(lambda s: label(STAGE_LABELS, s)),
        "Days in stage": frame["days_in_stage"],
        "Limit (days)": frame["stage"].map(limits).astype("Int64"),
        "Value": [f"{v:,.2f} {c}" for v, c in zip(frame["value"], frame["currency"], strict=True)],
        "Domain": frame["customer_domain"],
    })
    if not show_partner:
        shown = shown.drop(columns=["Partner"])
    st.dataframe(shown, hide_index=True, width="stretch")
