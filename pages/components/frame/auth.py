"""Who is signed in: the password form's session, its 8-hour signed cookie, or single sign-on (st.login).

The session state holds only the user's id; the user is read afresh on every run, so a
deactivated user or a changed role takes effect at once.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import streamlit as st
from itsdangerous import BadSignature, URLSafeTimedSerializer
from streamlit.errors import StreamlitSecretNotFoundError

from pages.components.frame.data import session
from pages.components.frame.translate import _
from partner_model import users
from partner_model.errors import AuthError
from partner_model.models import UserRead

USER_KEY = "user_id"
SIGNED_OUT_KEY = "signed_out"  # the cookie sent with this connection must not sign the user in again
VIA_SSO_KEY = "signed_in_via_sso"
COOKIE_KEY = "auth_cookie_pending"  # a token to set, or "" to clear, on the next page drawn
SSO_REFUSED_KEY = "sso_refused"
COOKIE_NAME = "partner_session"
COOKIE_MAX_AGE = 8 * 60 * 60
_SALT = "partner-dashboard-sign-in"
_SECRET_FILE = Path(__file__).resolve().parents[3] / "data" / ".cookie_secret"


def _secret_setting(key: str) -> object:
    try:
        return st.secrets.get(key)
    except (StreamlitSecretNotFoundError, FileNotFoundError):
        return None


def sso_configured() -> bool:
    """Single sign-on is on when .streamlit/secrets.toml has an [auth] section."""
    return bool(_secret_setting("auth"))


def cookie_secret() -> str:
    """PARTNER_COOKIE_SECRET, else partner_cookie_secret in st.secrets, else one generated once in data/."""
    configured = os.environ.get("PARTNER_COOKIE_SECRET") or _secret_setting("partner_cookie_secret")
    if configured:
        return str(configured)
    _SECRET_FILE.parent.mkdir(parents=True, exist_ok=True)
    try:  # O_EXCL: two processes starting together still end up with one secret
        fd = os.open(_SECRET_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(48))
    except FileExistsError:
        pass
    return _SECRET_FILE.read_text().strip()


def make_token(user_id: int, secret: str) -> str:
    return URLSafeTimedSerializer(secret, salt=_SALT).dumps({"uid": user_id})


def read_token(token: str, secret: str, max_age: int = COOKIE_MAX_AGE) -> int | None:
    """The user id in a token this app signed less than `max_age` seconds ago, else None."""
    try:
        data = URLSafeTimedSerializer(secret, salt=_SALT).loads(token, max_age=max_age)
    except BadSignature:  # also SignatureExpired
        return None
    uid = data.get("uid") if isinstance(data, dict) else None
    return uid if isinstance(uid, int) else None


def sign_in(email: str, password: str) -> UserRead:
    """Check the password (users.sign_in audits it and locks after repeated failures). Raises AuthError."""
    with session() as s:
        user = users.sign_in(s, email=email, password=password)
    _start(user.id)
    st.session_state[COOKIE_KEY] = make_token(user.id, cookie_secret())
    return user


def _start(user_id: int) -> None:
    st.session_state[USER_KEY] = user_id
    st.session_state[SIGNED_OUT_KEY] = False


def sign_out() -> None:
    """End the sign-in: forget the user, clear the cookie, and leave single sign-on too."""
    via_sso = st.session_state.pop(VIA_SSO_KEY, False)
    st.session_state.pop(USER_KEY, None)
    st.session_state[SIGNED_OUT_KEY] = True
    st.session_state[COOKIE_KEY] = ""
    if via_sso:
        st.logout()


def _from_cookie() -> int | None:
    token = st.context.cookies.get(COOKIE_NAME)
    return read_token(token, cookie_secret()) if token else None


def _from_sso() -> int | None:
    if not sso_configured() or not st.user.get("is_logged_in"):
        return None
    email = st.user.get("email")
    with session() as s:
        user = users.user_by_email(s, email) if email else None
        if user is None:
            st.session_state[SSO_REFUSED_KEY] = sso_refusal(email)
            return None
        users.record_sign_in(s, user, "single sign-on")
    st.session_state[VIA_SSO_KEY] = True
    return user.id


def sso_refusal(email: str | None) -> str:
    """What a single sign-on identity without an active user is told, in the reader's language."""
    if email:
        return _("{email} has no active user in the partner dashboard. "
                 "Ask an admin to create one, then sign in again.").format(email=email)
    return _("Your sign-on identity has no active user in the partner dashboard. "
             "Ask an admin to create one, then sign in again.")


def current_user() -> UserRead | None:
    """The signed-in, active user, or None."""
    uid = st.session_state.get(USER_KEY)
    if uid is None and not st.session_state.get(SIGNED_OUT_KEY):
        uid = _from_cookie() or _from_sso()
    if uid is None:
        return None
    with session() as s:
        user = users.get_user(s, uid)
    if user is None:  # deactivated or deleted since signing in
        sign_out()
        return None
    _start(user.id)
    return user


def emit_cookie() -> None:
    """Set or clear the sign-in cookie in the browser, if a sign-in or sign-out asked for it.

    st.html runs the script in the page itself (not an iframe), so document.cookie is the app's.
    st.context.cookies reads it back on the next connection, i.e. after a reload.
    """
    token = st.session_state.pop(COOKIE_KEY, None)
    if token is None:
        return
    max_age = COOKIE_MAX_AGE if token else 0
    st.html(
        f"<script>document.cookie = '{COOKIE_NAME}={token}; Max-Age={max_age}; Path=/; SameSite=Strict'"
        " + (location.protocol === 'https:' ? '; Secure' : '');</script>",
        unsafe_allow_javascript=True,
    )


__all__ = ["AuthError", "current_user", "emit_cookie", "sign_in", "sign_out", "sso_configured"]
