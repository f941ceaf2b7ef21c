"""Partner invoices and credit notes as PDF documents, in the language kept on each (the partner's), with the
same embedded Unicode fonts as the statements (pdf_fonts), and their rows for the accounting export."""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa
from fpdf import FPDF
from sqlmodel import Session

from partner_model import i18n, pdf_tables, rules
from partner_model.access import Actor, require_role
from partner_model.errors import N_
from partner_model.invoice_queries import get_invoice
from partner_model.models import InvoiceKind, PartnerInvoice
from partner_model.payouts import PAYOUT_ROLES
from partner_model.pdf_fonts import embed_fonts

INV = PartnerInvoice.__table__.c
LINE_HEADERS = (N_("Deal"), N_("Company"), N_("Subscription value"), N_("Commission"), N_("Amount due"))
LINE_WIDTHS = (20, 70, 33, 33, 34)
LINE_ALIGN = "LLRRR"
REVERSE_CHARGE = N_("Reverse charge: VAT is accounted for by the recipient (Article 196 of Council Directive "
                    "2006/112/EC).")
KIND_WORDS = {InvoiceKind.invoice: N_("Invoice"), InvoiceKind.credit_note: N_("Credit note")}


def invoice_pdf(session: Session, actor: Actor, invoice_id: object) -> bytes:
    """The invoice or credit note as the partner receives it: numbers, both parties' details and VAT ids as issued,
    each deal's subscription value, commission and amount due (value - commission), totals net of VAT, and the
    reverse-charge sentence for a partner in another EU country than the vendor's. In the invoice's language.

    Raises PermissionDenied, NotFound."""
    invoice, lines = get_invoice(session, actor, invoice_id)
    credited = session.get(PartnerInvoice, invoice.credits_invoice_id) if invoice.credits_invoice_id else None
    gettext = i18n.translations(invoice.language).gettext
    formats = i18n.Formats(invoice.language)

    def money(cents: int) -> str:
        return formats.money(rules.from_cents(cents), invoice.currency)

    title = f"{gettext(KIND_WORDS[invoice.kind])} {invoice.number}"
    facts = [gettext("Issued on {day}").format(day=formats.date(invoice.issued_on)),
             gettext("Commission week {week}").format(week=formats.week(invoice.week))]
    if credited is not None:
        facts.append(gettext("Credits invoice {number} of {day}").format(
            number=credited.number, day=formats.date(credited.issued_on)))
    parties = [
        (gettext("From"), invoice.vendor_name, invoice.vendor_address, invoice.vendor_vat_id),
        (gettext("To"), invoice.partner_name, invoice.partner_address, invoice.partner_vat_id),
    ]
    party_lines: list[str] = []
    for role, name, address, vat_id in parties:
        party_lines += [f"{role}: {name or '-'}", address.replace("\n", ", ") or "-",
                        gettext("VAT id: {vat_id}").format(vat_id=vat_id or "-")]
    headers = [gettext(h) for h in LINE_HEADERS]
    rows = [(str(line.deal_id), str(line.company_name), money(line.value_cents), money(line.commission_cents),
             money(line.amount_cents)) for line in lines.itertuples()]
    totals = [(gettext("Subscription value"), money(invoice.value_cents)),
              (gettext("Commission"), money(-invoice.commission_cents)),
              (gettext("Amount due (net of VAT)"), money(invoice.amount_cents))]
    notes = [gettext(REVERSE_CHARGE)] if invoice.reverse_charge else []
    texts = [pdf_tables.pdf_text(t) for t in (title, *facts, *party_lines, *headers, *(c for r in rows for c in r),
                                              *(c for r in totals for c in r), *notes)]

    pdf = FPDF()
    font = embed_fonts(pdf, texts)
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_page()
    pdf.set_font(font, "B", 16)
    pdf.cell(0, 10, pdf_tables.pdf_text(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(font, size=10)
    for text in (*facts, "", *party_lines):
        pdf.cell(0, 6, pdf_tables.fit(pdf, pdf_tables.pdf_text(text), 190), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf_tables.header_row(pdf, font, headers, LINE_WIDTHS)
    for cells in rows:
        for cell, width, align in zip(cells, LINE_WIDTHS, LINE_ALIGN, strict=True):
            pdf.cell(width, 6, pdf_tables.fit(pdf, pdf_tables.pdf_text(cell), width), border=1, align=align)
        pdf.ln()
    pdf.ln(4)
    pdf.set_font(font, "B", 10)
    for label, amount in totals:
        pdf.cell(120, 6, pdf_tables.pdf_text(label))
        pdf.cell(70, 6, pdf_tables.pdf_text(amount), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(font, size=9)
    for note in notes:
        pdf.ln(2)
        pdf.multi_cell(0, 5, pdf_tables.pdf_text(note))
    return bytes(pdf.output())


EXPORT_HEADINGS = {"number": N_("Number"), "kind": N_("Kind"), "credits_number": N_("Credits invoice"),
                   "partner_name": N_("Partner"), "partner_vat_id": N_("VAT id"), "currency": N_("Currency"),
                   "week": N_("Week"), "issued_on": N_("Issued on"), "value": N_("Subscription value"),
                   "commission": N_("Commission"), "amount": N_("Amount due"),
                   "reverse_charge": N_("Reverse charge")}


def accounting_rows(session: Session, actor: Actor, first_week: str, last_week: str, *,
                    language: str = "en") -> pd.DataFrame:
    """The invoices and credit notes of the weeks `first_week`..`last_week`, one row each, in number order, as the
    accounting system takes them: amounts as exact Decimal (a credit note's negative), headed in `language`.

    Raises PermissionDenied, ValidationError (week)."""
    require_role(actor, PAYOUT_ROLES, "manage payouts")
    first, last = rules.week_period(first_week, last_week)
    credited = PartnerInvoice.__table__.alias("credited")
    rows = session.execute(
        sa.select(INV.number, INV.kind, credited.c.number, INV.partner_name, INV.partner_vat_id, INV.currency,
                  INV.week, INV.issued_on, INV.value_cents, INV.commission_cents, INV.amount_cents, INV.reverse_charge)
        .join(credited, credited.c.id == INV.credits_invoice_id, isouter=True)
        .where(INV.week >= first, INV.week <= last).order_by(INV.year, INV.sequence)).all()
    gettext = i18n.translations(language).gettext
    frame = pd.DataFrame([tuple(r) for r in rows], columns=list(EXPORT_HEADINGS))
    for column in ("value", "commission", "amount"):
        frame[column] = [rules.from_cents(c) for c in frame[column]]
    frame["kind"] = [gettext(KIND_WORDS[InvoiceKind(k)]) for k in frame["kind"]]
    frame["reverse_charge"] = [gettext("Yes") if flag else gettext("No") for flag in frame["reverse_charge"]]
    frame["credits_number"] = frame["credits_number"].fillna("")
    return frame.rename(columns={c: gettext(h) for c, h in EXPORT_HEADINGS.items()})


__all__ = ["EXPORT_HEADINGS", "accounting_rows", "invoice_pdf"]
