"""The won deal's confirmation: the partner articles ask a partner to confirm a Closed won deal with the
responsible team member by email; here the partner's manager confirms it in the app, or sends it back with a
question the partner answers.

A deal entering Closed won waits for confirmation (`opened`, called by the move in its transaction) and its
manager is notified (home inbox and an email); reopening the deal clears it. Waiting or sent back, the deal's
commission lines are "unconfirmed" in the weekly review. Every step is in the deal's history (kind
"confirmation", from and to a Confirmation value) and, for a question or an answer, in its notes.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session

from partner_model import notifications, rules, versioning
from partner_model.access import Actor, managed_by, require_role, write_service
from partner_model.deal_records import _deal_for, _event, _note, _now, read
from partner_model.errors import N_, Conflict, ValidationError
from partner_model.models import Confirmation, Deal, DealNote, DealRead, Partner, Stage

D, P, N = Deal.__table__.c, Partner.__table__.c, DealNote.__table__.c
OPEN = (Confirmation.waiting, Confirmation.sent_back)  # not confirmed yet: the lines are unconfirmed
CONFIRM_COLUMNS = ["deal_id", "version", "partner_id", "partner_name", "company_name", "customer_domain", "value",
                   "currency", "billing_option", "won_on", "confirmation", "question", "partner_note"]


def opened(session: Session, deal: Deal, actor: Actor, note: str | None, now: dt.datetime) -> None:
    """The deal was just moved to Closed won (by move_deal, before its commit): it waits for its manager, who is
    notified with the deal, its billing option and the partner's note."""
    deal.confirmation, deal.confirmation_question = Confirmation.waiting, None
    deal.confirmed_by = deal.confirmed_at = None
    _tell_manager(session, deal, note)
    _event(session, deal, actor, "confirmation", None, Confirmation.waiting, now)


def _tell_manager(session: Session, deal: Deal, note: str | None) -> None:
    partner = session.get(Partner, deal.partner_id)
    notifications.notify(
        session, "won_deal_to_confirm", notifications.manager_of(session, deal.partner_id), page="home",
        company=deal.company_name, partner=partner.name if partner else "", currency=deal.currency,
        value=str(rules.from_cents(deal.value_cents)),
        billing=getattr(deal.billing_option, "value", deal.billing_option) or "", note=note or "—")


def cleared(deal: Deal) -> None:
    """The deal left Closed won (reopened): nothing waits for confirmation any more."""
    deal.confirmation = deal.confirmation_question = None
    deal.confirmed_by = deal.confirmed_at = None


def _won(session: Session, actor: Actor, deal_id: int, expected_version: int | None,
         states: tuple[Confirmation, ...]) -> Deal:
    deal = _deal_for(session, actor, deal_id, expected_version)
    if deal.stage != Stage.closed_won or deal.confirmation is None:
        raise ValidationError("stage", N_("Only a Closed won deal is confirmed."))
    if deal.confirmation not in states:
        raise Conflict(N_("This won deal was already confirmed."))
    return deal


@write_service
def confirm_won_deal(session: Session, actor: Actor, deal_id: int, *, expected_version: int | None = None
                     ) -> DealRead:
    """The partner's manager (or an admin) confirms a won deal, waiting or sent back; recorded in its history.

    Raises PermissionDenied, NotFound, ValidationError (stage: not won), Conflict (confirmed already, or changed
    since `expected_version`).
    """
    require_role(actor, rules.REVIEWER_ROLES, "confirm won deals")
    deal = _won(session, actor, deal_id, expected_version, OPEN)
    now = _now(None)
    _event(session, deal, actor, "confirmation", deal.confirmation, Confirmation.confirmed, now)
    deal.confirmation, deal.confirmation_question = Confirmation.confirmed, None
    deal.confirmed_by, deal.confirmed_at = actor.id, now
    versioning.claim(session, deal)
    session.commit()
    return read(deal)


@write_service
def send_back_won_deal(session: Session, actor: Actor, deal_id: int, question: str, *,
                       expected_version: int | None = None) -> DealRead:
    """The manager sends a waiting won deal back to its partner with a question (kept as a note the partner sees;
    the partner's users are notified). Raises PermissionDenied, NotFound, ValidationError (question, stage),
    Conflict."""
    require_role(actor, rules.REVIEWER_ROLES, "confirm won deals")
    text = rules.clean_text(question, "question", N_("Question"), max_length=2000)
    deal = _won(session, actor, deal_id, expected_version, (Confirmation.waiting,))
    now = _now(None)
    _event(session, deal, actor, "confirmation", deal.confirmation, Confirmation.sent_back, now)
    _note(session, deal, actor, text, now)
    deal.confirmation, deal.confirmation_question = Confirmation.sent_back, text
    versioning.claim(session, deal)
    notifications.notify(session, "won_deal_question", notifications.partner_users(session, deal.partner_id),
                         page="deal_board", link=f"deal={deal.id}", company=deal.company_name, question=text)
    session.commit()
    return read(deal)


@write_service
def answer_won_question(session: Session, actor: Actor, deal_id: int, answer: str, *,
                        expected_version: int | None = None) -> DealRead:
    """The deal's partner answers the manager's question (a note); the deal waits for confirmation again and the
    manager is notified. Raises PermissionDenied, NotFound, ValidationError (answer, stage), Conflict."""
    require_role(actor, rules.PARTNER_ROLES, "answer confirmation questions")
    text = rules.clean_text(answer, "answer", N_("Answer"), max_length=2000)
    deal = _won(session, actor, deal_id, expected_version, (Confirmation.sent_back,))
    now = _now(None)
    _event(session, deal, actor, "confirmation", deal.confirmation, Confirmation.waiting, now)
    _note(session, deal, actor, text, now)
    deal.confirmation, deal.confirmation_question = Confirmation.waiting, None
    versioning.claim(session, deal)
    _tell_manager(session, deal, text)
    session.commit()
    return read(deal)


def _waiting(manager_id: int | None, *, sent_back: bool) -> list[sa.ColumnElement[bool]]:
    states = [c.value for c in OPEN] if sent_back else [Confirmation.waiting.value]
    mine = managed_by(D.partner_id, manager_id)
    return [D.confirmation.in_(states), *([mine] if mine is not None else [])]


def waiting_count(session: Session, actor: Actor, *, manager_id: int | None = None) -> int:
    """How many won deals wait for their manager's confirmation (sent back ones wait for the partner, not
    counted); `manager_id` keeps that manager's partners. Raises PermissionDenied."""
    require_role(actor, rules.REVIEWER_ROLES, "confirm won deals")
    return int(session.execute(sa.select(sa.func.count()).select_from(Deal.__table__).where(
        *_waiting(manager_id, sent_back=False))).scalar_one())


def won_deals_to_confirm(session: Session, actor: Actor, *, manager_id: int | None = None,
                         include_sent_back: bool = False, limit: int = 20, offset: int = 0
                         ) -> tuple[pd.DataFrame, int]:
    """The won deals waiting for confirmation, oldest win first, paged in SQL, and how many in all. The partner's
    note is the deal's latest note. Columns: deal_id, version, partner_id, partner_name, company_name,
    customer_domain, value (Decimal), currency, billing_option, won_on, confirmation, question, partner_note.
    Raises PermissionDenied."""
    require_role(actor, rules.REVIEWER_ROLES, "confirm won deals")
    where = _waiting(manager_id, sent_back=include_sent_back)
    total = int(session.execute(sa.select(sa.func.count()).select_from(Deal.__table__).where(*where)).scalar_one())
    # The page's ids first, from ix_deal_confirmation alone, then their rows: asked for wide rows in one query,
    # PostgreSQL walked every won deal by its won day to reach the waiting ones (640 ms on 5,000,000 deals).
    ids = list(session.execute(
        sa.select(D.id).where(*where).order_by(D.won_on, D.id)
        .limit(rules.count_bound(limit, "limit", N_("Page size")))
        .offset(rules.count_bound(offset, "offset", N_("Offset")))).scalars())
    latest = (sa.select(N.body).where(N.deal_id == D.id).order_by(N.at.desc(), N.id.desc()).limit(1)
              .scalar_subquery())
    found = session.execute(
        sa.select(D.id, D.version, D.partner_id, P.name, D.company_name, D.customer_domain, D.value_cents,
                  D.currency, D.billing_option, D.won_on, D.confirmation, D.confirmation_question, latest)
        .join(Partner.__table__, P.id == D.partner_id).where(D.id.in_(ids))).all() if ids else []
    position = {deal_id: i for i, deal_id in enumerate(ids)}
    rows = sorted(found, key=lambda row: position[row[0]])
    records = [(*r[:6], rules.from_cents(r[6]), r[7], getattr(r[8], "value", r[8]), r[9],
                getattr(r[10], "value", r[10]), r[11], r[12]) for r in rows]
    return pd.DataFrame(records, columns=CONFIRM_COLUMNS), total

