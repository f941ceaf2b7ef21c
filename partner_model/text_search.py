"""Free-text search on names, domains and contacts, on an index instead of a scan of every row.

A search matches its text anywhere in the searched columns, case-insensitively (rules.search_pattern).
`LIKE '%text%'` cannot use a B-tree index, so each dialect gets a trigram index (migration 0006):
- PostgreSQL: pg_trgm GIN indexes, which the planner uses for the same LIKE expressions;
- SQLite: an FTS5 table with the trigram tokenizer per searched table, kept in step by triggers,
  queried with a phrase (a phrase of trigrams is a substring match). Texts shorter than three
  characters have no trigram, so they fall back to LIKE.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from partner_model import rules

# The searched columns of each table, and whether each is compared lower-cased. Domains are stored lower-case,
# yet searched as lower(domain) too: their PostgreSQL trigram indexes are on that expression (migration 0018), so
# an equality lookup of many domains never takes a trigram index.
SEARCHED: dict[str, dict[str, bool]] = {
    "customer": {"name": True, "domain": True},
    "deal": {"company_name": True, "customer_domain": True, "contact_name": True},
}
MIN_TRIGRAM_LENGTH = 3


def fts_table(table: str) -> str:
    """The SQLite FTS5 table indexing `table`'s searched columns."""
    return f"{table}_search"


def matches(dialect: str, table: sa.Table, search: object, field: str = "search") -> sa.ColumnElement[bool] | None:
    """The condition "the search text is in one of `table`'s searched columns", None for a blank search.

    Raises ValidationError (`field`) for text that is not allowed (rules.clean_text).
    """
    text = rules.search_text(search, field)
    if text is None:
        return None
    columns = SEARCHED[table.name]
    if dialect == "sqlite" and len(text) >= MIN_TRIGRAM_LENGTH:
        phrase = '"' + text.replace('"', '""') + '"'
        hits = sa.text(f"SELECT rowid FROM {fts_table(table.name)} WHERE {fts_table(table.name)} MATCH :phrase")
        return table.c.id.in_(hits.bindparams(phrase=phrase).columns(sa.column("rowid", sa.Integer)))
    pattern = rules.search_pattern(text, field)
    likes: list[Any] = [
        (sa.func.lower(table.c[name]) if lowered else table.c[name]).like(pattern, escape="\\")
        for name, lowered in columns.items()
    ]
    return sa.or_(*likes)


def is_search_index(name: str | None, type_: str) -> bool:
    """Whether a schema object is one of migration 0006's search indexes, which the models do not describe.

    Alembic's autogenerate calls this (as include_object's test) so it never proposes dropping them.
    """
    if not name:
        return False
    if type_ == "table":
        return any(name == fts_table(t) or name.startswith(fts_table(t) + "_") for t in SEARCHED)
    return type_ == "index" and name.endswith("_trgm")


def include_object(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    """Alembic's include_object hook: everything but the search indexes."""
    return not is_search_index(name, type_)
