"""Backfill the product feed from a file: the same events as POST /api/v1/events, one per line as JSON Lines, or
as CSV rows (a column per field, `account.external_id` and `account.domain` for the account; an empty cell is
a field left out). Applied in batches of 1,000 through feed.apply_batch (one commit each), so a repeated run
repeats nothing; refused events are written to a report with their line, id, field and reason.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from partner_model import db, feed
from partner_model.errors import N_, ValidationError

REPORT_COLUMNS = ["line", "event_id", "field", "message"]


@dataclass
class IngestResult:
    applied: int = 0
    repeated: int = 0
    refused: int = 0
    report: Path | None = None


def _nested(row: dict[str, str]) -> dict[str, Any]:
    """A CSV row as an event: dotted columns nest ("account.domain"), empty cells are left out."""
    event: dict[str, Any] = {}
    for column, value in row.items():
        if column is None or value is None or value == "":
            continue
        into = event
        *parents, last = column.strip().split(".")
        for parent in parents:
            into = into.setdefault(parent, {})
        into[last] = value
    return event


def read_events(path: Path, kind: str) -> Iterator[tuple[int, object]]:
    """(line number, raw event) of a JSON Lines or CSV file: a CSV row as an event object, a JSON line as its text
    (feed.parse_line validates it without decoding it first)."""
    with path.open(encoding="utf-8", newline="") as handle:
        if kind == "csv":
            for number, row in enumerate(csv.DictReader(handle), start=2):  # line 1 holds the headings
                yield number, _nested(row)
            return
        for number, line in enumerate(handle, start=1):
            if line.strip():
                yield number, line


def _count_lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))


def _kind(path: Path, given: str | None) -> str:
    kind = (given or path.suffix.lstrip(".")).lower()
    kind = {"jsonl": "jsonl", "ndjson": "jsonl", "json": "jsonl", "csv": "csv"}.get(kind, kind)
    if kind not in ("jsonl", "csv"):
        raise ValidationError("format", N_("The file must be JSON Lines (.jsonl) or CSV (.csv)."))
    return kind


def _chunks(lines: Iterator[tuple[int, object]], size: int) -> Iterator[list[tuple[int, object]]]:
    chunk: list[tuple[int, object]] = []
    for item in lines:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _event_id(raw: object) -> str:
    """The event id of a refused event, when it has one (a JSON line is decoded for it)."""
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError:
            return ""
    value = raw.get("event_id", "") if isinstance(raw, dict) else ""
    return value if isinstance(value, str) else str(value)


def ingest(engine: Engine, path: Path, *, kind: str | None = None, report: Path | None = None,
           progress: bool = True, batch_size: int = feed.MAX_BATCH) -> IngestResult:
    """Apply every event of the file; returns the counts, and the report's path when some were refused (default
    `<file>.refused.csv`). Raises ValidationError (format) for a file that is neither JSON Lines nor CSV."""
    from tqdm import tqdm

    kind = _kind(path, kind)
    report = report or path.with_suffix(path.suffix + ".refused.csv")
    result = IngestResult()
    refusals: list[list[object]] = []
    bar = tqdm(total=_count_lines(path), unit=" lines", unit_scale=True, desc="events", disable=not progress)

    def write(chunk: list[tuple[int, object]], parsed: feed.Parsed) -> None:
        with db.session(engine) as session:
            answer = feed.apply_batch(session, parsed)
        result.applied += answer.applied
        result.repeated += answer.repeated
        for refusal in answer.refused:
            line, raw = chunk[refusal.index]
            refusals.append([line, _event_id(raw), refusal.field, refusal.message])
        bar.update(chunk[-1][0] - bar.n)

    # On PostgreSQL the server stores a batch while this process validates the next one (a thread that mostly
    # waits for the server); SQLite stores in this process, where a second thread only contends for it.
    with ThreadPoolExecutor(max_workers=1) as writer:
        pending: Future[None] | None = None
        for chunk in _chunks(read_events(path, kind), batch_size):
            parsed = feed.parse_batch([raw for __, raw in chunk], lines=kind == "jsonl")
            if pending is not None:
                pending.result()
            pending = writer.submit(write, chunk, parsed)
            if engine.dialect.name != "postgresql":
                pending.result()
        if pending is not None:
            pending.result()
    bar.update(max(0, bar.total - bar.n))
    bar.close()
    result.refused = len(refusals)
    if refusals:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(REPORT_COLUMNS)
        writer.writerows(sorted(refusals, key=lambda r: r[0]))  # type: ignore[arg-type,return-value]
        report.write_text(buffer.getvalue(), encoding="utf-8")
        result.report = report
    return result
