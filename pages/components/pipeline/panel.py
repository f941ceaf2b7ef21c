"""The pipeline page's widgets: the partner filter with a manager's "My partners only", the headline metrics, the
currency of the value chart, the funnel's table, the partners compared, and the stale deals to chase (each opens
its card on the deal board)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from pages.components.frame.access import PAGES
from pages.components.frame.labels import STAGE_LABELS, label
from pages.components.frame.partner_picker import partner_choice, partner_name
from pages.components.frame.scope import my_partners
from pages.components.frame.text import md
from pages.components.frame.translate import _, fmt, ngettext
from partner_model import rules
from partner_model.models import Stage, UserRead

PARTNER_KEY = "pipeline_partner"
CURRENCY_KEY = "pipeline_currency"


def partner_filter(user: UserRead) -> tuple[int | None, int | None]:
    """(partner_id, manager_id): staff choose a partner or all, and a partner manager sees their own partners
    ("My partners only", on by default) unless they switch it off; a partner's users see their own partner's
    pipeline only. A manager who looks after no partner yet sees every partner, and is told so."""
    if user.partner_id is not None:
        partner = partner_name(user, user.partner_id)
        st.caption(_("Your deals at {partner} (denied deals left out).").format(partner=md(partner)) if partner
                   else _("Your partner's deals (denied deals left out)."))
        return user.partner_id, None
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    partner_id = partner_choice(user, key=PARTNER_KEY, everyone=_("All partners"), where=left,
                                help=_("Every figure below is for this partner, or for the whole program."))
    manager_id = my_partners(user, where=right,
                             nobody=_("You look after no partners yet, so the figures are for every partner."))
    return partner_id, manager_id


def currency_picker(totals: dict[str, Any]) -> str:
    """The currency the value chart shows (one at a time: money is never added across currencies); the one with
    the largest total first. `totals` is largest first."""
    currencies = list(totals)
    if st.session_state.get(CURRENCY_KEY) not in currencies:
        st.session_state[CURRENCY_KEY] = currencies[0]  # a filter changed the currencies: the largest again
    if len(currencies) == 1:
        return currencies[0]
    chosen = st.segmented_control(_("Currency"), currencies, key=CURRENCY_KEY, required=True,
                                  help=_("Amounts in different currencies are never added up: one at a time."))
    return chosen or currencies[0]


def funnel_table(reached: pd.DataFrame) -> None:
    """The funnel's numbers: deals that reached each step, and the share of the step before that went on."""
    percent = fmt().percent
    # TRANSLATORS: a column heading of the funnel's table: how many deals reached the stage.
    count, share = _("Reached"), _("Conversion")
    st.dataframe(pd.DataFrame({
        _("Stage"): reached["stage"].map(lambda s: label(STAGE_LABELS, s)),
        count: reached["reached"].astype(int),
        share: ["—" if r is None or r != r else percent(r, decimals=0) for r in reached["conversion"]],
    }), hide_index=True, width="stretch", column_config={
        count: st.column_config.NumberColumn(help=_("Deals whose furthest stage is this one or a later one")),
        share: st.column_config.TextColumn(help=_("The share of the deals that reached the step before and went on "
                                                  "to this one")),
    })


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


def card_link(deal_id: int) -> str:
    """The deal board's address that opens this deal's card (relative, so it holds behind a path prefix too)."""
    board = PAGES["deal_board"].path.removeprefix("pages/").removesuffix(".py")
    return f"{board}?deal={int(deal_id)}"


def stale_table(frame: pd.DataFrame, show_partner: bool) -> None:
    """Open deals past their stage's limit, longest waiting first; each row's link opens its card."""
    if frame.empty:
        st.info(_("No stale deals: every open deal moved within its stage's limit."), icon=":material/check_circle:")
        return
    limits = {s.value: rules.STALE_AFTER_DAYS[s] for s in Stage}
    card = _("Card")
    columns: dict[str, Any] = {card: frame["deal_id"].map(card_link), _("Company"): frame["company_name"]}
    if show_partner:
        columns[_("Partner")] = frame["partner_name"]
    columns |= {
        _("Stage"): frame["stage"].map(lambda s: label(STAGE_LABELS, s)),
        _("Days in stage"): frame["days_in_stage"],
        _("Limit (days)"): frame["stage"].map(limits).astype("Int64"),
        _("Value"): [fmt().money(v, c) for v, c in zip(frame["value"], frame["currency"], strict=True)],
        _("Domain"): frame["customer_domain"],
    }
    st.dataframe(pd.DataFrame(columns), hide_index=True, width="stretch", key="pipeline_stale", column_config={
        # TRANSLATORS: the link in each stale deal's row that opens its card on the deal board.
        card: st.column_config.LinkColumn(display_text=_("Open card"), width="small",
                                          help=_("Opens the deal's card on the deal board")),
    })
