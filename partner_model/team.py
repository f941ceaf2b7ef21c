"""A partner admin's team: their own firm's users, invited with a one-time set-password link, deactivated or
given another role. Never another partner's users; every change is audited and ends the member's sessions when
it takes rights away.
"""

from __future__ import annotations

import datetime as dt
import secrets

import pandas as pd
from sqlmodel import Session, select

from partner_model import notifications, rules, sign_in_sessions, users, versioning
from partner_model.access import Actor, audit, require_role, row_id, write_service
from partner_model.errors import N_, AlreadyExists, Conflict, FieldChecks, NotFound, ValidationError
from partner_model.models import Partner, Role, User, UserRead, utcnow

TEAM_ROLES = (Role.partner_user, Role.partner_admin)
INVITE_DAYS = 7
INVITE_USED = N_("This link is not valid any more: it was used, it expired, or the user was deactivated. Ask your "
                 "partner admin for a new one.")


def _admin(actor: Actor) -> int:
    """The partner whose team the actor manages (its partner admins only)."""
    require_role(actor, {Role.partner_admin}, "manage the team")
    assert actor.partner_id is not None
    return actor.partner_id


def members(session: Session, actor: Actor) -> pd.DataFrame:
    """The actor's partner's users by name. Columns: id, email, name, role, active, invited (a link not yet used),
    version. Partner admins only. Raises PermissionDenied."""
    partner_id = _admin(actor)
    rows = session.exec(select(User).where(User.partner_id == partner_id).order_by(User.name, User.id)).all()
    return pd.DataFrame([{"id": u.id, "email": u.email, "name": u.name, "role": u.role.value, "active": u.active,
                          "invited": u.invite_token_hash is not None, "version": u.version} for u in rows],
                        columns=["id", "email", "name", "role", "active", "invited", "version"])


def _token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, sign_in_sessions.token_hash(token)


@write_service
def invite(session: Session, actor: Actor, *, email: str, name: str, role: Role | str = Role.partner_user,
           now: dt.datetime | None = None) -> tuple[UserRead, str]:
    """Add a colleague to the actor's own partner (role partner user or partner admin) and return them with the
    token of a one-time set-password link, valid 7 days (shown once; only its hash is stored). Audited.

    Raises PermissionDenied (not a partner admin), ValidationError (email, name, role; every bad field at once),
    AlreadyExists (the email has a user).
    """
    partner_id = _admin(actor)
    checks = FieldChecks()
    address = (checks.run(rules.email, email, "email", N_("Email")) or ("", ""))[0].lower()
    name_text = checks.run(rules.clean_text, name, "name", N_("Name"))
    chosen = checks.run(_team_role, role)
    checks.raise_any()
    user, token = invited_user_row(session, actor, partner_id, address, name_text, chosen, now or utcnow())
    audit(session, "team_invited", actor_id=actor.id, subject=address, detail=chosen.value)
    session.commit()
    return UserRead.model_validate(user, from_attributes=True), token


def invited_user_row(session: Session, actor: Actor, partner_id: int, address: str, name: str, role: Role,
                     now: dt.datetime) -> tuple[User, str]:
    """A partner's new user of checked fields, in the caller's transaction, with a one-time set-password link
    (valid 7 days, only its hash stored) emailed at once; returns the user and the link's token. Raises
    AlreadyExists (the email has a user)."""
    if session.exec(select(User.id).where(User.email == address)).first() is not None:
        raise AlreadyExists("email", N_("A user with the email {email} already exists."), email=address)
    token, hashed = _token()
    user = User(email=address, name=name, role=role, partner_id=partner_id,
                password_hash=users.hash_password(secrets.token_urlsafe(32)),  # unusable until the link sets one
                invite_token_hash=hashed, invite_expires_at=now + dt.timedelta(days=INVITE_DAYS))
    session.add(user)
    session.flush()
    partner = session.get(Partner, partner_id)
    notifications.notify(session, "invitation", [user], page="home", link=f"invite={token}",
                         inviter=actor.name, partner=partner.name if partner else "")
    return user, token


@write_service
def send_reset_link(session: Session, actor: Actor, user_id: int, *, now: dt.datetime | None = None) -> str:
    """Send a user a one-time link (valid 7 days) to set a new password: admins for anyone, a partner admin for
    their own firm's users. The old password keeps working until the link is used. Audited; returns the token (the
    page shows the link once, for when email is off).

    Raises PermissionDenied, NotFound (another partner's user for a partner admin), Conflict (inactive user).
    """
    require_role(actor, {Role.admin, Role.partner_admin}, "manage the team")
    user = session.get(User, row_id(user_id, "User"))
    if user is None or (actor.role == Role.partner_admin and user.partner_id != actor.partner_id):
        raise NotFound(N_("User not found."))
    if not user.active:
        raise Conflict(N_("{email} is deactivated: reactivate the user first."), email=user.email)
    token, hashed = _token()
    user.invite_token_hash, user.invite_expires_at = hashed, (now or utcnow()) + dt.timedelta(days=INVITE_DAYS)
    audit(session, "password_link_sent", actor_id=actor.id, subject=user.email)
    notifications.notify(session, "password_reset", [user], page="home", link=f"invite={token}", inviter=actor.name)
    session.commit()
    return token


def _team_role(role: object) -> Role:
    chosen = rules.choice(Role, role, "role", N_("Role"))
    if chosen not in TEAM_ROLES:
        raise ValidationError("role", N_("A partner admin gives the role partner user or partner admin."))
    return chosen


def invited_user(session: Session, token: object, *, now: dt.datetime | None = None) -> UserRead | None:
    """The user a set-password link is for, while it is valid; else None."""
    user = _by_token(session, token, now or utcnow())
    return UserRead.model_validate(user, from_attributes=True) if user is not None else None


def _by_token(session: Session, token: object, now: dt.datetime) -> User | None:
    if not isinstance(token, str) or not token or len(token) > 200:
        return None
    user = session.exec(select(User).where(User.invite_token_hash == sign_in_sessions.token_hash(token))).first()
    expires = user.invite_expires_at if user is not None else None
    if user is None or not user.active or expires is None:
        return None
    expires = expires if expires.tzinfo else expires.replace(tzinfo=dt.UTC)
    return user if expires > now else None


@write_service
def accept_invitation(session: Session, token: str, password: str, *, now: dt.datetime | None = None) -> UserRead:
    """Set the invited user's password through their one-time link; the link then stops working. Audited.

    Raises ValidationError (password: the product's password rule), Conflict (the link was used, expired, or the
    user was deactivated).
    """
    now = now or utcnow()
    user = _by_token(session, token, now)
    if user is None:
        raise Conflict(INVITE_USED)
    checked = users.check_new_password(password, user.email, user.name)
    user.password_hash = users.hash_password(checked)
    user.invite_token_hash = user.invite_expires_at = None
    user.must_change_password = False
    audit(session, "invitation_accepted", actor_id=user.id, subject=user.email, at=now)
    session.commit()
    return UserRead.model_validate(user, from_attributes=True)


@write_service
def change_member(
    session: Session, actor: Actor, user_id: int, *, role: Role | str | None = None, active: bool | None = None,
    expected_version: int | None = None,
) -> UserRead:
    """A partner admin changes a colleague's role (partner user or partner admin) or deactivates / reactivates
    them; never themselves, never another partner's user. A lower role or a deactivation ends the member's
    sessions at once. Audited.

    Raises PermissionDenied, NotFound (not a member of the actor's partner), ValidationError (role, active,
    oneself), Conflict (stale version).
    """
    partner_id = _admin(actor)
    user = session.get(User, row_id(user_id, "User"))
    if user is None or user.partner_id != partner_id:
        raise NotFound(N_("User not found."))
    if user.id == actor.id:
        raise ValidationError("active" if active is not None else "role",
                              N_("Ask another partner admin to change your own user."))
    if active is not None and not isinstance(active, bool):
        raise ValidationError("active", N_("Active must be true or false."))
    new_role = _team_role(role) if role is not None else user.role
    try:
        versioning.check(user, expected_version)
    except Conflict:
        raise Conflict(users.USER_CHANGED, email=user.email) from None
    changes: list[str] = []
    if new_role != user.role:
        changes.append(f"role: {user.role.value} -> {new_role.value}")
        if new_role == Role.partner_user:
            sign_in_sessions.end_all(session, user.id, "role_changed")  # type: ignore[arg-type]
        user.role = new_role
    if active is not None and active != user.active:
        changes.append(f"active: {user.active} -> {active}")
        user.active = active
        if not active:
            user.invite_token_hash = user.invite_expires_at = None
            sign_in_sessions.end_all(session, user.id, "deactivated")  # type: ignore[arg-type]
    if changes:
        versioning.claim(session, user)
        audit(session, "team_changed", actor_id=actor.id, subject=user.email, detail="; ".join(changes))
    session.commit()
    return UserRead.model_validate(user, from_attributes=True)
