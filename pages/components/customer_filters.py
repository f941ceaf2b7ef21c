"""The customer overview's filter and sort bar. Every choice is passed to `customer_overview` (SQL does the work)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import streamlit as st

from pages.components.customer_table import SORT_COLUMNS, STATE_FILTERS


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


def partner_filter(partner_names: dict[int, str]) -> int | None:
    """Staff: the partner whose accounts the whole page shows (metrics and chart too), or all."""
    left, _ = st.columns([1, 2])
    return left.selectbox("Partner", list(partner_names), format_func=partner_names.get, index=None,
                          placeholder="All partners (type to search)", key="customers_partner")


def filter_bar(partner_id: int | None, staff: bool) -> Filters:
    """Draw the list's filters and sort; `partner_id` comes from the staff partner filter (None: all)."""
    cols = st.columns([3, 2, 3])
    with cols[0]:
        state = st.segmented_control("State", list(STATE_FILTERS), format_func=STATE_FILTERS.get, default="all",
                                     required=True, key="customers_state")
    with cols[1]:
        st.write("")  # line the toggle up with the labelled inputs
        attention = st.toggle("Needs attention only", key="customers_attention")
    with cols[2]:
        search = st.text_input("Search", placeholder="Name or domain", key="customers_search")
    return Filters(
        state=None if state in (None, "all") else state,
        needs_attention=True if attention else None,
        search=search.strip() or None,
        partner_id=partner_id,
        sort=sort_picker(staff),
    )


def sort_picker(staff: bool) -> str | None:
    """Column and direction, as the service's sort key ("-" in front for descending)."""
    columns = [c for c in SORT_COLUMNS if staff or c != "partner_name"]
    left, right, _ = st.columns([3, 3, 5])
    with left:
        column = st.selectbox("Sort by", columns, format_func=SORT_COLUMNS.get, key="customers_sort",)
    with right:
        direction = st.segmented_control("Order", ["asc", "desc"], default="asc", required=True,
                                         format_func={"asc": "Ascending", "desc": "Descending"}.get,
                                         key="customers_sort_dir")
    return f"-{column}" if direction == "desc" else column
