"""A message kept for the next run: an action that changes what the page shows saves, stores its outcome here and
reruns, so the page is drawn again from the rows as they are now (no stale warning beside the success) and the
outcome shows where the action was."""

from __future__ import annotations

from typing import Any

import streamlit as st

from pages.components.frame.errors import FieldErrors, show_error
from partner_model.errors import DomainError

_PREFIX = "admin_flash_"
_CLEAR_PREFIX = "admin_clear_"


def keep(name: str, outcome: str | DomainError) -> None:
    """Remember `outcome` (a success message in Markdown, or a DomainError) for the next run's show(name)."""
    st.session_state[_PREFIX + name] = outcome


def show(name: str, where: Any = None) -> None:
    """Show, once, what keep(name, ...) remembered, and empty the widgets done(name, ...) named. Call it before
    those widgets are drawn: only then may their values be set."""
    for key, value in st.session_state.pop(_CLEAR_PREFIX + name, {}).items():
        # Set, not deleted: a value set here is sent to the browser, which would otherwise keep what was typed.
        st.session_state[key] = value
    outcome = st.session_state.pop(_PREFIX + name, None)
    if isinstance(outcome, DomainError):
        show_error(outcome, where)
    elif outcome is not None:
        (where or st).success(outcome, icon=":material/check:")


def done(name: str, outcome: str | DomainError, clear: dict[str, object] | None = None) -> None:
    """After an action: remember its outcome, and the widgets to empty (key -> empty value) on the next run's
    show(name), and draw the page again."""
    keep(name, outcome)
    if clear:
        st.session_state[_CLEAR_PREFIX + name] = dict(clear)
    st.rerun()


def field_errors(slots: FieldErrors, error: DomainError) -> None:
    """Every bad field's error under its own input: a ValidationError carries all of them in `.errors`."""
    for each in getattr(error, "errors", None) or [error]:
        slots.show(each)
