"""Page tests: AppTest over a small world (pages_world.py) in a temp SQLite file.

The world is built once through the services and copied per test; DATABASE_URL points the app at the copy
(the app's cached engine is keyed by URL, so tests never share one).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest, app_test

from pages_world import PAGE_FILES, PASSWORD, ROLES, ROOT, World, build_world  # noqa: F401  (re-exported)
from partner_model import db


@pytest.fixture(scope="session")
def world_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, World]:
    path = tmp_path_factory.mktemp("pages-world") / "world.db"
    world = World()
    engine = db.make_engine(f"sqlite:///{path}")
    db.migrate(engine)
    with db.session(engine) as s:
        build_world(s, world)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path, world


@pytest.fixture
def world(world_template: tuple[Path, World], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    template, built = world_template
    path = tmp_path / "partners.db"
    shutil.copyfile(template, path)
    url = f"sqlite:///{path}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("PARTNER_COOKIE_SECRET", "page-tests-secret")
    yield World(url=url, acme_id=built.acme_id, beta_id=built.beta_id, user_ids=dict(built.user_ids))
    from pages.components.frame.data import _engine_for

    _engine_for.clear()  # disposes the app's engine on this test's file (on_release)


@pytest.fixture
def app(world: World) -> Iterator[Callable[..., AppTest]]:
    """`app("finance")`: the home page as that user (signed out without a role), not yet run."""

    def make(role: str | None = None) -> AppTest:
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=30)
        if role is not None:
            at.session_state["user_id"] = world.user_ids[role]
        return at

    yield make


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., bytes]]:
    """`downloads(at, key)`: the bytes the download button `key` of the last run serves, as a browser would get
    them on a click (a deferred file is made then)."""
    managers: list[MediaFileManager] = []

    class Recording(MediaFileManager):
        def __init__(self, storage) -> None:  # type: ignore[no-untyped-def]
            super().__init__(storage)
            managers.append(self)

    monkeypatch.setattr(app_test, "MediaFileManager", Recording)

    def read(at, key: str) -> bytes:  # type: ignore[no-untyped-def]
        proto = next(b.proto for b in at.get("download_button") if f"-{key}" in b.proto.id)
        manager = managers[-1]
        url = manager.execute_deferred(proto.deferred_file_id) if proto.deferred_file_id else proto.url
        return manager._storage.get_file(url.rsplit("/", 1)[-1]).content

    yield read
