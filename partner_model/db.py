"""The engine, built in one place from DATABASE_URL, sessions, and migrations."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

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
    return sa.create_engine(url, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


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
