"""Partner invoices and credit notes for netted commission (issue 18): one per partner, currency and approved week,
numbers per year without gap or reuse, a credit note for a reversal, PDFs in the partner's language."""

from __future__ import annotations

import io
import threading
from decimal import Decimal

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from partner_model import clock, commissions, deals, invoice_queries, invoice_reports, invoices, partners, rules, users
from partner_model.errors import NotFound, PermissionDenied


def _approve(session, actor, week: str) -> None:  # type: ignore[no-untyped-def]
    commissions.approve_week(session, actor, week, today=max(rules.week_monday(week), clock.today()))


@pytest.fixture
def vendor(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("VENDOR_NAME", "Compliance Cloud Oy")
    monkeypatch.setenv("VENDOR_ADDRESS", "Mannerheimintie 1, 00100 Helsinki")
    monkeypatch.setenv("VENDOR_VAT_ID", "FI12345678")
    monkeypatch.setenv("VENDOR_COUNTRY", "FI")


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).replace("\xa0", " ")


def test_an_approved_week_invoices_each_partner_its_netted_lines_value_less_commission(session, cast, factory,
                                                                                         vendor):
    partners.update_billing_info(session, cast.admin, cast.beta.id, legal_name="Beta Advisory AB",
                                 vat_id="SE556677889901", country="SE", address="Kungsgatan 1, Stockholm")
    a = factory.won_deal(cast.beta_user, cast.manager, annual_value="10000", billing_option="via_partner")
    factory.won_deal(cast.beta_user, cast.manager, annual_value="5000", billing_option="via_partner")
    factory.won_deal(cast.beta_user, cast.manager, annual_value="7000", billing_option="invoice")  # payable
    factory.won_deal(cast.acme_user, cast.manager, annual_value="2000", billing_option="via_partner",
                     currency="SEK")
    week = rules.iso_week(a.won_on)
    _approve(session, cast.finance, week)
    frame = invoice_queries.list_invoices(session, cast.finance)
    year = clock.today().year
    assert sorted(frame["number"]) == [f"{year}-00001", f"{year}-00002"]
    beta = frame[frame["partner_id"] == cast.beta.id].iloc[0]
    # 10 % commission on 15,000.00: the partner owes 13,500.00
    assert (beta.kind, beta.currency, beta.value_cents, beta.commission_cents, beta.amount_cents) == (
        "invoice", "EUR", 1_500_000, 150_000, 1_350_000)
    invoice, lines = invoice_queries.get_invoice(session, cast.finance, int(beta.id))
    assert lines["amount_cents"].sum() == invoice.amount_cents
    assert (invoice.vendor_vat_id, invoice.partner_vat_id, invoice.reverse_charge) == ("FI12345678",
                                                                                      "SE556677889901", True)
    text = _text(invoice_reports.invoice_pdf(session, cast.finance, int(beta.id)))
    assert f"Invoice {year}-00001" in text or f"Invoice {year}-00002" in text
    for expected in ("Compliance Cloud Oy", "Beta Advisory AB", "SE556677889901", "EUR 13,500.00",
                     "Reverse charge", "Article 196"):
        assert expected in text, expected
    acme = frame[frame["partner_id"] == cast.acme.id].iloc[0]
    assert "Reverse charge" not in _text(invoice_reports.invoice_pdf(session, cast.finance, int(acme.id)))


def test_a_reversed_netted_line_gets_a_credit_note_referencing_its_invoice_never_an_edit(session, cast, factory):
    won = factory.won_deal(cast.beta_user, cast.manager, annual_value="10000", billing_option="via_partner")
    week = rules.iso_week(won.won_on)
    _approve(session, cast.finance, week)
    [original] = invoice_queries.list_invoices(session, cast.finance).itertuples()
    before = invoice_queries.get_invoice(session, cast.finance, int(original.id))[0].model_dump()
    commissions.reverse_deal(session, cast.finance, won.id)
    _approve(session, cast.finance, rules.week_after(week))
    frame = invoice_queries.list_invoices(session, cast.finance)
    note = frame[frame["kind"] == "credit_note"].iloc[0]
    assert (note.credits_number, note.amount_cents, note.week) == (original.number, -original.amount_cents,
                                                                  rules.week_after(week))
    assert invoice_queries.get_invoice(session, cast.finance, int(original.id))[0].model_dump() == before
    assert "Credits invoice " + original.number in _text(invoice_reports.invoice_pdf(session, cast.finance,
                                                                                      int(note.id)))


def test_the_pdf_speaks_the_partner_admins_language(session, cast, factory):
    users.set_language(session, cast.acme_admin, "de")
    won = factory.won_deal(cast.acme_user, cast.manager, annual_value="10000", billing_option="via_partner")
    _approve(session, cast.finance, rules.iso_week(won.won_on))
    [invoice] = invoice_queries.list_invoices(session, cast.finance).itertuples()
    text = _text(invoice_reports.invoice_pdf(session, cast.acme_admin, int(invoice.id)))
    assert "Rechnung" in text and "8.000,00" in text  # 10,000 less 20 %


def test_partner_admins_read_their_own_invoices_only(session, cast, factory):
    won = factory.won_deal(cast.beta_user, cast.manager, annual_value="10000", billing_option="via_partner")
    _approve(session, cast.finance, rules.iso_week(won.won_on))
    [invoice] = invoice_queries.list_invoices(session, cast.finance).itertuples()
    assert invoice_queries.list_invoices(session, cast.acme_admin).empty
    with pytest.raises(NotFound):
        invoice_reports.invoice_pdf(session, cast.acme_admin, int(invoice.id))
    with pytest.raises(PermissionDenied):
        invoice_queries.list_invoices(session, cast.beta_user)
    assert invoice_queries.count_invoices(session, cast.finance) == 1


def test_invoice_numbers_are_consecutive_per_year_and_a_rollback_gives_a_number_back(session, cast, factory):
    from partner_model.models import InvoiceSequence

    year = 2031
    taken = [invoices.next_number(session, year)[1] for __ in range(3)]
    session.rollback()
    assert session.get(InvoiceSequence, year) is None
    taken = [invoices.next_number(session, year)[1] for __ in range(3)]
    session.commit()
    assert taken == ["2031-00001", "2031-00002", "2031-00003"]
    assert invoices.next_number(session, 2032)[1] == "2032-00001"


def test_two_transactions_taking_numbers_at_once_never_share_one(engine):
    """Threads, each in its own session, take numbers at the same time: every number once, none skipped."""
    from partner_model import db

    got: list[str] = []
    problems: list[BaseException] = []
    start = threading.Barrier(4)

    def take() -> None:
        try:
            start.wait()
            for __ in range(5):
                with db.session(engine) as s:
                    got.append(invoices.next_number(s, 2040)[1])
                    s.commit()
        except BaseException as problem:  # noqa: BLE001  (reported by the assertion below)
            problems.append(problem)

    threads = [threading.Thread(target=take) for __ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not problems
    assert sorted(got) == [f"2040-{i:05d}" for i in range(1, 21)]


def test_each_invoice_amount_is_the_sum_of_its_lines_whatever_the_deals_went_through(session, cast, factory):
    won = [factory.won_deal(cast.beta_user, cast.manager, annual_value=v, billing_option="via_partner")
           for v in ("1000", "2500.50", "999.99")]
    week = rules.iso_week(won[0].won_on)
    _approve(session, cast.finance, week)
    deals.move_deal(session, cast.manager, won[1].id, stage="trial", note="Reopened: the customer wants more time.")
    commissions.reverse_deal(session, cast.finance, won[2].id)
    _approve(session, cast.finance, rules.week_after(week))
    from partner_model.models import PartnerInvoice, PartnerInvoiceLine

    inv, line = PartnerInvoice.__table__.c, PartnerInvoiceLine.__table__.c
    sums = dict(session.execute(sa.select(line.invoice_id, sa.func.sum(line.amount_cents))
                                .group_by(line.invoice_id)).all())
    amounts = dict(session.execute(sa.select(inv.id, inv.amount_cents)).all())
    assert sums == amounts and len(amounts) == 2  # the invoice, and one credit note for the two reversals
    assert sum(amounts.values()) == rules.to_cents(Decimal("1000") - Decimal("100.00"))  # the one left standing


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_accounting_export_lists_invoices_and_credit_notes_with_the_documents_numbers(session, cast, factory,
                                                                                          language):
    import openpyxl

    from partner_model import payout_reports

    won = factory.won_deal(cast.beta_user, cast.manager, annual_value="10000", billing_option="via_partner")
    week = rules.iso_week(won.won_on)
    _approve(session, cast.finance, week)
    commissions.reverse_deal(session, cast.finance, won.id)
    after = rules.week_after(week)
    _approve(session, cast.finance, after)
    rows = invoice_reports.accounting_rows(session, cast.finance, week, after, language=language)
    numbers = invoice_queries.list_invoices(session, cast.finance)["number"].tolist()
    assert rows.iloc[:, 0].tolist() == sorted(numbers)
    amounts = rows.iloc[:, 10].tolist()
    assert amounts == [Decimal("9000.00"), Decimal("-9000.00")]
    text = payout_reports.accounting_csv(session, cast.finance, week, after, language=language,
                                         part="invoices").decode("utf-8-sig")
    assert ("-9000,00" if language == "de" else "-9000.00") in text and numbers[0] in text
    book = openpyxl.load_workbook(io.BytesIO(payout_reports.accounting_xlsx(session, cast.finance, week, after,
                                                                            language=language)))
    assert len(book.sheetnames) == 2 and book.worksheets[1].max_row == 3
