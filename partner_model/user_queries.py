"""Reads of the users list for admins: filtered, counted and paged in SQL (users.py re-exports them)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session, select

from partner_model import rules
from partner_model.access import Actor, require_role, row_id
from partner_model.errors import N_
from partner_model.models import Partner, Role, User


def _user_filters(partner_id: int | None, search: object, role: Role | str | None, locked: bool,
                  now: dt.datetime | None) -> list[Any]:
    filters: list[Any] = []
    if locked:
        filters.append(User.locked_until > (now or dt.datetime.now(dt.UTC)))
    if partner_id is not None:
        filters.append(User.partner_id == row_id(partner_id, "Partner"))
    pattern = rules.search_pattern(search, "search")
    if pattern is not None:
        filters.append(sa.or_(sa.func.lower(User.name).like(pattern, escape="\\"),
                              sa.func.lower(User.email).like(pattern, escape="\\")))
    if role is not None:
        filters.append(User.role == rules.choice(Role, role, "role", N_("Role")))
    return filters


def list_users(session: Session, actor: Actor, *, partner_id: int | None = None, search: object = None,
               role: Role | str | None = None, locked: bool = False, now: dt.datetime | None = None,
               limit: int | None = None, offset: int = 0) -> pd.DataFrame:
    """Users with their partner, role and lock state, by email; filtered and paged in SQL: `partner_id`, `search`
    (text anywhere in the name or email, any case), `role`, `locked` (locked out after failed sign-ins at `now`, UTC);
    `limit` users from `offset` (None: all). Admin only.
    Columns: id, email, name, role, partner_id, partner_name, active, locked_until, language, version.
    Raises PermissionDenied, ValidationError (search, role, limit, offset)."""
    require_role(actor, {Role.admin}, "manage users")
    query = select(
        User.id, User.email, User.name, User.role, User.partner_id, Partner.name.label("partner_name"),
        User.active, User.locked_until, User.language, User.version,
    ).join(Partner, User.partner_id == Partner.id, isouter=True).where(
        *_user_filters(partner_id, search, role, locked, now)).order_by(User.email, User.id)
    if limit is not None:
        query = query.limit(rules.count_bound(limit, "limit", N_("Page size")))
    if offset:
        query = query.offset(rules.count_bound(offset, "offset", N_("Offset")))
    rows = session.exec(query).all()
    frame = pd.DataFrame([dict(r._mapping) for r in rows], columns=[
        "id", "email", "name", "role", "partner_id", "partner_name", "active", "locked_until", "language",
        "version"])
    frame["role"] = frame["role"].map(lambda r: getattr(r, "value", r))
    return frame


def count_users(session: Session, actor: Actor, *, partner_id: int | None = None, search: object = None,
                role: Role | str | None = None, locked: bool = False, now: dt.datetime | None = None) -> int:
    """How many users list_users' filters match in all. Admin only. Raises PermissionDenied, ValidationError."""
    require_role(actor, {Role.admin}, "manage users")
    return int(session.exec(select(sa.func.count()).select_from(User).where(  # type: ignore[arg-type]
        *_user_filters(partner_id, search, role, locked, now))).one())
