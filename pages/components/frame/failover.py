"""After failover, the user's first click runs the page.

Behind a proxy with several app servers (deploy/), a browser whose server went away reconnects to another one,
which opens a new session for it. Streamlit reruns a page on reconnect only when a run was cut off, so the new
session has run nothing yet; when the user's next click is on a widget inside a fragment (the pages' filters are),
the browser asks for a rerun of that fragment alone, which the new session does not know: Streamlit drops the
request, and every click inside a fragment does nothing until the user reloads. This turns such a request, on a
session that holds no fragment at all, into a run of the whole page (with the widget values the browser sent), which
is what a fresh session needs. A session that has run the page keeps Streamlit's own handling.
"""

from __future__ import annotations

import functools
from typing import Any

from streamlit.runtime.app_session import AppSession

_INSTALLED = "_partner_failover_installed"


def _holds_no_fragment(session: AppSession) -> bool:
    fragments = getattr(session._fragment_storage, "_fragments", None)  # noqa: SLF001
    return isinstance(fragments, dict) and not fragments


def install() -> None:
    """Patch AppSession.request_rerun once per process (app.py calls this)."""
    if getattr(AppSession, _INSTALLED, False):
        return
    original = AppSession.request_rerun

    @functools.wraps(original)
    def request_rerun(self: AppSession, client_state: Any) -> None:
        if client_state is not None and client_state.fragment_id and not self.has_fragment(
                client_state.fragment_id) and _holds_no_fragment(self):
            client_state.fragment_id = ""  # the whole page: this session has run nothing yet
        original(self, client_state)

    AppSession.request_rerun = request_rerun  # type: ignore[method-assign]
    setattr(AppSession, _INSTALLED, True)
