"""Single sign-on end to end (issue fault 7): a real OpenID Connect provider (oidc-provider-mock) on a free port,
`streamlit run app.py` with an [auth] section in a temporary secrets file (never the repository's .streamlit),
and Chromium signing in on the provider's own page.

A known email is signed in with a server-side session like a password sign-in (row and HttpOnly cookie); an unknown
one is refused with a clear message and gets no session; signing out ends the session and leaves single sign-on.
Before httpx was a pinned dependency, the sign-in route failed with ModuleNotFoundError on a fresh install.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import select

from e2e_support import CHROMIUM, ROOT, save_shot, settle
from partner_model import db, users
from partner_model.models import SignInSession
from tests.app_server import free_port, wait_ready

KNOWN = "sso.finance@vendor-e2e.example"
KNOWN_SUB = "known-finance"
STRANGER = "stranger@elsewhere.example"
COOKIE = "partner_session"


@dataclass
class SsoApp:
    url: str
    idp: str
    database: Path
    known_id: int


def _start(command: list[str], log: Path, env: dict[str, str], ready: str) -> subprocess.Popen:
    with log.open("w") as out:
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_ready(ready, proc, log)
    except Exception:
        proc.kill()
        raise
    return proc


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


def _seed(url: str) -> int:
    engine = db.make_engine(url)
    db.migrate(engine)
    with db.session(engine) as s:
        users.create_user(s, email="sso.admin@vendor-e2e.example", name="Sso Admin", role="admin",
                          password="quartz lantern meadow 41")
        known = users.create_user(s, email=KNOWN, name="Sso Finance", role="finance",
                                  password="velvet comet harbor 73").id
    engine.dispose()
    return known


@pytest.fixture(scope="module")
def sso_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SsoApp]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing: install it with `apt-get install -y chromium`")
    folder = tmp_path_factory.mktemp("sso")
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    idp_port, app_port = free_port(), free_port()
    idp = f"http://127.0.0.1:{idp_port}"
    claims = json.dumps({"sub": KNOWN_SUB, "email": KNOWN, "name": "Sso Finance"})
    provider = _start([sys.executable, "-m", "oidc_provider_mock", "--port", str(idp_port), "--user-claims", claims],
                      folder / "idp.log", env, f"{idp}/.well-known/openid-configuration")
    try:
        database = folder / "partners.db"
        known_id = _seed(f"sqlite:///{database}")
        url = f"http://127.0.0.1:{app_port}"
        secrets = folder / "secrets.toml"  # the [auth] section, outside the repository's .streamlit
        secrets.write_text(
            "[auth]\n"
            f'redirect_uri = "{url}/oauth2callback"\n'
            'cookie_secret = "sso-e2e-cookie-secret-not-for-production"\n'
            'client_id = "partner-dashboard"\n'
            'client_secret = "sso-e2e-client-secret"\n'
            f'server_metadata_url = "{idp}/.well-known/openid-configuration"\n')
        command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
                   "--server.port", str(app_port), "--server.address", "127.0.0.1",
                   "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
                   "--client.showErrorDetails", "full", "--secrets.files", str(secrets)]
        app = _start(command, folder / "streamlit.log", {**env, "DATABASE_URL": f"sqlite:///{database}"},
                     f"{url}/_stcore/health")
        try:
            yield SsoApp(url=url, idp=idp, database=database, known_id=known_id)
        finally:
            _stop(app)
    finally:
        _stop(provider)


def sessions(app: SsoApp) -> list[SignInSession]:
    engine = db.make_engine(f"sqlite:///{app.database}")
    try:
        with db.session(engine) as s:
            return list(s.exec(select(SignInSession).order_by(SignInSession.id)).all())
    finally:
        engine.dispose()


def sign_in_at_the_provider(page: Page, app: SsoApp, sub: str) -> None:
    page.goto(app.url)
    page.get_by_role("button", name="Sign in with single sign-on").click()
    page.wait_for_url(f"{app.idp}/**", wait_until="commit", timeout=60_000)
    expect(page.get_by_role("heading", name="Authorize Client")).to_be_visible()
    page.locator('input[name="sub"]').fill(sub)
    page.get_by_role("button", name="Authorize", exact=True).click()
    # Back at the app: its address is enough (a busy machine can take long to "load" Streamlit's scripts).
    page.wait_for_url(f"{app.url}/**", wait_until="commit", timeout=60_000)


def wait_for_cookie(context, timeout: float = 15) -> dict:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        cookie = next((c for c in context.cookies() if c["name"] == COOKIE), None)
        if cookie is not None:
            return cookie
        time.sleep(0.1)
    raise AssertionError(f"no {COOKIE} cookie after {timeout} s")


def test_a_known_email_signs_in_through_the_provider_with_a_session_and_signs_out(sso_app, page):
    sign_in_at_the_provider(page, sso_app, KNOWN_SUB)
    expect(page.get_by_role("heading", name="Welcome, Sso Finance")).to_be_visible()
    cookie = wait_for_cookie(page.context)
    settle(page)
    save_shot(page, "sso_signed_in")
    assert cookie["httpOnly"] is True and cookie["sameSite"] == "Lax"
    (row,) = [r for r in sessions(sso_app) if r.user_id == sso_app.known_id]
    assert (row.method, row.ended_at) == ("single sign-on", None)
    page.reload()  # a new connection: the cookie's session, not a second sign-in
    expect(page.get_by_role("heading", name="Welcome, Sso Finance")).to_be_visible()
    settle(page)
    assert len([r for r in sessions(sso_app) if r.user_id == sso_app.known_id]) == 1
    page.get_by_test_id("stSidebar").get_by_role("button", name="Sign out").click()
    # single sign-on is left too: the provider's end-session page
    page.wait_for_url(f"{sso_app.idp}/**", wait_until="commit", timeout=60_000)
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(f"{sso_app.url}/**", wait_until="commit", timeout=60_000)
    expect(page.get_by_role("button", name="Sign in with single sign-on")).to_be_visible()
    settle(page)
    assert [r.ended_reason for r in sessions(sso_app) if r.user_id == sso_app.known_id] == ["signed_out"]
    page.reload()
    expect(page.get_by_role("button", name="Sign in with single sign-on")).to_be_visible()
    settle(page)
    expect(page.get_by_role("heading", name=re.compile("^Welcome"))).to_have_count(0)
    save_shot(page, "sso_signed_out")


def test_an_unknown_email_is_refused_clearly_and_gets_no_session(sso_app, page):
    before = len(sessions(sso_app))
    sign_in_at_the_provider(page, sso_app, STRANGER)
    # The address is typed text: shown as written, with an invisible word joiner after "@" (no mailto link).
    address = "@\u2060?".join(re.escape(part) for part in STRANGER.split("@"))
    expect(page.get_by_text(re.compile(address + " has no active user in the partner dashboard"))).to_be_visible()
    expect(page.get_by_role("button", name="Sign out of single sign-on")).to_be_visible()
    settle(page)
    save_shot(page, "sso_unknown_refused")
    expect(page.get_by_role("heading", name=re.compile("^Welcome"))).to_have_count(0)
    assert len(sessions(sso_app)) == before
    assert not [c for c in page.context.cookies() if c["name"] == COOKIE]
