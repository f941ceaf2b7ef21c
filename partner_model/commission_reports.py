"""Commission reports over many weeks and partner statements (CSV and PDF, in the reader's language).

Sums run in SQL, in cents.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pandas as pd
import sqlalchemy as sa
from fpdf import FPDF
from sqlmodel import Session

from partner_model import clock, exports, i18n, pdf_fonts, pdf_tables, rules
from partner_model.access import Actor, require_role, scope_partner
from partner_model.commission_queries import currency_totals, week_partner_totals
from partner_model.commissions import LINE_COLUMNS, READER_ROLES, lines_frame, lines_query
from partner_model.errors import N_
from partner_model.models import CommissionLine, Partner, PartnerRead, Role
from partner_model.partners import get_partner

L, P = CommissionLine.__table__.c, Partner.__table__.c


def _weeks(weeks: int, today: dt.date | None) -> list[str]:
    return rules.weeks_back(rules.iso_week(today or clock.today()), weeks)


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


def weekly_sums(
    session: Session, actor: Actor, *, weeks: int = 26, partner_id: int | None = None, today: dt.date | None = None
) -> pd.DataFrame:
    """Commission per ISO week, billing option, direction and currency over the last `weeks` weeks, in one pass
    over the lines (weeks without commission have no rows). Both weekly charts are added up from it (`summed_by`).
    Columns: week, billing_option, direction, currency, commission (Decimal). Raises PermissionDenied."""
    return _grouped(session, actor, [L.week, L.billing_option, L.direction], ["week", "billing_option", "direction"],
                    partner_id, _weeks(weeks, today))


def summed_by(sums: pd.DataFrame, key: str) -> pd.DataFrame:
    """`weekly_sums` added up per week, `key` ("billing_option" or "direction") and currency, oldest week first.
    Columns: week, `key`, currency, commission (Decimal)."""
    columns = ["week", key, "currency", "commission"]
    if sums.empty:
        return pd.DataFrame(columns=columns)
    added = sums.groupby(["week", key, "currency"], as_index=False, sort=True)["commission"].sum()
    return added[columns].reset_index(drop=True)


def weekly_by_billing_option(
    session: Session, actor: Actor, *, weeks: int = 26, partner_id: int | None = None, today: dt.date | None = None
) -> pd.DataFrame:
    """Commission per ISO week and billing option over the last `weeks` weeks, oldest first (weeks without
    commission have no rows: charts fill them in)."""
    return summed_by(weekly_sums(session, actor, weeks=weeks, partner_id=partner_id, today=today), "billing_option")


def payable_and_netted(
    session: Session, actor: Actor, *, weeks: int = 26, partner_id: int | None = None, today: dt.date | None = None
) -> pd.DataFrame:
    """Commission paid to partners against commission netted on their invoices, per week."""
    return summed_by(weekly_sums(session, actor, weeks=weeks, partner_id=partner_id, today=today), "direction")


def top_partners(
    session: Session, actor: Actor, *, weeks: int = 26, limit: int = 10, today: dt.date | None = None
) -> pd.DataFrame:
    """The `limit` partners earning the most commission over the period, in each currency (never mixed), ties by
    partner id. Columns: partner_id, partner_name, currency, commission (Decimal); by currency, then commission,
    largest first.

    One query per currency of rules.CURRENCIES (every line's, as deals are checked on the way in), each a range of
    the report index summed per partner with only its top rows kept: ranking every partner of every currency at
    once sorted all of them (74,616 sums on the ten-times-larger program).
    """
    require_role(actor, READER_ROLES, "see commission reports")
    limit = rules.count_bound(limit, "limit", "limit")
    labels = _weeks(weeks, today)
    cents = sa.func.sum(L.commission_cents)
    records = []
    for currency in sorted(rules.CURRENCIES):
        top = sa.select(L.partner_id, cents.label("cents")).where(L.week.in_(labels), L.currency == currency).group_by(
            L.partner_id).order_by(cents.desc(), L.partner_id).limit(limit).subquery()
        named = sa.select(top.c.partner_id, P.name, top.c.cents).join(Partner.__table__, P.id == top.c.partner_id)
        records += [(partner, name, currency, rules.from_cents(int(c or 0))) for partner, name, c in session.execute(
            named.order_by(top.c.cents.desc(), top.c.partner_id))]
    return pd.DataFrame(records,
                        columns=["partner_id", "partner_name", "currency", "commission"])


def by_tier(session: Session, actor: Actor, *, weeks: int = 26, today: dt.date | None = None) -> pd.DataFrame:
    """Commission by partner tier over the period (partner managers, finance, admin)."""
    require_role(actor, {Role.partner_manager, Role.finance, Role.admin}, "see commission by tier")
    labels = _weeks(weeks, today)
    return _grouped(session, actor, [P.tier], ["tier"], None, labels)


def year_to_date(session: Session, actor: Actor, *, partner_id: int | None = None,
                 today: dt.date | None = None) -> pd.DataFrame:
    """A partner's commission lines from the first ISO week of this year to this week."""
    require_role(actor, READER_ROLES, "see commissions")
    today = today or clock.today()
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
    return partner, lines, week_partner_totals(session, actor, week, partner_id=partner_id)


# The product's words in downloads, written in the statement's language.
WORDS = {"credit_card": N_("Credit card"), "invoice": N_("Invoice"), "via_partner": N_("Via partner"),
         "payable": N_("Payable"), "netted": N_("Netted"), "commission": N_("Commission"),
         "adjustment": N_("Adjustment"), "reversal": N_("Reversal")}
# The column headings of every commission export (statement CSV, whole-week CSV and XLSX), in words people read,
# written in the export's language. The rate is a percentage ("20.00" is 20 %).
EXPORT_HEADINGS = {
    "line_id": N_("Line"),
    "week": N_("Week"),
    "deal_id": N_("Deal"),
    "partner_id": N_("Partner ID"),
    "partner_name": N_("Partner"),
    "company_name": N_("Company"),
    "kind": N_("Kind"),
    # TRANSLATORS: a column heading: the number of the line an adjustment or reversal corrects.
    "adjusts_line_id": N_("Adjusts line"),
    "billing_option": N_("Billing option"),
    "direction": N_("Payable / netted"),
    "value": N_("Value"),
    "currency": N_("Currency"),
    "rate": N_("Rate (%)"),
    "commission": N_("Commission"),
    "partner_invoice": N_("To invoice the partner"),
}


def export_frame(lines: pd.DataFrame, language: str) -> pd.DataFrame:
    """Commission lines as every export writes them: the columns of week_lines under EXPORT_HEADINGS, the
    product's words for kinds, billing options and directions, the rate as a percentage, all in `language`;
    amounts stay exact Decimal."""
    gettext = i18n.translations(language).gettext
    frame = lines.loc[:, list(LINE_COLUMNS)].copy()
    frame["adjusts_line_id"] = frame["adjusts_line_id"].astype("Int64")  # a line number, never "7.0"
    frame["rate"] = [(Decimal(r) * 100).quantize(Decimal("0.01")) for r in frame["rate"]]
    for column in ("kind", "billing_option", "direction"):
        frame[column] = frame[column].map(lambda v: gettext(WORDS[v]) if v in WORDS else v)
    return frame.rename(columns={column: gettext(heading) for column, heading in EXPORT_HEADINGS.items()})


def statement_csv(lines: pd.DataFrame, *, language: str = "en") -> bytes:
    """The lines as CSV for a spreadsheet, headings and words in `language`; amounts written exactly as their
    decimals (not grouped, so they stay numbers). Where the language writes a decimal comma the amounts have
    one and the columns are separated by semicolons (what spreadsheets there expect); outside English the file
    starts with a UTF-8 byte order mark, so spreadsheets read its letters right. Written by the shared export
    writer: no text cell (a company or partner name) can run as a spreadsheet formula."""
    return _csv(export_frame(lines, language), language)


def _csv(frame: pd.DataFrame, language: str) -> bytes:
    decimal = i18n.Formats(language).locale.number_symbols["latn"]["decimal"]
    return exports.csv_bytes(frame, sep=";" if decimal == "," else ",", decimal=decimal,
                             bom=language != i18n.DEFAULT_LANGUAGE)


TOTAL_HEADINGS = {"partner_id": N_("Partner ID"), "partner_name": N_("Partner"), "currency": N_("Currency"),
                  "payable": N_("Payable to the partner"), "netted": N_("Netted on the partner's invoice"),
                  "partner_invoice": N_("To invoice the partner (via partner)"), "lines": N_("Lines")}


def week_export(session: Session, actor: Actor, week: str, *, language: str = "en") -> dict[str, pd.DataFrame]:
    """A whole week for the accounting system, as the screen shows it: every line (export_frame), the totals per
    partner and currency, and the grand totals per currency, headed in `language`. Finance and admin.

    Raises PermissionDenied, ValidationError (week).
    """
    require_role(actor, {Role.finance, Role.admin}, "approve commission weeks")
    week = rules.week_label(week)
    gettext = i18n.translations(language).gettext
    lines = lines_frame(session.execute(lines_query(actor, None).where(L.week == week).order_by(L.partner_id, L.id))
                        .mappings().all())
    totals = week_partner_totals(session, actor, week)
    grand = currency_totals(totals)
    return {
        gettext(N_("Lines")): export_frame(lines, language),
        gettext(N_("Totals per partner")): totals.rename(
            columns={c: gettext(h) for c, h in TOTAL_HEADINGS.items()}),
        gettext(N_("Totals per currency")): grand.rename(
            columns={c: gettext(h) for c, h in TOTAL_HEADINGS.items()}),
    }


def week_export_csv(session: Session, actor: Actor, week: str, *, language: str = "en") -> bytes:
    """The week's lines as CSV (the same cells as week_export's first sheet; the shared safe writer)."""
    return _csv(next(iter(week_export(session, actor, week, language=language).values())), language)


def week_export_xlsx(session: Session, actor: Actor, week: str, *, language: str = "en") -> bytes:
    """The week as an XLSX workbook: lines, totals per partner, totals per currency (exports.xlsx_bytes)."""
    return exports.xlsx_bytes(week_export(session, actor, week, language=language))


STATEMENT_HEADERS = (N_("Deal"), N_("Company"), N_("Kind"), N_("Billing"), N_("Value"), N_("Rate"), N_("Commission"),
                     N_("Payable / netted"))
STATEMENT_WIDTHS = (18, 70, 28, 28, 36, 18, 36, 36)
STATEMENT_ALIGN = "LLLLRRRL"  # amounts and rates right-aligned
TOTALS_HEADERS = (N_("Currency"), N_("Payable to the partner"), N_("Netted on the partner's invoice"),
                  N_("To invoice the partner (via partner)"))
TOTALS_WIDTHS = (30, 70, 70, 70)
TOTALS_ALIGN = "LRRR"


def statement_pdf(partner: PartnerRead, week: str, lines: pd.DataFrame, totals: pd.DataFrame, *,
                  language: str = "en") -> bytes:
    """A one-document PDF statement with the partner's billing information, its lines and totals, written in
    `language`: headings and words translated, money, rates and the week's dates in its locale formats. Names
    and addresses show in whatever script they are written (embedded Unicode fonts, see `pdf_fonts`)."""
    gettext = i18n.translations(language).gettext
    formats = i18n.Formats(language)
    title = gettext("Commission statement {week}").format(week=week)
    details = [formats.week(week),
               gettext("Partner: {name}").format(name=partner.legal_name or partner.name),
               gettext("VAT id: {vat_id}").format(vat_id=partner.vat_id or "-"),
               gettext("Billing email: {email}").format(email=partner.billing_email or "-"),
               gettext("Address: {address}").format(address=partner.address or "-")]
    headers = [gettext(h) for h in STATEMENT_HEADERS]
    rows = [(str(line.deal_id), str(line.company_name)[:40], gettext(WORDS[line.kind]),
             gettext(WORDS[line.billing_option]), formats.money(line.value, line.currency),
             formats.percent(line.rate, decimals=2), formats.money(line.commission, line.currency),
             gettext(WORDS[line.direction])) for line in lines.itertuples()]
    nothing = gettext("No commission lines this week.")
    total_headers = [gettext(h) for h in TOTALS_HEADERS]
    total_rows = [(total.currency, formats.money(total.payable, total.currency),
                   formats.money(total.netted, total.currency), formats.money(total.partner_invoice, total.currency))
                  for total in totals.itertuples()]
    texts = [pdf_tables.pdf_text(text) for text in (title, *details, *headers, nothing, *total_headers,
                                                    *(cell for row in (*rows, *total_rows) for cell in row))]

    pdf = FPDF(orientation="landscape")
    font = pdf_fonts.embed_fonts(pdf, texts)
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_page()
    pdf.set_font(font, "B", 16)
    pdf.cell(0, 10, pdf_tables.pdf_text(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(font, size=10)
    for text in details:
        pdf.cell(0, 6, pdf_tables.pdf_text(text), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf_tables.header_row(pdf, font, headers, STATEMENT_WIDTHS)
    for cells in rows:
        for cell, width, align in zip(cells, STATEMENT_WIDTHS, STATEMENT_ALIGN, strict=True):
            pdf.cell(width, 6, pdf_tables.fit(pdf, pdf_tables.pdf_text(cell), width), border=1, align=align)
        pdf.ln()
    pdf.ln(4)
    if lines.empty:
        pdf.set_font(font, "B", 10)
        pdf.cell(0, 6, pdf_tables.pdf_text(nothing), new_x="LMARGIN", new_y="NEXT")
    if total_rows:
        pdf_tables.header_row(pdf, font, total_headers, TOTALS_WIDTHS)
        pdf.set_font(font, "B", 9)
        for cells in total_rows:
            for cell, width, align in zip(cells, TOTALS_WIDTHS, TOTALS_ALIGN, strict=True):
                pdf.cell(width, 6, pdf_tables.fit(pdf, pdf_tables.pdf_text(cell), width), border=1, align=align)
            pdf.ln()
    return bytes(pdf.output())
