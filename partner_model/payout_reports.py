"""Payout documents: the SEPA credit-transfer file for the bank (pain.001 by sepaxml) and the accounting export.

The vendor's own account comes from settings: VENDOR_NAME, VENDOR_IBAN, VENDOR_BIC (optional).
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa
from sepaxml import SepaTransfer
from sqlmodel import Session

from partner_model import bank_details, clock, exports, i18n, invoice_reports, rules
from partner_model.access import Actor, require_role, row_id
from partner_model.errors import N_, Conflict, ValidationError
from partner_model.models import Partner, Payout, PayoutState
from partner_model.payouts import PAYOUT_ROLES, STATE_WORDS

PO, P = Payout.__table__.c, Partner.__table__.c
SEPA_SCHEMA = "pain.001.001.03"  # the credit-transfer initiation every SEPA bank accepts
SEPA_CURRENCY = "EUR"
MANUAL_COLUMNS = ["id", "partner_name", "currency", "week", "due_cents", "iban", "bic"]


@dataclass(frozen=True)
class SepaBatch:
    """A bank file and what it holds: `xml` (pain.001, UTF-8), `included` the EUR payouts in it (MANUAL_COLUMNS),
    `manual` the ready payouts in other currencies, to transfer by hand (MANUAL_COLUMNS)."""

    xml: bytes
    included: pd.DataFrame
    manual: pd.DataFrame


def vendor_account() -> dict[str, str]:
    """The vendor's own name, IBAN and BIC for the bank file, from VENDOR_NAME, VENDOR_IBAN, VENDOR_BIC.

    Raises ValidationError naming the setting when one is missing or invalid."""
    name = os.environ.get("VENDOR_NAME", "").strip()
    if not name:
        raise ValidationError("VENDOR_NAME", N_("Set VENDOR_NAME, the vendor's account holder name, to make a "
                                                "bank file."))
    iban = bank_details.iban(os.environ.get("VENDOR_IBAN", ""), "VENDOR_IBAN")
    if iban is None:
        raise ValidationError("VENDOR_IBAN", N_("Set VENDOR_IBAN, the vendor's own account, to make a bank file."))
    account = {"name": name[:70], "IBAN": iban, "currency": SEPA_CURRENCY, "batch": True}
    bic = bank_details.bic(os.environ.get("VENDOR_BIC", ""), "VENDOR_BIC")
    if bic:
        account["BIC"] = bic
    return account


def end_to_end_id(payout_id: int, week: str) -> str:
    """The id that travels with the money to the partner's bank statement and names the payout (max 35)."""
    return f"PAYOUT-{payout_id}-{week}"


def _ready(session: Session, payout_ids: list[int] | None) -> pd.DataFrame:
    query = (sa.select(PO.id, sa.func.coalesce(P.legal_name, P.name).label("partner_name"), PO.currency, PO.week,
                       (PO.lines_cents + PO.carried_in_cents).label("due_cents"), P.iban, P.bic, PO.state)
             .join(Partner.__table__, P.id == PO.partner_id).order_by(PO.id))
    if payout_ids is None:
        query = query.where(PO.state == PayoutState.ready.value)
    else:
        query = query.where(PO.id.in_([row_id(i, "Payout") for i in payout_ids]))
    rows = session.execute(query).all()
    frame = pd.DataFrame([tuple(r) for r in rows], columns=[*MANUAL_COLUMNS, "state"])
    not_ready = frame[frame["state"] != PayoutState.ready.value]
    if len(not_ready):
        raise Conflict(N_("Only ready payouts go to the bank; payout {id} is {state}."),
                       id=int(not_ready.iloc[0]["id"]), state=STATE_WORDS[PayoutState(not_ready.iloc[0]["state"])])
    return frame.drop(columns="state")


def sepa_transfer(session: Session, actor: Actor, *, payout_ids: list[int] | None = None,
                  execution_date: dt.date | None = None) -> SepaBatch:
    """A SEPA credit-transfer file (pain.001.001.03, validated against its XSD by sepaxml) paying the ready EUR
    payouts (`payout_ids`, or every ready one): one transaction per payout, its end-to-end id naming the payout,
    on `execution_date` (default today). Ready payouts in other currencies are listed in `manual`.

    Raises PermissionDenied, NotFound (an id), Conflict (a payout not ready; no EUR payout),
    ValidationError (the vendor's settings)."""
    require_role(actor, PAYOUT_ROLES, "manage payouts")
    account = vendor_account()
    ready = _ready(session, payout_ids)
    euros = ready[ready["currency"] == SEPA_CURRENCY].reset_index(drop=True)
    if euros.empty:
        raise Conflict(N_("There is no ready payout in euros to put in a bank file."))
    transfer = SepaTransfer(account, schema=SEPA_SCHEMA, clean=True)
    day = execution_date or clock.today()
    for row in euros.itertuples():
        reason = bank_details.problem(row.iban, row.bic)
        if reason:  # details changed after the payout was confirmed
            raise Conflict(N_("Payout {id} cannot go to the bank: {reason}"), id=int(row.id), reason=reason)
        payment = {"name": row.partner_name, "IBAN": row.iban, "amount": int(row.due_cents),
                   "execution_date": day, "endtoend_id": end_to_end_id(int(row.id), row.week),
                   "description": f"Commission {row.week}, payout {row.id}"}
        if row.bic:
            payment["BIC"] = row.bic
        transfer.add_payment(payment)
    xml = transfer.export(validate=True)
    return SepaBatch(xml=xml, included=euros, manual=ready[ready["currency"] != SEPA_CURRENCY].reset_index(drop=True))


EXPORT_HEADINGS = {"id": N_("Payout"), "partner_name": N_("Partner"), "currency": N_("Currency"),
                   "week": N_("Week"), "state": N_("State"), "lines": N_("Commission of the week"),
                   "carried_in": N_("Carried in"), "due": N_("Due"), "paid_on": N_("Paid on"),
                   "bank_reference": N_("Bank reference")}


def accounting_export(session: Session, actor: Actor, first_week: str, last_week: str, *,
                      language: str = "en") -> pd.DataFrame:
    """The payouts of the approved weeks `first_week`..`last_week` for the accounting system, the same numbers as
    the screen: amounts as exact Decimal in their currency, states in the product's words, headed in `language`.

    Columns (translated): EXPORT_HEADINGS. Raises PermissionDenied, ValidationError (week)."""
    require_role(actor, PAYOUT_ROLES, "manage payouts")
    first, last = rules.week_period(first_week, last_week)
    rows = session.execute(
        sa.select(PO.id, P.name, PO.currency, PO.week, PO.state, PO.lines_cents, PO.carried_in_cents,
                  PO.lines_cents + PO.carried_in_cents, PO.paid_on, PO.bank_reference)
        .join(Partner.__table__, P.id == PO.partner_id).where(PO.week >= first, PO.week <= last)
        .order_by(PO.week, P.name, PO.currency)).all()
    gettext = i18n.translations(language).gettext
    frame = pd.DataFrame([tuple(r) for r in rows], columns=list(EXPORT_HEADINGS))
    for column in ("lines", "carried_in", "due"):
        frame[column] = [rules.from_cents(c) for c in frame[column]]
    frame["state"] = [gettext(STATE_WORDS[PayoutState(s)]) for s in frame["state"]]
    return frame.rename(columns={c: gettext(h) for c, h in EXPORT_HEADINGS.items()})


def accounting_csv(session: Session, actor: Actor, first_week: str, last_week: str, *, language: str = "en",
                   part: str = "payouts") -> bytes:
    """accounting_export (`part` "payouts") or the invoices and credit notes (`part` "invoices",
    invoice_reports.accounting_rows) as CSV in the reader's conventions (the shared safe writer).
    Raises PermissionDenied, ValidationError (week, part)."""
    if part not in ("payouts", "invoices"):
        raise ValidationError("part", N_("Choose payouts or invoices."))
    make = accounting_export if part == "payouts" else invoice_reports.accounting_rows
    decimal = i18n.Formats(language).locale.number_symbols["latn"]["decimal"]
    return exports.csv_bytes(make(session, actor, first_week, last_week, language=language),
                             sep=";" if decimal == "," else ",", decimal=decimal,
                             bom=language != i18n.DEFAULT_LANGUAGE)


def accounting_xlsx(session: Session, actor: Actor, first_week: str, last_week: str, *,
                    language: str = "en") -> bytes:
    """The period for the accounting system as an XLSX workbook (exports.xlsx_bytes): a sheet of payouts
    (accounting_export) and one of invoices and credit notes (invoice_reports.accounting_rows)."""
    gettext = i18n.translations(language).gettext
    return exports.xlsx_bytes({
        gettext(N_("Payouts")): accounting_export(session, actor, first_week, last_week, language=language),
        gettext(N_("Invoices and credit notes")): invoice_reports.accounting_rows(session, actor, first_week,
                                                                                  last_week, language=language),
    })


__all__ = ["MANUAL_COLUMNS", "SEPA_SCHEMA", "SepaBatch", "accounting_csv", "accounting_export",
           "accounting_xlsx", "end_to_end_id", "sepa_transfer", "vendor_account"]
