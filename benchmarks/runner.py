"""Timing: p50 and p95 of each scenario's service call, the naive way's p50, their ratio, and whether they agree."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from benchmarks.context import Context
from benchmarks.scenarios import Scenario

GOAL_MS = 200.0  # every page's call at most this at p50 ...
GOAL_RATIO = 10.0  # ... and at least this many times faster than the naive way


@dataclass
class Result:
    name: str
    p50: float
    p95: float
    naive_p50: float | None
    same: bool | None
    goal_ms: float = GOAL_MS

    @property
    def ratio(self) -> float | None:
        return None if self.naive_p50 is None else self.naive_p50 / self.p50

    @property
    def meets_goal(self) -> bool:
        return self.p50 <= self.goal_ms and (self.ratio is None or self.ratio >= GOAL_RATIO)


def _timed(call: Callable[[Context], Any], ctx: Context, repeat: int, *, warm_up: bool) -> tuple[list[float], Any]:
    """Milliseconds per call, and the first call's answer. The service path gets one untimed call first
    (statement and page caches, as on a page already open); the naive path has nothing to warm."""
    answer = call(ctx) if warm_up else None
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = call(ctx)
        times.append((time.perf_counter() - started) * 1000)
        answer = result if answer is None else answer
    return times, answer


def run(scenario: Scenario, ctx: Context, repeat: int, naive_repeat: int) -> Result:
    times, answer = _timed(scenario.fast, ctx, repeat, warm_up=True)
    naive_p50 = same = None
    if scenario.naive is not None and naive_repeat > 0:  # 0: the service path only (no naive comparison)
        naive_times, expected = _timed(scenario.naive, ctx, naive_repeat, warm_up=False)
        naive_p50, same = float(np.percentile(naive_times, 50)), answer == expected
    return Result(scenario.name, float(np.percentile(times, 50)), float(np.percentile(times, 95)), naive_p50, same,
                  scenario.goal_ms or GOAL_MS)


def table(results: Iterable[Result]) -> str:
    """A Markdown table, so the figures paste into the README as they are."""
    lines = ["| scenario | p50 ms | p95 ms | naive p50 ms | ratio | same answer | goal |",
             "| --- | ---: | ---: | ---: | ---: | :---: | :---: |"]
    for r in results:
        naive = "-" if r.naive_p50 is None else f"{r.naive_p50:,.0f}"
        ratio = "-" if r.ratio is None else f"{r.ratio:,.0f}x"
        same = "-" if r.same is None else ("yes" if r.same else "NO")
        lines.append(f"| {r.name} | {r.p50:,.1f} | {r.p95:,.1f} | {naive} | {ratio} | {same} | "
                     f"{'met' if r.meets_goal else 'MISSED'} |")
    return "\n".join(lines)
