"""Issue 19: /metrics has each page's run count and run durations (partner_page_run_seconds) from real runs."""

from __future__ import annotations

import re
import urllib.request

from e2e_support import open_page, sign_in


def _metric(base: str, name: str, page: str) -> float:
    with urllib.request.urlopen(f"{base}/metrics", timeout=10) as answer:
        text = answer.read().decode()
    found = re.search(rf'^{name}{{page="{page}"}} (\S+)$', text, re.M)
    return float(found.group(1)) if found else 0.0


def test_page_runs_are_counted_and_timed_by_page(server, page):  # type: ignore[no-untyped-def]
    before = _metric(server.url, "partner_page_run_seconds_count", "customers")
    sign_in(page, server.url, "partner_user")
    open_page(page, "Customers", "customers")
    runs = _metric(server.url, "partner_page_run_seconds_count", "customers")
    assert runs >= before + 1
    assert _metric(server.url, "partner_page_runs_total", "customers") >= runs
    assert _metric(server.url, "partner_page_run_seconds_sum", "customers") > 0
