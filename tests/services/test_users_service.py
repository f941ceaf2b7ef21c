"""users: creating users, roles tied to partners, sign-in and lockout (PRODUCT.md, issue 2 "Sign-in")."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from factories import PASSWORD, count
from partner_model import users
from partner_model.errors import AuthError, Conflict, DomainError, ValidationError
from partner_model.models import Role, User, UserRead

NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)


def test_create_user_returns_a_read_model_with_role_and_partner(session, make_partner):
    acme = make_partner()
    user = users.create_user(session, email="Mia@Acme-Example.fi", name="Mia", role="partner_admin",
                             password=PASSWORD, partner_id=acme.id)
    assert isinstance(user, UserRead)
    assert isinstance(user.id, int)
    assert user.email.lower() == "mia@acme-example.fi"
    assert user.role == Role.partner_admin and user.role == "partner_admin"
    assert user.partner_id == acme.id


def test_password_is_stored_as_an_argon2_or_bcrypt_hash_never_in_clear(session, make_user):
    user = make_user(role="finance", real_hash=True)
    stored = session.exec(select(User).where(User.id == user.id)).one()
    assert PASSWORD not in stored.password_hash
    assert stored.password_hash.startswith(("$argon2", "$2b$", "$2a$", "$2y$"))


def test_staff_user_needs_no_partner(session):
    user = users.create_user(session, email="ops@vendor.example.com", name="Ops", role="admin", password=PASSWORD)
    assert user.partner_id is None and user.role == "admin"


@pytest.mark.parametrize("role", ["partner_user", "partner_admin"])
def test_partner_roles_need_a_partner_id_and_nothing_is_written(session, role):
    before = count(session, User)
    with pytest.raises(ValidationError) as err:
        users.create_user(session, email="x@example.com", name="X", role=role, password=PASSWORD)
    assert err.value.field == "partner_id"
    assert count(session, User) == before


def test_duplicate_email_is_a_conflict_case_insensitively(session, make_user):
    first = make_user(role="finance")
    before = count(session, User)
    with pytest.raises(Conflict):
        users.create_user(session, email=first.email.upper(), name="Again", role="finance", password=PASSWORD)
    assert count(session, User) == before


@pytest.mark.parametrize("email", ["not-an-email", "a@b", "", "   ", "two@@example.com"])
def test_invalid_email_is_refused_with_field_email(session, email):
    with pytest.raises(ValidationError) as err:
        users.create_user(session, email=email, name="X", role="finance", password=PASSWORD)
    assert err.value.field == "email"
    assert count(session, User) == 0


def test_unknown_role_is_refused_with_field_role(session):
    with pytest.raises(ValidationError) as err:
        users.create_user(session, email="x@example.com", name="X", role="superuser", password=PASSWORD)
    assert err.value.field == "role"
    assert count(session, User) == 0


def test_sign_in_with_the_right_password_returns_the_user(session, make_user):
    user = make_user(role="partner_manager")
    signed_in = users.sign_in(session, email=user.email, password=PASSWORD)
    assert isinstance(signed_in, UserRead)
    assert (signed_in.id, signed_in.role, signed_in.partner_id) == (user.id, user.role, user.partner_id)


def test_sign_in_ignores_the_case_of_the_email(session, make_user):
    user = make_user(role="finance")
    assert users.sign_in(session, email=user.email.upper(), password=PASSWORD).id == user.id


def test_wrong_password_and_unknown_email_give_the_same_message(session, make_user):
    user = make_user(role="finance")
    with pytest.raises(AuthError) as wrong:
        users.sign_in(session, email=user.email, password="not the password")
    with pytest.raises(AuthError) as unknown:
        users.sign_in(session, email="nobody@nowhere.example.com", password="not the password")
    assert str(wrong.value) == str(unknown.value)
    assert "nobody@nowhere.example.com" not in str(unknown.value)


def test_five_failed_sign_ins_lock_the_account_even_for_the_right_password(session, make_user):
    user = make_user(role="finance")
    for i in range(5):
        with pytest.raises(AuthError):
            users.sign_in(session, email=user.email, password="wrong password", now=NOW + dt.timedelta(seconds=i))
    with pytest.raises(AuthError):
        users.sign_in(session, email=user.email, password=PASSWORD, now=NOW + dt.timedelta(minutes=1))
    with pytest.raises(AuthError):
        users.sign_in(session, email=user.email, password=PASSWORD, now=NOW + dt.timedelta(minutes=14))


def test_lock_ends_after_fifteen_minutes(session, make_user):
    user = make_user(role="finance")
    for i in range(5):
        with pytest.raises(AuthError):
            users.sign_in(session, email=user.email, password="wrong password", now=NOW + dt.timedelta(seconds=i))
    later = NOW + dt.timedelta(minutes=15, seconds=10)
    assert users.sign_in(session, email=user.email, password=PASSWORD, now=later).id == user.id


def test_four_failures_do_not_lock_the_account(session, make_user):
    user = make_user(role="finance")
    for i in range(4):
        with pytest.raises(AuthError):
            users.sign_in(session, email=user.email, password="wrong password", now=NOW + dt.timedelta(seconds=i))
    assert users.sign_in(session, email=user.email, password=PASSWORD, now=NOW + dt.timedelta(seconds=5)).id == user.id


def test_a_successful_sign_in_resets_the_failure_count(session, make_user):
    user = make_user(role="finance")
    for i in range(4):
        with pytest.raises(AuthError):
            users.sign_in(session, email=user.email, password="wrong", now=NOW + dt.timedelta(seconds=i))
    users.sign_in(session, email=user.email, password=PASSWORD, now=NOW + dt.timedelta(seconds=10))
    for i in range(4):
        with pytest.raises(AuthError):
            users.sign_in(session, email=user.email, password="wrong", now=NOW + dt.timedelta(seconds=20 + i))
    assert users.sign_in(session, email=user.email, password=PASSWORD, now=NOW + dt.timedelta(seconds=30)).id == user.id


def test_lockout_message_does_not_differ_between_a_locked_known_and_an_unknown_email(session, make_user):
    """Repeated failures on an unknown email look the same as on a real account: no way to probe emails."""
    user = make_user(role="finance")
    known, unknown = [], []
    for i in range(6):
        at = NOW + dt.timedelta(seconds=i)
        with pytest.raises(AuthError) as a:
            users.sign_in(session, email=user.email, password="wrong", now=at)
        with pytest.raises(AuthError) as b:
            users.sign_in(session, email="ghost@nowhere.example.com", password="wrong", now=at)
        known.append(str(a.value).split(" until ")[0])
        unknown.append(str(b.value).split(" until ")[0])
    assert known == unknown


def test_sign_in_errors_are_domain_errors(session):
    with pytest.raises(DomainError):
        users.sign_in(session, email="", password="")


def test_lockout_message_is_the_same_for_known_and_unknown_emails_in_real_time(session, make_user):
    user = make_user(role="finance")
    known, unknown = [], []
    for _ in range(6):
        with pytest.raises(AuthError) as a:
            users.sign_in(session, email=user.email, password="wrong")
        with pytest.raises(AuthError) as b:
            users.sign_in(session, email="ghost@nowhere.example.com", password="wrong")
        known.append(str(a.value).split(" until ")[0])
        unknown.append(str(b.value).split(" until ")[0])
    assert known == unknown


# --- any text at the sign-in form is an AuthError, never a crash ------------------------------

from hypothesis import HealthCheck, example, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(email=st.one_of(st.text(max_size=40), st.emails()), password=st.text(max_size=40))
@example(email="nul\x00@example.com", password="pass\x00word")
@example(email="x" * 300 + "@example.com", password="")
def test_property_any_sign_in_input_gives_an_auth_error(session, email, password):
    with pytest.raises(AuthError):
        users.sign_in(session, email=email, password=password, now=NOW)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(email=st.one_of(st.text(max_size=40), st.emails()), name=st.text(max_size=40),
       role=st.sampled_from(["finance", "admin", "partner_manager"]))
def test_property_any_create_user_input_gives_a_user_or_a_validation_error_and_nothing_written(
        session, email, name, role):
    from factories import cheap_hashing

    before = count(session, User)
    try:
        with cheap_hashing():
            user = users.create_user(session, email=email, name=name, role=role, password=PASSWORD)
    except (ValidationError, Conflict):
        assert count(session, User) == before
    else:
        assert user.role == role and count(session, User) == before + 1


def test_creating_a_user_on_someone_s_behalf_needs_an_admin_and_is_audited(session, make_user):
    from partner_model.errors import PermissionDenied

    admin = make_user(role="admin")
    finance = make_user(role="finance")
    with pytest.raises(PermissionDenied):
        users.create_user(session, email="x@vendor.example", name="X", role="finance", password=PASSWORD,
                          actor=finance)
    assert users.user_by_email(session, "x@vendor.example") is None
    made = users.create_user(session, email="y@vendor.example", name="Y", role="finance", password=PASSWORD,
                             actor=admin)
    log = users.audit_log(session, admin)
    assert (log.iloc[0]["kind"], log.iloc[0]["subject"], log.iloc[0]["actor_id"]) == (
        "user_created", made.email, admin.id)
