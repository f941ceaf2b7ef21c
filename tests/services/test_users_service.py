"""users: creating users, roles tied to partners, sign-in and lockout (PRODUCT.md, issue 2 "Sign-in")."""

from __future__ import annotations

import contextlib
import datetime as dt
import statistics
import time

import pytest
from sqlmodel import select

from factories import PASSWORD, cheap_hashing, count
from partner_model import passwords, rules, users
from partner_model.errors import AuthError, Conflict, DomainError, PermissionDenied, ValidationError
from partner_model.models import Role, User, UserRead
from partner_model.seed import DEMO_PASSWORD

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


# --- the password rule (issue "a signed-out session stays out", fault 5) ------------------------

WEAK_PASSWORDS = ["password", "12345678", "aaaaaaaa", " " * 8,  # the examples
                  "password1234", "123456789012", "aaaaaaaaaaaa", " " * 12, "qwertyuiopas", "Password2026"]


@pytest.mark.parametrize("password", WEAK_PASSWORDS)
def test_a_weak_password_is_refused_on_field_password_and_nothing_written(session, password):
    before = count(session, User)
    with pytest.raises(ValidationError) as err:
        users.create_user(session, email="weak@vendor.example", name="Weak", role="finance", password=password)
    assert err.value.field == "password"
    assert count(session, User) == before


def test_the_refusal_says_why_and_what_would_pass(session):
    with pytest.raises(ValidationError) as short:
        users.create_user(session, email="s@vendor.example", name="S", role="finance", password="Tr0ub4dor&3")
    assert str(short.value) == "Password must be at least 12 characters."
    with pytest.raises(ValidationError) as common:
        users.create_user(session, email="c@vendor.example", name="C", role="finance", password="password1234")
    message = str(common.value)
    assert "commonly used password" in message and "longer passphrase of unusual words" in message
    assert common.value.template == passwords.TOO_EASY  # one translatable sentence; the reason is a parameter
    assert common.value.params["reason"] in passwords.REASONS.values()


def test_a_password_made_of_the_users_own_name_or_email_is_refused(session):
    with pytest.raises(ValidationError) as err:
        users.create_user(session, email="mia.virtanen@acme-oy.example", name="Mia Virtanen", role="finance",
                          password="mia.virtanen2026")
    assert err.value.field == "password"
    assert err.value.params["reason"] == passwords.REASONS["user_inputs"]


@pytest.mark.parametrize("password", ["correct horse battery", "quartz lantern meadow 41", DEMO_PASSWORD])
def test_long_unusual_passphrases_pass(session, password):
    with cheap_hashing():
        user = users.create_user(session, email=f"ok{len(password)}@vendor.example", name="Ok", role="finance",
                                 password=password)
    assert users.sign_in(session, email=user.email, password=password).id == user.id


def test_an_admins_reset_and_ones_own_change_follow_the_rule_too(session, make_user):
    admin, user = make_user(role="admin"), make_user(role="finance")
    with pytest.raises(ValidationError) as reset:
        users.reset_password(session, admin, user.id, "12345678")
    with pytest.raises(ValidationError) as change:
        users.change_own_password(session, user, current=PASSWORD, new="aaaaaaaaaaaa")
    assert (reset.value.field, change.value.field) == ("password", "password")
    assert users.sign_in(session, email=user.email, password=PASSWORD).id == user.id


def _set_password_hash(session, user_id: int, password: str) -> None:  # type: ignore[no-untyped-def]
    """A password chosen under the old rule: stored directly, as the old create_user allowed."""
    stored = session.get(User, user_id)
    with cheap_hashing():
        stored.password_hash = users.hash_password(password)
    session.commit()


def test_signing_in_with_a_password_weak_by_todays_rule_asks_for_a_new_one(session, make_user):
    user = make_user(role="finance")
    _set_password_hash(session, user.id, "letmein1")
    signed_in = users.sign_in(session, email=user.email, password="letmein1")
    assert signed_in.must_change_password is True
    assert users.get_user(session, user.id).must_change_password is True
    with pytest.raises(ValidationError) as wrong:
        users.change_own_password(session, signed_in, current="not it", new="quartz lantern meadow 41")
    assert wrong.value.field == "current"
    with pytest.raises(ValidationError) as same:
        users.change_own_password(session, signed_in, current="letmein1", new="letmein1")
    assert same.value.field == "password"
    changed = users.change_own_password(session, signed_in, current="letmein1", new="quartz lantern meadow 41")
    assert changed.must_change_password is False
    assert users.sign_in(session, email=user.email, password="quartz lantern meadow 41").must_change_password is False
    log = users.audit_log(session, make_user(role="admin"))
    assert "password_changed" in set(log["kind"])


def test_a_strong_password_does_not_ask_for_a_change(session, make_user):
    user = make_user(role="finance")
    assert users.sign_in(session, email=user.email, password=PASSWORD).must_change_password is False


# --- one argon2 verification whatever the email's state (fault 4) --------------------------------


def test_every_sign_in_path_runs_exactly_one_password_verification(session, make_user, monkeypatch):
    """Deterministic twin of the timing test below: unknown, inactive, locked, wrong and right all verify once."""
    admin, inactive, locked, user = (make_user(role=r) for r in ("admin", "finance", "finance", "finance"))
    users.update_user(session, admin, inactive.id, active=False)
    for i in range(rules.MAX_LOCKOUT_FAILURES):
        with pytest.raises(AuthError):
            users.sign_in(session, email=locked.email, password="wrong", now=NOW + dt.timedelta(seconds=i))
    calls: list[str] = []
    original = users._hasher_verify
    monkeypatch.setattr(users, "_hasher_verify", lambda h, p: calls.append(h) or original(h, p))
    cases = {"unknown": ("ghost@nowhere.example.com", "x"), "inactive": (inactive.email, PASSWORD),
             "locked": (locked.email, PASSWORD), "wrong": (user.email, "wrong"), "right": (user.email, PASSWORD)}
    for name, (email, password) in cases.items():
        calls.clear()
        with contextlib.suppress(AuthError):
            users.sign_in(session, email=email, password=password, now=NOW + dt.timedelta(minutes=1))
        assert len(calls) == 1, name


TIMING_TRIES = 15


@pytest.mark.parametrize("backend", ["sqlite"])  # argon2's cost, not the database's, is what is measured
def test_sign_in_takes_the_same_time_for_unknown_inactive_locked_and_wrong(session, make_user, backend):
    """With the real argon2 parameters: a locked account used to answer in ~1 ms, an unknown email in ~100 ms."""
    admin = make_user(role="admin")
    inactive, locked, known = (make_user(role="finance", real_hash=True) for _ in range(3))
    users.update_user(session, admin, inactive.id, active=False)
    for i in range(rules.MAX_LOCKOUT_FAILURES):
        with pytest.raises(AuthError):
            users.sign_in(session, email=locked.email, password="wrong", now=NOW + dt.timedelta(seconds=i))
    cases = {"unknown": "ghost@nowhere.example.com", "inactive": inactive.email, "locked": locked.email,
             "wrong password": known.email}
    medians = {}
    for name, email in cases.items():
        times = []
        for _ in range(TIMING_TRIES):
            start = time.perf_counter()
            with pytest.raises(AuthError):
                users.sign_in(session, email=email, password="not the password", now=NOW + dt.timedelta(minutes=1))
            times.append(time.perf_counter() - start)
            if name == "wrong password":
                users.unlock(session, admin, known.id)  # the known account never locks: a lock is its own case
        medians[name] = statistics.median(times)
    slowest, fastest = max(medians.values()), min(medians.values())
    assert slowest / fastest < 3, {k: f"{v * 1000:.1f} ms" for k, v in medians.items()}


def test_the_users_list_is_filtered_counted_and_paged_in_sql(session, cast, factory):
    """Issue 14 (the Admin page's speed): search in name or email, a role, a page; bad input names its field."""
    everyone = users.list_users(session, cast.admin)
    assert users.count_users(session, cast.admin) == len(everyone)
    page = users.list_users(session, cast.admin, limit=2, offset=1)
    assert list(page["id"]) == list(everyone["id"])[1:3]
    managers = users.list_users(session, cast.admin, role="partner_manager")
    assert set(managers["role"]) == {"partner_manager"} and cast.manager.id in set(managers["id"])
    by_name = users.list_users(session, cast.admin, search=cast.finance.name.upper())
    assert cast.finance.id in set(by_name["id"])
    assert users.count_users(session, cast.admin, search=cast.finance.email) == 1
    assert users.count_users(session, cast.admin, search="100%_sure") == 0  # LIKE's wildcards are text here
    for bad, field in (({"role": "boss"}, "role"), ({"limit": -1}, "limit"), ({"offset": "x"}, "offset")):
        with pytest.raises(ValidationError) as err:
            users.list_users(session, cast.admin, **bad)
        assert err.value.field == field
    with pytest.raises(PermissionDenied):
        users.count_users(session, cast.manager)


def test_the_audit_who_filter_offers_the_users_who_acted(session, cast):
    users.sign_in(session, email=cast.finance.email, password=PASSWORD)
    actors = users.audit_actors(session, cast.admin)
    assert cast.finance.id in actors and actors[cast.finance.id] == f"{cast.finance.name} <{cast.finance.email}>"
    assert cast.manager.id not in actors


def test_sign_ins_and_write_services_are_counted_for_the_metrics(session, cast):
    """Issue 19: sign-ins by result and write-service calls by name and outcome reach the Prometheus counters."""
    from partner_model import metrics

    def value(metric, *labels: str) -> float:  # type: ignore[no-untyped-def]
        return metric.labels(*labels)._value.get()

    failures, successes = value(metrics.SIGN_INS, "failure"), value(metrics.SIGN_INS, "success")
    refused = value(metrics.SERVICE_CALLS, "users.update_user", "refused")
    with pytest.raises(AuthError):
        users.sign_in(session, email=cast.finance.email, password="not the password")
    users.sign_in(session, email=cast.finance.email, password=PASSWORD)
    with pytest.raises(DomainError):
        users.update_user(session, cast.manager, cast.finance.id, role="admin")
    assert value(metrics.SIGN_INS, "failure") == failures + 1
    assert value(metrics.SIGN_INS, "success") == successes + 1
    assert value(metrics.SERVICE_CALLS, "users.update_user", "refused") == refused + 1
