"""How long each page run takes on the server, for /metrics (partner_page_run_seconds, by page).

A page's script runs in its session's script-runner thread: the run is timed around Streamlit's ScriptRunner
._run_script, and page_frame() names the page during the run (a thread-local read when it ends). Runs that never
reach page_frame (an error before it) are not timed. Installed once per process by app.py, like failover.py.
"""

from __future__ import annotations

import functools
import threading
import time
from typing import Any

from streamlit.runtime.scriptrunner.script_runner import ScriptRunner

from partner_model import metrics

_INSTALLED = "_partner_run_timer_installed"
_RUN = threading.local()


def page_started(page: str) -> None:
    """page_frame() tells which page this run is."""
    _RUN.page = page


def install() -> None:
    if getattr(ScriptRunner, _INSTALLED, False):
        return
    original = ScriptRunner._run_script  # noqa: SLF001

    @functools.wraps(original)
    def timed(self: ScriptRunner, rerun_data: Any) -> None:
        _RUN.page = None
        started = time.perf_counter()
        try:
            original(self, rerun_data)
        finally:
            page = getattr(_RUN, "page", None)
            if page is not None:
                metrics.PAGE_SECONDS.labels(page).observe(time.perf_counter() - started)

    ScriptRunner._run_script = timed  # type: ignore[method-assign]  # noqa: SLF001
    setattr(ScriptRunner, _INSTALLED, True)
