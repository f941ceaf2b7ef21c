"""The engine, one short-lived session per action, and how a DomainError reaches the screen.

Never keep a session in st.session_state or a cache: only the engine (a pool) is cached.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import streamlit as st

from partner_model import db
from partner_model.errors import DomainError

T = TypeVar("T")


def _dispose(engine: Any) -> None:
    engine.dispose()


@st.cache_resource(show_spinner=False, on_release=_dispose)
def _engine_for(url: str) -> Any:
    # Keyed by URL so tests (and a changed DATABASE_URL) never share an engine; migrating here
    # once per process and URL lets a fresh database work on first start.
    engine = db.make_engine(url)
    db.migrate(engine)
    return engine


def engine() -> Any:
    """The process-wide engine for DATABASE_URL (else data/partners.db), migrated to head."""
    return _engine_for(db.database_url())


@contextmanager
def session() -> Iterator[Any]:
    """One short-lived session for one user action or one read."""
    with db.session(engine()) as s:
        yield s


def attempt(action: Callable[[Any], T]) -> tuple[T | None, DomainError | None]:
    """Run `action(session)` in its own session: (result, None), or (None, the DomainError it raised).

    A service that raises has written nothing, so the caller only has to show the error.
    """
    try:
        with session() as s:
            return action(s), None
    except DomainError as error:
        return None, error


def show_error(error: DomainError, where: Any = None) -> None:
    """Show a domain error in the reader's language: its message is meant for the user."""
    from pages.components.frame.translate import error_text

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
