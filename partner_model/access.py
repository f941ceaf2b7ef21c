"""Who may see and do what: the checks every service makes on its actor."""

from __future__ import annotations

import datetime as dt
import functools
import time
from collections.abc import Callable, Iterable
from typing import Any, ParamSpec, TypeVar

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from partner_model import metrics
from partner_model.errors import N_, Conflict, DomainError, NotFound, PermissionDenied
from partner_model.models import AuditEvent, Partner, Role, User, UserRead, utcnow
from partner_model.rules import STAFF_ROLES

Actor = UserRead
P = ParamSpec("P")
T = TypeVar("T")


# Each action a service checks, and the whole sentence a refused user reads (one message per action, so
# a translator sees the sentence, not a fragment glued into "You are not allowed to ...").
DENIED: dict[str, str] = {
    "answer confirmation questions": N_("You are not allowed to answer confirmation questions."),
    "approve commission weeks": N_("You are not allowed to approve commission weeks."),
    "change billing information": N_("You are not allowed to change billing information."),
    "change billing options": N_("You are not allowed to change billing options."),
    "change commission rates": N_("You are not allowed to change commission rates."),
    "change deal values": N_("You are not allowed to change deal values."),
    "change partner managers": N_("You are not allowed to change partner managers."),
    "confirm won deals": N_("You are not allowed to confirm won deals."),
    "create partners": N_("You are not allowed to create partners."),
    "create trials": N_("You are not allowed to create trials."),
    "export newsletter subscriptions": N_("You are not allowed to export newsletter subscriptions."),
    "extend registration protection": N_("You are not allowed to extend registration protection."),
    "grant trial extensions": N_("You are not allowed to grant trial extensions."),
    "link accounts": N_("You are not allowed to link accounts."),
    "list partners": N_("You are not allowed to list partners."),
    "manage API tokens": N_("You are not allowed to manage API tokens."),
    "manage payouts": N_("You are not allowed to manage payouts."),
    "manage the team": N_("You are not allowed to manage the team."),
    "manage users": N_("You are not allowed to manage users."),
    "move deals": N_("You are not allowed to move deals."),
    "read the audit log": N_("You are not allowed to read the audit log."),
    "register deals": N_("You are not allowed to register deals."),
    "request trial extensions": N_("You are not allowed to request trial extensions."),
    "reverse commissions": N_("You are not allowed to reverse commissions."),
    "review deals": N_("You are not allowed to review deals."),
    "see commission by tier": N_("You are not allowed to see commission by tier."),
    "see commission reports": N_("You are not allowed to see commission reports."),
    "see commission statements": N_("You are not allowed to see commission statements."),
    "see commissions": N_("You are not allowed to see commissions."),
    "see payouts": N_("You are not allowed to see payouts."),
    "see their own deals": N_("You are not allowed to see their own deals."),
    "see review hints": N_("You are not allowed to see review hints."),
    "see the pipeline": N_("You are not allowed to see the pipeline."),
}

# What a row is called in check_owns, and the sentence for a row the actor may not know of.
NOT_FOUND: dict[str, str] = {
    "Application": N_("Application not found."),
    "Customer": N_("Customer not found."),
    "Deal": N_("Deal not found."),
    "Partner": N_("Partner not found."),
    "User": N_("User not found."),
    "Attention item": N_("Attention item not found."),
    "API token": N_("API token not found."),
    "Payout": N_("Payout not found."),
    "Invoice": N_("Invoice not found."),
}


MAX_ROW_ID = 2**31 - 1  # ids are INTEGER columns: PostgreSQL refuses anything larger


def row_id(value: object, what: str) -> int:
    """`value` as a row id, or NotFound when it cannot be one (not an integer, a bool, 0 or less, past the column's
    range), so a bad id from a URL or an API is "not found", never a database error. `what` is a key of NOT_FOUND."""
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_ROW_ID:
        if what in NOT_FOUND:
            raise NotFound(NOT_FOUND[what])
        raise NotFound(N_("{what} not found."), what=what)
    return value


def current_actor(session: Session, actor: Actor) -> Actor:
    """The acting user as they are now, re-read from the database: a deactivated user (or one that is gone) is
    refused, and a changed role or partner applies at once. Raises PermissionDenied."""
    user = session.get(User, actor.id, populate_existing=True) if isinstance(actor.id, int) else None
    if user is None or not user.active:
        raise PermissionDenied(N_("Your user is no longer active: sign in again or ask an admin."))
    return UserRead.model_validate(user, from_attributes=True)


def require_role(actor: Actor, roles: Iterable[Role], action: str) -> None:
    """PermissionDenied unless the actor has one of `roles`. `action` is a key of DENIED (e.g. "manage users"),
    whose sentence the refused user reads; an action without one completes 'You are not allowed to ...'."""
    if actor is None or not getattr(actor, "active", True) or actor.role not in set(roles):
        if action in DENIED:
            raise PermissionDenied(DENIED[action])
        raise PermissionDenied(N_("You are not allowed to {action}."), action=action)


def is_staff(actor: Actor) -> bool:
    return actor.role in STAFF_ROLES


def scope_partner(actor: Actor, partner_id: int | None) -> int | None:
    """The partner whose rows the actor may read: a partner's own always; staff the one asked for, or all (None)."""
    if is_staff(actor):
        return partner_id
    if actor.partner_id is None:
        raise PermissionDenied(N_("Your user is not linked to a partner."))
    if partner_id is not None and partner_id != actor.partner_id:
        raise PermissionDenied(N_("You can only see your own partner's data."))
    return actor.partner_id


def managed_by(partner_column: Any, manager_id: int | None) -> Any:
    """The condition "the row's partner is looked after by `manager_id`" (a manager's "my partners"), or None."""
    if manager_id is None:
        return None
    return partner_column.in_(sa.select(Partner.__table__.c.id).where(Partner.__table__.c.manager_id == manager_id))


def partner_scope(actor: Actor, partner_id: int | None, manager_id: int | None,
                  partner_column: Any) -> list[sa.ColumnElement[bool]]:
    """The conditions on `partner_column` that keep the rows the actor may read (scope_partner: a partner's own,
    staff one partner or all) and, with `manager_id`, those of that manager's partners only (managed_by); an empty
    list is every row. Raises PermissionDenied as scope_partner does."""
    conditions: list[sa.ColumnElement[bool]] = []
    if (scoped := scope_partner(actor, partner_id)) is not None:
        conditions.append(partner_column == scoped)
    if (mine := managed_by(partner_column, manager_id)) is not None:
        conditions.append(mine)
    return conditions


def check_owns(actor: Actor, partner_id: int | None, what: str) -> None:
    """A partner's actor touching another partner's row gets NotFound, so rows of others stay unknown.

    `what` is a key of NOT_FOUND ("Customer", "Deal", "Partner")."""
    if not is_staff(actor) and (actor.partner_id is None or actor.partner_id != partner_id):
        if what in NOT_FOUND:
            raise NotFound(NOT_FOUND[what])
        raise NotFound(N_("{what} not found."), what=what)


def audit(session: Session, kind: str, *, actor_id: int | None = None, subject: str = "", detail: str = "",
          at: dt.datetime | None = None) -> None:
    """Record a sign-in or an admin change; the caller's commit writes it."""
    session.add(AuditEvent(at=at or utcnow(), actor_id=actor_id, kind=kind, subject=subject[:254],
                           detail=detail[:1000]))
    if kind in ("sign_in", "sign_in_failed"):
        metrics.signed_in(kind == "sign_in")


def write_service(function: Callable[P, T]) -> Callable[P, T]:
    """A service that raises has written nothing: roll back whatever it staged, in the caller's session too.

    The acting user (the argument after the session, or `actor=`) is re-read first (current_actor).

    A unique-constraint race (two people creating the same domain at once) becomes a Conflict.
    """

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        session = args[0]
        name = f"{function.__module__.rsplit('.', 1)[-1]}.{function.__name__}"
        started, outcome = time.perf_counter(), "ok"
        try:
            # The actor is who they are now: every write re-reads the acting user.
            if len(args) > 1 and isinstance(args[1], UserRead):
                args = (args[0], current_actor(session, args[1]), *args[2:])  # type: ignore[assignment]
            if isinstance(kwargs.get("actor"), UserRead):
                kwargs["actor"] = current_actor(session, kwargs["actor"])  # type: ignore[index]
            return function(*args, **kwargs)
        except IntegrityError:
            outcome = "refused"
            session.rollback()  # type: ignore[attr-defined]
            raise Conflict(N_("Someone else changed the same data at the same time: reload and try again.")) from None
        except DomainError:
            outcome = "refused"
            session.rollback()  # type: ignore[attr-defined]
            raise
        except BaseException:
            outcome = "error"
            session.rollback()  # type: ignore[attr-defined]
            raise
        finally:
            metrics.SERVICE_CALLS.labels(name, outcome).inc()
            metrics.SERVICE_SECONDS.labels(name).observe(time.perf_counter() - started)

    return wrapper
