"""The HTTP API through real HTTP: `streamlit run app.py` on a free port over its own SQLite file, an admin and an
API token made through the services (as the Admin page makes them)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.app_server import running_app


@dataclass(frozen=True)
class Api:
    url: str
    database: Path
    token: str
    admin_id: int

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def _prepare(url: str) -> tuple[str, int]:
    from partner_model import api_tokens, db, partners, users

    engine = db.make_engine(url)
    db.migrate(engine)
    with db.session(engine) as s:
        admin = users.create_user(s, email="admin@vendor-api.example", name="Api Admin", role="admin",
                                  password="correct horse battery staple 42")
        partners.create_partner(s, name="Acme Consulting", domain="acme-consulting.example")
        token = api_tokens.create_token(s, users.get_user(s, admin.id), "Product (tests)")
    engine.dispose()
    return token.secret, admin.id


def _start(tmp_path_factory: pytest.TempPathFactory, name: str, env: dict[str, str]) -> Iterator[Api]:
    folder = tmp_path_factory.mktemp(name)
    database = folder / "partners.db"
    token, admin_id = _prepare(f"sqlite:///{database}")
    with running_app(f"sqlite:///{database}", folder / "streamlit.log", env) as url:
        yield Api(url=url, database=database, token=token, admin_id=admin_id)


@pytest.fixture(scope="session")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """The app with a rate no test reaches (the fuzzer sends hundreds of requests)."""
    yield from _start(tmp_path_factory, "api", {"API_RATE_PER_SECOND": "100000", "API_RATE_BURST": "100000"})


@pytest.fixture(scope="session")
def slow_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """The app with a token allowed two requests at once, then one every 100 seconds."""
    yield from _start(tmp_path_factory, "slow-api", {"API_RATE_PER_SECOND": "0.01", "API_RATE_BURST": "2"})
