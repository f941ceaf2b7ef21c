"""Links from elsewhere (the home page's work inbox, notifications, emails) preset a page's filters once: the
query parameter is read into the widget's state and then taken out of the address, so the user's own changes
afterwards are not undone by a rerun."""

from __future__ import annotations

from collections.abc import Collection

import streamlit as st

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})


def linked_value(param: str) -> str | None:
    """The query parameter `param` once: its value, taken out of the address (None when absent)."""
    value = st.query_params.get(param)
    if value is not None:
        del st.query_params[param]
    return value


def preset_flag(param: str, key: str) -> None:
    """?param=1 (or true/yes/on) ticks the checkbox or toggle `key`; any other value unticks it."""
    value = linked_value(param)
    if value is not None:
        st.session_state[key] = value.strip().lower() in TRUE_WORDS


def preset_choice(param: str, key: str, allowed: Collection[str]) -> str | None:
    """?param=<choice> sets the widget `key` when the value is one of `allowed`; returns the value it set."""
    value = linked_value(param)
    if value is not None and value in allowed:
        st.session_state[key] = value
        return value
    return None
