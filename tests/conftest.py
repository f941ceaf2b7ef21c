"""Shared fixtures: an `engine` on each backend (SQLite and PostgreSQL), a `session`, and the path setup.

Every test that asks for `engine` (or `session`) runs twice: `[sqlite]` on a fresh migrated file and
`[postgresql]` on a throwaway database this run creates on the server at 127.0.0.1:5432 (dropped at the
end). When no PostgreSQL server answers, the postgresql variants are skipped and the header says so.

Environment:
  TEST_POSTGRES_URL   server to use, default postgresql://postgres@127.0.0.1:5432 (trust auth)
  TEST_BACKENDS       comma list to run, default "sqlite,postgresql"

Nothing here is autouse: the page and end-to-end suites pay for none of it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TESTS = Path(__file__).resolve().parent
for _path in (str(ROOT), str(TESTS)):
    if _path not in sys.path:
        sys.path.insert(0, _path)

PG_SERVER_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432")
BACKENDS = [b.strip() for b in os.environ.get("TEST_BACKENDS", "sqlite,postgresql").split(",") if b.strip()]


# --- PostgreSQL server: probed once, databases created and dropped by this run ---------------


class _Postgres:
    """The PostgreSQL server the run may use, probed lazily once."""

    def __init__(self, server_url: str) -> None:
        self.server_url = server_url
        self._probed = False
        self.available = False
        self.reason = ""
        self.maintenance_db = ""
        self.created: list[str] = []

    def _connect(self, dbname: str):  # type: ignore[no-untyped-def]
        import psycopg
        from sqlalchemy.engine import make_url

        url = make_url(self.server_url)
        return psycopg.connect(
            host=url.host or "127.0.0.1",
            port=url.port or 5432,
            user=url.username or "postgres",
            password=url.password,
            dbname=dbname,
            autocommit=True,
            connect_timeout=3,
        )

    def probe(self) -> bool:
        if self._probed:
            return self.available
        self._probed = True
        if "postgresql" not in BACKENDS:
            self.reason = "TEST_BACKENDS does not include postgresql"
            return False
        errors = []
        for dbname in ("test", "postgres"):
            try:
                with self._connect(dbname) as conn:
                    conn.execute("select 1")
                self.maintenance_db = dbname
                self.available = True
                return True
            except Exception as exc:  # noqa: BLE001 - any failure means "no server for us"
                errors.append(str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc))
        self.reason = f"no PostgreSQL server answers at {self.server_url} ({errors[0]})"
        return False

    def create_database(self, suffix: str = "") -> str:
        name = f"partners_test_{uuid.uuid4().hex[:10]}{suffix}"
        with self._connect(self.maintenance_db) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
            # A throwaway database need not wait for the disk at each commit: much faster, same semantics.
            conn.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
        self.created.append(name)
        return name

    def drop_database(self, name: str) -> None:
        with self._connect(self.maintenance_db) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if name in self.created:
            self.created.remove(name)

    def url(self, name: str) -> str:
        from sqlalchemy.engine import make_url

        url = make_url(self.server_url).set(drivername="postgresql+psycopg", database=name)
        return url.render_as_string(hide_password=False)


POSTGRES = _Postgres(PG_SERVER_URL)


def pytest_report_header(config: pytest.Config) -> list[str]:
    if "postgresql" not in BACKENDS:
        return [f"backends: {', '.join(BACKENDS)} (PostgreSQL SKIPPED: TEST_BACKENDS leaves it out)"]
    if POSTGRES.probe():
        return [f"backends: sqlite, postgresql ({PG_SERVER_URL}, throwaway databases partners_test_*)"]
    return [f"backends: sqlite only -- PostgreSQL SKIPPED: {POSTGRES.reason}"]


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:  # type: ignore[no-untyped-def]
    if POSTGRES._probed and not POSTGRES.available:
        terminalreporter.write_line(
            f"PostgreSQL SKIPPED: the [postgresql] variants did not run ({POSTGRES.reason})", yellow=True, bold=True
        )


def _backend_params() -> list:
    params = []
    if "sqlite" in BACKENDS:
        params.append(pytest.param("sqlite", id="sqlite"))
    if "postgresql" in BACKENDS:
        params.append(pytest.param("postgresql", id="postgresql"))
    return params


# --- engines ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to head once; each test gets its own copy (migrating per test is slow)."""
    from partner_model import db

    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    engine = db.make_engine(f"sqlite:///{path}")
    db.migrate(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def pg_engine() -> Iterator:
    """One throwaway PostgreSQL database for the run, migrated to head, dropped at the end."""
    if not POSTGRES.probe():
        pytest.skip(f"PostgreSQL SKIPPED: {POSTGRES.reason}")
    from partner_model import db

    name = POSTGRES.create_database()
    engine = db.make_engine(POSTGRES.url(name))
    try:
        db.migrate(engine)
        yield engine
    finally:
        engine.dispose()
        POSTGRES.drop_database(name)


def _empty_all_tables(engine) -> None:  # type: ignore[no-untyped-def]
    """Delete every row and restart the id sequences. DELETE, not TRUNCATE: on small tables TRUNCATE costs
    ~0.6 s a test (new files, fsync), DELETE ~0.05 s; the isolation is the same."""
    from sqlmodel import SQLModel

    from partner_model import models  # noqa: F401  (registers the tables)

    quote = engine.dialect.identifier_preparer.quote
    # partner.manager_id and user.partner_id point at each other: unlink managers first
    statements = ["UPDATE partner SET manager_id = NULL"]
    statements += [f"DELETE FROM {quote(t.name)}" for t in reversed(SQLModel.metadata.sorted_tables)]
    with engine.begin() as conn:
        conn.exec_driver_sql("; ".join(statements))
        sequences = conn.exec_driver_sql(
            "SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema()").scalars().all()
        if sequences:
            conn.exec_driver_sql("; ".join(f"ALTER SEQUENCE {quote(s)} RESTART" for s in sequences))


@pytest.fixture(params=_backend_params())
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def engine(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator:
    """A migrated, empty database on the backend of this test variant."""
    from partner_model import db

    if backend == "sqlite":
        path = tmp_path / "partners.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        eng = db.make_engine(f"sqlite:///{path}")
        yield eng
        eng.dispose()
    else:
        eng = request.getfixturevalue("pg_engine")
        _empty_all_tables(eng)  # before, not after: a crashed test never leaks into the next one
        yield eng


@pytest.fixture
def session(engine) -> Iterator:  # type: ignore[no-untyped-def]
    from partner_model import db

    with db.session(engine) as s:
        yield s


@pytest.fixture
def empty_engine(backend: str, tmp_path: Path) -> Iterator:
    """An empty, never migrated database on the backend (for migration tests)."""
    from partner_model import db

    if backend == "sqlite":
        eng = db.make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
        yield eng
        eng.dispose()
        return
    if not POSTGRES.probe():
        pytest.skip(f"PostgreSQL SKIPPED: {POSTGRES.reason}")
    name = POSTGRES.create_database("_empty")
    eng = db.make_engine(POSTGRES.url(name))
    try:
        yield eng
    finally:
        eng.dispose()
        POSTGRES.drop_database(name)


def pytest_sessionfinish(session, exitstatus) -> None:  # type: ignore[no-untyped-def]
    # Belt and braces: drop any database of this run a crashed fixture left behind.
    for name in list(POSTGRES.created):
        with contextlib.suppress(Exception):
            POSTGRES.drop_database(name)
