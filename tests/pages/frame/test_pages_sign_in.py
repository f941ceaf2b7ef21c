"""Sign-in on the home page, lockout, sign-out, the 8-hour cookie's token, and single sign-on."""

from __future__ import annotations

from pages_helpers import main_text

from pages.components.frame import auth
from pages_world import PASSWORD, World
from partner_model import rules, users


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


def test_sign_out_ends_the_sign_in_and_clears_the_cookie(app):
    at = app("partner_admin").run()
    assert at.title[0].value.startswith("Welcome")
    at = at.sidebar.button(key="sign_out").click().run()
    assert not at.exception
    assert "user_id" not in at.session_state
    assert at.session_state[auth.SIGNED_OUT_KEY] is True
    assert at.text_input(key="sign_in_email").label == "Email"
    assert any("Max-Age=0" in h.proto.body for h in at.get("html"))  # the script that clears the cookie


def test_sign_in_sets_the_cookie_script_once(app):
    at = sign_in(app().run(), World.email("admin"), PASSWORD)
    scripts = [h.proto.body for h in at.get("html") if auth.COOKIE_NAME in h.proto.body]
    assert len(scripts) == 1 and "Max-Age=28800" in scripts[0]
    at = at.run()
    assert not [h for h in at.get("html") if auth.COOKIE_NAME in h.proto.body]


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


def test_cookie_token_round_trips_and_expires():
    token = auth.make_token(42, "secret")
    assert auth.read_token(token, "secret") == 42
    assert auth.read_token(token, "another secret") is None
    assert auth.read_token(token + "x", "secret") is None
    assert auth.read_token(token, "secret", max_age=-1) is None  # older than allowed


def test_single_sign_on_maps_a_known_email_to_its_user(app, world):
    at = app()
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x"}
    at.user = {"is_logged_in": True, "email": World.email("partner_manager")}
    at.run()
    assert not at.exception
    assert at.session_state["user_id"] == world.user_ids["partner_manager"]
    with world.session() as s:
        log = users.audit_log(s, users.get_user(s, world.user_ids["admin"]))
    assert "single sign-on" in set(log["detail"])


def test_single_sign_on_refuses_an_unknown_email(app):
    at = app()
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x"}
    at.user = {"is_logged_in": True, "email": "stranger@elsewhere.example"}
    at.run()
    assert not at.exception
    assert "user_id" not in at.session_state
    assert "stranger@elsewhere.example has no active user" in at.error[0].value
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
