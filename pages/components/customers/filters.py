"""The customer overview's filter and sort bar. Every choice is passed to `customer_overview` (SQL does the work).

A click on a table column's header sorts too: the table lets a header be selected (which turns the grid's own
sort of the rows on screen off), and the selection is read here and turned into the Sort control's choice, so
the whole list is sorted in SQL and the Sort control says by what.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import streamlit as st

from pages.components.customers.table import HEADER_SORT, SORT_COLUMNS, STATE_FILTERS
from pages.components.frame.links import preset_choice, preset_flag
from pages.components.frame.partner_picker import partner_choice
from pages.components.frame.scope import my_partners
from pages.components.frame.translate import N_, _
from partner_model.models import UserRead

TABLE_KEY = "customers_table"
SORT_KEY = "customers_sort"
SORT_DIR_KEY = "customers_sort_dir"
EXTENSION_KEY = "customers_extension"
NO_SELECTION: dict[str, Any] = {"selection": {"rows": [], "columns": [], "cells": []}}

SORT_DIRECTIONS: dict[str, str] = {
    # TRANSLATORS: the sort order of the customer list.
    "asc": N_("Ascending"),
    # TRANSLATORS: the sort order of the customer list.
    "desc": N_("Descending"),
}


@dataclass(frozen=True)
class Filters:
    state: str | None
    needs_attention: bool | None
    search: str | None
    partner_id: int | None
    sort: str | None
    manager_id: int | None = None
    extension_requested: bool | None = None
    unlinked: bool | None = None

    def query(self) -> dict[str, object]:
        """Keyword arguments for customers.customer_overview."""
        return {"state": self.state, "needs_attention": self.needs_attention, "search": self.search,
                "partner_id": self.partner_id, "sort": self.sort, "manager_id": self.manager_id,
                "extension_requested": self.extension_requested, "unlinked": self.unlinked}

    def narrowed(self) -> bool:
        """True when a filter (not only the partner, the manager's scope or the sort) leaves accounts out."""
        return any(v is not None for v in (self.state, self.needs_attention, self.search, self.extension_requested))

    def page_key(self) -> str:
        """The pagination widget's key: new filters or sort make a new widget, which starts at page 1."""
        return "customers_page_" + hashlib.sha1(repr(self.query()).encode()).hexdigest()[:12]


@dataclass(frozen=True)
class Scope:
    """Whose accounts the whole page shows (metrics and chart too): one partner (staff pick one), and for a
    partner manager "my partners" (the manager's id) unless switched to all."""

    partner_id: int | None
    manager_id: int | None


def scope_bar(user: UserRead) -> Scope:
    """Staff: the partner filter, and for a partner manager the "My partners only" switch beside it (on at first;
    a manager who looks after no partner yet sees every partner's accounts, and is told so)."""
    left, right, __ = st.columns([3, 2, 3], vertical_alignment="bottom")
    partner_id = partner_choice(user, key="customers_partner", placeholder=_("All partners (type to search)"),
                                where=left)
    manager_id = my_partners(user, where=right,
                             nobody=_("You look after no partners yet, so the accounts of every partner are shown."))
    return Scope(partner_id=partner_id, manager_id=manager_id)


def read_links() -> None:
    """Links from elsewhere (the home page's inbox) preset the filters once: ?extension_requested=1, ?state=trial,
    ?sort=trial_days_left (ascending); ?customer=<id> is read by details.open_linked_account."""
    preset_flag("extension_requested", EXTENSION_KEY)
    preset_choice("state", "customers_state", STATE_FILTERS)
    if preset_choice("sort", SORT_KEY, SORT_COLUMNS) is not None:
        st.session_state[SORT_DIR_KEY] = "asc"


def apply_header_click(staff: bool) -> None:
    """A header the user clicked (the table's column selection) becomes the Sort control's choice: another column
    sorts ascending, the sorted one again reverses. Called before the sort control and the table are drawn."""
    state = st.session_state.get(TABLE_KEY)
    clicked = list(((state or {}).get("selection") or {}).get("columns") or [])
    if not clicked:
        return
    st.session_state[TABLE_KEY] = NO_SELECTION  # the header is not left selected (nor a row)
    column = HEADER_SORT.get(clicked[0])
    if column is None or (column == "partner_name" and not staff):
        return
    if st.session_state.get(SORT_KEY, "name") == column:
        st.session_state[SORT_DIR_KEY] = "asc" if st.session_state.get(SORT_DIR_KEY) == "desc" else "desc"
    else:
        st.session_state[SORT_KEY] = column
        st.session_state[SORT_DIR_KEY] = "asc"


def filter_bar(scope: Scope, staff: bool) -> Filters:
    """Draw the list's filters and sort for the page's `scope`."""
    apply_header_click(staff)
    state_col, search_col = st.columns([4, 5], vertical_alignment="bottom")
    with state_col:
        states = {k: _(word) for k, word in STATE_FILTERS.items()}  # in this run's language
        state = st.segmented_control(_("State"), list(states), format_func=states.__getitem__,
                                     default="all", required=True, key="customers_state")
    with search_col:
        search = st.text_input(_("Search"), placeholder=_("Name or domain"), key="customers_search")
    sort_col, order_col, toggles = st.columns([2.6, 2.4, 4], vertical_alignment="bottom")
    sort = sort_picker(staff, sort_col, order_col)
    with toggles, st.container(horizontal=True, gap="medium"):
        attention = st.toggle(_("Needs attention only"), key="customers_attention")
        extension = st.toggle(_("Extension requests only"), key=EXTENSION_KEY,
                              help=_("Trials whose 30-day extension was requested and waits for a decision"))
        unlinked = staff and st.toggle(_("Unlinked accounts only"), key="customers_unlinked",
                                       help=_("Accounts the product created that no partner holds yet"))
    return Filters(
        state=None if state in (None, "all") else state,
        needs_attention=True if attention else None,
        search=search.strip() or None,
        partner_id=scope.partner_id,
        sort=sort,
        manager_id=scope.manager_id,
        extension_requested=True if extension else None,
        unlinked=True if unlinked else None,
    )


def sort_picker(staff: bool, column_place: Any, direction_place: Any) -> str | None:
    """Column and direction, as the service's sort key ("-" in front for descending)."""
    # Option texts made now, in this run's language (a format_func translating later, as AppTest does between
    # runs, could write them in another one).
    columns = {c: _(word) for c, word in SORT_COLUMNS.items() if staff or c != "partner_name"}
    directions = {d: _(word) for d, word in SORT_DIRECTIONS.items()}
    with column_place:
        column = st.selectbox(_("Sort by"), list(columns), format_func=columns.__getitem__, key=SORT_KEY)
    with direction_place:
        direction = st.segmented_control(_("Order"), list(directions), default="asc", required=True,
                                         format_func=directions.__getitem__, key=SORT_DIR_KEY)
    return f"-{column}" if direction == "desc" else column
