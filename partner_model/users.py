"""Users, roles, password hashing (argon2), sign-in with lockout, and the Actor services receive.

A password change or reset, a role or partner change and a deactivation end the user's sign-in sessions
(sign_in_sessions.end_all) in the same transaction. Sign-in costs one argon2 verification whatever the email's
state (unknown, inactive, locked, wrong or right password), so its time tells nothing about which emails exist.
"""

from __future__ import annotations

import datetime as dt
import unicodedata

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, func, select

from partner_model import passwords, rules, sign_in_sessions, versioning
from partner_model.access import Actor, audit, require_role, row_id, write_service
from partner_model.audit_queries import audit_actors, audit_count, audit_kinds, audit_log  # noqa: F401  (users API)
from partner_model.errors import N_, AlreadyExists, AuthError, Conflict, FieldChecks, NotFound, ValidationError
from partner_model.i18n import LANGUAGES
from partner_model.models import AuditEvent, Partner, Role, User, UserRead, utcnow
from partner_model.user_queries import count_users, list_users  # noqa: F401  (users API)

_hasher = PasswordHasher()
# A real hash to verify against when the email is unknown, so both paths take the same time.
_DUMMY_HASH = _hasher.hash("not a password of anyone")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _password(value: object, *about: str | None) -> str:
    """A new password that passes the rule (passwords.check), judged knowing the user's email and name (`about`).
    Raises ValidationError on field "password"."""
    return passwords.check(value, passwords.user_inputs(*about))


def check_new_password(value: object, email: str | None, name: str | None) -> str:
    """A new password that passes the product's rule for this user. Raises ValidationError on "password"."""
    return _password(value, email, name)


def _language(language: str | None) -> None:
    if language is not None and language not in LANGUAGES:
        raise ValidationError("language", N_("Language must be one of: {choices}."), choices=", ".join(LANGUAGES))


def _refuse_existing(address: str) -> None:
    raise AlreadyExists("email", N_("A user with the email {email} already exists."), email=address)


def _read(user: User) -> UserRead:
    return UserRead.model_validate(user, from_attributes=True)


def _check_partner_link(session: Session, role: Role, partner_id: int | None) -> None:
    if role in rules.PARTNER_ROLES:
        if partner_id is None:
            raise ValidationError("partner_id", N_("A partner user must belong to a partner."))
        if session.get(Partner, partner_id) is None:
            raise ValidationError("partner_id", N_("That partner does not exist."))
    elif partner_id is not None:
        raise ValidationError("partner_id", N_("Vendor staff do not belong to a partner."))


@write_service
def create_user(
    session: Session,
    *,
    email: str,
    name: str,
    role: Role | str,
    password: str,
    partner_id: int | None = None,
    language: str | None = None,
    actor: Actor | None = None,
) -> UserRead:
    """Create a user. Partner roles need a partner; staff roles have none. With an `actor` (the admin page)
    only admins may, and the creation is audited; without one it is the command line or a seed.

    Raises PermissionDenied, ValidationError (email, name, role, password, partner_id, language) and
    AlreadyExists (email taken).
    """
    if actor is not None:
        require_role(actor, {Role.admin}, "manage users")
    checks = FieldChecks()  # every bad field at once
    address = (checks.run(rules.email, email, "email", N_("Email")) or ("", ""))[0].lower()
    name_text = checks.run(rules.clean_text, name, "name", N_("Name"))
    role = checks.run(rules.choice, Role, role, "role", N_("Role"))
    checks.run(_language, language)
    if role is not None:
        checks.run(_check_partner_link, session, role, partner_id)
    if address and session.exec(select(User.id).where(func.lower(User.email) == address)).first() is not None:
        checks.run(_refuse_existing, address)
    checked = checks.run(_password, password, address, name_text)
    checks.raise_any()
    user = User(
        email=address,
        name=name_text,
        role=role,
        partner_id=partner_id,
        password_hash=hash_password(checked),
        language=language,
    )
    session.add(user)
    if actor is not None:
        audit(session, "user_created", actor_id=actor.id, subject=address, detail=f"{role.value} {partner_id or ''}")
    session.commit()
    return _read(user)


def get_user(session: Session, user_id: int) -> UserRead | None:
    """The active user with this id, else None (also for an id that cannot be one)."""
    try:
        user = session.get(User, row_id(user_id, "User"))
    except NotFound:
        return None
    return _read(user) if user is not None and user.active else None


def user_by_email(session: Session, email: str) -> UserRead | None:
    """The active user with this email (single sign-on maps an identity's email here)."""
    if not isinstance(email, str):
        return None
    user = session.exec(select(User).where(func.lower(User.email) == email.strip().lower())).first()
    return _read(user) if user is not None and user.active else None


def _recent_unknown_failures(session: Session, address: str, now: dt.datetime) -> int:
    since = now - dt.timedelta(minutes=rules.LOCKOUT_MINUTES)
    query = select(func.count()).where(
        AuditEvent.kind == "sign_in_failed", AuditEvent.subject == address, AuditEvent.at >= since
    )
    return session.exec(query).one()


def _locked(until: dt.datetime) -> AuthError:
    return AuthError(
        N_("Too many failed sign-ins: this account is locked for {minutes} minutes, until {until} UTC. "
           "Try again then, or ask an admin to unlock it."),
        minutes=rules.LOCKOUT_MINUTES, until=f"{until:%H:%M}")


def sign_in(session: Session, *, email: str, password: str, now: dt.datetime | None = None) -> UserRead:
    """The user for these credentials. Five failures in a row lock the account for 15 minutes.

    Raises AuthError with the same message whether or not the email exists; failures are audited.
    """
    now = now or utcnow()
    address = email.strip().lower() if isinstance(email, str) else ""
    if any(unicodedata.category(ch) in ("Cc", "Cs") for ch in address) or len(address) > 254:
        address = ""  # no address has these; PostgreSQL refuses NUL in text, so never send them
    user = session.exec(select(User).where(func.lower(User.email) == address)).first() if address else None
    if user is None or not user.active:
        _hasher_verify(_DUMMY_HASH, password)
        failures = _recent_unknown_failures(session, address, now) + 1
        audit(session, "sign_in_failed", subject=address, detail="unknown or inactive user", at=now)
        session.commit()
        if failures >= rules.MAX_LOCKOUT_FAILURES:
            raise _locked(now + dt.timedelta(minutes=rules.LOCKOUT_MINUTES))
        raise AuthError(rules.SIGN_IN_FAILED)
    locked_until = _aware(user.locked_until)
    if locked_until is not None and locked_until > now:
        # Verified and ignored: a locked account answers as slowly as any other, or its speed would give it away.
        _hasher_verify(user.password_hash, password)
        audit(session, "sign_in_failed", actor_id=user.id, subject=address, detail="locked", at=now)
        session.commit()
        raise _locked(locked_until)
    if not _hasher_verify(user.password_hash, password):
        user.failed_sign_ins += 1
        if user.failed_sign_ins >= rules.MAX_LOCKOUT_FAILURES:
            user.locked_until = now + dt.timedelta(minutes=rules.LOCKOUT_MINUTES)
            user.failed_sign_ins = 0
        audit(session, "sign_in_failed", actor_id=user.id, subject=address, detail="wrong password", at=now)
        session.commit()
        if user.locked_until is not None and _aware(user.locked_until) > now:
            raise _locked(_aware(user.locked_until))
        raise AuthError(rules.SIGN_IN_FAILED)
    user.failed_sign_ins = 0
    user.locked_until = None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    if passwords.is_weak(password, passwords.user_inputs(user.email, user.name)):
        user.must_change_password = True  # chosen under an older, weaker rule: the home page asks for a new one
    audit(session, "sign_in", actor_id=user.id, subject=address, at=now)
    session.commit()
    return _read(user)


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


def _hasher_verify(password_hash: str, password: object) -> bool:
    try:
        return _hasher.verify(password_hash, password if isinstance(password, str) else "")
    except (VerificationError, InvalidHashError):
        return False


def record_sign_in(session: Session, user: UserRead, method: str) -> None:
    """Audit a sign-in that did not go through a password (single sign-on)."""
    audit(session, "sign_in", actor_id=user.id, subject=user.email, detail=method)
    session.commit()


# --- administration ----------------------------------------------------------------------


def _user_for_admin(session: Session, actor: Actor, user_id: int) -> User:
    require_role(actor, {Role.admin}, "manage users")
    user = session.get(User, row_id(user_id, "User"))
    if user is None:
        raise NotFound(N_("User not found."))
    return user


@write_service
def update_user(
    session: Session,
    actor: Actor,
    user_id: int,
    *,
    name: str | None = None,
    role: Role | str | None = None,
    partner_id: int | None = None,
    active: bool | None = None,
    expected_version: int | None = None,
) -> UserRead:
    """Change a user's name, role, partner or active flag. Admin only; audited. A new role or partner, or a
    deactivation, ends the user's sign-in sessions at once (they sign in again, with what they may now see).
    `expected_version` is the UserRead.version the admin's form was filled from.

    Raises PermissionDenied, NotFound, ValidationError (name, role, partner_id, active), Conflict (stale version).
    """
    user = _user_for_admin(session, actor, user_id)
    if active is not None and not isinstance(active, bool):
        raise ValidationError("active", N_("Active must be true or false."))
    try:
        versioning.check(user, expected_version)
    except Conflict:
        raise Conflict(USER_CHANGED, email=user.email) from None
    changes: list[str] = []
    if name is not None:
        new_name = rules.clean_text(name, "name", N_("Name"))
        if new_name != user.name:
            changes.append(f"name: {user.name} -> {new_name}")
            user.name = new_name  # type: ignore[assignment]
    new_role = rules.choice(Role, role, "role", N_("Role")) if role is not None else user.role
    new_partner = partner_id if role is not None or partner_id is not None else user.partner_id
    if new_role in rules.STAFF_ROLES and role is not None and partner_id is None:
        new_partner = None
    _check_partner_link(session, new_role, new_partner)
    if new_role != user.role or new_partner != user.partner_id:
        changes.append(f"role: {user.role.value}/{user.partner_id} -> {new_role.value}/{new_partner}")
        user.role, user.partner_id = new_role, new_partner
        sign_in_sessions.end_all(session, user.id, "role_changed")  # type: ignore[arg-type]
    if active is not None and active != user.active:
        if user.id == actor.id and not active:
            raise ValidationError("active", N_("You cannot deactivate yourself."))
        changes.append(f"active: {user.active} -> {active}")
        user.active = bool(active)
        if not user.active:
            sign_in_sessions.end_all(session, user.id, "deactivated")  # type: ignore[arg-type]
    if changes:
        versioning.claim(session, user)
        audit(session, "user_changed", actor_id=actor.id, subject=user.email, detail="; ".join(changes))
    session.commit()
    return _read(user)


USER_CHANGED = N_("Someone else changed the user {email} since you opened it: reload and try again.")


@write_service
def reset_password(session: Session, actor: Actor, user_id: int, password: str) -> None:
    """Set a new password (it must pass the password rule), clear any lock, and end all the user's sign-in
    sessions. Admin only; audited. Raises PermissionDenied, NotFound, ValidationError (password)."""
    user = _user_for_admin(session, actor, user_id)
    user.password_hash = hash_password(_password(password, user.email, user.name))
    user.failed_sign_ins, user.locked_until = 0, None
    user.must_change_password = False
    sign_in_sessions.end_all(session, user.id, "password_changed")  # type: ignore[arg-type]
    audit(session, "password_reset", actor_id=actor.id, subject=user.email)
    session.commit()


@write_service
def change_own_password(session: Session, actor: Actor, *, current: str, new: str,
                        keep_session_id: int | None = None) -> UserRead:
    """A signed-in user changes their own password: `current` must be right and `new` must pass the password rule
    and differ from it. Clears must_change_password and ends the user's sign-in sessions, all of them, or all but
    `keep_session_id` (the one the change was made in, so the page stays signed in). Audited.

    Raises PermissionDenied (an inactive user), ValidationError (current: wrong; password: the rule, or the same).
    """
    user = session.get(User, actor.id)
    if user is None or not user.active:
        raise NotFound(N_("User not found."))
    if not _hasher_verify(user.password_hash, current):
        raise ValidationError("current", N_("Your current password is not right."))
    if isinstance(new, str) and new == current:
        raise ValidationError("password", N_("Choose a new password, not the one you have now."))
    user.password_hash = hash_password(_password(new, user.email, user.name))
    user.must_change_password = False
    user.failed_sign_ins, user.locked_until = 0, None
    sign_in_sessions.end_all(session, user.id, "password_changed", keep=keep_session_id)  # type: ignore[arg-type]
    audit(session, "password_changed", actor_id=user.id, subject=user.email)
    session.commit()
    return _read(user)


@write_service
def unlock(session: Session, actor: Actor, user_id: int) -> None:
    """Clear a lock after repeated failed sign-ins. Admin only; audited."""
    user = _user_for_admin(session, actor, user_id)
    user.failed_sign_ins, user.locked_until = 0, None
    audit(session, "user_unlocked", actor_id=actor.id, subject=user.email)
    session.commit()


@write_service
def record_visit(session: Session, actor: Actor, *, now: dt.datetime | None = None) -> dt.datetime | None:
    """Start a visit: returns when the previous one started (None for a first visit) and remembers this one, so a
    partner's home can list what was decided since. Raises NotFound."""
    user = session.get(User, actor.id)
    if user is None:
        raise NotFound(N_("User not found."))
    previous = _aware(user.last_visit_at)
    user.last_visit_at = now or utcnow()
    session.commit()
    return previous


@write_service
def set_language(session: Session, actor: Actor, language: str) -> UserRead:
    """Remember the interface language a user picked. Raises ValidationError (language)."""
    if language not in LANGUAGES:
        raise ValidationError("language", N_("Language must be one of: {choices}."), choices=", ".join(LANGUAGES))
    user = session.get(User, actor.id)
    if user is None:
        raise NotFound(N_("User not found."))
    user.language = language
    session.commit()
    return _read(user)
