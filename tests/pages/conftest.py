"""Page tests: AppTest over a small world (two partners, one user per role, a few deals) in a temp SQLite file.

The world is built once through the services and copied per test; DATABASE_URL points the app at the copy
(the app's cached engine is keyed by URL, so tests never share one).
"""

from __future__ import annotations

import datetime as dt
import shutil
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402

from partner_model import customers, db, deals, partners, users  # noqa: E402

PASSWORD = "correct horse battery"
ROLES = ("partner_user", "partner_admin", "partner_manager", "finance", "admin")
PAGE_FILES = ("customers", "register_deal", "deal_board", "review_queue", "pipeline", "commissions", "billing",
              "admin")


@dataclass
class World:
    url: str = ""
    acme_id: int = 0
    beta_id: int = 0
    user_ids: dict[str, int] = field(default_factory=dict)  # role -> id; "beta_admin" is Beta's partner admin

    @staticmethod
    def email(role: str) -> str:
        return f"{role.replace('_', '.')}@vendor-test.example"

    def session(self):  # type: ignore[no-untyped-def]
        """A session on this test's database, for setting up and checking what the app wrote."""
        engine = db.make_engine(self.url)
        return _disposing(engine)


class _disposing:
    def __init__(self, engine) -> None:  # type: ignore[no-untyped-def]
        self.engine = engine

    def __enter__(self):  # type: ignore[no-untyped-def]
        self.cm = db.session(self.engine)
        return self.cm.__enter__()

    def __exit__(self, *exc) -> None:  # type: ignore[no-untyped-def]
        self.cm.__exit__(*exc)
        self.engine.dispose()


def _build(session, world: World) -> None:  # type: ignore[no-untyped-def]
    acme = partners.create_partner(session, name="Acme Consulting", domain="acme-consulting.example",
                                   commission_rate=Decimal("0.20"))
    beta = partners.create_partner(session, name="Beta Advisors", domain="beta-advisors.example",
                                   commission_rate=Decimal("0.15"))
    world.acme_id, world.beta_id = acme.id, beta.id
    for role in ROLES:
        partner_id = acme.id if role.startswith("partner_") and role != "partner_manager" else None
        world.user_ids[role] = users.create_user(session, email=World.email(role), name=role.replace("_", " ").title(),
                                                 role=role, password=PASSWORD, partner_id=partner_id).id
    world.user_ids["beta_admin"] = users.create_user(
        session, email="admin@beta-advisors.example", name="Beta Admin", role="partner_admin", password=PASSWORD,
        partner_id=beta.id).id
    alice = users.get_user(session, world.user_ids["partner_user"])
    manager = users.get_user(session, world.user_ids["partner_manager"])
    # A trial ending in 4 days, a pending deal, and an accepted deal won this week (one commission line).
    customers.create_trial(session, alice, company_name="Nordic Retail", domain="nordic-retail.example",
                           framework="ISO 27001", today=dt.date.today() - dt.timedelta(days=10))
    deals.register_deal(session, alice, contact_name="Pia Pending", contact_email="pia@pending-co.example",
                        company_name="Pending Co", annual_value="12000")
    won = deals.register_deal(session, alice, contact_name="Wim Winner", contact_email="wim@winner-co.example",
                              company_name="Winner Co", annual_value="10000")
    deals.review_deal(session, manager, won.id, accept=True)
    deals.move_deal(session, alice, won.id, stage="closed_won", billing_option="invoice")


@pytest.fixture(scope="session")
def world_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, World]:
    path = tmp_path_factory.mktemp("pages-world") / "world.db"
    world = World()
    engine = db.make_engine(f"sqlite:///{path}")
    db.migrate(engine)
    with db.session(engine) as s:
        _build(s, world)
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
    from pages.components.data import _engine_for

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
