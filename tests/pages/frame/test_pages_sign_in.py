"""Sign-in on the home page, lockout, sign-out, the server-side session behind the HttpOnly cookie, single sign-on,
and the new password a user whose password fails today's rule must choose."""

from __future__ import annotations

import re
import time
import warnings

from pages_helpers import main_text, shown
from sqlmodel import select
from starlette.applications import Starlette
from starlette.middleware import Middleware

with warnings.catch_warnings():  # Starlette would rather have httpx2; httpx is what st.login needs (requirements)
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from pages.components.frame import auth, session_cookie
from pages_world import PASSWORD, World
from partner_model import rules, sign_in_sessions, users
from partner_model.models import SignInSession, User


def sign_in(at, email: str, password: str):  # type: ignore[no-untyped-def]
    at.text_input(key="sign_in_email").input(email)
    at.text_input(key="sign_in_password").input(password)
    return at.button(key="sign_in_submit").click().run()


def test_signed_out_home_shows_the_sign_in_form(app):
    at = app().run()
    assert not at.exception
    assert [t.label for t in at.text_input] == ["Email", "Password"]
    assert at.button(key="sign_in_submit").label == "Sign in"
    assert "locked for 15 minutes" in main_text(at)


def test_good_password_signs_in_and_shows_the_users_home(app, world):
    at = sign_in(app().run(), World.email("finance"), PASSWORD)
    assert not at.exception
    assert at.session_state["user_id"] == world.user_ids["finance"]
    assert at.title[0].value == "Welcome, Finance"
    assert "Sign out" in [b.label for b in at.sidebar.button]
    with world.session() as s:
        log = users.audit_log(s, users.get_user(s, world.user_ids["admin"]))
    assert ("sign_in", World.email("finance")) in set(zip(log["kind"], log["subject"], strict=True))


def test_wrong_password_is_refused_and_recorded(app, world):
    at = sign_in(app().run(), World.email("finance"), "not the password")
    assert not at.exception
    assert [e.value for e in at.error] == [rules.SIGN_IN_FAILED]
    assert "user_id" not in at.session_state
    assert at.text_input(key="sign_in_email").label == "Email"
    with world.session() as s:
        log = users.audit_log(s, users.get_user(s, world.user_ids["admin"]))
    assert "sign_in_failed" in set(log["kind"])


def test_empty_password_asks_for_it_and_records_nothing(app, world):
    at = sign_in(app().run(), World.email("finance"), "")
    assert not at.exception
    assert [w.value for w in at.warning] == ["Enter your email and password."]
    with world.session() as s:
        log = users.audit_log(s, users.get_user(s, world.user_ids["admin"]))
    assert "sign_in_failed" not in set(log["kind"])


def test_repeated_failures_lock_the_account_and_say_so(app):
    at = app().run()
    for _ in range(rules.MAX_LOCKOUT_FAILURES):
        at = sign_in(at, World.email("partner_user"), "not the password")
    assert not at.exception
    assert "locked for 15 minutes" in at.error[0].value
    at = sign_in(at, World.email("partner_user"), PASSWORD)  # even the right password waits
    assert "locked" in at.error[0].value
    assert "user_id" not in at.session_state


def handoff_code(at) -> str | None:  # type: ignore[no-untyped-def]
    """The one-time code the page's script sends to /auth/session, if this run drew that script."""
    for html in at.get("html"):
        found = re.search(r'fetch\("/auth/session".*body: "code=([A-Za-z0-9_-]+)"', html.proto.body)
        if found:
            return found.group(1)
    return None


def cookie_routes() -> TestClient:
    return TestClient(Starlette(routes=session_cookie.ROUTES, middleware=[Middleware(session_cookie.SecurityHeaders)]))


def test_sign_in_has_the_browser_trade_a_one_time_code_for_the_http_only_cookie(app, world):
    at = sign_in(app().run(), World.email("admin"), PASSWORD)
    code = handoff_code(at)
    assert code is not None
    session_id = at.session_state[auth.SESSION_KEY]
    bodies = " ".join(h.proto.body for h in at.get("html"))
    with world.session() as s:
        (row,) = s.exec(select(SignInSession).where(SignInSession.id == session_id)).all()
    assert row.user_id == world.user_ids["admin"] and row.method == "password"
    assert row.token_hash not in bodies
    client = cookie_routes()
    response = client.post(session_cookie.SESSION_PATH, data={"code": code})
    assert response.status_code == 204
    set_cookie = response.headers["set-cookie"]
    assert set_cookie.startswith(f"{auth.COOKIE_NAME}=")
    assert "HttpOnly" in set_cookie and "SameSite=lax" in set_cookie and "Path=/" in set_cookie
    assert "Secure" not in set_cookie  # plain http here; https below
    token = response.cookies[auth.COOKIE_NAME]
    assert token not in bodies and code != token
    with world.session() as s:
        assert sign_in_sessions.resolve(s, token).id == world.user_ids["admin"]
    assert client.post(session_cookie.SESSION_PATH, data={"code": code}).status_code == 400  # once only
    at = at.run()
    assert handoff_code(at) is None  # the script is drawn once


def test_the_cookie_is_secure_over_https_and_a_cross_site_request_is_refused(app, world):
    client = cookie_routes()
    with world.session() as s:
        code = sign_in_sessions.start_with_handoff(s, world.user_ids["finance"]).code
        other = sign_in_sessions.start_with_handoff(s, world.user_ids["finance"]).code
    refused = client.post(session_cookie.SESSION_PATH, data={"code": code},
                          headers={"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"})
    assert refused.status_code == 403 and "set-cookie" not in refused.headers
    proxied = client.post(session_cookie.SESSION_PATH, data={"code": code}, headers={"X-Forwarded-Proto": "https"})
    assert "Secure" in proxied.headers["set-cookie"]
    direct = TestClient(client.app, base_url="https://testserver").post(session_cookie.SESSION_PATH,
                                                                        data={"code": other})
    assert "Secure" in direct.headers["set-cookie"]


def test_sign_out_ends_the_session_row_and_clears_the_cookie(app, world):
    at = sign_in(app().run(), World.email("partner_admin"), PASSWORD)
    session_id = at.session_state[auth.SESSION_KEY]
    at = at.sidebar.button(key="sign_out").click().run()
    assert not at.exception
    assert "user_id" not in at.session_state and auth.SESSION_KEY not in at.session_state
    assert at.session_state[auth.SIGNED_OUT_KEY] is True
    assert at.text_input(key="sign_in_email").label == "Email"
    assert any('fetch("/auth/sign-out"' in h.proto.body for h in at.get("html"))  # the route clears the cookie
    with world.session() as s:
        assert sign_in_sessions.check_session(s, session_id) is None
        row = s.get(SignInSession, session_id)
        log = users.audit_log(s, users.get_user(s, world.user_ids["admin"]))
    assert row.ended_reason == "signed_out"
    assert ("sign_out", World.email("partner_admin")) in set(zip(log["kind"], log["subject"], strict=True))


def test_the_sign_out_route_ends_the_cookies_session_and_clears_it(world):
    with world.session() as s:
        token = sign_in_sessions.start_session(s, world.user_ids["finance"])
    client = cookie_routes()
    client.cookies.set(auth.COOKIE_NAME, token)
    response = client.post(session_cookie.SIGN_OUT_PATH)
    assert response.status_code == 204
    assert 'partner_session=""' in response.headers["set-cookie"] and "Max-Age=0" in response.headers["set-cookie"]
    with world.session() as s:
        assert sign_in_sessions.resolve(s, token) is None


def test_a_session_ended_elsewhere_signs_the_page_out_at_its_next_run(app, world):
    at = sign_in(app().run(), World.email("finance"), PASSWORD)
    assert at.title[0].value == "Welcome, Finance"
    with world.session() as s:  # an admin ends the user's sessions (or resets the password, or ...)
        admin = users.get_user(s, world.user_ids["admin"])
        assert sign_in_sessions.end_user_sessions(s, admin, world.user_ids["finance"]) == 1
    at = at.run()
    assert not at.exception
    assert "user_id" not in at.session_state
    assert at.text_input(key="sign_in_email").label == "Email"


def test_a_password_reset_signs_the_page_out_at_its_next_run(app, world):
    at = sign_in(app().run(), World.email("finance"), PASSWORD)
    with world.session() as s:
        admin = users.get_user(s, world.user_ids["admin"])
        users.reset_password(s, admin, world.user_ids["finance"], "velvet comet harbor 73")
    at = at.run()
    assert "user_id" not in at.session_state
    assert at.text_input(key="sign_in_email").label == "Email"


def test_deactivated_user_is_signed_out_on_the_next_run(app, world):
    at = app("partner_user").run()
    with world.session() as s:
        admin = users.get_user(s, world.user_ids["admin"])
        users.update_user(s, admin, world.user_ids["partner_user"], active=False)
    at = at.run()
    assert not at.exception
    assert "user_id" not in at.session_state
    assert at.text_input(key="sign_in_email").label == "Email"


def test_signing_in_after_a_deep_link_opens_the_page_asked_for(app):
    at = app().switch_page("pages/billing.py").run()
    assert any("Sign in" in w.value for w in at.warning)
    at.switch_page("dashboard.py").run()
    at = sign_in(at, World.email("partner_admin"), PASSWORD)
    assert not at.exception
    assert at.title[0].value == "Billing"


def test_single_sign_on_maps_a_known_email_to_its_user(app, world):
    at = app()
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x"}
    at.user = {"is_logged_in": True, "email": World.email("partner_manager"), "iat": int(time.time())}
    at.run()
    assert not at.exception
    assert at.session_state["user_id"] == world.user_ids["partner_manager"]
    assert handoff_code(at) is not None  # the same session and cookie as a password sign-in
    with world.session() as s:
        row = s.get(SignInSession, at.session_state[auth.SESSION_KEY])
        log = users.audit_log(s, users.get_user(s, world.user_ids["admin"]))
    assert (row.user_id, row.method, row.ended_at) == (world.user_ids["partner_manager"], "single sign-on", None)
    assert "single sign-on" in set(log["detail"])


def test_an_old_single_sign_on_identity_starts_no_session(app, world):
    """Streamlit keeps the identity cookie 30 days: after sign-out or expiry the user goes back to the provider."""
    at = app()
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x"}
    at.user = {"is_logged_in": True, "email": World.email("partner_manager"), "iat": int(time.time()) - 3600}
    at.run()
    assert not at.exception
    assert "user_id" not in at.session_state
    assert at.button(key="sso_login").label == "Sign in with single sign-on"


def test_single_sign_on_refuses_an_unknown_email(app):
    at = app()
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x"}
    at.user = {"is_logged_in": True, "email": "stranger@elsewhere.example"}
    at.run()
    assert not at.exception
    assert "user_id" not in at.session_state
    assert "stranger@elsewhere.example has no active user" in shown(at.error[0].value)
    assert at.button(key="sso_logout").label == "Sign out of single sign-on"


def test_without_an_auth_section_there_is_no_single_sign_on_button(app):
    at = app().run()
    assert not at.exception
    assert "sso_login" not in [b.key for b in at.button]


def test_single_sign_on_button_shows_a_setup_error_instead_of_crashing(app):
    at = app()
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x"}
    at.run()
    assert at.button(key="sso_login").label == "Sign in with single sign-on"
    at = at.button(key="sso_login").click().run()
    assert not at.exception
    assert at.error[0].value.startswith("Single sign-on is not set up correctly")


def test_a_user_whose_password_fails_todays_rule_must_choose_a_new_one_first(app, world):
    uid = world.user_ids["finance"]
    with world.session() as s:  # chosen under the old rule (eight characters were enough)
        s.get(User, uid).password_hash = users.hash_password("letmein1")
        s.commit()
    at = sign_in(app().run(), World.email("finance"), "letmein1")
    assert not at.exception
    assert at.title[0].value == "Choose a new password"
    at.switch_page("pages/commissions.py").run()
    assert not at.exception
    assert "choose a new one on the home page first" in at.warning[0].value
    at.switch_page("dashboard.py").run()
    at.text_input(key="current_password").input("letmein1")
    at.text_input(key="changed_password").input("password1234")
    at.text_input(key="changed_password_again").input("password1234")
    at = at.button(key="change_password_submit").click().run()
    assert "too easy to guess" in at.error[0].value and "longer passphrase" in at.error[0].value
    at.text_input(key="current_password").input("letmein1")
    at.text_input(key="changed_password").input("velvet comet harbor 73")
    at.text_input(key="changed_password_again").input("velvet comet harbor 37")
    at = at.button(key="change_password_submit").click().run()
    assert at.error[0].value == "The two new passwords differ."
    at.text_input(key="current_password").input("letmein1")
    at.text_input(key="changed_password").input("velvet comet harbor 73")
    at.text_input(key="changed_password_again").input("velvet comet harbor 73")
    at = at.button(key="change_password_submit").click().run()
    assert not at.exception
    assert at.title[0].value == "Welcome, Finance"
    assert at.success[0].value.startswith("Your password is changed.")
    with world.session() as s:
        assert s.get(User, uid).must_change_password is False
        assert sign_in_sessions.check_session(s, at.session_state[auth.SESSION_KEY]) is not None  # still signed in
        assert users.sign_in(s, email=World.email("finance"), password="velvet comet harbor 73").id == uid
