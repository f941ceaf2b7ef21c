"""Partner invoices and credit notes as finance and partner admins read them, paged in SQL."""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session

from partner_model import rules
from partner_model.access import Actor, is_staff, require_role, row_id, scope_partner
from partner_model.errors import N_, NotFound
from partner_model.models import InvoiceKind, PartnerInvoice, PartnerInvoiceLine, Role

INV, IL = PartnerInvoice.__table__.c, PartnerInvoiceLine.__table__.c
READER_ROLES = {Role.partner_admin, Role.finance, Role.admin}
COLUMNS = ["id", "number", "kind", "partner_id", "partner_name", "currency", "week", "issued_on", "value_cents",
           "commission_cents", "amount_cents", "credits_number"]
LINE_COLUMNS = ["commission_line_id", "deal_id", "company_name", "value_cents", "commission_cents", "amount_cents"]


def _filtered(actor: Actor, partner_id: int | None, kind: object) -> sa.Select:
    require_role(actor, READER_ROLES, "see payouts")
    credited = PartnerInvoice.__table__.alias("credited")
    query = sa.select(
        INV.id, INV.number, INV.kind, INV.partner_id, INV.partner_name, INV.currency, INV.week, INV.issued_on,
        INV.value_cents, INV.commission_cents, INV.amount_cents, credited.c.number.label("credits_number"),
    ).join(credited, credited.c.id == INV.credits_invoice_id, isouter=True)
    scope = scope_partner(actor, partner_id)
    if scope is not None:
        query = query.where(INV.partner_id == row_id(scope, "Partner"))
    if kind not in (None, ""):
        query = query.where(INV.kind == rules.choice(InvoiceKind, kind, "kind", N_("Kind")).value)
    return query


def list_invoices(session: Session, actor: Actor, *, partner_id: int | None = None, kind: object = None,
                  limit: int = 50, offset: int = 0) -> pd.DataFrame:
    """Invoices and credit notes, newest number first; a partner admin's own partner's only.

    Columns: COLUMNS (cents; a credit note's negative; credits_number: the invoice a credit note reverses).
    Raises PermissionDenied, ValidationError (kind, limit, offset)."""
    limit = rules.count_bound(limit, "limit", N_("Limit"))
    offset = rules.count_bound(offset, "offset", N_("Offset"))
    query = _filtered(actor, partner_id, kind).order_by(INV.year.desc(), INV.sequence.desc())
    query = query.limit(limit).offset(offset)
    return pd.DataFrame([tuple(r) for r in session.execute(query).all()], columns=COLUMNS)


def count_invoices(session: Session, actor: Actor, *, partner_id: int | None = None, kind: object = None) -> int:
    """How many invoices and credit notes list_invoices pages through. Raises PermissionDenied, ValidationError."""
    query = _filtered(actor, partner_id, kind).subquery()
    return int(session.execute(sa.select(sa.func.count()).select_from(query)).scalar_one())


def get_invoice(session: Session, actor: Actor, invoice_id: object) -> tuple[PartnerInvoice, pd.DataFrame]:
    """An invoice or credit note as issued, and its lines (LINE_COLUMNS, cents). Raises PermissionDenied,
    NotFound (unknown, or another partner's)."""
    require_role(actor, READER_ROLES, "see payouts")
    invoice = session.get(PartnerInvoice, row_id(invoice_id, "Invoice"))
    if invoice is None or (not is_staff(actor) and invoice.partner_id != actor.partner_id):
        raise NotFound(N_("Invoice not found."))
    rows = session.execute(sa.select(*(IL[c] for c in LINE_COLUMNS)).where(IL.invoice_id == invoice.id)
                           .order_by(IL.id)).all()
    return invoice, pd.DataFrame([tuple(r) for r in rows], columns=LINE_COLUMNS)


__all__ = ["COLUMNS", "LINE_COLUMNS", "count_invoices", "get_invoice", "list_invoices"]
