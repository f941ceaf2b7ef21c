"""Payouts: from an approved week's payable commission to money paid (writes; reads are in payout_queries).

Approving a week makes, per partner and currency with payable lines in it, one payout: the week's payable lines
(reversals included, so a clawback lowers it) plus every balance carried for that partner and currency. A payout
whose due is under the program's minimum (PAYOUT_MINIMUM, default 50.00 in its currency), or negative, is
`carried`: its whole due goes into the partner's next payout, so nothing is lost and nothing is paid twice.
States: draft -> ready (finance confirms; refused while the bank details are missing or invalid) -> paid (date
and bank reference), or ready -> draft; every change is a PayoutEvent with who and when; paid never changes.

Invariant (tests/services/test_payouts.py): for every partner and currency, the dues of draft, ready and paid
payouts plus the carried balance still waiting equal the sum of its payable lines in approved weeks.
"""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Session, select

from partner_model import bank_details, clock, rules, versioning
from partner_model.access import Actor, require_role, row_id, write_service
from partner_model.errors import N_, Conflict, NotFound, ValidationError
from partner_model.models import (
    CommissionLine,
    Direction,
    Partner,
    Payout,
    PayoutEvent,
    PayoutRead,
    PayoutState,
    Role,
    utcnow,
)

PAYOUT_ROLES = {Role.finance, Role.admin}
MINIMUM_SETTING = "PAYOUT_MINIMUM"
DEFAULT_MINIMUM = Decimal("50.00")
PAYOUT_CHANGED = N_("Someone else changed payout {id} since you opened it: reload and try again.")
CARRY_NOTE = N_("Under the minimum payout: carried into the partner's next payout.")
# The product's words for the states, for messages (pages have their own labels).
STATE_WORDS = {PayoutState.draft: N_("Draft"), PayoutState.ready: N_("Ready"), PayoutState.paid: N_("Paid"),
               PayoutState.carried: N_("Carried")}
L = CommissionLine.__table__.c


def minimum_cents() -> int:
    """The program's minimum payout, in cents of the payout's own currency (setting PAYOUT_MINIMUM, default 50.00).

    Raises ValidationError(PAYOUT_MINIMUM) for a setting that is not an amount."""
    raw = os.environ.get(MINIMUM_SETTING, "").strip()
    if not raw:
        return rules.to_cents(DEFAULT_MINIMUM)
    return rules.to_cents(rules.money(raw, MINIMUM_SETTING, N_("Minimum payout")))


def read(payout: Payout, partner_name: str = "") -> PayoutRead:
    data = payout.model_dump()
    return PayoutRead.model_validate({**data, "partner_name": partner_name,
                                      "due_cents": payout.lines_cents + payout.carried_in_cents})


def create_for_week(session: Session, actor: Actor, week: str) -> list[Payout]:
    """Inside approve_week's transaction (it holds the weeks' lock): the week's payouts, one per partner and
    currency with payable lines in `week`, each taking the balances carried for its partner and currency.

    Returns the payouts made (draft, or carried when due < minimum_cents()). Writes nothing else; no commit."""
    minimum = minimum_cents()
    sums = session.execute(
        sa.select(L.partner_id, L.currency, sa.func.sum(L.commission_cents))
        .where(L.week == week, L.direction == Direction.payable.value)
        .group_by(L.partner_id, L.currency).order_by(L.partner_id, L.currency)).all()
    made = []
    now = utcnow()
    for partner_id, currency, cents in sums:
        waiting = session.exec(select(Payout).where(
            Payout.partner_id == partner_id, Payout.currency == currency, Payout.state == PayoutState.carried,
            Payout.carried_into_id.is_(None)).order_by(Payout.id)).all()  # type: ignore[union-attr]
        carried = sum(p.lines_cents + p.carried_in_cents for p in waiting)
        due = int(cents) + carried
        payout = Payout(partner_id=partner_id, currency=currency, week=week, lines_cents=int(cents),
                        carried_in_cents=carried, created_at=now,
                        state=PayoutState.draft if due >= minimum and due > 0 else PayoutState.carried)
        session.add(payout)
        session.flush()
        for earlier in waiting:
            earlier.carried_into_id = payout.id
            session.add(earlier)
        session.add(PayoutEvent(payout_id=payout.id, actor_id=actor.id, at=now, to_state=payout.state.value,
                                note=CARRY_NOTE if payout.state == PayoutState.carried else None))
        made.append(payout)
    return made


def _payout(session: Session, payout_id: object, expected_version: int | None) -> Payout:
    payout = session.get(Payout, row_id(payout_id, "Payout"), populate_existing=True)
    if payout is None:
        raise NotFound(N_("Payout not found."))
    if expected_version is not None and (isinstance(expected_version, bool) or expected_version != payout.version):
        raise Conflict(PAYOUT_CHANGED, id=payout.id)
    if payout.state == PayoutState.paid:
        raise Conflict(N_("Payout {id} is paid: a paid payout never changes."), id=payout.id)
    if payout.state == PayoutState.carried:
        raise Conflict(N_("Payout {id} is carried: its balance is paid with the partner's next payout."),
                       id=payout.id)
    return payout


def _move(session: Session, actor: Actor, payout: Payout, to: PayoutState, note: str | None = None) -> PayoutRead:
    before = payout.state
    payout.state = to
    try:
        versioning.claim(session, payout)
    except Conflict:
        raise Conflict(PAYOUT_CHANGED, id=payout.id) from None
    session.add(PayoutEvent(payout_id=payout.id, actor_id=actor.id, at=utcnow(), from_state=before.value,
                            to_state=to.value, note=note))
    session.commit()
    return read(payout, session.get(Partner, payout.partner_id).name)  # type: ignore[union-attr]


@write_service
def confirm_payout(session: Session, actor: Actor, payout_id: int, *, expected_version: int | None = None
                   ) -> PayoutRead:
    """Finance confirms a draft payout: it is ready for the bank.

    Refused while the partner's bank details are missing or invalid (the reason is in the message).
    Raises PermissionDenied (not finance or admin), NotFound, Conflict (not a draft, stale version, bank details).
    """
    require_role(actor, PAYOUT_ROLES, "manage payouts")
    payout = _payout(session, payout_id, expected_version)
    if payout.state != PayoutState.draft:
        raise Conflict(N_("Only a draft payout can be confirmed; payout {id} is {state}."), id=payout.id,
                       state=STATE_WORDS[payout.state])
    partner = session.get(Partner, payout.partner_id)
    reason = bank_details.problem(partner.iban, partner.bic)  # type: ignore[union-attr]
    if reason:
        raise Conflict(N_("Payout {id} cannot be confirmed: {reason}"), id=payout.id, reason=reason)
    return _move(session, actor, payout, PayoutState.ready)


@write_service
def return_to_draft(session: Session, actor: Actor, payout_id: int, *, note: str | None = None,
                    expected_version: int | None = None) -> PayoutRead:
    """Take a ready payout back to draft (e.g. the bank refused it), with an optional note.

    Raises PermissionDenied, NotFound, ValidationError (note), Conflict (not ready, paid, stale version)."""
    require_role(actor, PAYOUT_ROLES, "manage payouts")
    text = rules.clean_text(note, "note", N_("Note"), required=False, max_length=500)
    payout = _payout(session, payout_id, expected_version)
    if payout.state != PayoutState.ready:
        raise Conflict(N_("Only a ready payout can go back to draft; payout {id} is {state}."), id=payout.id,
                       state=STATE_WORDS[payout.state])
    return _move(session, actor, payout, PayoutState.draft, text)


@write_service
def mark_paid(session: Session, actor: Actor, payout_id: int, *, paid_on: dt.date | str, bank_reference: str,
              expected_version: int | None = None, today: dt.date | None = None) -> PayoutRead:
    """Record that the bank paid a ready payout: the day (not in the future) and the bank's reference.

    Raises PermissionDenied, NotFound, ValidationError (paid_on, bank_reference), Conflict (not ready, stale)."""
    require_role(actor, PAYOUT_ROLES, "manage payouts")
    day = _day(paid_on, today or clock.today())
    reference = rules.clean_text(bank_reference, "bank_reference", N_("Bank reference"), max_length=140)
    payout = _payout(session, payout_id, expected_version)
    if payout.state != PayoutState.ready:
        raise Conflict(N_("Only a ready payout can be marked paid; payout {id} is {state}."), id=payout.id,
                       state=STATE_WORDS[payout.state])
    payout.paid_on, payout.bank_reference = day, reference
    return _move(session, actor, payout, PayoutState.paid, f"{day.isoformat()} {reference}")


def _day(value: object, today: dt.date) -> dt.date:
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise ValidationError("paid_on", N_("Paid on must be a date, e.g. 2026-11-30.")) from None
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise ValidationError("paid_on", N_("Paid on must be a date, e.g. 2026-11-30."))
    if value > today:
        raise ValidationError("paid_on", N_("Paid on cannot be in the future."))
    return value


__all__ = ["DEFAULT_MINIMUM", "MINIMUM_SETTING", "PAYOUT_ROLES", "STATE_WORDS", "confirm_payout", "create_for_week",
           "mark_paid", "minimum_cents", "read", "return_to_draft"]
