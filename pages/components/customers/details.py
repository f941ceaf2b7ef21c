"""One customer account, opened from the overview: its state, attention items, activity, deals and actions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from pages.components.customers.charts import daily_activity
from pages.components.customers.table import account_words
from pages.components.frame import attempt, show_error
from pages.components.frame.labels import REVIEW_LABELS, STAGE_LABELS, label
from pages.components.frame.partner_picker import partner_choice, partner_name
from pages.components.frame.text import md, md_line
from pages.components.frame.translate import N_, _, date_column_format, fmt, ngettext
from partner_model import clock, customers, rules, webhook
from partner_model.errors import DomainError
from partner_model.models import AccountState, CustomerRead, UserRead

OPEN_KEY = "customers_open"  # the id of the account whose details are shown
FLASH_KEY = "customers_flash"  # a success message to show after the rerun that follows an action
ACTION_KEY = "customers_action_outcome"  # (kind, message or DomainError) of the last action on the open account
REASON_KEY = "customers_decline_reason"

# The words for the attention signals the dashboard derives (rules.derived_attention); a stored item's kind is
# the partner's own code, shown as written.
ATTENTION_KINDS: dict[str, str] = {
    "trial_ending": N_("Trial ending"),
    "no_activity": N_("No activity"),
    "renewal_due": N_("Renewal due"),
}


def open_account(customer_id: int | None) -> None:
    if customer_id != st.session_state.get(OPEN_KEY):
        st.session_state.pop(ACTION_KEY, None)  # an outcome belongs to the account it was about
    st.session_state[OPEN_KEY] = customer_id


def open_linked_account(user: UserRead) -> None:
    """A link such as /customers?customer=12 (from a notification) opens that account once, if the user may see it;
    the service parses the id, so a bad or foreign one says "Customer not found."."""
    linked = st.query_params.get("customer")
    if linked is None:
        return
    del st.query_params["customer"]
    customer, error = attempt(lambda s: customers.get_customer(s, user, linked))
    if error is not None:
        show_error(error)
    elif customer is not None:
        open_account(customer.id)


def flash(message: str) -> None:
    st.session_state[FLASH_KEY] = message


def show_flash() -> None:
    message = st.session_state.pop(FLASH_KEY, None)
    if message:
        st.success(message, icon=":material/check_circle:")


def _read(s: Any, user: UserRead, customer_id: int) -> tuple[Any, ...]:
    return (customers.get_customer(s, user, customer_id), customers.attention(s, user, customer_id),
            customers.activity_by_day(s, user, customer_id), customers.customer_deals(s, user, customer_id),
            webhook.calls_for(s, user, customer_id))


def account_details(user: UserRead) -> None:
    """The panel for the opened account, if any (all its reads in one short session)."""
    customer_id = st.session_state.get(OPEN_KEY)
    if customer_id is None:
        return
    result, error = attempt(lambda s: _read(s, user, customer_id))
    if error is not None or result is None:
        if error is not None:
            show_error(error)
        return
    customer, items, activity, deals, calls = result
    with st.container(border=True, key="customers_details"):
        head, close = st.columns([8, 1])
        head.subheader(md_line(customer.name))
        # TRANSLATORS: a button that closes the account's details panel (a verb).
        if close.button(_("Close"), key="customers_close", icon=":material/close:"):
            open_account(None)
            st.rerun()
        st.markdown(_summary_line(customer, partner_name(user, customer.partner_id) if user.is_staff else None))
        _extension_line(customer)
        _product_line(calls)
        _actions(user, customer)
        left, right = st.columns(2)
        with left:
            _attention_list(items)
        with left.container(key="customers_deals"):
            _deals_table(deals)
        with right:
            if int(activity["activities"].sum()) == 0:
                st.info(_quiet(customer, len(activity)), icon=":material/bedtime:")
            else:
                st.plotly_chart(daily_activity(activity, customer.name), key="customers_activity_chart")


def _quiet(customer: CustomerRead, days: int) -> str:
    """No activity in the chart's window; a trial younger than the window says since when it ran."""
    started = customer.trial_started_on
    if started is not None and (clock.today() - started).days < days:
        return _("No activity yet: the trial started on {date}.").format(date=fmt().date(started))
    return ngettext("No activity in the last {count} day.", "No activity in the last {count} days.", days).format(
        count=fmt().number(days))


def _summary_line(customer: CustomerRead, partner: str | None) -> str:
    """The account's state in words, then its facts, each between middle dots."""
    facts = [f"**{account_words(customer)}**", md(customer.domain)]
    if partner:
        facts.append(md(partner))
    facts.append(_("{framework}, {progress} done").format(
        framework=md(customer.framework), progress=fmt().percent(customer.framework_progress / 100)))
    facts.append(ngettext("{count} user", "{count} users", customer.users).format(count=fmt().number(customer.users)))
    return " · ".join(facts)


def _extension_line(customer: CustomerRead) -> None:
    if customer.extension_granted_on:
        st.caption(_("The 30-day extension was granted on {granted}; the trial ends on {ends}.").format(
            granted=fmt().date(customer.extension_granted_on), ends=fmt().date(customer.trial_ends_on)))
    elif customer.extension_declined_on and customer.extension_requested_on:
        st.markdown(_("The 30-day extension requested on {requested} was declined on {declined}: {reason}").format(
            requested=fmt().date(customer.extension_requested_on), declined=fmt().date(customer.extension_declined_on),
            reason=md(customer.extension_decline_reason or "—")))
    elif customer.extension_requested_on:
        st.caption(_("The 30-day extension was requested on {requested}.").format(
            requested=fmt().date(customer.extension_requested_on)))
    elif customer.state == AccountState.trial:
        st.caption(_("The trial ends on {ends}.").format(ends=fmt().date(customer.trial_ends_on)))


# Whole sentences per kind of call and state (a translated fragment inside another would not inflect).
CALL_LINES = {
    ("trial.created", "confirmed"): N_("The product confirmed the trial on {moment} UTC."),
    ("trial.extended", "confirmed"): N_("The product confirmed the extension on {moment} UTC."),
    ("trial.created", "failed"): N_("The product could not be told of the trial: {reason}. Ask the product team."),
    ("trial.extended", "failed"): N_("The product could not be told of the extension: {reason}. Ask the product "
                                     "team."),
    ("trial.created", "pending"): N_("Sending the trial to the product…"),
    ("trial.extended", "pending"): N_("Sending the extension to the product…"),
}


def _product_line(calls: list[dict[str, Any]]) -> None:
    """Whether the product learnt of the dashboard's latest decision on the account (the signed call)."""
    if not calls or (calls[0]["kind"], calls[0]["state"]) not in CALL_LINES:
        return
    latest = calls[0]
    text = _(CALL_LINES[(latest["kind"], latest["state"])])
    if latest["state"] == "failed":
        st.warning(text.format(reason=md(latest["last_error"] or "—")), icon=":material/sync_problem:")
    elif latest["state"] == "confirmed":
        st.caption(text.format(moment=fmt().datetime(latest["confirmed_at"], format="short")))
    else:
        st.caption(text)


def _waiting(customer: CustomerRead) -> bool:
    """An extension request that waits for staff: asked, neither granted nor declined."""
    return (customer.extension_requested_on is not None and customer.extension_granted_on is None
            and customer.extension_declined_on is None)


def _actions(user: UserRead, customer: CustomerRead) -> None:
    """The extension's buttons, and what the last of them did, right below them."""
    # Which buttons to offer is a courtesy: the services check the role and the account's state again.
    not_extended = customer.extension_granted_on is None
    may_request = (user.role in rules.PARTNER_ROLES and customer.state == AccountState.trial and not_extended
                   and customer.extension_requested_on is None)
    if may_request and st.button(_("Request the 30-day extension"), key="customers_request_extension",
                                 icon=":material/more_time:"):
        _act(lambda s: customers.request_extension(s, user, customer.id, expected_version=customer.version),
             _("The 30-day extension of {name}'s trial was requested.").format(name=md(customer.name)))
    may_grant = (user.role in rules.REVIEWER_ROLES and not_extended and customer.state != AccountState.active
                 and customer.trial_ends_on is not None)
    if may_grant and _waiting(customer):
        _decide(user, customer)
    elif may_grant and st.button(_("Grant the 30-day extension"), key="customers_grant_extension",
                                 icon=":material/more_time:"):
        _grant(user, customer)
    if customer.partner_id is None and user.role in rules.REVIEWER_ROLES:
        _link(user, customer)
    _outcome()


def _link(user: UserRead, customer: CustomerRead) -> None:
    """An account the product created without a partner: staff link it to the partner it belongs to."""
    st.info(_("Unlinked: the customer started in the product by itself, and no partner holds the account yet."),
            icon=":material/link_off:")
    pick, button = st.columns([3, 1], vertical_alignment="bottom")
    with pick:
        partner_id = partner_choice(user, key="customers_link_partner",
                                    help=_("The partner the account belongs to (e.g. whose registration names it)."))
    if button.button(_("Link to partner"), key="customers_link_submit", disabled=partner_id is None,
                     icon=":material/link:"):
        _act(lambda s: customers.link_account(s, user, customer.id, partner_id=partner_id,
                                              expected_version=customer.version),
             _("{name} now belongs to the partner chosen.").format(name=md(customer.name)))


def _grant(user: UserRead, customer: CustomerRead) -> None:
    _act(lambda s: customers.grant_extension(s, user, customer.id, expected_version=customer.version),
         _("{name}'s trial was extended by 30 days.").format(name=md(customer.name)))


def _decide(user: UserRead, customer: CustomerRead) -> None:
    """Staff answer a waiting request: grant it, or decline it with a reason the partner sees."""
    st.markdown(_("**Extension requested** on {requested}: grant it, or decline it with a reason.").format(
        requested=fmt().date(customer.extension_requested_on)))
    grant, reason_place, decline = st.columns([2, 4, 2], vertical_alignment="bottom")
    if grant.button(_("Grant the 30-day extension"), key="customers_grant_extension", icon=":material/more_time:",
                    type="primary"):
        _grant(user, customer)
    reason = reason_place.text_input(_("Reason for declining"), key=REASON_KEY, max_chars=500,
                                     placeholder=_("The partner sees this reason"))
    if decline.button(_("Decline the request"), key="customers_decline_extension", icon=":material/block:"):
        _act(lambda s: customers.decline_extension(s, user, customer.id, reason=reason,
                                                   expected_version=customer.version),
             _("The extension request for {name} was declined; the partner sees your reason.").format(
                 name=md(customer.name)), clear=REASON_KEY)


def _act(action: Any, done: str, clear: str | None = None) -> None:
    """Run the service; keep its outcome for the next run, where `_outcome` shows it next to the buttons. A success
    reruns the whole page (the list and the figures change too); a refusal is shown at once, the input kept."""
    __, error = attempt(action)
    if error is not None:
        st.session_state[ACTION_KEY] = ("error", error)
        return
    st.session_state[ACTION_KEY] = ("success", done)
    if clear is not None:
        del st.session_state[clear]  # the next request starts with an empty reason
    st.rerun()


def _outcome() -> None:
    """What the last action on this account did, next to its buttons."""
    kind, message = st.session_state.pop(ACTION_KEY, (None, None))
    if kind == "error" and isinstance(message, DomainError):
        show_error(message)
    elif kind == "success":
        st.success(message, icon=":material/check_circle:")


def _attention_list(items: pd.DataFrame) -> None:
    heading = _("Needs attention")
    st.markdown(f"**{heading}**")
    if items.empty:
        st.info(_("Nothing needs attention on this account now."), icon=":material/task_alt:")
        return
    lines = []
    for item in items.itertuples():
        kind = str(item.kind)
        # A stored item's kind and detail are what a partner typed: escaped (the signals' words are ours).
        what = _(ATTENTION_KINDS[kind]) if kind in ATTENTION_KINDS else md(kind.replace("_", " ").capitalize())
        if item.source != "stored":
            line = _("**{what}** (signal): {why}")
        elif item.since:
            line = _("**{what}** (open item): {why} (open since {since})")
        else:
            line = _("**{what}** (open item): {why}")
        since = fmt().date(item.since) if isinstance(item.since, dt.date) else item.since
        lines.append("- " + line.format(what=what, why=_why(item), since=since))
    st.markdown("\n".join(lines))


# The domain counts days in the plural; one day reads in the singular (all five languages have two forms).
ONE_DAY: dict[str, str] = {
    rules.ATTENTION_WHY["trial_ending"]: N_("The trial ends in {days} day ({date})."),
    rules.ATTENTION_WHY["renewal_due"]: N_("The subscription renews in {days} day ({date})."),
}


def _why(item: Any) -> str:
    """Why an item needs attention: a derived signal's message (marked in rules.py) translated, then filled with
    its days and date the reader's way; a stored item's detail as the partner wrote it."""
    template = getattr(item, "why_template", None)
    if not isinstance(template, str) or not template:
        return md(item.why)
    params = getattr(item, "why_params", None) or {}
    if params.get("days") == 1:
        template = ONE_DAY.get(template, template)
    shown = {key: fmt().date(value) if isinstance(value, dt.date) else
             fmt().number(value) if isinstance(value, int | float) else md(value) for key, value in params.items()}
    return _(template).format(**shown)


def _deals_table(deals: pd.DataFrame) -> None:
    heading = _("Deals")
    st.markdown(f"**{heading}**")
    if deals.empty:
        st.info(_("No deals for this account."), icon=":material/handshake:")
        return
    registered = _("Registered")
    shown = pd.DataFrame({
        _("Deal"): deals["deal_id"],
        _("Company"): deals["company_name"],
        # TRANSLATORS: a column header: the deal's stage in the sales pipeline.
        _("Stage"): [label(STAGE_LABELS, v) for v in deals["stage"]],
        # TRANSLATORS: a column header: the vendor's review of the deal (pending, accepted, denied).
        _("Review"): [label(REVIEW_LABELS, v) for v in deals["review_status"]],
        # Decimal shown as text: exact cents, never a float.
        _("Value"): [fmt().money(v, c) for v, c in zip(deals["value"], deals["currency"], strict=True)],
        registered: pd.to_datetime(deals["created_at"], utc=True).dt.date,
    })
    st.dataframe(shown, hide_index=True,
                 column_config={registered: st.column_config.DateColumn(registered, format=date_column_format())})
