"""One customer account, opened from the overview: its state, attention items, activity, deals and actions."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from pages.components import attempt, show_error
from pages.components.customer_charts import daily_activity
from pages.components.customer_table import account_words
from pages.components.labels import REVIEW_LABELS, STAGE_LABELS, label
from partner_model import customers, rules
from partner_model.models import AccountState, CustomerRead, UserRead

OPEN_KEY = "customers_open"  # the id of the account whose details are shown
FLASH_KEY = "customers_flash"  # a success message to show after the rerun that follows an action


def open_account(customer_id: int | None) -> None:
    st.session_state[OPEN_KEY] = customer_id


def flash(message: str) -> None:
    st.session_state[FLASH_KEY] = message


def show_flash() -> None:
    message = st.session_state.pop(FLASH_KEY, None)
    if message:
        st.success(message, icon=":material/check_circle:")


def _read(s: Any, user: UserRead, customer_id: int) -> tuple[CustomerRead, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    return (customers.get_customer(s, user, customer_id), customers.attention(s, user, customer_id),
            customers.activity_by_day(s, user, customer_id), customers.customer_deals(s, user, customer_id))


def account_details(user: UserRead, partner_names: dict[int, str] | None) -> None:
    """The panel for the opened account, if any (all its reads in one short session)."""
    customer_id = st.session_state.get(OPEN_KEY)
    if customer_id is None:
        return
    result, error = attempt(lambda s: _read(s, user, customer_id))
    if error is not None or result is None:
        if error is not None:
            show_error(error)
        return
    customer, items, activity, deals = result
    with st.container(border=True, key="customers_details"):
        head, close = st.columns([8, 1])
        head.subheader(customer.name)
        if close.button("Close", key="customers_close", icon=":material/close:"):
            open_account(None)
            st.rerun()
        partner = f" · {partner_names.get(customer.partner_id, '')}" if partner_names and customer.partner_id else ""
        users = f"{customer.users} user{'' if customer.users == 1 else 's'}"
        st.markdown(f"**{account_words(customer)}** · {customer.domain}{partner} · {customer.framework}, "
                    f"{customer.framework_progress}% done · {users}")
        _extension_line(customer)
        _actions(user, customer)
        left, right = st.columns(2)
        with left:
            _attention_list(items)
        with left.container(key="customers_deals"):
            _deals_table(deals)
        with right:
            if int(activity["activities"].sum()) == 0:
                st.info(f"No activity in the last {len(activity)} days.", icon=":material/bedtime:")
            else:
                st.plotly_chart(daily_activity(activity, customer.name), key="customers_activity_chart")


def _extension_line(customer: CustomerRead) -> None:
    if customer.extension_granted_on:
        st.caption(f"The 30-day extension was granted on {customer.extension_granted_on}; "
                   f"the trial ends on {customer.trial_ends_on}.")
    elif customer.extension_requested_on:
        st.caption(f"The 30-day extension was requested on {customer.extension_requested_on}.")
    elif customer.state == AccountState.trial:
        st.caption(f"The trial ends on {customer.trial_ends_on}.")


def _actions(user: UserRead, customer: CustomerRead) -> None:
    # Which buttons to offer is a courtesy: the services check the role and the account's state again.
    not_extended = customer.extension_granted_on is None
    may_request = (user.role in rules.PARTNER_ROLES and customer.state == AccountState.trial and not_extended
                   and customer.extension_requested_on is None)
    if may_request and st.button("Request the 30-day extension", key="customers_request_extension",
                                 icon=":material/more_time:"):
        _act(lambda s: customers.request_extension(s, user, customer.id),
             f"The 30-day extension of {customer.name}'s trial was requested.")
    may_grant = (user.role in rules.REVIEWER_ROLES and not_extended and customer.state != AccountState.active
                 and customer.trial_ends_on is not None)
    asked = customer.extension_requested_on is not None
    if may_grant and st.button("Grant the 30-day extension", key="customers_grant_extension",
                               icon=":material/more_time:", type="primary" if asked else "secondary"):
        _act(lambda s: customers.grant_extension(s, user, customer.id),
             f"{customer.name}'s trial was extended by 30 days.")


def _act(action: Any, done: str) -> None:
    _, error = attempt(action)
    if error is not None:
        show_error(error)
        return
    flash(done)
    st.rerun()


def _attention_list(items: pd.DataFrame) -> None:
    st.markdown("**Needs attention**")
    if items.empty:
        st.info("Nothing needs attention on this account now.", icon=":material/task_alt:")
        return
    lines = []
    for item in items.itertuples():
        what = str(item.kind).replace("_", " ").capitalize()
        when = f" (open since {item.since})" if item.source == "stored" and item.since else ""
        origin = "open item" if item.source == "stored" else "signal"
        lines.append(f"- **{what}** ({origin}): {item.why}{when}")
    st.markdown("\n".join(lines))


def _deals_table(deals: pd.DataFrame) -> None:
    st.markdown("**Deals**")
    if deals.empty:
        st.info("No deals for this account.", icon=":material/handshake:")
        return
    shown = pd.DataFrame({
        "Deal": deals["deal_id"],
        "Company": deals["company_name"],
        "Stage": [label(STAGE_LABELS, v) for v in deals["stage"]],
        "Review": [label(REVIEW_LABELS, v) for v in deals["review_status"]],
        # Decimal shown as text: exact cents, never a float.
        "Value": [f"{v:,.2f} {c}" for v, c in zip(deals["value"], deals["currency"], strict=True)],
        "Registered": pd.to_datetime(deals["created_at"], utc=True).dt.date,
    })
    st.dataframe(shown, hide_index=True)
