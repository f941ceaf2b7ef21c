"""Optimistic locking for deals: a write claims the version it read, or someone else got there first."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session

from partner_model.errors import N_, Conflict
from partner_model.models import Deal

CHANGED_MEANWHILE = N_("Someone else changed this deal since you opened it: reload and try again.")


def claim(session: Session, deal: Deal) -> None:
    """Bump the deal's version in the database only if it is still the one this session read.

    The UPDATE's WHERE is checked under the row lock, so of two concurrent writers exactly one wins;
    the other gets a Conflict instead of silently overwriting the first.
    """
    result = session.execute(
        sa.update(Deal).where(Deal.id == deal.id, Deal.version == deal.version).values(version=deal.version + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise Conflict(CHANGED_MEANWHILE)
    deal.version += 1
    # The database already holds the new version: keep the ORM from writing it a second time.
    set_committed_value(deal, "version", deal.version)
