"""The home page's tiles: one count (or amount), a line of detail and a link that opens the page filtered.

Every figure comes from the domain API; a tile only writes it in the reader's words and formats.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import streamlit as st
from babel.numbers import format_decimal

from pages.components.frame.access import PAGES
from pages.components.frame.data import attempt
from pages.components.frame.errors import show_error
from pages.components.frame.translate import fmt

PER_ROW = 3  # tiles side by side (an amount such as "EUR 1,234,567.89" fits); more wrap onto the next row


def money(totals: Mapping[str, Decimal]) -> str:
    """Amounts per currency in the reader's format, each with its code, zero too ("EUR 12,000.00 · SEK 0.00" in
    English); only with no currency at all 0.00 alone."""
    return " · ".join(amounts(totals))


def zero() -> str:
    """No money at all, in no currency: 0.00 with the reader's decimal mark."""
    return format_decimal(Decimal("0.00"), format="#,##0.00", locale=fmt().locale)


def query_params(filters: Mapping[str, Any]) -> dict[str, str]:
    """A work item's filters as a link's query parameters: text values as they are, True/False as "1"/"0"."""
    params: dict[str, str] = {}
    for name, value in filters.items():
        if value is None:
            continue
        params[name] = ("1" if value else "0") if isinstance(value, bool) else str(value)
    return params


def run(action: Callable[[Any], Any]) -> Any:
    """`action(session)` in its own session; on a domain error the error is shown and None returned."""
    result, error = attempt(action)
    if error is not None:
        show_error(error)
    return result


def tile(title: str, value: str, page: str, link_text: str, detail: str = "", *,
         filters: Mapping[str, Any] | None = None, badge: str = "", amounts: Sequence[str] = ()) -> None:
    """One bordered tile: `title` in bold, then `value` (a count) large, or with `amounts` (money, one per currency)
    each amount large instead; `detail` below, then the link to `page` with `filters` as query parameters.

    The title is Markdown that wraps, and amounts are headings that wrap: Streamlit cuts a metric's label and value
    at its width, and a tile is narrow ("Partner ohne Rechnungsinformationen", "EUR 12,345.00 · SEK 800.00").
    Texts come translated; a title or detail holding typed text comes escaped (md)."""
    with st.container(border=True, height="stretch"):  # tiles in a row share one height
        head(title)
        if amounts:
            for amount in amounts:
                st.subheader(amount, anchor=False)
        else:
            st.metric(title, value, label_visibility="collapsed")
        if badge:
            st.badge(badge, color="red", icon=":material/schedule:")
        if detail:
            st.caption(detail)
        st.page_link(PAGES[page].path, label=link_text, icon=PAGES[page].icon,
                     query_params=query_params(filters or {}))


def head(title: str) -> None:
    """A tile's title (translated; Markdown, so it wraps instead of being cut)."""
    st.markdown(f"**{title}**")


def amounts(totals: Mapping[str, Decimal]) -> list[str]:
    """One amount per currency with its code, "EUR 4,710.00"; no currency at all: ["0.00"]."""
    return [fmt().money(amount, currency) for currency, amount in sorted(totals.items())] or [zero()]


def grid(tiles: Sequence[Callable[[], None]], per_row: int = PER_ROW) -> None:
    """The tiles in rows of `per_row` (a short last row keeps the tiles' width)."""
    for start in range(0, len(tiles), per_row):
        for column, draw in zip(st.columns(per_row), tiles[start:start + per_row], strict=False):
            with column:
                draw()


def section(title: str) -> None:
    """A heading above a group of tiles (translated by the caller)."""
    st.header(title, divider="gray", anchor=False)
