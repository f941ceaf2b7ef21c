"""Issue 15, the domain side: partner admins manage their own firm's users (invite with a one-time link, change
role, deactivate; never another partner's), registration warnings before submitting, audit-log filters."""

from __future__ import annotations

import datetime as dt

import pytest

from partner_model import clock, deals, sign_in_sessions, team, users
from partner_model.errors import AlreadyExists, Conflict, NotFound, PermissionDenied, ValidationError

STRONG = "violet kettle harbour mosaic"


def test_a_partner_admin_invites_a_colleague_who_sets_a_password_through_the_link_once(session, cast):
    invited, token = team.invite(session, cast.acme_admin, email="New.Colleague@acme.example", name="New Colleague")
    assert (invited.partner_id, invited.role, invited.email) == (cast.acme.id, "partner_user",
                                                                 "new.colleague@acme.example")
    assert team.invited_user(session, token).id == invited.id
    with pytest.raises(ValidationError) as err:
        team.accept_invitation(session, token, "password")
    assert err.value.field == "password"
    team.accept_invitation(session, token, STRONG)
    assert users.sign_in(session, email="new.colleague@acme.example", password=STRONG).id == invited.id
    with pytest.raises(Conflict):
        team.accept_invitation(session, token, STRONG + " again")
    assert team.invited_user(session, token) is None


def test_an_expired_link_does_not_work(session, cast):
    invited, token = team.invite(session, cast.acme_admin, email="late@acme.example", name="Late Comer",
                                 now=dt.datetime.now(dt.UTC) - dt.timedelta(days=team.INVITE_DAYS + 1))
    with pytest.raises(Conflict):
        team.accept_invitation(session, token, STRONG)


def test_invitations_are_for_the_admins_own_partner_and_team_roles_only(session, cast):
    with pytest.raises(PermissionDenied):
        team.invite(session, cast.acme_user, email="x@acme.example", name="X")
    with pytest.raises(ValidationError) as err:
        team.invite(session, cast.acme_admin, email="x@acme.example", name="X", role="admin")
    assert err.value.field == "role"
    with pytest.raises(ValidationError) as err:
        team.invite(session, cast.acme_admin, email="", name="")
    assert [e.field for e in err.value.errors] == ["email", "name"]
    with pytest.raises(AlreadyExists):
        team.invite(session, cast.acme_admin, email=cast.beta_user.email, name="Someone")


def test_a_partner_admin_changes_roles_and_deactivates_only_their_own_firms_users(session, cast):
    token = sign_in_sessions.start_session(session, cast.acme_user.id)
    promoted = team.change_member(session, cast.acme_admin, cast.acme_user.id, role="partner_admin")
    assert promoted.role == "partner_admin"
    off = team.change_member(session, cast.acme_admin, cast.acme_user.id, active=False,
                             expected_version=promoted.version)
    assert not off.active
    assert sign_in_sessions.resolve(session, token) is None, "deactivation ends the sessions"
    with pytest.raises(NotFound):
        team.change_member(session, cast.acme_admin, cast.beta_user.id, active=False)
    with pytest.raises(ValidationError):
        team.change_member(session, cast.acme_admin, cast.acme_admin.id, active=False)
    with pytest.raises(Conflict):
        team.change_member(session, cast.acme_admin, cast.acme_user.id, active=True, expected_version=1)
    assert set(team.members(session, cast.acme_admin)["email"]) == {cast.acme_user.email, cast.acme_admin.email}
    kinds = set(users.audit_log(session, cast.admin, kind="team_changed")["kind"])
    assert kinds == {"team_changed"}


def test_a_registration_warns_of_the_partners_own_earlier_one_another_partners_and_an_account(session, cast, factory):
    factory.deal(cast.acme_user, contact_email="first@samecorp.fi")
    assert [w["kind"] for w in deals.registration_warnings(session, cast.acme_user,
                                                           contact_email="second@samecorp.fi")] == [
        "own_registration"]
    other = deals.registration_warnings(session, cast.beta_user, contact_email="b@www.samecorp.fi")
    assert [w["kind"] for w in other] == ["other_partner"] and other[0]["review_status"] == "pending"
    assert cast.acme.name not in str(other), "never the other partner's name"
    factory.trial(cast.beta_user, domain="withaccount.fi")
    assert [w["kind"] for w in deals.registration_warnings(session, cast.beta_user,
                                                           contact_email="x@eu.withaccount.fi")] == [
        "existing_customer"]
    assert deals.registration_warnings(session, cast.beta_user, contact_email="someone@gmail.com") == []
    assert deals.registration_warnings(session, cast.beta_user, contact_email="half-typed") == []


def test_the_audit_log_filters_by_who_what_and_when_and_pages_in_sql(session, cast):
    for _ in range(3):
        with pytest.raises(Exception):  # noqa: B017  (AuthError)
            users.sign_in(session, email=cast.acme_user.email, password="wrong password entirely")
    failed = users.audit_log(session, cast.admin, kind="sign_in_failed", limit=2)
    assert list(failed["kind"]) == ["sign_in_failed"] * 2
    assert users.audit_count(session, cast.admin, kind="sign_in_failed") == 3
    mine = users.audit_log(session, cast.admin, subject=cast.acme_user.email.upper())
    assert len(mine) == 3
    today = clock.today()
    assert len(users.audit_log(session, cast.admin, since=today + dt.timedelta(days=2))) == 0
    assert "sign_in_failed" in users.audit_kinds(session, cast.admin)
    with pytest.raises(PermissionDenied):
        users.audit_log(session, cast.manager)
