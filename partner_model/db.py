"""The engine, built in one place from DATABASE_URL, sessions, and migrations."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Engine
from sqlmodel import Session

from partner_model import clock, text_search
from partner_model.models import DIALECT_INDEXES

DEFAULT_URL = "sqlite:///data/partners.db"
MIGRATIONS = Path(__file__).parent / "migrations"


def database_url(url: str | None = None) -> str:
    """The URL to use: the argument, else DATABASE_URL, else the embedded SQLite file."""
    url = url or os.environ.get("DATABASE_URL") or DEFAULT_URL
    # psycopg 3 is the PostgreSQL driver; accept the plain scheme people paste.
    for plain in ("postgresql://", "postgres://"):
        if url.startswith(plain):
            return "postgresql+psycopg://" + url[len(plain):]
    return url


def make_engine(url: str | None = None) -> Engine:
    """An engine for `url` (else DATABASE_URL, else sqlite:///data/partners.db).

    SQLite gets WAL and foreign keys on every connection; its folder is created when missing.
    """
    url = database_url(url)
    if url.startswith("sqlite"):
        path = sa.engine.make_url(url).database
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # Timestamps are UTC whatever the server's own TimeZone: PostgreSQL casts an aware datetime into a
    # "timestamp without time zone" column through the session's zone.
    return sa.create_engine(url, pool_pre_ping=True, connect_args={"options": "-c timezone=UTC"})


def one_of(session: Session, column: sa.ColumnElement[Any], values: Iterable[Any]) -> sa.ColumnElement[bool]:
    """`column IN values`; on PostgreSQL `column = ANY(array)`, one parameter. psycopg prepares a statement run
    five times, and the server may then keep one generic plan for all runs: for an IN list of 1,000 parameters
    that plan compares every row with every value (seconds on a large table), where `= ANY($1)` walks the index."""
    values = list(values)
    if session.get_bind().dialect.name != "postgresql":
        return column.in_(values)
    return column == sa.any_(sa.bindparam(None, values, type_=postgresql.ARRAY(column.type)))


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
    # SQLite's own lower() folds ASCII only; searches fold Ä/ä, Ö/ö, Å/å, Ü/ü as PostgreSQL's lower() does.
    dbapi_connection.create_function("lower", 1, _lower, deterministic=True)
    # The business-zone date of a stored UTC time (SQLite has no time zones): a won deal's days to won count it.
    dbapi_connection.create_function("business_date", 1, _business_date, deterministic=True)


def _lower(value: object) -> object:
    return value.lower() if isinstance(value, str) else value


def _business_date(value: object) -> str | None:
    """'2026-11-30 22:30:00' (UTC, as SQLite stores it) -> '2026-12-01' in Europe/Helsinki; None stays None."""
    if not isinstance(value, str):
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return clock.local_date(moment).isoformat()


def serialize(session: Session, name: str) -> None:
    """Make the rest of this transaction run alone among transactions that serialize on `name`.

    PostgreSQL: a transaction-scoped advisory lock on the name. SQLite: the database's write lock, taken by a
    write now (every SQLite writer is serialized once it writes), so the reads that follow see the latest commit.
    Call it before reading what a decision depends on; the lock ends with the commit or rollback.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext(:name))"), {"name": name})
    else:
        session.execute(sa.text("INSERT INTO app_state (key, value) VALUES ('write_lock', :name) "
                                "ON CONFLICT (key) DO UPDATE SET value = excluded.value"), {"name": name[:200]})


@contextmanager
def session(engine: Engine) -> Iterator[Session]:
    """One short-lived session per user action. Objects stay readable after commit."""
    with Session(engine, expire_on_commit=False) as s:
        yield s


def alembic_config(engine: Engine):  # type: ignore[no-untyped-def]
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return config


def migrate(engine: Engine) -> None:
    """Upgrade the database to the newest Alembic revision. The only way the schema changes."""
    from alembic import command

    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def at_head(engine: Engine) -> bool:
    """Whether the database is reachable and at the newest Alembic revision (GET /readyz asks). Raises the
    driver's error when the database cannot be reached."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    heads = set(ScriptDirectory.from_config(alembic_config(engine)).get_heads())
    with engine.connect() as connection:
        return set(MigrationContext.configure(connection).get_current_heads()) == heads


def include_object(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    """Alembic's include_object hook: what the models declare, not the indexes migrations write per dialect
    (the text search's, models.DIALECT_INDEXES)."""
    if type_ == "index" and name in DIALECT_INDEXES:
        return False
    return text_search.include_object(obj, name, type_, reflected, compare_to)
