"""What an operator watches, in the Prometheus text format (GET /metrics, served by api/): page runs by page,
write-service calls by name and their duration, sign-ins and their failures, product feed events by outcome, and
the outboxes' depth (emails and calls to the product due, and given up) read from the database at each scrape.

The counters live in this process (one app server); Prometheus scrapes every server and sums.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector


def _metric(kind: Any, name: str, documentation: str, labels: list[str], **options: Any) -> Any:
    """The metric `name`, made once per process: Streamlit's file watcher may import this module again during
    development, and the registry refuses a second metric of the same name."""
    existing = REGISTRY._names_to_collectors.get(name)  # noqa: SLF001  (no public lookup by name)
    return existing if existing is not None else kind(name, documentation, labels, **options)


PAGE_RUNS = _metric(Counter, "partner_page_runs", "Page runs (each rerun of a page's script), by page", ["page"])
PAGE_SECONDS = _metric(Histogram, "partner_page_run_seconds", "Page run duration on the server, by page", ["page"],
                       buckets=(0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 1.5, 2.5, 5.0, 10.0))
SERVICE_CALLS = _metric(Counter, "partner_service_calls", "Write-service calls, by service and outcome (ok, "
                        "refused, error)", ["service", "outcome"])
SERVICE_SECONDS = _metric(Histogram, "partner_service_seconds", "Write-service call duration, by service",
                          ["service"], buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0))
SIGN_INS = _metric(Counter, "partner_sign_ins", "Sign-in attempts, by result (success, failure)", ["result"])
FEED_EVENTS = _metric(Counter, "partner_feed_events", "Product feed events, by outcome (applied, repeated, "
                      "refused)", ["outcome"])

CONTENT_TYPE = CONTENT_TYPE_LATEST


def signed_in(success: bool) -> None:
    SIGN_INS.labels("success" if success else "failure").inc()


def feed_batch(applied: int, repeated: int, refused: int) -> None:
    for outcome, count in (("applied", applied), ("repeated", repeated), ("refused", refused)):
        if count:
            FEED_EVENTS.labels(outcome).inc(count)


class OutboxCollector(Collector):
    """The outboxes' depth, counted when Prometheus scrapes: emails pending or failed, product calls pending or
    failed (a rising "pending" means the sender is not running)."""

    def __init__(self) -> None:
        self.engine: Any = None

    def collect(self) -> Iterator[GaugeMetricFamily]:
        if self.engine is None:
            return
        from partner_model.models import Notification, ProductCall

        family = GaugeMetricFamily("partner_outbox_depth", "Outbox rows by outbox and state", labels=["outbox",
                                                                                                     "state"])
        try:
            with self.engine.connect() as conn:
                for outbox, table, column in (("email", Notification.__table__, "mail_state"),
                                              ("product_call", ProductCall.__table__, "state")):
                    state = table.c[column]
                    for value in ("pending", "failed"):
                        count = conn.execute(sa.select(sa.func.count()).select_from(table).where(state == value))
                        family.add_metric([outbox, value], float(count.scalar_one()))
        except sa.exc.SQLAlchemyError:
            return  # the database is away: /readyz says so; the other metrics still answer
        yield family


OUTBOX = OutboxCollector()
for _collector in list(REGISTRY._collector_to_names):  # noqa: SLF001  (one outbox collector, even on a re-import)
    if type(_collector).__name__ == "OutboxCollector":
        REGISTRY.unregister(_collector)
REGISTRY.register(OUTBOX)


def exposition(engine: Any) -> bytes:
    """Every metric as the Prometheus text format; the outbox gauges read through `engine`."""
    OUTBOX.engine = engine
    return generate_latest(REGISTRY)
