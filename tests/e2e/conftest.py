"""End-to-end: `streamlit run app.py` (dashboard.py and its pages, plus the sign-in cookie routes) on a free port
over a small seeded SQLite file, driven by Debian's Chromium through Python Playwright. Skipped (with the reason)
when /usr/bin/chromium is missing.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
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


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_healthy(url: str, proc: subprocess.Popen, log: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"streamlit was not healthy within {timeout} s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing: install it with `apt-get install -y chromium`")
    folder = tmp_path_factory.mktemp("e2e")
    database = folder / "partners.db"
    db_url = f"sqlite:///{database}"
    ids = _seed(db_url)
    port = _free_port()
    log = folder / "streamlit.log"
    env = {**os.environ, "DATABASE_URL": db_url, "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
               "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
               # Files edited while the suite runs must not reload modules under the running app.
               "--server.fileWatcherType", "none",
               # A failing test shows the whole error in its message, not the redacted one users get.
               "--client.showErrorDetails", "full"]
    with log.open("w") as out:
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc, log)
        yield Server(url=url, database=database, log=log, user_ids=ids)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


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
