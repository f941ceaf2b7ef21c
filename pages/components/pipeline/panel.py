"""The pipeline page's widgets: the partner filter, the headline metrics and the stale deals to chase."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from pages.components.frame.labels import STAGE_LABELS, label
from pages.components.frame.partner_picker import partner_choice, partner_name
from pages.components.frame.text import md
from pages.components.frame.translate import _, fmt, ngettext
from partner_model import rules
from partner_model.models import Stage, UserRead

PARTNER_KEY = "pipeline_partner"


def partner_filter(user: UserRead) -> int | None:
    """Staff choose a partner or all; a partner's users see their own partner's pipeline only."""
    if user.partner_id is not None:
        partner = partner_name(user, user.partner_id)
        st.caption(_("Your deals at {partner} (denied deals left out).").format(partner=md(partner)) if partner
                   else _("Your partner's deals (denied deals left out)."))
        return user.partner_id
    return partner_choice(user, key=PARTNER_KEY, everyone=_("All partners"),
                          help=_("Every figure below is for this partner, or for the whole program."))


def _percent(share: float | None) -> str:
    return fmt().percent(share, decimals=0)


def _days(days: float) -> str:
    """'0 days', '1 day', '2.5 days' (a median may fall between two whole days)."""
    # gettext's plural rules take whole numbers; a fraction of a day takes the plural in every language offered.
    count = int(days) if float(days).is_integer() else 2
    return ngettext("{count} day", "{count} days", count).format(count=fmt().number(days))


def metrics(stats: dict[str, Any]) -> None:
    """Win rate (won of closed), conversion (won of registered), median days from registration to won."""
    closed = stats["won"] + stats["lost"]
    median = stats["median_days_to_won"]
    number = fmt().number
    cells = st.columns(4)
    cells[0].metric(_("Deals registered"), number(stats["deals"]), border=True,
                    help=_("Every registered deal except denied ones."))
    cells[1].metric(_("Win rate"), _percent(stats["win_rate"]), border=True,
                    help=_("Closed won of all closed deals: {won} won of {closed} closed.").format(
                        won=number(stats["won"]), closed=number(closed)))
    cells[2].metric(_("Conversion"), _percent(stats["conversion"]), border=True,
                    help=_("Closed won of all registered deals: {won} of {deals}.").format(
                        won=number(stats["won"]), deals=number(stats["deals"])))
    cells[3].metric(_("Median days to won"), "—" if median is None else _days(median), border=True,
                    help=_("From registration to Closed won, over the won deals."))


def stale_table(frame: pd.DataFrame, show_partner: bool) -> None:
    """Open deals past their stage's limit, longest waiting first."""
    if frame.empty:
        st.info(_("No stale deals: every open deal moved within its stage's limit."), icon=":material/check_circle:")
        return
    limits = {s.value: rules.STALE_AFTER_DAYS[s] for s in Stage}
    columns: dict[str, Any] = {_("Company"): frame["company_name"]}
    if show_partner:
        columns[_("Partner")] = frame["partner_name"]
    columns |= {
        _("Stage"): frame["stage"].map(lambda s: label(STAGE_LABELS, s)),
        _("Days in stage"): frame["days_in_stage"],
        _("Limit (days)"): frame["stage"].map(limits).astype("Int64"),
        _("Value"): [fmt().money(v, c) for v, c in zip(frame["value"], frame["currency"], strict=True)],
        _("Domain"): frame["customer_domain"],
    }
    st.dataframe(pd.DataFrame(columns), hide_index=True, width="stretch")
