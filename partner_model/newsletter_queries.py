"""The newsletter consents read in SQL: each deal's current consent state (the board's cards), the Newsletter
stage's deals counted by it (the pipeline), and the confirmed subscriptions as CSV for the newsletter tool.

The state is the one partner_model.newsletter.state_of decides, written as a SQL CASE so counts and pages agree.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session

from partner_model import exports, i18n, rules
from partner_model.access import Actor, is_staff, managed_by, require_role, scope_partner
from partner_model.errors import N_
from partner_model.models import (
    ConsentState,
    Deal,
    NewsletterConsent,
    Partner,
    PipelineFigure,
    ReviewStatus,
    Role,
    Stage,
    utcnow,
)

C, D, P = NewsletterConsent.__table__.c, Deal.__table__.c, Partner.__table__.c
F = PipelineFigure.__table__.c
NO_REQUEST = "none"  # a deal in the Newsletter stage whose contact was never asked
SUMMARY_STATES = (ConsentState.confirmed.value, ConsentState.waiting.value, ConsentState.expired.value,
                  ConsentState.unsubscribed.value, NO_REQUEST)
EXPORT_ROLES = {Role.partner_manager, Role.admin}
EXPORT_COLUMNS = {"contact_email": N_("Email"), "contact_name": N_("Name"), "language": N_("Language"),
                  "confirmed_at": N_("Confirmed (UTC)"), "company_name": N_("Company"), "partner_name": N_("Partner")}


def state_case(now: dt.datetime) -> sa.ColumnElement[str]:
    """newsletter.state_of as SQL over newsletter_consent's columns."""
    return sa.case(
        (C.replaced_at.is_not(None), ConsentState.replaced.value),
        (C.unsubscribed_at.is_not(None), ConsentState.unsubscribed.value),
        (C.confirmed_at.is_not(None), ConsentState.confirmed.value),
        (C.expires_at < now, ConsentState.expired.value),
        else_=ConsentState.waiting.value)


def deal_state(now: dt.datetime) -> sa.ScalarSelect[Any]:
    """The state of a deal's current request (the newest not replaced) as a scalar subquery on deal rows; NULL
    when its contact was never asked."""
    return (sa.select(state_case(now)).where(C.deal_id == D.id, C.replaced_at.is_(None))
            .order_by(C.id.desc()).limit(1).scalar_subquery())


def stage_summary(session: Session, actor: Actor, *, partner_id: int | None = None, manager_id: int | None = None,
                  now: dt.datetime | None = None) -> dict[str, int]:
    """The deals in the Newsletter stage (not denied) by their consent: confirmed, waiting, expired, unsubscribed
    and none (never asked). A partner's users count their own; staff may name a partner or a manager's partners.
    Two short reads whatever the program's size: the stage's deals from the stored pipeline figures, and the
    consents (only deals whose contact was asked have one) by their current request; the rest were never asked.
    Raises PermissionDenied."""
    require_role(actor, rules.PIPELINE_ROLES, "see the pipeline")
    scoped = scope_partner(actor, partner_id)

    def scope(column: Any) -> list[Any]:
        where = [column == scoped] if scoped is not None else []
        mine = managed_by(column, manager_id) if is_staff(actor) else None
        return where + ([mine] if mine is not None else [])

    total = int(session.execute(sa.select(sa.func.coalesce(sa.func.sum(F.deals), 0)).where(
        F.stage == Stage.newsletter.value, *scope(F.partner_id))).scalar_one())
    current = sa.select(sa.func.max(C.id)).where(C.replaced_at.is_(None)).group_by(C.deal_id)
    state = state_case(now or utcnow())
    rows = session.execute(sa.select(state, sa.func.count()).select_from(NewsletterConsent.__table__)
                           .join(Deal.__table__, D.id == C.deal_id)
                           .where(C.id.in_(current), D.stage == Stage.newsletter.value,
                                  D.review_status != ReviewStatus.denied.value, *scope(C.partner_id))
                           .group_by(state)).all()
    counts = dict.fromkeys(SUMMARY_STATES, 0)
    for name, count in rows:
        counts[name] = counts.get(name, 0) + int(count)
    counts[NO_REQUEST] = max(0, total - sum(counts[s] for s in SUMMARY_STATES if s != NO_REQUEST))
    return counts


def confirmed_subscriptions(session: Session, actor: Actor, *, limit: int = 100, offset: int = 0
                            ) -> tuple[pd.DataFrame, int]:
    """The confirmed subscriptions nobody left, newest confirmation first, paged in SQL, and how many in all.
    Columns: EXPORT_COLUMNS' keys. Partner managers and admins. Raises PermissionDenied."""
    require_role(actor, EXPORT_ROLES, "export newsletter subscriptions")
    where = [C.confirmed_at.is_not(None), C.unsubscribed_at.is_(None), C.replaced_at.is_(None)]
    total = int(session.execute(sa.select(sa.func.count()).select_from(NewsletterConsent.__table__)
                                .where(*where)).scalar_one())
    rows = session.execute(
        sa.select(C.contact_email, C.contact_name, C.language, C.confirmed_at, D.company_name, P.name)
        .join(Deal.__table__, D.id == C.deal_id).join(Partner.__table__, P.id == C.partner_id).where(*where)
        .order_by(C.confirmed_at.desc(), C.id.desc())
        .limit(rules.count_bound(limit, "limit", N_("Page size")))
        .offset(rules.count_bound(offset, "offset", N_("Offset")))).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=list(EXPORT_COLUMNS)), total


def subscriptions_csv(session: Session, actor: Actor, *, language: str = "en") -> bytes:
    """Every confirmed subscription nobody left, as CSV for the newsletter tool: email, name, language, when it
    was confirmed (UTC, ISO 8601), company, partner; headings in `language`; text cells safe for a spreadsheet.
    Raises PermissionDenied."""
    frame, __ = confirmed_subscriptions(session, actor, limit=10**9)  # all of them: the tool takes the whole list
    frame["confirmed_at"] = [(m if m.tzinfo else m.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)
                             .strftime("%Y-%m-%dT%H:%M:%SZ") for m in frame["confirmed_at"]]
    gettext = i18n.translations(language).gettext
    return exports.csv_bytes(frame.rename(columns={c: gettext(h) for c, h in EXPORT_COLUMNS.items()}))
