"""How a DomainError reaches the screen: in the reader's language, next to the field or action it is about."""

from __future__ import annotations

from typing import Any

import streamlit as st

from pages.components.frame.translate import error_text
from partner_model.errors import DomainError


def show_error(error: DomainError, where: Any = None) -> None:
    """Show a domain error in the reader's language: its message is meant for the user."""
    (where or st).error(error_text(error), icon=":material/error:")


class FieldErrors:
    """Placeholders under form fields, so a ValidationError appears next to the field it names."""

    def __init__(self) -> None:
        self._slots: dict[str, Any] = {}

    def slot(self, field: str) -> None:
        """Reserve the place under the input just drawn for `field`'s error."""
        self._slots[field] = st.empty()

    def show(self, error: DomainError) -> None:
        target = self._slots.get(getattr(error, "field", None) or "")
        show_error(error, target)
