"""Issue 19: the deployment recipe (deploy/), tried here: two app servers on one database behind Debian's nginx
(deploy/nginx, rendered by deploy/render_nginx.py). In Chromium through the proxy a partner signs in; then each app
server in turn is stopped (the first comes back before the second goes, so one of them held the browser): the next
page the browser opens is served by the other server, the user is still signed in (the session cookie is known to
every server through the database) and the trial saved before is there. Skipped (with the reason) when nginx or
Chromium is missing; scripts/test.sh installs nginx where it can."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import urllib.request
from contextlib import ExitStack
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from e2e_support import CHROMIUM, PASSWORD, ROOT, save_shot, settle
from partner_model import customers, db, partners, users
from tests.app_server import free_port, running_app

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


def _nginx(folder: Path, listen: int, ports: list[int]) -> subprocess.Popen:
    sys.path.insert(0, str(ROOT / "deploy"))
    from render_nginx import render

    config = render(folder / "nginx", f"127.0.0.1:{listen}", ports)
    proc = subprocess.Popen([NGINX, "-p", str(config.parent), "-c", str(config), "-g",  # type: ignore[list-item]
                             "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{listen}/healthz", timeout=2) as answer:
                if answer.status == 200:
                    return proc
        except OSError:
            time.sleep(0.3)
    proc.terminate()
    raise RuntimeError(f"nginx did not answer: {(config.parent / 'error.log').read_text()[-2000:]}")


NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


@pytest.mark.skipif(NGINX is None, reason="nginx is missing: apt-get install -y nginx")
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is missing")
def test_through_nginx_a_signed_in_user_survives_either_app_server_stopping(tmp_path, browser):
    url = f"sqlite:///{tmp_path / 'partners.db'}"
    _seed(url)
    ports, listen = [free_port(), free_port()], free_port()
    logs = [tmp_path / "app-a.log", tmp_path / "app-b.log"]
    with ExitStack() as servers:  # the suite's one Playwright and browser (a second sync Playwright cannot start)
        apps = [servers.enter_context(running_app(url, log, port=port)) for log, port in zip(logs, ports,
                                                                                              strict=True)]
        assert len(apps) == 2
        proxy = _nginx(tmp_path, listen, ports)
        servers.callback(proxy.terminate)
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
        settle(page)
        save_shot(page, "deploy_signed_in_through_nginx")

        # Each server in turn goes away (one of them held the page): the page reconnects to the other, which
        # knows the user from the session cookie, and the saved trial is there.
        for stopped in (0, 1):
            servers_left = ExitStack()
            if stopped == 1:  # the first one comes back before the second goes
                servers_left.enter_context(running_app(url, logs[0], port=ports[0]))
            _stop_port(ports[stopped])
            other = ports[1 - stopped]
            with urllib.request.urlopen(f"http://127.0.0.1:{other}/_stcore/health", timeout=5) as answer:
                assert answer.status == 200, f"the other app server ({other}) is down too"
            page.goto(f"{base}/customers")
            expect(page.get_by_role("heading", name="Customers")).to_be_visible(timeout=60_000)
            expect(sidebar.get_by_role("button", name="Sign out")).to_be_visible()
            expect(page.get_by_text("Before Failover Oy").first).to_be_attached(timeout=30_000)
            settle(page)
            save_shot(page, f"deploy_after_stopping_server_{'ab'[stopped]}")
            servers.enter_context(servers_left)


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
