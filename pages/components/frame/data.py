"""The engine and one short-lived session per action (errors.py shows what an action refused).

Never keep a session in st.session_state or a cache: only the engine (a pool) is cached.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import streamlit as st

from partner_model import customers, db
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
    # The day's derived values are made once as the process starts (cheap when the daily job ran), then kept by a
    # background thread when the day changes: pages read them as stored (refresh=False) and never wait for it.
    with db.session(engine) as s:
        customers.refresh_day_caches(s)
    threading.Thread(target=_keep_fresh, args=(engine,), name="day-caches", daemon=True).start()
    return engine


def _keep_fresh(engine: Any, every_seconds: float = 300) -> None:
    """Refresh the per-day values when the business day changes (the daily job usually did already)."""
    while True:
        time.sleep(every_seconds)
        try:
            with db.session(engine) as s:
                customers.refresh_day_caches(s)
        except Exception:  # noqa: BLE001  (an engine disposed by a test or a database going away: stop quietly)
            return


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
