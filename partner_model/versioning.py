"""Optimistic locking: a write claims the version it read, or someone else got there first.

Deals, partners, users and customer accounts carry a `version`; every update of one claims it. A page passes the
version it showed (`expected_version`), so a decision made on an out-of-date view is refused with a Conflict that
says what changed, and nothing is written.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session

from partner_model.errors import N_, Conflict
from partner_model.models import Deal

CHANGED_MEANWHILE = N_("Someone else changed this deal since you opened it: reload and try again.")


def check(row: Any, expected_version: object) -> None:
    """Conflict when the caller saw another version of `row` than the one it has now (callers that can say what
    changed catch it and raise their own).

    `expected_version` None means the caller did not say (the command line, older callers): no check.
    """
    if expected_version is None:
        return
    if isinstance(expected_version, bool) or not isinstance(expected_version, int) \
            or expected_version != row.version:
        raise Conflict(CHANGED_MEANWHILE)


def claim(session: Session, row: Any) -> None:
    """Bump the row's version in the database only if it is still the one this session read.

    The UPDATE's WHERE is checked under the row lock, so of two concurrent writers exactly one wins;
    the other gets a Conflict instead of silently overwriting the first.
    """
    model = type(row)
    result = session.execute(
        sa.update(model).where(model.id == row.id, model.version == row.version).values(version=row.version + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise Conflict(CHANGED_MEANWHILE)
    row.version += 1
    # The database already holds the new version: keep the ORM from writing it a second time.
    set_committed_value(row, "version", row.version)


__all__ = ["CHANGED_MEANWHILE", "Deal", "check", "claim"]
