"""Who may see and do what: the checks every service makes on its actor."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable
from typing import ParamSpec, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from partner_model.errors import N_, Conflict, NotFound, PermissionDenied
from partner_model.models import AuditEvent, Role, UserRead, utcnow
from partner_model.rules import STAFF_ROLES

Actor = UserRead
P = ParamSpec("P")
T = TypeVar("T")


def require_role(actor: Actor, roles: Iterable[Role], action: str) -> None:
    """PermissionDenied unless the actor has one of `roles`. `action` completes 'You are not allowed to ...'."""
    if actor is None or not getattr(actor, "active", True) or actor.role not in set(roles):
        raise PermissionDenied(N_("You are not allowed to {action}."), action=action)


def is_staff(actor: Actor) -> bool:
    return actor.role in STAFF_ROLES


def scope_partner(actor: Actor, partner_id: int | None) -> int | None:
    """The partner whose rows the actor may read: a partner's own always; staff the one asked for, or all (None)."""
    if is_staff(actor):
        return partner_id
    if actor.partner_id is None:
        raise PermissionDenied("Your user is not linked to a partner.")
    if partner_id is not None and partner_id != actor.partner_id:
        raise PermissionDenied("You can only see your own partner's data.")
    return actor.partner_id


def check_owns(actor: Actor, partner_id: int | None, what: str) -> None:
    """A partner's actor touching another partner's row gets NotFound, so rows of others stay unknown."""
    if not is_staff(actor) and (actor.partner_id is None or actor.partner_id != partner_id):
        raise NotFound(N_("{what} not found."), what=what)


def audit(session: Session, kind: str, *, actor_id: int | None = None, subject: str = "", detail: str = "",
          at: dt.datetime | None = None) -> None:
    """Record a sign-in or an admin change; the caller's commit writes it."""
    session.add(AuditEvent(at=at or utcnow(), actor_id=actor_id, kind=kind, subject=subject[:254],
                           detail=detail[:1000]))


def write_service(function: Callable[P, T]) -> Callable[P, T]:
    """A service that raises has written nothing: roll back whatever it staged, in the caller's session too.

    A unique-constraint race (two people creating the same domain at once) becomes a Conflict.
    """

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        session = args[0]
        try:
            return function(*args, **kwargs)
        except IntegrityError:
            session.rollback()  # type: ignore[attr-defined]
            raise Conflict("Someone else changed the same data at the same time: reload and try again.") from None
        except BaseException:
            session.rollback()  # type: ignore[attr-defined]
            raise

    return wrapper
