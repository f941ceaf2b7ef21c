"""Server-side sign-in sessions: the row behind the browser's HttpOnly `partner_session` cookie.

A sign-in starts a row; the browser holds only an opaque random token (`secrets.token_urlsafe(32)`) and the row
only its sha256, so neither a copy of the table nor a leaked log signs anybody in. Every page run resolves the
token (or, within one connection, the row's id) here, so a session ended on one app server is out on all of them
at once. A session ends on sign-out, after SESSION_IDLE_HOURS without a page run, SESSION_MAX_HOURS after it
started, and, in the same transaction as the change, when its user's password is changed or reset, their role or
partner changes, or they are deactivated (users.py calls end_all). An admin can list a user's sessions and end
them (audited).

The page never sees the token either: it gets a one-time handoff code (stored hashed, valid HANDOFF_SECONDS)
that the browser trades at the /auth/session route for the cookie; redeeming it issues the token.

Settings: PARTNER_SESSION_IDLE_HOURS (default 8), PARTNER_SESSION_MAX_HOURS (default 24).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import secrets
from dataclasses import dataclass

import pandas as pd
from sqlmodel import Session, select

from partner_model.access import Actor, audit, require_role, write_service
from partner_model.errors import N_, NotFound
from partner_model.models import Role, SignInSession, User, UserRead, utcnow


def _hours(name: str, default: float) -> float:
    """A positive number of hours from the environment variable `name`, else `default`."""
    try:
        value = float(os.environ.get(name) or default)
    except ValueError:
        return default
    return value if value > 0 else default


SESSION_IDLE_HOURS = _hours("PARTNER_SESSION_IDLE_HOURS", 8)
SESSION_MAX_HOURS = _hours("PARTNER_SESSION_MAX_HOURS", 24)
HANDOFF_SECONDS = 120  # the page hands the code to the browser, which trades it at once
TOUCH_SECONDS = 60  # last_seen_at is written at most once a minute per session, not on every page run
_MAX_TOKEN_LENGTH = 100  # token_urlsafe(32) is 43 characters: anything much longer is not ours

# Why a session ended (ended_reason), for the admin's list.
ENDED_REASONS: dict[str, str] = {
    "signed_out": N_("Signed out"),
    "idle": N_("Idle too long"),
    "expired": N_("Expired"),
    "password_changed": N_("Password changed"),
    "role_changed": N_("Role or partner changed"),
    "deactivated": N_("User deactivated"),
    "ended_by_admin": N_("Ended by an admin"),
}


@dataclass(frozen=True)
class Handoff:
    """A session started for the page: its row id, and the one-time code the browser trades for the cookie."""

    session_id: int
    code: str


@dataclass(frozen=True)
class ActiveSession:
    """A session that is still on, and its user as they are now."""

    session_id: int
    user: UserRead
    method: str


def _id(value: object) -> int:
    """`value` as a row id, else 0 (which names no row): ids come from session state and forms, never trusted."""
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**31 else 0


def token_hash(token: str) -> str:
    """The sha256 (hex) of a token or handoff code: what the table stores instead of the secret."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _aware(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value


def _deadline(created_at: dt.datetime, last_seen_at: dt.datetime) -> dt.datetime:
    return min(_aware(last_seen_at) + dt.timedelta(hours=SESSION_IDLE_HOURS),
               _aware(created_at) + dt.timedelta(hours=SESSION_MAX_HOURS))


def _new_row(session: Session, user_id: int, *, method: str, user_agent: str | None,
             now: dt.datetime) -> tuple[SignInSession, str]:
    token = secrets.token_urlsafe(32)
    row = SignInSession(token_hash=token_hash(token), user_id=user_id, method=method[:20], created_at=now,
                        last_seen_at=now, expires_at=_deadline(now, now), user_agent=(user_agent or "")[:200])
    session.add(row)
    return row, token


def start_session(session: Session, user_id: int, *, method: str = "password", user_agent: str | None = None,
                  now: dt.datetime | None = None) -> str:
    """Start a session for an active user (after the caller checked their password or identity) and return its
    token, for a cookie. Raises NotFound for an unknown or inactive user."""
    now = now or utcnow()
    _active_user(session, user_id)
    __, token = _new_row(session, user_id, method=method, user_agent=user_agent, now=now)
    session.commit()
    return token


def start_with_handoff(session: Session, user_id: int, *, method: str = "password", user_agent: str | None = None,
                       now: dt.datetime | None = None) -> Handoff:
    """Start a session for an active user and return its id and a one-time handoff code (valid HANDOFF_SECONDS).

    The page keeps the id for its own connection and gives the code to the browser, which trades it for the
    cookie (redeem_handoff); the session's token exists only from then on, and only in the cookie.
    Raises NotFound for an unknown or inactive user.
    """
    now = now or utcnow()
    _active_user(session, user_id)
    row, __ = _new_row(session, user_id, method=method, user_agent=user_agent, now=now)  # this token is never told
    code = secrets.token_urlsafe(32)
    row.handoff_hash, row.handoff_expires_at = token_hash(code), now + dt.timedelta(seconds=HANDOFF_SECONDS)
    session.commit()
    return Handoff(session_id=row.id, code=code)  # type: ignore[arg-type]


def redeem_handoff(session: Session, code: object, *, now: dt.datetime | None = None) -> str | None:
    """Trade a handoff code for its session's token, once: a new token is issued and its hash stored, and the code
    is spent. None for an unknown, spent or expired code, or a session that has ended."""
    if not isinstance(code, str) or not 0 < len(code) <= _MAX_TOKEN_LENGTH:
        return None
    now = now or utcnow()
    row = session.exec(select(SignInSession).where(SignInSession.handoff_hash == token_hash(code))).first()
    if row is None:
        return None
    expired = row.handoff_expires_at is None or _aware(row.handoff_expires_at) < now
    row.handoff_hash, row.handoff_expires_at = None, None
    if expired or row.ended_at is not None or _check(session, row, now) is None:
        session.commit()
        return None
    token = secrets.token_urlsafe(32)
    row.token_hash = token_hash(token)
    session.commit()
    return token


def _active_user(session: Session, user_id: int) -> User:
    user = session.get(User, _id(user_id))
    if user is None or not user.active:
        raise NotFound(N_("User not found."))
    return user


def _end(row: SignInSession, reason: str, now: dt.datetime) -> None:
    row.ended_at, row.ended_reason = now, reason
    row.handoff_hash, row.handoff_expires_at = None, None


def _check(session: Session, row: SignInSession, now: dt.datetime) -> ActiveSession | None:
    """The row's session if it is on: ends it (uncommitted) when idle or expired or its user is inactive, and
    moves last_seen_at on at most once a minute."""
    if row.ended_at is not None:
        return None
    if _aware(row.expires_at) <= now:
        idle = _aware(row.last_seen_at) + dt.timedelta(hours=SESSION_IDLE_HOURS) <= now
        _end(row, "idle" if idle else "expired", now)
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        _end(row, "deactivated", now)
        return None
    if now - _aware(row.last_seen_at) >= dt.timedelta(seconds=TOUCH_SECONDS):
        row.last_seen_at = now
        row.expires_at = _deadline(row.created_at, now)
    return ActiveSession(session_id=row.id, user=UserRead.model_validate(user, from_attributes=True),  # type: ignore[arg-type]
                         method=row.method)


def _settle(session: Session, row: SignInSession | None, now: dt.datetime) -> ActiveSession | None:
    if row is None:
        return None
    found = _check(session, row, now)
    if session.dirty:
        session.commit()
    return found


def resolve_session(session: Session, token: object, *, now: dt.datetime | None = None) -> ActiveSession | None:
    """The session this cookie token belongs to, if it is still on (last seen moves on); None otherwise. An idle or
    expired session is ended on the way."""
    if not isinstance(token, str) or not 0 < len(token) <= _MAX_TOKEN_LENGTH:
        return None
    now = now or utcnow()
    row = session.exec(select(SignInSession).where(SignInSession.token_hash == token_hash(token))).first()
    return _settle(session, row, now)


def resolve(session: Session, token: object, *, now: dt.datetime | None = None) -> UserRead | None:
    """The active user signed in with this cookie token, or None (unknown token, ended, idle or expired session,
    inactive user)."""
    found = resolve_session(session, token, now=now)
    return found.user if found is not None else None


def check_session(session: Session, session_id: int, *, now: dt.datetime | None = None) -> ActiveSession | None:
    """The session with this id, if it is still on (what a page re-checks on every run of its connection)."""
    return _settle(session, session.get(SignInSession, _id(session_id)), now or utcnow())


def end_session(session: Session, token: object, *, reason: str = "signed_out", now: dt.datetime | None = None) -> bool:
    """End the session of this cookie token (sign-out). True if one was on."""
    if not isinstance(token, str) or not 0 < len(token) <= _MAX_TOKEN_LENGTH:
        return False
    row = session.exec(select(SignInSession).where(SignInSession.token_hash == token_hash(token))).first()
    return _end_row(session, row, reason, now)


def end_session_id(session: Session, session_id: int, *, reason: str = "signed_out",
                   now: dt.datetime | None = None) -> bool:
    """End the session with this id (sign-out from the page, which knows its own session). True if one was on;
    a sign-out is audited."""
    return _end_row(session, session.get(SignInSession, _id(session_id)), reason, now)


def _end_row(session: Session, row: SignInSession | None, reason: str, now: dt.datetime | None) -> bool:
    if row is None or row.ended_at is not None:
        return False
    now = now or utcnow()
    _end(row, reason, now)
    if reason == "signed_out":
        user = session.get(User, row.user_id)
        audit(session, "sign_out", actor_id=row.user_id, subject=user.email if user else "", detail=row.method, at=now)
    session.commit()
    return True


def end_all(session: Session, user_id: int, reason: str, *, keep: int | None = None,
            now: dt.datetime | None = None) -> int:
    """End every session of a user that is still on, except `keep` (a session id), in the caller's transaction:
    the caller commits (users.reset_password, update_user, change_own_password). Returns how many ended."""
    now = now or utcnow()
    rows = session.exec(select(SignInSession).where(SignInSession.user_id == user_id,
                                                    SignInSession.ended_at.is_(None))).all()  # type: ignore[union-attr]
    ended = 0
    for row in rows:
        if row.id != keep:
            _end(row, reason, now)
            ended += 1
    return ended


@write_service
def end_user_sessions(session: Session, actor: Actor, user_id: int, *, session_id: int | None = None) -> int:
    """An admin ends one session (`session_id`) or all sessions of a user; the user's browsers are signed out on
    their next page run. Admin only; audited. Returns how many ended. Raises PermissionDenied, NotFound."""
    require_role(actor, {Role.admin}, "manage users")
    user = session.get(User, _id(user_id))
    if user is None:
        raise NotFound(N_("User not found."))
    now = utcnow()
    if session_id is None:
        ended = end_all(session, user.id, "ended_by_admin", now=now)  # type: ignore[arg-type]
    else:
        row = session.get(SignInSession, _id(session_id))
        if row is None or row.user_id != user.id:
            raise NotFound(N_("Session not found."))
        ended = 0 if row.ended_at is not None else 1
        if ended:
            _end(row, "ended_by_admin", now)
    audit(session, "sessions_ended", actor_id=actor.id, subject=user.email,
          detail=f"{ended} {'all' if session_id is None else f'session {session_id}'}", at=now)
    session.commit()
    return ended


SESSION_COLUMNS = ["id", "method", "created_at", "last_seen_at", "expires_at", "user_agent", "ended_at",
                   "ended_reason", "active"]


def list_sessions(session: Session, actor: Actor, user_id: int, *, limit: int = 20,
                  now: dt.datetime | None = None) -> pd.DataFrame:
    """A user's sessions, newest first (the `limit` newest, ended ones too), with `active` for those still on.
    Admin only. Raises PermissionDenied, NotFound."""
    require_role(actor, {Role.admin}, "manage users")
    if session.get(User, _id(user_id)) is None:
        raise NotFound(N_("User not found."))
    now = now or utcnow()
    rows = session.exec(select(SignInSession).where(SignInSession.user_id == user_id)
                        .order_by(SignInSession.id.desc()).limit(limit)).all()  # type: ignore[union-attr]
    records = [{
        "id": r.id, "method": r.method, "created_at": _aware(r.created_at), "last_seen_at": _aware(r.last_seen_at),
        "expires_at": _aware(r.expires_at), "user_agent": r.user_agent,
        "ended_at": _aware(r.ended_at) if r.ended_at else None, "ended_reason": r.ended_reason,
        "active": r.ended_at is None and _aware(r.expires_at) > now,
    } for r in rows]
    return pd.DataFrame(records, columns=SESSION_COLUMNS)
