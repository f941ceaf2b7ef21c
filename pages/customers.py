"""Customer overview: the list first (filters, table, pager; filtered, sorted and paged in SQL, a header click
sorts too), then one row of metrics and the chart folded; an account's details with its extension request.

Partners see their own accounts; staff see all, with a partner filter (a partner manager starts with "my partners").
Finance reads only. Links: ?customer=<id> opens that account, ?extension_requested=1 lists the waiting requests.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import streamlit as st

from pages.components.customers.charts import accounts_by_state_and_framework
from pages.components.customers.details import account_details, open_account, open_linked_account, show_flash
from pages.components.customers.filters import TABLE_KEY, Filters, Scope, filter_bar, read_links, scope_bar
from pages.components.customers.forms import create_trial_form, may_create
from pages.components.customers.table import PAGE_SIZE, column_config, column_order, csv_bytes, table_frame
from pages.components.frame import attempt, guard, show_error
from pages.components.frame.access import PAGES
from pages.components.frame.translate import N_, _, fmt, ngettext
from partner_model import customers, rules

user = guard("customers")
STAFF = user.role in rules.STAFF_ROLES
PICK_KEY = "customers_pick"  # the keyboard-friendly "Open an account" picker
SEEN_ROWS_KEY = "customers_seen_rows"  # the table selection last acted on
CHART_FOLD_KEY = "customers_chart_open"  # the chart's fold: open or not

# The metrics row: (the overview_metrics key, the label, the help text or None).
METRICS: tuple[tuple[str, str, str | None], ...] = (
    ("accounts", N_("Accounts"), None),
    ("trial", N_("In trial"), None),
    # TRANSLATORS: a metric: the number of customer accounts with a paid subscription.
    ("active", N_("Active"), None),
    # TRANSLATORS: a metric: the number of closed customer accounts.
    ("closed", N_("Closed"), None),
    ("needs_attention", N_("Need attention"), N_("Accounts with at least one item needing attention")),
    ("trials_ending", N_("Trials ending"), N_("Trials ending within 7 days")),
    ("renewals_30d", N_("Renewals due"), N_("Subscriptions renewing within 30 days")),
    # staff only: requests waiting for a decision
    ("extension_requests", N_("Extension requests"), N_("Trial extensions requested and waiting for a decision")),
)


def summary(scope: Scope) -> None:
    """Below the list: the metrics as one row and the chart folded. Scans of every account, so they run on full
    runs only, not on list changes; the chart is read and drawn only while its fold is open (a folded Plotly chart
    still cost the browser about 0.2 s of every visit)."""
    result, error = attempt(lambda s: customers.overview_metrics(
        s, user, partner_id=scope.partner_id, manager_id=scope.manager_id, refresh=False))
    if error is not None or result is None:
        if error is not None:
            show_error(error)
        return
    metrics_row(result)
    chart_fold(scope)


@st.fragment
def chart_fold(scope: Scope) -> None:
    """Opening or folding the chart reruns only this part, not the list and the metrics."""
    fold = st.expander(_("Accounts by state and framework"), icon=":material/bar_chart:", key=CHART_FOLD_KEY,
                       on_change="rerun")
    if fold.open:
        with fold:
            framework_chart(scope)


def framework_chart(scope: Scope) -> None:
    by_framework, error = attempt(lambda s: customers.accounts_by_state_and_framework(
        s, user, partner_id=scope.partner_id, manager_id=scope.manager_id, refresh=False))
    if error is not None or by_framework is None:
        if error is not None:
            show_error(error)
    elif by_framework.empty:
        st.info(_("No accounts to chart yet."), icon=":material/bar_chart:")
    else:
        st.plotly_chart(accounts_by_state_and_framework(by_framework), key="customers_framework_chart")


def read_page(s: Any, f: Filters, page: int) -> tuple[pd.DataFrame, int]:
    rows, total = customers.customer_overview(s, user, **f.query(), limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE,
                                              refresh=False)
    if rows.empty and page > 1:  # fewer accounts than when this page was chosen: start again at page 1
        st.session_state.pop(f.page_key(), None)
        rows, total = customers.customer_overview(s, user, **f.query(), limit=PAGE_SIZE, refresh=False)
    return rows, total


@st.fragment
def accounts(scope: Scope) -> None:
    """Filters, sort, the page of accounts and the opened account: changing them reruns only this part."""
    filters = filter_bar(scope, STAFF)
    result, error = attempt(lambda s: read_page(s, filters, int(st.session_state.get(filters.page_key()) or 1)))
    if error is not None or result is None:
        if error is not None:
            show_error(error)
        return
    rows, total = result
    if rows.empty:
        st.info(empty_text(filters), icon=":material/search_off:")
    else:
        accounts_table(rows, filters)
        pager(rows, total, filters.page_key())
        csv_download(filters, total)
    account_details(user)


def empty_text(f: Filters) -> str:
    if f.narrowed():
        return _("No accounts match these filters.")
    if f.manager_id is not None:
        return _("The partners you look after have no customer accounts yet. Switch off \"My partners only\" to "
                 "see every partner's.")
    if may_create(user):
        return _("No customer accounts yet. Create a trial above.")
    return _("No customer accounts yet.")


def metrics_row(m: dict[str, int]) -> None:
    shown = [metric for metric in METRICS if STAFF or metric[0] != "extension_requests"]
    with st.container(horizontal=True, gap="small", key="customers_metrics"):
        for key, name, why in shown:
            st.metric(_(name), fmt().number(m[key]), help=_(why) if why else None, width="stretch")


def accounts_table(rows: pd.DataFrame, f: Filters) -> None:
    """The page of accounts; selecting a row opens it below. A header click selects its column, which
    filters.apply_header_click turns into the sort of the whole list (the grid's own sort is off)."""
    frame = table_frame(rows)
    waiting = bool(f.extension_requested) or bool(frame["extension"].notna().any())
    event = st.dataframe(frame, key=TABLE_KEY, on_select="rerun", selection_mode=["single-row", "single-column"],
                         hide_index=True, column_order=column_order(STAFF, waiting), placeholder="",
                         column_config=column_config(f.sort))
    selected = list(event.selection.rows)
    # Act only when the selection changed: a selection left over from another page must not reopen anything.
    if selected != st.session_state.get(SEEN_ROWS_KEY) and selected and selected[0] < len(rows):
        open_account(int(rows["customer_id"].iloc[selected[0]]))
    st.session_state[SEEN_ROWS_KEY] = selected


def pager(rows: pd.DataFrame, total: int, page_key: str) -> None:
    pages = max(1, math.ceil(total / PAGE_SIZE))
    left, middle, right = st.columns([4, 3, 3], vertical_alignment="bottom")
    with left:
        page = st.pagination(pages, key=page_key) if pages > 1 else 1
    first = (page - 1) * PAGE_SIZE + 1
    middle.caption(_("Accounts {first}–{last} of {total}").format(
        first=fmt().number(first), last=fmt().number(first + len(rows) - 1), total=fmt().number(total)))
    labels = dict(zip(rows["customer_id"], rows["name"] + " (" + rows["domain"] + ")", strict=True))
    right.selectbox(_("Open an account"), list(labels), format_func=labels.get, index=None, key=PICK_KEY,
                    placeholder=_("Choose an account on this page"), on_change=open_picked)


def open_picked() -> None:
    # The picker is an action, not a filter: empty it again so the same account can be picked after closing it.
    open_account(st.session_state.get(PICK_KEY))
    st.session_state[PICK_KEY] = None


def csv_download(f: Filters, total: int) -> None:
    # Up to 200,000 rows: read them only when asked for, never on every run.
    count = fmt().number(total)
    prepare = ngettext("Prepare CSV of the {count} matching account", "Prepare CSV of all {count} matching accounts",
                       total).format(count=count)
    if not st.button(prepare, key="customers_csv_prepare", icon=":material/table_view:"):
        return
    with st.spinner(ngettext("Preparing {count} account…", "Preparing {count} accounts…", total).format(count=count)):
        result, error = attempt(lambda s: customers.customer_overview(s, user, **f.query(), limit=None, refresh=False))
        data = csv_bytes(result[0]) if result is not None else b""
    if error is not None:
        show_error(error)
        return
    st.download_button(_("Download CSV"), data=data, file_name="customers.csv", mime="text/csv",
                       key="customers_csv_download", on_click="ignore", icon=":material/download:", type="primary")


page_info = PAGES["customers"]
st.title(_(page_info.label))
read_links()
open_linked_account(user)
if may_create(user):
    create_trial_form(user)
show_flash()  # what the trial form did, right below it
page_scope = scope_bar(user) if STAFF else Scope(partner_id=None, manager_id=None)
accounts(page_scope)  # the list first: filters, table, pager, the opened account
summary(page_scope)  # then the figures: one row of metrics, the chart folded
