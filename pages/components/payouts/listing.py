"""The payouts list: filters (state, partner, currency), totals per state and currency summed in SQL, a page of
payouts at a time, and the carried balance a partner has waiting."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd
import streamlit as st

from pages.components.frame.data import attempt
from pages.components.frame.errors import show_error
from pages.components.frame.labels import PAYOUT_STATE_LABELS, label
from pages.components.frame.links import preset_choice
from pages.components.frame.partner_picker import partner_choice
from pages.components.frame.translate import _, fmt, ngettext
from partner_model import payout_queries, rules
from partner_model.models import PayoutState, UserRead

PAGE_SIZE = 50
STATES = [None, *(s.value for s in PayoutState)]


def money(cents: int, currency: str) -> str:
    return fmt().money(Decimal(int(cents)) / 100, currency)


def filters(user: UserRead) -> dict[str, object]:
    """The filters a reader chose: state (the home inbox links here with ?state=ready), partner (staff), currency."""
    preset_choice("state", "payouts_state", [s.value for s in PayoutState])
    columns = st.columns(3 if user.is_staff else 2)
    state = columns[0].selectbox(_("State"), STATES, key="payouts_state",
                                 format_func=lambda s: label(PAYOUT_STATE_LABELS, s, _("All states")))
    partner_id = partner_choice(user, key="payouts_partner", everyone=_("All partners"), where=columns[1])
    currency = columns[-1].selectbox(_("Currency"), [None, *rules.CURRENCIES], key="payouts_currency",
                                    format_func=lambda c: c or _("All currencies"))
    return {"state": state, "partner_id": partner_id, "currency": currency}


def totals(user: UserRead, chosen: dict[str, object]) -> int:
    """Metrics per state and currency; returns how many payouts the filters select."""
    frame, error = attempt(lambda s: payout_queries.payout_totals(s, user, **chosen))
    if error is not None:
        show_error(error)
        return 0
    if frame.empty:
        return 0
    columns = st.columns(min(len(frame), 4))
    for i, row in enumerate(frame.itertuples()):
        columns[i % len(columns)].metric(
            f"{label(PAYOUT_STATE_LABELS, row.state)} · {row.currency}", money(row.due_cents, row.currency),
            help=ngettext("{count} payout", "{count} payouts", int(row.payouts)).format(
                count=fmt().number(row.payouts)))
    return int(frame["payouts"].sum())


def table(user: UserRead, chosen: dict[str, object], count: int) -> pd.DataFrame | None:
    """One page of the selected payouts, newest week first; returns the rows shown (for the picker)."""
    if not count:
        st.info(_("No payouts match these filters. A payout is made when finance approves a week with payable "
                  "commission."))
        return None
    offset = 0
    if count > PAGE_SIZE:
        pages = (count + PAGE_SIZE - 1) // PAGE_SIZE
        page = st.number_input(_("Page"), min_value=1, max_value=pages, value=1, key="payouts_page")
        offset = (int(page) - 1) * PAGE_SIZE
    frame, error = attempt(lambda s: payout_queries.list_payouts(s, user, limit=PAGE_SIZE, offset=offset,
                                                                  **chosen))
    if error is not None:
        show_error(error)
        return None
    shown = pd.DataFrame({
        _("Payout"): frame["id"], _("Partner"): frame["partner_name"], _("Week"): frame["week"],
        _("State"): [label(PAYOUT_STATE_LABELS, s) for s in frame["state"]],
        _("Commission of the week"): [money(c, cur) for c, cur in zip(frame["lines_cents"], frame["currency"],
                                                                      strict=True)],
        _("Carried in"): [money(c, cur) if c else "—" for c, cur in zip(frame["carried_in_cents"],
                                                                         frame["currency"], strict=True)],
        _("Due"): [money(c, cur) for c, cur in zip(frame["due_cents"], frame["currency"], strict=True)],
        _("Paid on"): [fmt().date(day) if isinstance(day, dt.date) else "—" for day in frame["paid_on"]],
        _("Bank reference"): frame["bank_reference"].fillna("—"),
    })
    if not user.is_staff:
        shown = shown.drop(columns=[_("Partner")])
    st.dataframe(shown, hide_index=True, width="stretch", key="payouts_table")
    return frame


def carried_note(user: UserRead, partner_id: int | None) -> None:
    """What a partner has waiting under the minimum, to be paid with its next payout."""
    if partner_id is None:
        return
    balance, error = attempt(lambda s: payout_queries.carried_balance(s, user, partner_id))
    if error is None and balance:
        amounts = ", ".join(money(cents, currency) for currency, cents in sorted(balance.items()))
        st.caption(_("Carried into the next payout: {amounts} (under the minimum payout, or negative after a "
                     "clawback).").format(amounts=amounts))
