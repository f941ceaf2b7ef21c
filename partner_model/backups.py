"""Backups of the whole database and their restore: `python -m partner_model backup PATH` / `restore PATH`.

SQLite: the online backup API (a consistent copy while the app runs and writes), restored by the same API into an
empty database file. PostgreSQL: `pg_dump` in its custom format, restored by `pg_restore` into an empty database
(both from Debian's postgresql-client, the server's major version). A restore refuses a database that holds data,
so it never mixes two programs.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import Engine, make_url

from partner_model.errors import N_, Conflict, ValidationError


def _sqlite_file(engine: Engine) -> Path:
    return Path(engine.url.database or "")


def _pg_env(engine: Engine) -> tuple[list[str], dict[str, str]]:
    """pg_dump/pg_restore connection options for the engine's database (the password through PGPASSWORD)."""
    url = make_url(engine.url.render_as_string(hide_password=False))
    options = ["--host", url.host or "127.0.0.1", "--port", str(url.port or 5432), "--dbname", url.database or ""]
    if url.username:
        options += ["--username", url.username]
    env = {**os.environ, **({"PGPASSWORD": url.password} if url.password else {})}
    return options, env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise ValidationError("database", N_("{tool} is not installed: install postgresql-client."), tool=name)
    return found


def backup(engine: Engine, path: Path) -> Path:
    """Write a backup of the engine's database to `path` (a new file). Raises ValidationError (path exists)."""
    if path.exists():
        raise ValidationError("path", N_("{path} exists already: choose a new file for the backup."), path=str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    if engine.dialect.name == "sqlite":
        with sqlite3.connect(_sqlite_file(engine)) as source, sqlite3.connect(path) as target:
            source.backup(target)
        return path
    options, env = _pg_env(engine)
    subprocess.run([_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(path), *options],
                   check=True, env=env, capture_output=True)
    return path


def is_empty(engine: Engine) -> bool:
    """No table at all (a new database)."""
    from sqlalchemy import inspect

    return not inspect(engine).get_table_names()


def restore(engine: Engine, path: Path) -> None:
    """Restore a backup into the engine's database, which must be empty. Raises ValidationError (no such file),
    Conflict (the database holds data)."""
    if not path.is_file():
        raise ValidationError("path", N_("{path} is not a backup file."), path=str(path))
    if not is_empty(engine):
        raise Conflict(N_("The database holds data already; restore into a new, empty database."))
    if engine.dialect.name == "sqlite":
        engine.dispose()
        with sqlite3.connect(path) as source, sqlite3.connect(_sqlite_file(engine)) as target:
            source.backup(target)
        return
    options, env = _pg_env(engine)
    subprocess.run([_tool("pg_restore"), "--no-owner", "--exit-on-error", *options, str(path)],
                   check=True, env=env, capture_output=True)
