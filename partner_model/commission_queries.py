"""Read-only commission queries the commissions page needs beyond commissions.py: which lines can still be
clawed back, and a deal's lines across weeks.
"""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session

from partner_model.access import Actor, require_role
from partner_model.commissions import READER_ROLES, lines_frame, lines_query
from partner_model.models import CommissionLine, Deal, LineKind, Role, Stage

L, D = CommissionLine.__table__.c, Deal.__table__.c
CLAWBACK_ROLES = {Role.finance, Role.admin}


def reversible_lines(session: Session, actor: Actor, week: str) -> pd.DataFrame:
    """The week's lines that a clawback would reverse: commission or adjustment lines no reversal has cancelled,
    of deals still Closed won and not clawed back (finance and admin). Columns as commissions.week_lines.

    Raises PermissionDenied.
    """
    require_role(actor, CLAWBACK_ROLES, "reverse commissions")
    reversal = sa.alias(CommissionLine.__table__, "reversal")
    cancelled = sa.exists().where(reversal.c.kind == LineKind.reversal, reversal.c.adjusts_line_id == L.id)
    query = lines_query(actor, None).where(
        L.week == week, L.kind != LineKind.reversal, ~cancelled,
        D.stage == Stage.closed_won, D.clawed_back_on.is_(None),
    ).order_by(L.partner_id, L.id)
    return lines_frame(session.execute(query).mappings().all())


def deal_lines(session: Session, actor: Actor, deal_id: int) -> pd.DataFrame:
    """Every commission line of one deal, oldest week first; a partner's users only for their own deals."""
    require_role(actor, READER_ROLES, "see commissions")
    query = lines_query(actor, None).where(L.deal_id == deal_id).order_by(L.week, L.id)
    return lines_frame(session.execute(query).mappings().all())

