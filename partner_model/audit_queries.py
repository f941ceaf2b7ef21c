"""The read side of the audit log (sign-ins and admin changes): filtered, counted and paged in SQL."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlmodel import Session, func, select

from partner_model import clock, rules
from partner_model.access import Actor, require_role, row_id
from partner_model.errors import N_
from partner_model.models import AuditEvent, Role, User


def audit_log(
    session: Session, actor: Actor, *, kind: str | None = None, actor_id: int | None = None,
    subject: str | None = None, since: dt.date | None = None, until: dt.date | None = None, limit: int = 200,
    offset: int = 0,
) -> pd.DataFrame:
    """Sign-ins and admin changes, newest first, filtered and paged in SQL: `kind` (an audit kind such as
    "sign_in_failed"), `actor_id` (who), `subject` (text in the subject, any case), `since`/`until` (business-zone
    dates, both included). Admin only. Columns: at, kind, subject, detail, actor_id.
    Raises PermissionDenied, ValidationError (limit, offset, subject).
    """
    require_role(actor, {Role.admin}, "read the audit log")
    query = select(AuditEvent.at, AuditEvent.kind, AuditEvent.subject, AuditEvent.detail, AuditEvent.actor_id)
    query = query.where(*_audit_filters(kind=kind, actor_id=actor_id, subject=subject, since=since, until=until))
    limit = rules.count_bound(limit, "limit", N_("Page size"))
    offset = rules.count_bound(offset, "offset", N_("Offset"))
    rows = session.exec(query.order_by(AuditEvent.id.desc()).limit(limit).offset(offset)).all()
    return pd.DataFrame([dict(r._mapping) for r in rows], columns=["at", "kind", "subject", "detail", "actor_id"])


def audit_count(session: Session, actor: Actor, **filters: object) -> int:
    """How many audit events audit_log's filters (kind, actor_id, subject, since, until) match in all. Admin only."""
    require_role(actor, {Role.admin}, "read the audit log")
    return int(session.exec(select(func.count()).select_from(AuditEvent).where(
        *_audit_filters(**filters))).one())  # type: ignore[arg-type]


def audit_actors(session: Session, actor: Actor) -> dict[int, str]:
    """The users who appear as the actor of some audit event, as {id: "Name <email>"} by name, for the "Who"
    filter's choices (read along ix_audit_event_actor, not from the whole users table). Admin only."""
    require_role(actor, {Role.admin}, "read the audit log")
    acted = select(AuditEvent.actor_id).where(AuditEvent.actor_id.is_not(None)).distinct()  # type: ignore[union-attr]
    rows = session.exec(select(User.id, User.name, User.email).where(User.id.in_(acted))  # type: ignore[union-attr]
                        .order_by(User.name, User.id)).all()
    return {int(i): f"{name} <{email}>" for i, name, email in rows}


def audit_kinds(session: Session, actor: Actor) -> list[str]:
    """The kinds of audit event recorded so far, for the filter's choices. Admin only."""
    require_role(actor, {Role.admin}, "read the audit log")
    return sorted(session.exec(select(AuditEvent.kind).distinct()).all())


def _audit_filters(*, kind: object = None, actor_id: object = None, subject: object = None,
                   since: dt.date | None = None, until: dt.date | None = None) -> list:
    filters: list = []
    if kind:
        filters.append(AuditEvent.kind == str(kind))
    if actor_id is not None:
        filters.append(AuditEvent.actor_id == row_id(actor_id, "User"))
    pattern = rules.search_pattern(subject, "subject")
    if pattern is not None:
        filters.append(func.lower(AuditEvent.subject).like(pattern, escape="\\"))
    if since is not None:
        filters.append(AuditEvent.at >= clock.day_start(since))
    if until is not None:
        filters.append(AuditEvent.at < clock.day_start(until + dt.timedelta(days=1)))
    return filters
