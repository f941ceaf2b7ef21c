"""Structured logs: one JSON object per line on stderr (python-json-logger), each with the id of the run it belongs
to: an HTTP request to the API, a command-line run, a daily job. Loggers are named under "partner" (e.g.
"partner.api", "partner.daily"); a log collector groups a run's lines by `run_id`.
"""

from __future__ import annotations

import contextvars
import logging
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

from pythonjsonlogger.json import JsonFormatter

_RUN = contextvars.ContextVar("partner_run_id", default="-")
ROOT = "partner"


class _RunId(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.run_id = _RUN.get()
        return True


def configure(stream: IO[str] | None = None, level: int = logging.INFO) -> logging.Handler:
    """Send the "partner" loggers' records to `stream` (stderr) as JSON lines; once per process (a second call
    replaces the handler). Returns the handler."""
    logger = logging.getLogger(ROOT)
    for old in [h for h in logger.handlers if getattr(h, "partner_json", False)]:
        logger.removeHandler(old)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.partner_json = True  # type: ignore[attr-defined]
    handler.addFilter(_RunId())
    handler.setFormatter(JsonFormatter("{asctime}{levelname}{name}{message}{run_id}", style="{",
                                       rename_fields={"asctime": "time", "levelname": "level", "name": "logger"}))
    logger.addHandler(handler)
    logger.setLevel(level)
    logger.propagate = False
    return handler


@contextmanager
def run(run_id: str | None = None) -> Iterator[str]:
    """Everything logged inside carries this run id (a new one unless given, e.g. a request's X-Request-Id)."""
    token = _RUN.set((run_id or uuid.uuid4().hex[:16])[:64])
    try:
        yield _RUN.get()
    finally:
        _RUN.reset(token)


def get(name: str) -> logging.Logger:
    """A logger under "partner" ("api" -> "partner.api")."""
    return logging.getLogger(f"{ROOT}.{name}")
