"""A signed-out session stays out (issue fault 3), in Chromium against `streamlit run app.py`.

The sign-in cookie carries only an opaque token of a server-side session, is HttpOnly and SameSite=Lax, and a copy
of it taken before a sign-out, a password reset or a deactivation signs nobody in, in a fresh browser. Each test
makes its own user, so resetting or deactivating it leaves the other tests' users alone.
"""

from __future__ import annotations

import itertools
import re
import time
import urllib.error
import urllib.request

from playwright.sync_api import Page, expect

from e2e_support import save_shot, settle
from partner_model import db, users

PASSWORD = "quartz lantern meadow 41"
COOKIE = "partner_session"
_numbers = itertools.count(1)


def in_database(server, action):  # type: ignore[no-untyped-def]
    """Run action(session, admin) on the running server's database."""
    engine = db.make_engine(f"sqlite:///{server.database}")
    try:
        with db.session(engine) as s:
            return action(s, users.get_user(s, server.user_ids["admin"]))
    finally:
        engine.dispose()


def new_user(server) -> tuple[str, int]:  # type: ignore[no-untyped-def]
    email = f"session.{next(_numbers)}.{time.monotonic_ns()}@vendor-e2e.example"
    made = in_database(server, lambda s, admin: users.create_user(
        s, email=email, name="Session Tester", role="finance", password=PASSWORD, actor=admin))
    return email, made.id


def session_cookie(context) -> dict | None:  # type: ignore[no-untyped-def]
    return next((c for c in context.cookies() if c["name"] == COOKIE), None)


def wait_for_cookie(context, present: bool = True, timeout: float = 15) -> dict | None:  # type: ignore[no-untyped-def]
    """The page asks the route with a fetch after drawing: wait until the browser has (or has dropped) the cookie."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        cookie = session_cookie(context)
        if (cookie is not None) == present:
            return cookie
        time.sleep(0.1)
    raise AssertionError(f"the {COOKIE} cookie is {'missing' if present else 'still there'} after {timeout} s")


def sign_in(page: Page, base: str, email: str) -> dict:
    page.goto(base)
    page.get_by_role("textbox", name="Email").fill(email)
    page.get_by_role("textbox", name="Email").press("Enter")
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("heading", name=re.compile("^Welcome"))).to_be_visible()
    cookie = wait_for_cookie(page.context)
    settle(page)
    return cookie  # type: ignore[return-value]


def signed_in_with(browser, base: str, cookie: dict, shot: str) -> bool:  # type: ignore[no-untyped-def]
    """Whether a fresh browser holding only a copy of `cookie` opens the app signed in."""
    context = browser.new_context(viewport={"width": 1400, "height": 1100})
    try:
        context.add_cookies([cookie])
        page = context.new_page()
        page.goto(base)
        welcome = page.get_by_role("heading", name=re.compile("^Welcome"))
        form = page.get_by_role("button", name="Sign in", exact=True)
        expect(welcome.or_(form)).to_be_visible()
        settle(page)
        save_shot(page, f"sessions_{shot}")
        return welcome.count() > 0
    finally:
        context.close()


def test_the_cookie_is_http_only_lax_and_invisible_to_page_scripts(server, page):
    email, __ = new_user(server)
    cookie = sign_in(page, server.url, email)
    assert (cookie["httpOnly"], cookie["sameSite"], cookie["path"], cookie["secure"]) == (True, "Lax", "/", False)
    assert len(cookie["value"]) >= 40  # an opaque random token, not a signed user id
    assert COOKIE not in page.evaluate("document.cookie")
    assert cookie["value"] not in page.content()  # the page never had the token
    save_shot(page, "sessions_signed_in")


def test_after_sign_out_a_copy_of_the_cookie_signs_nobody_in(server, page, browser):
    email, __ = new_user(server)
    cookie = sign_in(page, server.url, email)
    assert signed_in_with(browser, server.url, cookie, "copy_before_sign_out")  # the copy works until then
    page.get_by_test_id("stSidebar").get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign in", exact=True)).to_be_visible()
    wait_for_cookie(page.context, present=False)  # the route cleared it
    settle(page)
    assert not signed_in_with(browser, server.url, cookie, "copy_after_sign_out")


def test_after_a_password_reset_the_old_cookie_and_the_open_page_are_signed_out(server, page, browser):
    email, uid = new_user(server)
    cookie = sign_in(page, server.url, email)
    in_database(server, lambda s, admin: users.reset_password(s, admin, uid, "velvet comet harbor 73"))
    assert not signed_in_with(browser, server.url, cookie, "copy_after_password_reset")
    page.get_by_test_id("stSidebar").get_by_role("link", name="Commissions", exact=True).click()  # its next run
    expect(page.get_by_text("Sign in to see this page.")).to_be_visible()
    settle(page)


def test_a_reactivated_users_old_cookie_does_not_sign_in(server, page, browser):
    email, uid = new_user(server)
    cookie = sign_in(page, server.url, email)
    in_database(server, lambda s, admin: users.update_user(s, admin, uid, active=False))
    in_database(server, lambda s, admin: users.update_user(s, admin, uid, active=True))
    assert not signed_in_with(browser, server.url, cookie, "copy_after_reactivation")


def _request(url: str, method: str = "GET", headers: dict | None = None, data: bytes | None = None):  # type: ignore[no-untyped-def]
    request = urllib.request.Request(url, method=method, headers=headers or {}, data=data)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.headers


def test_every_response_carries_the_security_headers(server):
    for path, method in (("/", "GET"), ("/review_queue", "GET"), ("/auth/session", "POST"), ("/auth/sign-out", "POST")):
        status, headers = _request(server.url + path, method, data=b"" if method == "POST" else None)
        assert status in (200, 204, 400), (path, status)
        assert headers["X-Content-Type-Options"] == "nosniff", path
        assert headers["Referrer-Policy"] == "same-origin", path
        assert headers["X-Frame-Options"] == "DENY", path
        assert headers["Content-Security-Policy"] == "frame-ancestors 'none'", path


def test_the_cookie_routes_refuse_another_sites_request_and_an_unknown_code(server):
    evil = {"Origin": "https://evil.example", "Content-Type": "application/x-www-form-urlencoded"}
    status, headers = _request(f"{server.url}/auth/session", "POST", evil, b"code=whatever")
    assert status == 403 and headers.get("Set-Cookie") is None
    status, headers = _request(f"{server.url}/auth/session", "POST",
                               {"Content-Type": "application/x-www-form-urlencoded"}, b"code=not-a-real-code")
    assert status == 400 and headers.get("Set-Cookie") is None
