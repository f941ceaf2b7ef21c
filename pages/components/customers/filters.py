"""The customer overview's filter and sort bar. Every choice is passed to `customer_overview` (SQL does the work)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import streamlit as st

from pages.components.customers.table import SORT_COLUMNS, STATE_FILTERS
from pages.components.frame.partner_picker import partner_choice
from pages.components.frame.translate import N_, _
from partner_model.models import UserRead

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

    def query(self) -> dict[str, object]:
        """Keyword arguments for customers.customer_overview."""
        return {"state": self.state, "needs_attention": self.needs_attention, "search": self.search,
                "partner_id": self.partner_id, "sort": self.sort}

    def narrowed(self) -> bool:
        """True when a filter (not only the partner or the sort) leaves accounts out."""
        return any(v is not None for v in (self.state, self.needs_attention, self.search))

    def page_key(self) -> str:
        """The pagination widget's key: new filters or sort make a new widget, which starts at page 1."""
        return "customers_page_" + hashlib.sha1(repr(self.query()).encode()).hexdigest()[:12]


def partner_filter(user: UserRead) -> int | None:
    """Staff: the partner whose accounts the whole page shows (metrics and chart too), or all."""
    left, __ = st.columns([1, 2])
    return partner_choice(user, key="customers_partner", placeholder=_("All partners (type to search)"), where=left)


def filter_bar(partner_id: int | None, staff: bool) -> Filters:
    """Draw the list's filters and sort; `partner_id` comes from the staff partner filter (None: all)."""
    cols = st.columns([3, 2, 3])
    with cols[0]:
        states = {k: _(word) for k, word in STATE_FILTERS.items()}  # in this run's language
        state = st.segmented_control(_("State"), list(states), format_func=states.__getitem__,
                                     default="all", required=True, key="customers_state")
    with cols[1]:
        st.write("")  # line the toggle up with the labelled inputs
        attention = st.toggle(_("Needs attention only"), key="customers_attention")
    with cols[2]:
        search = st.text_input(_("Search"), placeholder=_("Name or domain"), key="customers_search")
    return Filters(
        state=None if state in (None, "all") else state,
        needs_attention=True if attention else None,
        search=search.strip() or None,
        partner_id=partner_id,
        sort=sort_picker(staff),
    )


def sort_picker(staff: bool) -> str | None:
    """Column and direction, as the service's sort key ("-" in front for descending)."""
    # Option texts made now, in this run's language (a format_func translating later, as AppTest does between
    # runs, could write them in another one).
    columns = {c: _(word) for c, word in SORT_COLUMNS.items() if staff or c != "partner_name"}
    directions = {d: _(word) for d, word in SORT_DIRECTIONS.items()}
    left, right, __ = st.columns([3, 3, 5])
    with left:
        column = st.selectbox(_("Sort by"), list(columns), format_func=columns.__getitem__, key="customers_sort")
    with right:
        direction = st.segmented_control(_("Order"), list(directions), default="asc", required=True,
                                         format_func=directions.__getitem__, key="customers_sort_dir")
    return f"-{column}" if direction == "desc" else column
