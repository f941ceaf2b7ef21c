"""sign_in_sessions: server-side sessions behind the HttpOnly cookie (issue "a signed-out session stays out", fault 3).

A token resolves only while its row is on; sign-out, idle and absolute expiry, a password change or reset, a role
or partner change and deactivation end it, the last four in the same transaction as the change.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from sqlmodel import select

from factories import PASSWORD
from partner_model import sign_in_sessions, users
from partner_model.errors import NotFound, PermissionDenied, ValidationError
from partner_model.models import AuditEvent, SignInSession

NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)


def rows(session, user_id: int) -> list[SignInSession]:  # type: ignore[no-untyped-def]
    session.expire_all()
    return list(session.exec(select(SignInSession).where(SignInSession.user_id == user_id)
                             .order_by(SignInSession.id)).all())


def test_a_started_session_resolves_its_token_to_the_user(session, make_user):
    user = make_user(role="finance")
    token = sign_in_sessions.start_session(session, user.id, user_agent="Firefox", now=NOW)
    found = sign_in_sessions.resolve(session, token, now=NOW + dt.timedelta(minutes=5))
    assert (found.id, found.email, found.role) == (user.id, user.email, user.role)


def test_the_table_holds_only_the_tokens_sha256_never_the_token(session, make_user):
    user = make_user(role="finance")
    token = sign_in_sessions.start_session(session, user.id, now=NOW)
    assert len(token) >= 43  # secrets.token_urlsafe(32)
    (row,) = rows(session, user.id)
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in " ".join(str(value) for value in row.model_dump().values())


@pytest.mark.parametrize("token", [None, "", "not a token", "x" * 5000, 42, b"bytes"])
def test_an_unknown_or_junk_token_resolves_to_nobody(session, make_user, token):
    sign_in_sessions.start_session(session, make_user(role="finance").id, now=NOW)
    assert sign_in_sessions.resolve(session, token, now=NOW) is None


def test_ending_a_session_signs_its_token_out_at_once_and_only_that_one(session, make_user):
    user = make_user(role="finance")
    first = sign_in_sessions.start_session(session, user.id, now=NOW)
    second = sign_in_sessions.start_session(session, user.id, now=NOW)
    assert sign_in_sessions.end_session(session, first, now=NOW + HOUR) is True
    assert sign_in_sessions.resolve(session, first, now=NOW + HOUR) is None
    assert sign_in_sessions.resolve(session, second, now=NOW + HOUR).id == user.id
    assert sign_in_sessions.end_session(session, first) is False  # already ended
    assert [(r.ended_reason is not None, r.ended_reason) for r in rows(session, user.id)] == [
        (True, "signed_out"), (False, None)]
    assert session.exec(select(AuditEvent.kind).where(AuditEvent.subject == user.email)).all() == ["sign_out"]


def test_an_idle_session_ends_after_the_idle_hours_and_use_keeps_it_on(session, make_user, monkeypatch):
    monkeypatch.setattr(sign_in_sessions, "SESSION_IDLE_HOURS", 8)
    monkeypatch.setattr(sign_in_sessions, "SESSION_MAX_HOURS", 24)
    user = make_user(role="finance")
    token = sign_in_sessions.start_session(session, user.id, now=NOW)
    assert sign_in_sessions.resolve(session, token, now=NOW + 7 * HOUR) is not None  # moves last seen on
    assert sign_in_sessions.resolve(session, token, now=NOW + 14 * HOUR) is not None  # 7 h after last seen
    assert sign_in_sessions.resolve(session, token, now=NOW + 22 * HOUR + dt.timedelta(seconds=1)) is None
    (row,) = rows(session, user.id)
    assert row.ended_reason == "idle"
    assert sign_in_sessions.resolve(session, token, now=NOW + 14 * HOUR) is None  # ended stays ended


def test_a_session_ends_at_the_absolute_limit_however_busy(session, make_user, monkeypatch):
    monkeypatch.setattr(sign_in_sessions, "SESSION_IDLE_HOURS", 8)
    monkeypatch.setattr(sign_in_sessions, "SESSION_MAX_HOURS", 24)
    user = make_user(role="finance")
    token = sign_in_sessions.start_session(session, user.id, now=NOW)
    for hours in range(1, 24):
        assert sign_in_sessions.resolve(session, token, now=NOW + hours * HOUR) is not None
    assert sign_in_sessions.resolve(session, token, now=NOW + 24 * HOUR) is None
    assert rows(session, user.id)[0].ended_reason == "expired"


def test_the_idle_hours_come_from_partner_session_idle_hours(monkeypatch):
    monkeypatch.setenv("PARTNER_SESSION_IDLE_HOURS", "2.5")
    assert sign_in_sessions._hours("PARTNER_SESSION_IDLE_HOURS", 8) == 2.5
    for bad in ("", "zero", "-1", "0"):
        monkeypatch.setenv("PARTNER_SESSION_IDLE_HOURS", bad)
        assert sign_in_sessions._hours("PARTNER_SESSION_IDLE_HOURS", 8) == 8


def test_a_handoff_code_is_traded_once_for_a_new_token(session, make_user):
    user = make_user(role="finance")
    handoff = sign_in_sessions.start_with_handoff(session, user.id, user_agent="Chromium", now=NOW)
    (row,) = rows(session, user.id)
    assert row.handoff_hash == hashlib.sha256(handoff.code.encode()).hexdigest()
    token = sign_in_sessions.redeem_handoff(session, handoff.code, now=NOW + dt.timedelta(seconds=5))
    assert token and token != handoff.code
    assert sign_in_sessions.resolve(session, token, now=NOW + dt.timedelta(seconds=6)).id == user.id
    assert sign_in_sessions.resolve(session, handoff.code, now=NOW) is None  # the code is not a token
    assert sign_in_sessions.redeem_handoff(session, handoff.code, now=NOW + dt.timedelta(seconds=7)) is None
    assert rows(session, user.id)[0].handoff_hash is None
    assert sign_in_sessions.check_session(session, handoff.session_id, now=NOW).user.id == user.id


def test_an_expired_handoff_code_or_one_of_an_ended_session_is_refused(session, make_user):
    user = make_user(role="finance")
    late = sign_in_sessions.start_with_handoff(session, user.id, now=NOW)
    later = NOW + dt.timedelta(seconds=sign_in_sessions.HANDOFF_SECONDS + 1)
    assert sign_in_sessions.redeem_handoff(session, late.code, now=later) is None
    ended = sign_in_sessions.start_with_handoff(session, user.id, now=NOW)
    sign_in_sessions.end_session_id(session, ended.session_id, now=NOW)
    assert sign_in_sessions.redeem_handoff(session, ended.code, now=NOW) is None


def test_starting_a_session_for_an_inactive_or_unknown_user_is_refused(session, make_user):
    admin, user = make_user(role="admin"), make_user(role="finance")
    users.update_user(session, admin, user.id, active=False)
    for user_id in (user.id, 999_999):
        with pytest.raises(NotFound):
            sign_in_sessions.start_session(session, user_id)
        with pytest.raises(NotFound):
            sign_in_sessions.start_with_handoff(session, user_id)


def test_an_admins_password_reset_ends_all_the_users_sessions(session, make_user):
    admin, user = make_user(role="admin"), make_user(role="finance")
    tokens = [sign_in_sessions.start_session(session, user.id) for _ in range(2)]
    other = sign_in_sessions.start_session(session, admin.id)
    users.reset_password(session, admin, user.id, "quartz lantern meadow 41")
    assert [sign_in_sessions.resolve(session, t) for t in tokens] == [None, None]
    assert {r.ended_reason for r in rows(session, user.id)} == {"password_changed"}
    assert sign_in_sessions.resolve(session, other).id == admin.id


def test_a_refused_password_reset_ends_no_session(session, make_user):
    admin, user = make_user(role="admin"), make_user(role="finance")
    token = sign_in_sessions.start_session(session, user.id)
    with pytest.raises(ValidationError):
        users.reset_password(session, admin, user.id, "password")
    assert sign_in_sessions.resolve(session, token).id == user.id


@pytest.mark.parametrize("change", ["role", "partner"])
def test_a_new_role_or_partner_ends_the_users_sessions(session, make_user, make_partner, change):
    admin, user = make_user(role="admin"), make_user(role="partner_user")
    token = sign_in_sessions.start_session(session, user.id)
    if change == "role":
        users.update_user(session, admin, user.id, role="partner_admin", partner_id=user.partner_id)
    else:
        users.update_user(session, admin, user.id, partner_id=make_partner().id)
    assert sign_in_sessions.resolve(session, token) is None
    assert rows(session, user.id)[0].ended_reason == "role_changed"


def test_a_new_name_keeps_the_users_sessions(session, make_user):
    admin, user = make_user(role="admin"), make_user(role="finance")
    token = sign_in_sessions.start_session(session, user.id)
    users.update_user(session, admin, user.id, name="Renamed Person")
    assert sign_in_sessions.resolve(session, token).name == "Renamed Person"


def test_deactivation_ends_the_sessions_and_reactivation_does_not_bring_them_back(session, make_user):
    admin, user = make_user(role="admin"), make_user(role="finance")
    token = sign_in_sessions.start_session(session, user.id)
    users.update_user(session, admin, user.id, active=False)
    assert rows(session, user.id)[0].ended_reason == "deactivated"
    users.update_user(session, admin, user.id, active=True)
    assert sign_in_sessions.resolve(session, token) is None


def test_changing_ones_own_password_keeps_this_session_and_ends_the_others(session, make_user):
    user = make_user(role="finance")
    here = sign_in_sessions.start_with_handoff(session, user.id)
    elsewhere = sign_in_sessions.start_session(session, user.id)
    users.change_own_password(session, user, current=PASSWORD, new="quartz lantern meadow 41",
                              keep_session_id=here.session_id)
    assert sign_in_sessions.check_session(session, here.session_id) is not None
    assert sign_in_sessions.resolve(session, elsewhere) is None
    users.change_own_password(session, user, current="quartz lantern meadow 41", new="velvet comet harbor 73")
    assert sign_in_sessions.check_session(session, here.session_id) is None  # without keep: all of them


def test_an_admin_lists_a_users_sessions_and_ends_one_or_all_audited(session, make_user):
    admin, user = make_user(role="admin"), make_user(role="finance")
    first = sign_in_sessions.start_with_handoff(session, user.id, user_agent="Firefox on Linux")
    sign_in_sessions.start_with_handoff(session, user.id, method="single sign-on", user_agent="Safari")
    listed = sign_in_sessions.list_sessions(session, admin, user.id)
    assert list(listed.columns) == sign_in_sessions.SESSION_COLUMNS
    assert list(listed["user_agent"]) == ["Safari", "Firefox on Linux"]  # newest first
    assert list(listed["active"]) == [True, True]
    assert sign_in_sessions.end_user_sessions(session, admin, user.id, session_id=first.session_id) == 1
    assert list(sign_in_sessions.list_sessions(session, admin, user.id)["active"]) == [True, False]
    assert sign_in_sessions.end_user_sessions(session, admin, user.id) == 1
    listed = sign_in_sessions.list_sessions(session, admin, user.id)
    assert list(listed["active"]) == [False, False]
    assert set(listed["ended_reason"]) == {"ended_by_admin"}
    log = users.audit_log(session, admin)
    ended = log[log["kind"] == "sessions_ended"]
    assert list(ended["subject"]) == [user.email, user.email] and set(ended["actor_id"]) == {admin.id}


def test_only_an_admin_lists_or_ends_sessions_and_only_of_that_user(session, make_user):
    admin, user, finance = make_user(role="admin"), make_user(role="finance"), make_user(role="finance")
    theirs = sign_in_sessions.start_with_handoff(session, finance.id)
    with pytest.raises(PermissionDenied):
        sign_in_sessions.list_sessions(session, finance, user.id)
    with pytest.raises(PermissionDenied):
        sign_in_sessions.end_user_sessions(session, finance, user.id)
    with pytest.raises(NotFound):  # a session of another user
        sign_in_sessions.end_user_sessions(session, admin, user.id, session_id=theirs.session_id)
    assert sign_in_sessions.check_session(session, theirs.session_id) is not None
