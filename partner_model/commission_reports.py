"""Commission reports over many weeks and partner statements (CSV and PDF). Sums run in SQL, in cents."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pandas as pd
import sqlalchemy as sa
from fpdf import FPDF
from sqlmodel import Session

from partner_model import rules
from partner_model.access import Actor, require_role, scope_partner
from partner_model.commissions import LINE_COLUMNS, READER_ROLES, lines_frame, lines_query, week_totals
from partner_model.models import CommissionLine, Partner, PartnerRead, Role
from partner_model.partners import get_partner

L, P = CommissionLine.__table__.c, Partner.__table__.c


def _weeks(weeks: int, today: dt.date | None) -> list[str]:
    return rules.weeks_back(rules.iso_week(today or dt.date.today()), weeks)


def _grouped(session: Session, actor: Actor, keys: list[Any], labels: list[str], partner_id: int | None,
             weeks: list[str]) -> pd.DataFrame:
    require_role(actor, READER_ROLES, "see commission reports")
    query = sa.select(*keys, L.currency, sa.func.sum(L.commission_cents).label("cents")).where(L.week.in_(weeks))
    scoped = scope_partner(actor, partner_id)
    if scoped is not None:
        query = query.where(L.partner_id == scoped)
    if any(getattr(k, "table", None) is Partner.__table__ for k in keys):
        query = query.join(Partner.__table__, P.id == L.partner_id)
    rows = session.execute(query.group_by(*keys, L.currency)).all()
    records = [(*(getattr(v, "value", v) for v in row[:-2]), row[-2], rules.from_cents(int(row[-1] or 0)))
               for row in rows]
    return pd.DataFrame(records, columns=[*labels, "currency", "commission"])


def weekly_by_billing_option(
    session: Session, actor: Actor, *, weeks: int = 26, partner_id: int | None = None, today: dt.date | None = None
) -> pd.DataFrame:
    """Commission per ISO week and billing option over the last `weeks` weeks, oldest first (weeks without
    commission have no rows: charts fill them in)."""
    labels = _weeks(weeks, today)
    frame = _grouped(session, actor, [L.week, L.billing_option], ["week", "billing_option"], partner_id, labels)
    return frame.sort_values(["week", "billing_option"], ignore_index=True)


def payable_and_netted(
    session: Session, actor: Actor, *, weeks: int = 26, partner_id: int | None = None, today: dt.date | None = None
) -> pd.DataFrame:
    """Commission paid to partners against commission netted on their invoices, per week."""
    labels = _weeks(weeks, today)
    frame = _grouped(session, actor, [L.week, L.direction], ["week", "direction"], partner_id, labels)
    return frame.sort_values(["week", "direction"], ignore_index=True)


def top_partners(
    session: Session, actor: Actor, *, weeks: int = 26, limit: int = 10, today: dt.date | None = None
) -> pd.DataFrame:
    """The `limit` partners earning the most commission over the period, in each currency (never mixed)."""
    labels = _weeks(weeks, today)
    frame = _grouped(session, actor, [L.partner_id, P.name], ["partner_id", "partner_name"], None, labels)
    frame = frame.sort_values(["currency", "commission"], ascending=[True, False], ignore_index=True)
    return frame.groupby("currency", sort=False).head(limit).reset_index(drop=True)


def by_tier(session: Session, actor: Actor, *, weeks: int = 26, today: dt.date | None = None) -> pd.DataFrame:
    """Commission by partner tier over the period (partner managers, finance, admin)."""
    require_role(actor, {Role.partner_manager, Role.finance, Role.admin}, "see commission by tier")
    labels = _weeks(weeks, today)
    return _grouped(session, actor, [P.tier], ["tier"], None, labels)


def year_to_date(session: Session, actor: Actor, *, partner_id: int | None = None,
                 today: dt.date | None = None) -> pd.DataFrame:
    """A partner's commission lines from the first ISO week of this year to this week."""
    require_role(actor, READER_ROLES, "see commissions")
    today = today or dt.date.today()
    first, last = f"{today.isocalendar()[0]}-W01", rules.iso_week(today)
    scoped = scope_partner(actor, partner_id)
    query = lines_query(actor, scoped).where(L.week >= first, L.week <= last).order_by(L.week, L.id)
    return lines_frame(session.execute(query).mappings().all())


# --- statements ---------------------------------------------------------------------------------


def statement(session: Session, actor: Actor, partner_id: int, week: str) -> tuple[PartnerRead, pd.DataFrame,
                                                                                      pd.DataFrame]:
    """A partner's statement for a week: the partner (with billing information), its lines and totals."""
    require_role(actor, READER_ROLES, "see commission statements")
    week = rules.week_label(week)
    partner = get_partner(session, actor, partner_id)
    lines = lines_frame(session.execute(lines_query(actor, partner_id).where(L.week == week).order_by(L.id))
                   .mappings().all())
    return partner, lines, week_totals(lines)


def statement_csv(lines: pd.DataFrame) -> bytes:
    """The lines as CSV; amounts written exactly as their decimals."""
    frame = lines.loc[:, list(LINE_COLUMNS)].copy()
    for column in ("kind", "billing_option", "direction"):
        frame[column] = frame[column].map(lambda v: WORDS.get(v, v))
    return frame.to_csv(index=False).encode("utf-8")


# The product's words in downloads (the pages translate their own; statements go out in English).
WORDS = {"credit_card": "Credit card", "invoice": "Invoice", "via_partner": "Via partner", "payable": "Payable",
         "netted": "Netted", "commission": "Commission", "adjustment": "Adjustment", "reversal": "Reversal"}


def _money(amount: Decimal, currency: str) -> str:
    return f"{amount:,.2f} {currency}"


def statement_pdf(partner: PartnerRead, week: str, lines: pd.DataFrame, totals: pd.DataFrame) -> bytes:
    """A one-document PDF statement with the partner's billing information, its lines and totals."""
    pdf = FPDF(orientation="landscape")
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 10, f"Commission statement {week}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)
    for label, value in (("Partner", partner.legal_name or partner.name), ("VAT id", partner.vat_id),
                         ("Billing email", partner.billing_email), ("Address", partner.address)):
        pdf.cell(0, 6, _latin1(f"{label}: {value or '-'}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    headers = ("Deal", "Company", "Kind", "Billing", "Value", "Rate", "Commission", "Payable / netted")
    widths = (18, 70, 28, 28, 36, 18, 36, 36)
    pdf.set_font("Helvetica", "B", 9)
    for header, width in zip(headers, widths, strict=True):
        pdf.cell(width, 7, header, border=1)
    pdf.ln()
    pdf.set_font("Helvetica", size=9)
    for line in lines.itertuples():
        cells = (str(line.deal_id), str(line.company_name)[:40], WORDS[line.kind], WORDS[line.billing_option],
                 _money(line.value, line.currency), f"{line.rate * 100:.2f} %",
                 _money(line.commission, line.currency), WORDS[line.direction])
        for cell, width in zip(cells, widths, strict=True):
            pdf.cell(width, 6, _latin1(cell), border=1)
        pdf.ln()
    pdf.ln(4)
    pdf.set_font("Helvetica", "B", 10)
    if lines.empty:
        pdf.cell(0, 6, "No commission lines this week.", new_x="LMARGIN", new_y="NEXT")
    for total in totals.itertuples():
        pdf.cell(0, 6, _latin1(
            f"Payable to the partner: {_money(total.payable, total.currency)}   "
            f"Netted on the partner's invoice: {_money(total.netted, total.currency)}   "
            f"To invoice the partner: {_money(total.partner_invoice, total.currency)}"), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _latin1(text: str) -> str:
    # The core PDF fonts speak Latin-1; Nordic and German letters are in it, anything else is replaced.
    return text.encode("latin-1", "replace").decode("latin-1")
