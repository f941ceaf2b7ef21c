"""Who is signed in: a server-side sign-in session (partner_model.sign_in_sessions), found through the browser's
HttpOnly `partner_session` cookie or, within one connection, the session's id in the session state; or a single
sign-on identity (st.login), which starts such a session too.

Every run re-checks the session row, so a session ended anywhere (sign-out in another tab, an admin, a password or
role change, deactivation, idle or absolute expiry) signs the page out at its next run, on every app server. The
user is read afresh each run too, so a changed role applies at once.

The cookie is set and cleared only by the HTTP routes in session_cookie.py (HttpOnly: no page script can read it).
After a sign-in the page holds a one-time handoff code; emit_cookie has the browser trade it at /auth/session for
the cookie with a same-origin fetch. A user id put in the session state without a session (AppTest, benchmarks:
nothing a browser can do) is honoured for that connection and re-read every run.
"""

from __future__ import annotations

import time

import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from pages.components.frame.data import session
from pages.components.frame.session_cookie import COOKIE_NAME, SESSION_PATH, SIGN_OUT_PATH, cookie_script
from pages.components.frame.text import md
from pages.components.frame.translate import _
from partner_model import sign_in_sessions, users
from partner_model.errors import AuthError
from partner_model.models import UserRead
from partner_model.sign_in_sessions import Handoff

USER_KEY = "user_id"
SESSION_KEY = "sign_in_session_id"
SIGNED_OUT_KEY = "signed_out"  # this connection signed out: neither its cookie nor single sign-on signs it in again
VIA_SSO_KEY = "signed_in_via_sso"
COOKIE_KEY = "auth_cookie_pending"  # a handoff code to trade for the cookie, or "" to clear it, on the next page
DEAD_COOKIE_KEY = "dead_cookie_cleared"
SSO_REFUSED_KEY = "sso_refused"
SSO = "single sign-on"
# A single sign-on identity starts a session only while it is this fresh (its `iat`): Streamlit keeps the identity
# cookie for 30 days, and an idle, ended or signed-out session must send the user back to the provider.
SSO_FRESH_SECONDS = 10 * 60


def _secret_setting(key: str) -> object:
    try:
        return st.secrets.get(key)
    except (StreamlitSecretNotFoundError, FileNotFoundError):
        return None


def sso_configured() -> bool:
    """Single sign-on is on when .streamlit/secrets.toml has an [auth] section."""
    return bool(_secret_setting("auth"))


def _user_agent() -> str:
    try:
        return str(st.context.headers.get("User-Agent") or "")[:200]
    except Exception:  # noqa: BLE001 - no request headers (AppTest): the column stays empty
        return ""


def _start(user_id: int, handoff: Handoff) -> None:
    st.session_state[USER_KEY] = user_id
    st.session_state[SESSION_KEY] = handoff.session_id
    st.session_state[SIGNED_OUT_KEY] = False
    st.session_state[COOKIE_KEY] = handoff.code


def sign_in(email: str, password: str) -> UserRead:
    """Check the password (users.sign_in audits it and locks after repeated failures), start a session, and have
    the next page set its cookie. Raises AuthError."""
    with session() as s:
        user = users.sign_in(s, email=email, password=password)
        handoff = sign_in_sessions.start_with_handoff(s, user.id, method="password", user_agent=_user_agent())
    _start(user.id, handoff)
    return user


def _forget(clear_cookie: bool) -> bool:
    """Forget this connection's sign-in; True when it was a single sign-on one."""
    st.session_state.pop(USER_KEY, None)
    st.session_state.pop(SESSION_KEY, None)
    st.session_state[SIGNED_OUT_KEY] = True
    if clear_cookie:
        st.session_state[COOKIE_KEY] = ""
    return bool(st.session_state.pop(VIA_SSO_KEY, False))


def sign_out() -> None:
    """End the sign-in: end the session row (so its cookie is dead everywhere at once), have the next page clear
    the cookie, and leave single sign-on too."""
    session_id = st.session_state.get(SESSION_KEY)
    if session_id is not None:
        with session() as s:
            sign_in_sessions.end_session_id(s, session_id)
    if _forget(clear_cookie=True):
        st.logout()


def _from_cookie() -> UserRead | None:
    token = st.context.cookies.get(COOKIE_NAME)
    if not token or st.session_state.get(DEAD_COOKIE_KEY):  # a connection's cookies never change: look up once
        return None
    with session() as s:
        found = sign_in_sessions.resolve_session(s, token)
    if found is None:
        if not st.session_state.get(DEAD_COOKIE_KEY):  # ended or expired: have the browser drop it, once
            st.session_state[DEAD_COOKIE_KEY] = True
            st.session_state[COOKIE_KEY] = ""
        return None
    st.session_state[USER_KEY] = found.user.id
    st.session_state[SESSION_KEY] = found.session_id
    st.session_state[VIA_SSO_KEY] = found.method == SSO
    return found.user


def _fresh(issued_at: object) -> bool:
    try:
        return time.time() - float(issued_at) <= SSO_FRESH_SECONDS  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


def _from_sso() -> UserRead | None:
    if not sso_configured() or not st.user.get("is_logged_in"):
        return None
    email = st.user.get("email")
    with session() as s:
        user = users.user_by_email(s, email) if isinstance(email, str) else None
        if user is None:
            st.session_state[SSO_REFUSED_KEY] = sso_refusal(email if isinstance(email, str) else None)
            return None
        if not _fresh(st.user.get("iat")):
            return None  # an identity from an earlier visit: the sign-in page offers single sign-on again
        users.record_sign_in(s, user, SSO)
        handoff = sign_in_sessions.start_with_handoff(s, user.id, method=SSO, user_agent=_user_agent())
    _start(user.id, handoff)
    st.session_state[VIA_SSO_KEY] = True
    return user


def sso_refusal(email: str | None) -> str:
    """What a single sign-on identity without an active user is told, in the reader's language."""
    if email:
        return _("{email} has no active user in the partner dashboard. "
                 "Ask an admin to create one, then sign in again.").format(email=md(email))
    return _("Your sign-on identity has no active user in the partner dashboard. "
             "Ask an admin to create one, then sign in again.")


def current_user() -> UserRead | None:
    """The signed-in, active user, or None. Re-checks this connection's session row on every run."""
    session_id = st.session_state.get(SESSION_KEY)
    if session_id is not None:
        with session() as s:
            found = sign_in_sessions.check_session(s, session_id)
        if found is None:  # ended since the last run: signed out here too
            _forget(clear_cookie=True)
            return None
        st.session_state[USER_KEY] = found.user.id
        return found.user
    user_id = st.session_state.get(USER_KEY)
    if user_id is not None:
        with session() as s:
            user = users.get_user(s, user_id)
        if user is None:  # deactivated or deleted since
            _forget(clear_cookie=False)
        return user
    if st.session_state.get(SIGNED_OUT_KEY):
        return None
    return _from_cookie() or _from_sso()


def current_session_id() -> int | None:
    """This connection's sign-in session (None for a user set without one)."""
    value = st.session_state.get(SESSION_KEY)
    return value if isinstance(value, int) else None


def emit_cookie() -> None:
    """Have the browser set (a handoff code is pending) or clear ("" is pending) the sign-in cookie, through the
    routes in session_cookie.py. The script sends a same-origin POST; the cookie itself is HttpOnly."""
    pending = st.session_state.pop(COOKIE_KEY, None)
    if pending is None:
        return
    path = SESSION_PATH if pending else SIGN_OUT_PATH
    st.html(cookie_script(path, pending or None), unsafe_allow_javascript=True)


__all__ = ["AuthError", "current_session_id", "current_user", "emit_cookie", "sign_in", "sign_out",
           "sso_configured"]
