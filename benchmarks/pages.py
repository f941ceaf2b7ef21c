"""Whole page runs, as a staff user sees them: Streamlit's AppTest runs the page file over the large database.

A page run is the script from the guard to its last widget (the first run of each page, which builds the
engine and the caches, is a warm-up the runner's repeats absorb).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from streamlit.testing.v1 import AppTest

from benchmarks.context import Context

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_apps: dict[str, AppTest] = {}


def page_run(page: str) -> Callable[[Context], Any]:
    def run(ctx: Context) -> Any:
        os.environ["DATABASE_URL"] = str(ctx.engine.url)
        app = _apps.get(page)
        if app is None:  # one browser session per page: later calls are reruns, as a user's clicks are
            app = AppTest.from_file(os.path.join(ROOT, "dashboard.py"), default_timeout=120)
            app.session_state["user_id"] = ctx.staff.id
            app.switch_page(f"pages/{page}.py")
            _apps[page] = app
        app.run()
        if app.exception:
            raise RuntimeError(f"{page}: {app.exception[0].value}")
        return None

    return run


# The page and its p50 target for a staff user on the large program (issues 4, 5 and 6).
PAGES = {"customers": 400.0, "deal_board": 500.0, "review_queue": 500.0, "commissions": 300.0}
