"""A message kept for the next run: an action that changes what the page shows saves, stores its outcome here and
reruns, so the page is drawn again from the rows as they are now (no stale warning beside the success) and the
outcome shows where the action was."""

from __future__ import annotations

from typing import Any

import streamlit as st

from pages.components.frame.errors import FieldErrors, show_error
from partner_model.errors import DomainError

_PREFIX = "admin_flash_"


def keep(name: str, outcome: str | DomainError) -> None:
    """Remember `outcome` (a success message in Markdown, or a DomainError) for the next run's show(name)."""
    st.session_state[_PREFIX + name] = outcome


def show(name: str, where: Any = None) -> None:
    """Show, once, what keep(name, ...) remembered."""
    outcome = st.session_state.pop(_PREFIX + name, None)
    if isinstance(outcome, DomainError):
        show_error(outcome, where)
    elif outcome is not None:
        (where or st).success(outcome, icon=":material/check:")


def forget(*keys: str) -> None:
    """Drop widgets' values, so the next run draws them empty (a form cleared after it was saved)."""
    for key in keys:
        st.session_state.pop(key, None)


def done(name: str, outcome: str | DomainError, *clear: str) -> None:
    """After an action: remember its outcome, clear the named widgets, and draw the page again."""
    keep(name, outcome)
    forget(*clear)
    st.rerun()


def field_errors(slots: FieldErrors, error: DomainError) -> None:
    """Every bad field's error under its own input: a ValidationError carries all of them in `.errors`."""
    for each in getattr(error, "errors", None) or [error]:
        slots.show(each)
