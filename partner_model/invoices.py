"""Partner invoices and credit notes for netted commission (writes; reads and PDFs in invoice_reports).

A partner billed "via partner" collects the subscription from its customer; the vendor invoices the partner the
subscription value minus the commission. Approving a week issues, per partner and currency with netted lines in
it, one invoice of those lines; the week's netted reversals of invoiced lines become a credit note for each
invoice they reverse (never an edit of it). Numbers run per year ("2026-00001") without gap or reuse: they are
taken from invoice_sequence under a lock, in the approval's own transaction (a rollback gives the number back).

What the document says (the vendor's and the partner's names, addresses, VAT ids and countries, the reverse
charge, the language) is kept on the invoice as it was when issued. The vendor's details come from settings:
VENDOR_NAME, VENDOR_ADDRESS, VENDOR_VAT_ID, VENDOR_COUNTRY.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import defaultdict

import sqlalchemy as sa
from sqlmodel import Session, select

from partner_model import clock, db, i18n, vat
from partner_model.access import Actor
from partner_model.models import (
    CommissionLine,
    Deal,
    Direction,
    InvoiceKind,
    InvoiceSequence,
    LineKind,
    Partner,
    PartnerInvoice,
    PartnerInvoiceLine,
    Role,
    User,
    utcnow,
)

NUMBERS_LOCK = "invoice_numbers"
L, D, IL = CommissionLine.__table__.c, Deal.__table__.c, PartnerInvoiceLine.__table__.c


def vendor_details() -> dict[str, str]:
    """The vendor's details for its invoices, from settings ("" where unset)."""
    country = os.environ.get("VENDOR_COUNTRY", "").strip().upper()[:2]
    return {"vendor_name": os.environ.get("VENDOR_NAME", "").strip()[:200],
            "vendor_address": os.environ.get("VENDOR_ADDRESS", "").strip()[:500],
            "vendor_vat_id": os.environ.get("VENDOR_VAT_ID", "").strip().upper()[:30],
            "vendor_country": country}


def next_number(session: Session, year: int) -> tuple[int, str]:
    """The next invoice number of `year`: (sequence, "2026-00001"). Serialized on NUMBERS_LOCK, so two
    transactions never take the same number, and a rolled-back one gives its number back (no gap)."""
    db.serialize(session, NUMBERS_LOCK)
    row = session.get(InvoiceSequence, year, populate_existing=True, with_for_update=True)
    if row is None:
        row = InvoiceSequence(year=year, last=0)
    row.last += 1
    session.add(row)
    session.flush()
    return row.last, f"{year}-{row.last:05d}"


def _language(session: Session, partner_id: int) -> str:
    """The language the partner's admins read the product in (their first admin's), else the default."""
    chosen = session.execute(
        sa.select(User.__table__.c.language).where(
            User.__table__.c.partner_id == partner_id, User.__table__.c.role == Role.partner_admin.value,
            User.__table__.c.active.is_(True), User.__table__.c.language.is_not(None))
        .order_by(User.__table__.c.id).limit(1)).scalar_one_or_none()
    return i18n.best_language(chosen)


def _issue(session: Session, partner: Partner, currency: str, week: str, lines: list[tuple], kind: InvoiceKind,
           credits: int | None, today: dt.date) -> PartnerInvoice:
    sequence, number = next_number(session, today.year)
    vendor = vendor_details()
    value = sum(line.value_cents for line in lines)
    commission = sum(line.commission_cents for line in lines)
    invoice = PartnerInvoice(
        number=number, year=today.year, sequence=sequence, kind=kind, credits_invoice_id=credits,
        partner_id=partner.id, currency=currency, week=week, issued_on=today,
        language=_language(session, partner.id), **vendor,  # type: ignore[arg-type]
        partner_name=(partner.legal_name or partner.name)[:200], partner_address=partner.address or "",
        partner_vat_id=partner.vat_id or "", partner_country=partner.country or "",
        reverse_charge=vat.reverse_charge(vendor["vendor_country"], partner.country),
        value_cents=value, commission_cents=commission, amount_cents=value - commission, created_at=utcnow())
    session.add(invoice)
    session.flush()
    for line in lines:
        session.add(PartnerInvoiceLine(
            invoice_id=invoice.id, commission_line_id=line.id, deal_id=line.deal_id,
            company_name=line.company_name[:200], value_cents=line.value_cents,
            commission_cents=line.commission_cents, amount_cents=line.value_cents - line.commission_cents))
    return invoice


def create_for_week(session: Session, actor: Actor, week: str, today: dt.date | None = None) -> list[PartnerInvoice]:
    """Inside approve_week's transaction: the week's invoices and credit notes of netted lines, per partner and
    currency, in partner and currency order (so numbers follow a stable order). Returns what was issued."""
    today = today or clock.today()
    rows = session.execute(
        sa.select(L.id, L.partner_id, L.currency, L.kind, L.adjusts_line_id, L.deal_id, D.company_name,
                  L.value_cents, L.commission_cents)
        .join(Deal.__table__, D.id == L.deal_id)
        .where(L.week == week, L.direction == Direction.netted.value, L.id.not_in(sa.select(IL.commission_line_id)))
        .order_by(L.partner_id, L.currency, L.id)).all()
    reversed_on = dict(session.execute(
        sa.select(IL.commission_line_id, IL.invoice_id).where(
            IL.commission_line_id.in_([r.adjusts_line_id for r in rows if r.kind == LineKind.reversal.value
                                       and r.adjusts_line_id is not None]))).all())
    groups: dict[tuple[int, str, int | None], list[tuple]] = defaultdict(list)
    for row in rows:
        credits = reversed_on.get(row.adjusts_line_id) if row.kind == LineKind.reversal.value else None
        # A reversal of a line no invoice holds (a week approved before invoices existed) is credited unreferenced.
        if row.kind == LineKind.reversal.value and credits is None:
            credits = 0
        groups[(row.partner_id, row.currency, credits)].append(row)
    issued = []
    for (partner_id, currency, credits), lines in sorted(groups.items(), key=lambda g: (g[0][0], g[0][1],
                                                                                        g[0][2] is not None,
                                                                                        g[0][2] or 0)):
        partner = session.get(Partner, partner_id)
        kind = InvoiceKind.invoice if credits is None else InvoiceKind.credit_note
        issued.append(_issue(session, partner, currency, week, lines, kind,  # type: ignore[arg-type]
                             credits or None, today))
    return issued


def invoice_of_line(session: Session, commission_line_id: int) -> PartnerInvoice | None:
    """The invoice or credit note that holds a commission line, if any."""
    query = select(PartnerInvoice).join(PartnerInvoiceLine, PartnerInvoiceLine.invoice_id == PartnerInvoice.id)
    return session.exec(query.where(PartnerInvoiceLine.commission_line_id == commission_line_id)).first()


__all__ = ["NUMBERS_LOCK", "create_for_week", "invoice_of_line", "next_number", "vendor_details"]
