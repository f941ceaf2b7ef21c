"""SQLite's fast lane for tall, narrow tables: a whole row packed into one integer.

executemany pays Python's per-row price (a tuple, three bindings, a statement step); for the
5,000,000 activity events that dominates the seed. When every column is an integer, a date or a
small vocabulary, the rows travel as one JSON array of integers and SQLite unpacks them itself
(json_each, shifts, and joins to tiny lookup tables): about half the time per row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import sqlalchemy as sa

PACK_CHUNK = 1_000_000


@dataclass
class Coded:
    """A text column given as integer codes into `values` (its vocabulary)."""

    codes: np.ndarray
    values: list[str]

    def __len__(self) -> int:
        return len(self.codes)

    def __getitem__(self, part: slice) -> Coded:
        return Coded(self.codes[part], self.values)

    def text(self) -> list[str]:
        return np.array(self.values, dtype=object)[self.codes].tolist()


def _field(column: sa.Column, values: Any, first_day: int) -> tuple[np.ndarray, int, list[str] | None] | None:
    """(unsigned codes, bit width, vocabulary) of a packable column, else None."""
    kind = column.type.__class__.__name__
    if isinstance(values, Coded):
        return values.codes.astype(np.int64), max(1, (len(values.values) - 1).bit_length()), values.values
    if not isinstance(values, np.ndarray) or values.dtype.kind not in "iu" or len(values) == 0:
        return None
    codes = values.astype(np.int64) - (first_day if kind == "Date" else 0)
    if codes.min() < 0 or kind not in ("Date", "Integer", "BigInteger"):
        return None  # NULLs (negative codes) and other types take the ordinary path
    return codes, max(1, int(codes.max()).bit_length()), None


def plan(table: sa.Table, columns: dict[str, Any], first_day: int) -> list[tuple[str, np.ndarray, int, Any]] | None:
    """Each column's (name, codes, bits, vocabulary), or None when the rows do not fit in 62 bits."""
    fields = []
    for name, values in columns.items():
        field = _field(table.c[name], values, first_day)
        if field is None:
            return None
        fields.append((name, *field))
    return fields if sum(f[2] for f in fields) <= 62 else None


def write(dbapi: Any, table: sa.Table, fields: list[tuple[str, np.ndarray, int, Any]], day_text: list[str | None],
          progress: Any) -> None:
    """Insert the rows described by `fields` (see plan) through json_each, a million at a time."""
    dbapi.execute("CREATE TEMP TABLE IF NOT EXISTS seed_day (i INTEGER PRIMARY KEY, text TEXT)")
    if dbapi.execute("SELECT count(*) FROM temp.seed_day").fetchone()[0] == 0:
        dbapi.executemany("INSERT INTO temp.seed_day VALUES (?, ?)", enumerate(day_text))
    packed = np.zeros(len(fields[0][1]), dtype=np.int64)
    selects, joins, shift = [], [], 0
    for i, (name, codes, bits, vocabulary) in enumerate(fields):
        packed |= codes << shift
        code = f"((j.value >> {shift}) & {(1 << bits) - 1})"
        if vocabulary is not None:
            dbapi.execute(f"CREATE TEMP TABLE seed_v{i} (i INTEGER PRIMARY KEY, text TEXT)")
            dbapi.executemany(f"INSERT INTO temp.seed_v{i} VALUES (?, ?)", enumerate(vocabulary))
            joins.append(f"CROSS JOIN temp.seed_v{i} v{i} ON v{i}.i = {code}")
            selects.append(f"v{i}.text")
        elif table.c[name].type.__class__.__name__ == "Date":
            joins.append(f"CROSS JOIN temp.seed_day d{i} ON d{i}.i = {code}")
            selects.append(f"d{i}.text")
        else:
            selects.append(code)
        shift += bits
    # CROSS JOIN keeps json_each the outer loop: rows go in in array order, lookups by primary key.
    quoted = ", ".join(f'"{f[0]}"' for f in fields)
    sql = f'INSERT INTO "{table.name}" ({quoted}) SELECT {", ".join(selects)} FROM json_each(?) j {" ".join(joins)}'
    for start in range(0, len(packed), PACK_CHUNK):
        part = packed[start:start + PACK_CHUNK]
        dbapi.execute(sql, ("[" + ",".join(map(str, part.tolist())) + "]",))
        progress.update(len(part))
    for i, field in enumerate(fields):
        if field[3] is not None:
            dbapi.execute(f"DROP TABLE temp.seed_v{i}")
