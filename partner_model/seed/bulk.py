"""Bulk loading of generated columns through the DBAPI: executemany on SQLite, COPY on PostgreSQL.

A table is given as {column name: values}. Values are numpy arrays or lists in the seed's own
encoding, turned into what SQLAlchemy itself would have written, by the column's type in models.py:
- Date: day ordinals (datetime.date.toordinal()), 0 for NULL -> 'YYYY-MM-DD'
- UTCDateTime: int seconds since the Unix epoch (UTC), negative for NULL -> 'YYYY-MM-DD HH:MM:SS.ffffff'
  (SQLite, the text SQLAlchemy's DateTime writes) or with '+00:00' (PostgreSQL timestamptz)
- nullable Integer: negative for NULL; text and enums: str or None (enums as their value).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel
from tqdm import tqdm

from partner_model.seed import packed

Columns = dict[str, Any]
CHUNK = 50_000
PACK_MIN = 100_000  # below this, the packed lane's setup is not worth it
_EPOCH = dt.date(1970, 1, 1).toordinal()
_TIMES = [f" {h:02d}:{m:02d}:{s:02d}.000000" for h in range(24) for m in range(60) for s in range(60)]


class DayText:
    """ISO text of day ordinals through one lookup table (str() per row would dominate the load)."""

    def __init__(self, first: int, last: int) -> None:
        self.first = first
        self.text: list[str | None] = [dt.date.fromordinal(d).isoformat() for d in range(first, last + 1)]

    def dates(self, ordinals: np.ndarray) -> list[str | None]:
        text = self.text
        return [None if d == 0 else text[d - self.first] for d in ordinals.tolist()]

    def datetimes(self, seconds: np.ndarray, suffix: str) -> list[str | None]:
        days, times = np.divmod(seconds, 86400)
        text, first = self.text, self.first - _EPOCH
        return [None if s < 0 else f"{text[d - first]}{_TIMES[t]}{suffix}"
                for s, d, t in zip(seconds.tolist(), days.tolist(), times.tolist(), strict=True)]


def _convert(column: sa.Column, values: Any, days: DayText, postgres: bool) -> list[Any]:
    kind = column.type.__class__.__name__
    if isinstance(values, packed.Coded):
        return values.text()
    if kind == "Date":
        return days.dates(np.asarray(values))
    if kind == "UTCDateTime":
        return days.datetimes(np.asarray(values), "+00:00" if postgres else "")
    if isinstance(values, np.ndarray):
        if values.dtype.kind in "iu" and column.nullable:
            return [None if v < 0 else v for v in values.tolist()]
        return values.tolist()
    return list(values)


def _length(columns: Columns) -> int:
    lengths = {len(v) for v in columns.values()}
    if len(lengths) != 1:
        raise ValueError(f"Columns of different lengths: {lengths}")
    return lengths.pop()


class Loader:
    """Writes tables in one transaction on one raw DBAPI connection, with a shared progress bar."""

    def __init__(self, dbapi: Any, dialect: sa.Dialect, days: DayText, bar: tqdm) -> None:
        self.dbapi, self.dialect, self.days, self.bar = dbapi, dialect, days, bar
        self.postgres = dialect.name == "postgresql"
        self.counts: dict[str, int] = {}
        self.explicit_ids: set[str] = set()

    def write(self, table_name: str, columns: Columns, then: sa.Executable | None = None) -> None:
        """Insert the rows; `then` (e.g. an UPDATE deriving columns) runs before the indexes are rebuilt."""
        table = SQLModel.metadata.tables[table_name]
        unknown = set(columns) - set(table.c.keys())
        if unknown:
            raise KeyError(f"{table_name} has no columns {sorted(unknown)}")
        missing = [c.name for c in table.c if c.name not in columns and not c.nullable and not c.primary_key
                   and c.server_default is None]
        if missing:
            raise KeyError(f"{table_name}: values needed for {missing}")
        total = _length(columns)
        self.bar.set_description(table_name)
        if self.bar.n + total > (self.bar.total or 0):  # the total was an estimate
            self.bar.total = self.bar.n + total
            self.bar.refresh()
        # Building an index once from all rows beats updating it row by row (several times over for deal).
        indexes = self._drop_indexes(table_name)
        fields = None if self.postgres or total < PACK_MIN else packed.plan(table, columns, self.days.first)
        if fields is not None:
            packed.write(self.dbapi, table, fields, self.days.text, self.bar)
        else:
            self._write_rows(table, columns, total)
        if then is not None:
            self._execute(then)
        self._create_indexes(indexes)
        self.counts[table_name] = self.counts.get(table_name, 0) + total
        if "id" in columns:
            self.explicit_ids.add(table_name)

    def _write_rows(self, table: sa.Table, columns: Columns, total: int) -> None:
        names = list(columns)
        for start in range(0, total, CHUNK):
            rows = zip(*(_convert(table.c[n], columns[n][start:start + CHUNK], self.days, self.postgres)
                         for n in names), strict=True)
            self._insert(table.name, names, rows)
            self.bar.update(min(CHUNK, total - start))

    def _insert(self, table_name: str, names: Sequence[str], rows: Iterator[tuple[Any, ...]]) -> None:
        quoted = ", ".join(f'"{n}"' for n in names)
        cursor = self.dbapi.cursor()
        try:
            if self.postgres:
                with cursor.copy(f'COPY "{table_name}" ({quoted}) FROM STDIN') as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join("?" * len(names))
                cursor.executemany(f'INSERT INTO "{table_name}" ({quoted}) VALUES ({marks})', rows)
        finally:
            cursor.close()

    def _execute(self, statement: sa.Executable) -> None:
        """A SQLAlchemy statement on the load's own connection (values inlined: it runs once)."""
        sql = str(statement.compile(dialect=self.dialect, compile_kwargs={"literal_binds": True}))
        cursor = self.dbapi.cursor()
        cursor.execute(sql)
        cursor.close()

    def _drop_indexes(self, table_name: str) -> list[tuple[str, str]]:
        """Drop the table's plain indexes (not those behind keys and unique constraints); return their DDL.

        The DDL comes from the database itself, so what is recreated is exactly what the migrations made.
        """
        cursor = self.dbapi.cursor()
        if self.postgres:
            cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
                           "AND tablename = %s AND indexname NOT IN (SELECT conname FROM pg_constraint)",
                           (table_name,))
        else:
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
                           "AND sql IS NOT NULL", (table_name,))
        indexes = [(name, ddl) for name, ddl in cursor.fetchall()]
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.close()
        return indexes

    def _create_indexes(self, indexes: list[tuple[str, str]]) -> None:
        cursor = self.dbapi.cursor()
        for _, ddl in indexes:
            cursor.execute(ddl)
        cursor.close()

    def analyze(self) -> None:
        """Fresh planner statistics: without them SQLite picks the review-status index over the far more
        selective domain index for the review queue's hints, and reads most of the deals (1 s instead of 15 ms)."""
        self.bar.set_description("analyze")
        cursor = self.dbapi.cursor()
        if not self.postgres:
            cursor.execute("PRAGMA analysis_limit=1000")  # sampled statistics: enough for the planner, 10x faster
        cursor.execute("ANALYZE")
        cursor.close()

    def reset_sequences(self) -> None:
        """PostgreSQL: rows came with their ids, so move each id sequence past them."""
        if not self.postgres:
            return
        cursor = self.dbapi.cursor()
        for name in sorted(self.explicit_ids):
            sequence = f"pg_get_serial_sequence('\"{name}\"', 'id')"
            cursor.execute(f'SELECT setval({sequence}, (SELECT MAX(id) FROM "{name}"))')
        cursor.close()


def is_empty(engine: Engine) -> bool:
    """True when no table of the model holds a row (the Alembic bookkeeping does not count)."""
    with engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            if conn.execute(sa.select(sa.literal(1)).select_from(table).limit(1)).first() is not None:
                return False
    return True


@contextmanager
def loading(engine: Engine, days: DayText, total_rows: int, progress: bool) -> Iterator[Loader]:
    """One transaction for the whole load, so a failed seed leaves the database empty.

    SQLite: foreign-key checks and fsync are off during the load and the rollback journal replaces WAL
    (pages appended to a new file need no journal copy; WAL would write every page twice); all are
    restored after.
    """
    raw = engine.raw_connection()
    dbapi = raw.driver_connection
    bar = tqdm(total=total_rows, unit="rows", unit_scale=True, disable=not progress, smoothing=0.1)
    try:
        if engine.dialect.name == "postgresql":
            yield from _postgres(Loader(dbapi, engine.dialect, days, bar))
        else:
            yield from _sqlite(Loader(dbapi, engine.dialect, days, bar))
    finally:
        bar.close()
        raw.close()


def _postgres(loader: Loader) -> Iterator[Loader]:
    dbapi = loader.dbapi
    try:
        yield loader
        loader.reset_sequences()
        loader.analyze()
        dbapi.commit()
    except BaseException:
        dbapi.rollback()
        raise


def _sqlite(loader: Loader) -> Iterator[Loader]:
    dbapi = loader.dbapi
    dbapi.commit()
    isolation = dbapi.isolation_level
    dbapi.isolation_level = None  # explicit BEGIN/COMMIT below
    journal = dbapi.execute("PRAGMA journal_mode").fetchone()[0]
    # threads: CREATE INDEX may sort on a second core.
    for pragma in ("foreign_keys=OFF", "synchronous=OFF", "journal_mode=DELETE", "cache_size=-400000",
                   "temp_store=MEMORY", "threads=2"):
        dbapi.execute(f"PRAGMA {pragma}")
    try:
        dbapi.execute("BEGIN")
        yield loader
        loader.analyze()
        dbapi.execute("COMMIT")
    except BaseException:
        dbapi.execute("ROLLBACK")
        raise
    finally:
        for pragma in (f"journal_mode={journal}", "synchronous=NORMAL", "foreign_keys=ON", "cache_size=-2000",
                       "temp_store=DEFAULT", "threads=0"):
            dbapi.execute(f"PRAGMA {pragma}")
        dbapi.isolation_level = isolation
