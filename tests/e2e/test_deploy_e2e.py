"""Issue 19: the deployment recipe (deploy/), tried here: two app servers on one database (PostgreSQL when the
suite has one, else a SQLite file) behind Debian's nginx (deploy/nginx, rendered by deploy/render_nginx.py).

In Chromium through the proxy a partner signs in and saves a trial. The app server holding the browser's WebSocket
(nginx keeps a browser on one of them by its route cookie; its /metrics counts the page runs) is stopped: without any
navigation the page reconnects through nginx to the other server, still signed in (the session cookie is known to
every server through the database), with the saved trial. A trial saved there is then seen by the first server,
started again, once the second one stops in turn. Skipped (with the reason) when nginx or Chromium is missing;
scripts/test.sh installs nginx where it can."""

from __future__ import annotations

import subprocess
import time
import urllib.request
from contextlib import ExitStack
from decimal import Decimal
from itertools import cycle
from pathlib import Path

import pytest
from playwright.sync_api import expect

from e2e_support import CHROMIUM, PASSWORD, choose, save_shot, settle
from partner_model import customers, db, partners, users
from tests.app_server import NGINX, free_port, running_app, running_nginx
from tests.conftest import POSTGRES

EMAIL = "pia.proxy@proxy-partner.example"


def _seed(url: str) -> None:
    engine = db.make_engine(url)
    db.migrate(engine)
    with db.session(engine) as s:
        partner = partners.create_partner(s, name="Proxy Partner", domain="proxy-partner.example",
                                          commission_rate=Decimal("0.10"))
        made = users.create_user(s, email=EMAIL, name="Pia Proxy", role="partner_user", password=PASSWORD,
                                 partner_id=partner.id)
        customers.create_trial(s, users.get_user(s, made.id), company_name="Before Failover Oy",
                               domain="before-failover.example", framework="ISO 27001")
    engine.dispose()


@pytest.fixture
def database_url(tmp_path):  # type: ignore[no-untyped-def]
    if not POSTGRES.probe():
        yield f"sqlite:///{tmp_path / 'partners.db'}"
        return
    name = POSTGRES.create_database()
    try:
        yield POSTGRES.url(name)
    finally:
        POSTGRES.drop_database(name)


def _page_runs(port: int, page: str) -> float:
    """How often the app server on `port` ran `page` (its own /metrics)."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as answer:
        text = answer.read().decode()
    prefix = f'partner_page_runs_total{{page="{page}"}} '
    return sum(float(line[len(prefix):]) for line in text.splitlines() if line.startswith(prefix))


def _create_trial(page, name: str, domain: str) -> None:  # type: ignore[no-untyped-def]
    form = page.get_by_test_id("stForm")
    if not form.get_by_role("textbox", name="Company name").is_visible():
        page.get_by_text("Create a trial").click()
    form.get_by_role("textbox", name="Company name").fill(name)
    form.get_by_role("textbox", name="Domain").fill(domain)
    choose(page, "Main framework", "ISO 27001")
    page.get_by_role("button", name="Create the trial").click()
    expect(page.get_by_text(f"The trial of {name} ({domain}) was created")).to_be_visible(timeout=30_000)


@pytest.mark.skipif(NGINX is None, reason="nginx is missing: apt-get install -y nginx")
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is missing")
def test_through_nginx_the_page_reconnects_to_the_other_server_signed_in_with_what_was_saved(
        tmp_path, browser, database_url):
    _seed(database_url)
    ports, listen = [free_port(), free_port()], free_port()
    logs = [tmp_path / "app-a.log", tmp_path / "app-b.log"]
    with ExitStack() as servers:  # the suite's one Playwright and browser (a second sync Playwright cannot start)
        for log, port in zip(logs, ports, strict=True):
            servers.enter_context(running_app(database_url, log, port=port))
        servers.enter_context(running_nginx(tmp_path, listen, ports))
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        servers.callback(context.close)
        page = context.new_page()
        base = f"http://127.0.0.1:{listen}"
        page.goto(base)
        page.get_by_role("textbox", name="Email").fill(EMAIL)
        page.get_by_role("textbox", name="Email").press("Enter")
        page.get_by_role("textbox", name="Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in", exact=True).click()
        sidebar = page.get_by_test_id("stSidebar")
        expect(sidebar.get_by_role("button", name="Sign out")).to_be_visible(timeout=60_000)
        sidebar.get_by_role("link", name="Customers", exact=True).click()
        expect(page.get_by_role("heading", name="Customers")).to_be_visible(timeout=30_000)
        _create_trial(page, "Saved On First Oy", "saved-on-first.example")
        settle(page)
        save_shot(page, "deploy_signed_in_through_nginx")

        holder = max((0, 1), key=lambda i: _page_runs(ports[i], "customers"))
        other = 1 - holder
        assert _page_runs(ports[other], "customers") == 0, "nginx sent one browser to both servers"
        saved = ["Before Failover Oy", "Saved On First Oy"]
        for step, (stopped, serving) in enumerate(((holder, other), (other, holder))):
            _stop_port(ports[stopped])
            # No navigation: Streamlit's page notices the closed WebSocket and reconnects through nginx to the
            # server still up. Streamlit reruns a page on reconnect only when a run was cut off, so the user's next
            # click is the first run there: it must find the user signed in (the cookie) and the data saved.
            _click_until_served(page, ports[serving])
            expect(page.get_by_role("heading", name="Customers")).to_be_visible(timeout=60_000)
            expect(sidebar.get_by_role("button", name="Sign out")).to_be_visible(timeout=60_000)
            for name in saved:
                expect(page.get_by_text(name).first).to_be_attached(timeout=30_000)
            settle(page)
            save_shot(page, f"deploy_reconnected_after_stop_{step + 1}")
            if step == 0:  # a write on this server, then the first server back for the next stop
                _create_trial(page, "Saved On Second Oy", "saved-on-second.example")
                saved.append("Saved On Second Oy")
                servers.enter_context(running_app(database_url, tmp_path / "app-again.log", port=ports[holder]))


def _click_until_served(page, port: int, timeout: float = 90) -> None:  # type: ignore[no-untyped-def]
    """Click the State filter (Trial, All, ...) until the app server on `port` has run the page: while the page
    is still reconnecting its widgets take no clicks. The filter sits in a fragment: without frame/failover.py
    the new server drops the fragment's rerun and no click ever runs the page."""
    states = cycle(["Trial", "All"])
    deadline = time.monotonic() + timeout
    while _page_runs(port, "customers") == 0:
        if time.monotonic() > deadline:
            save_shot(page, "deploy_not_reconnected")
        assert time.monotonic() < deadline, f"the page did not reconnect to the app server on port {port}"
        page.get_by_role("radiogroup", name="State").get_by_text(next(states), exact=True).click(timeout=5_000)
        time.sleep(1.5)


def _stop_port(port: int) -> None:
    """Stop the app server listening on `port` (its process, found by its command line)."""
    subprocess.run(["pkill", "-f", "--", f"--server.port {port} "], check=False)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            time.sleep(0.3)
        except OSError:
            return
