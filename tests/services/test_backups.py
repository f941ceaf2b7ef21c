"""Issue 19: `python -m partner_model backup PATH` and `restore PATH`: a backup taken while the app runs restores
into an empty database with the same rows, and the app's services work on it; a restore refuses a database that
holds data, and a backup never overwrites a file (both databases)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from partner_model import backups, db, deals, users
from partner_model.errors import Conflict, ValidationError


def _counts(engine) -> dict[str, int]:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return {table: conn.execute(sa.text(f'SELECT count(*) FROM "{table}"')).scalar_one()
                for table in ("partner", "user", "customer", "deal", "deal_event", "commission_line")}


@pytest.fixture
def empty_engine(backend, tmp_path):  # type: ignore[no-untyped-def]
    """A second, empty database on the same backend (nothing migrated: a restore brings the schema)."""
    from tests.conftest import POSTGRES

    if backend == "sqlite":
        engine = db.make_engine(f"sqlite:///{tmp_path / 'restored.db'}")
        yield engine
        engine.dispose()
        return
    assert POSTGRES.probe(), POSTGRES.reason
    name = POSTGRES.create_database("_restore")
    engine = db.make_engine(POSTGRES.url(name))
    yield engine
    engine.dispose()
    POSTGRES.drop_database(name)


def test_a_backup_restores_into_an_empty_database_with_the_same_rows(engine, session, cast, factory,
                                                                     empty_engine, tmp_path, monkeypatch):
    from partner_model.__main__ import main

    factory.won_deal(cast.acme_user, cast.manager)
    factory.trial(cast.beta_user)
    before = _counts(engine)
    path = tmp_path / "program.backup"
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    assert main(["backup", str(path)]) == 0 and path.stat().st_size > 0
    with pytest.raises(ValidationError) as exists:
        backups.backup(engine, path)
    assert exists.value.field == "path"
    monkeypatch.setenv("DATABASE_URL", empty_engine.url.render_as_string(hide_password=False))
    assert main(["restore", str(path)]) == 0
    assert _counts(empty_engine) == before
    with db.session(empty_engine) as s:  # the services work on the restored program
        admin = users.get_user(s, cast.admin.id)
        assert sum(c.count for c in deals.board(s, admin).values()) == before["deal"]
    with pytest.raises(Conflict):
        backups.restore(empty_engine, path)  # it holds data now
