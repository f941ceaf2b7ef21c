"""End-to-end: `streamlit run app.py` (dashboard.py and its pages, plus the sign-in cookie routes) on a free port
over a small seeded SQLite file, driven by Debian's Chromium through Python Playwright. Skipped (with the reason)
when /usr/bin/chromium is missing.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from e2e_support import (  # noqa: F401  (re-exported for older test modules)
    CHROMIUM,
    CHROMIUM_ARGS,
    PASSWORD,
    ROLES,
    ROOT,
    SCREENSHOTS,
    Server,
    email,
)
from tests.app_server import running_app


def _seed(url: str) -> dict[str, int]:
    """Two partners, one user per role, a trial and a pending deal: enough for every page to have something."""
    from partner_model import customers, db, deals, partners, users

    engine = db.make_engine(url)
    db.migrate(engine)
    ids: dict[str, int] = {}
    with db.session(engine) as s:
        acme = partners.create_partner(s, name="Acme Consulting", domain="acme-consulting.example",
                                       commission_rate=Decimal("0.20"))
        partners.create_partner(s, name="Beta Advisors", domain="beta-advisors.example", tier="silver")
        for role in ROLES:
            partner_id = acme.id if role in ("partner_user", "partner_admin") else None
            ids[role] = users.create_user(s, email=email(role), name=role.replace("_", " ").title(), role=role,
                                          password=PASSWORD, partner_id=partner_id).id
        alice = users.get_user(s, ids["partner_user"])
        customers.create_trial(s, alice, company_name="Nordic Retail", domain="nordic-retail.example",
                               framework="ISO 27001")
        deals.register_deal(s, alice, contact_name="Pia Pending", contact_email="pia@pending-co.example",
                            company_name="Pending Co", annual_value="12000")
    engine.dispose()
    return ids


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing: install it with `apt-get install -y chromium`")
    folder = tmp_path_factory.mktemp("e2e")
    database = folder / "partners.db"
    db_url = f"sqlite:///{database}"
    ids = _seed(db_url)
    log = folder / "streamlit.log"
    with running_app(db_url, log) as url:
        yield Server(url=url, database=database, log=log, user_ids=ids)


@pytest.fixture(scope="session")
def browser(server: Server) -> Iterator:
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=30_000)  # a cold first render on a busy machine takes several seconds
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser) -> Iterator:  # type: ignore[no-untyped-def]
    """A fresh browser context (no cookies) with a tall viewport for whole-page screenshots."""
    context = browser.new_context(viewport={"width": 1400, "height": 1100})
    context.set_default_timeout(30_000)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture(scope="session", autouse=True)
def _screenshots_folder() -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)  # git-ignored; each test overwrites its own files
