"""Payouts (issue 18): an approved week's payable lines become payouts; carried balances; draft -> ready -> paid."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from partner_model import clock, commissions, deals, partners, payout_queries, payouts, rules
from partner_model.errors import Conflict, NotFound, PermissionDenied, ValidationError

IBAN = "FI2112345600000785"


def _week_of(deal) -> str:  # type: ignore[no-untyped-def]
    return rules.iso_week(deal.won_on)


def _approve(session, actor, week: str) -> None:  # type: ignore[no-untyped-def]
    commissions.approve_week(session, actor, week, today=max(rules.week_monday(week), clock.today()))


def _payouts(session, actor, **filters):  # type: ignore[no-untyped-def]
    return payout_queries.list_payouts(session, actor, limit=500, **filters)


def _bank(session, cast) -> None:  # type: ignore[no-untyped-def]
    partners.update_billing_info(session, cast.admin, cast.acme.id, iban="FI21 1234 5600 0007 85", bic="NDEAFIHH",
                                 country="fi")


def test_approving_a_week_makes_one_draft_payout_per_partner_and_currency_of_its_payable_lines(session, cast,
                                                                                                 factory):
    a = factory.won_deal(cast.acme_user, cast.manager, annual_value="10000", billing_option="invoice")
    factory.won_deal(cast.acme_user, cast.manager, annual_value="5000", billing_option="credit_card")
    factory.won_deal(cast.acme_user, cast.manager, annual_value="3000", billing_option="via_partner")  # netted
    factory.won_deal(cast.acme_user, cast.manager, annual_value="4000", currency="SEK")
    factory.won_deal(cast.beta_user, cast.manager, annual_value="8000")
    _approve(session, cast.finance, _week_of(a))
    frame = _payouts(session, cast.finance)
    got = {(r.partner_id, r.currency): (r.state, r.lines_cents, r.due_cents) for r in frame.itertuples()}
    assert got == {(cast.acme.id, "EUR"): ("draft", 300_000, 300_000),  # 20 % of 10,000 + 5,000; netted left out
                   (cast.acme.id, "SEK"): ("draft", 80_000, 80_000),
                   (cast.beta.id, "EUR"): ("draft", 80_000, 80_000)}
    totals = payout_queries.payout_totals(session, cast.finance, state="draft", currency="EUR")
    assert totals.to_dict("records") == [{"state": "draft", "currency": "EUR", "payouts": 2, "due_cents": 380_000}]


def test_a_payout_under_the_minimum_is_carried_into_the_partner_s_next_payout(session, cast, factory, monkeypatch):
    monkeypatch.setenv("PAYOUT_MINIMUM", "500.00")
    small = factory.won_deal(cast.beta_user, cast.manager, annual_value="1000")  # 10 %: 100.00
    week = _week_of(small)
    _approve(session, cast.finance, week)
    [first] = _payouts(session, cast.finance, partner_id=cast.beta.id).itertuples()
    assert (first.state, first.due_cents) == ("carried", 10_000)
    assert payout_queries.carried_balance(session, cast.finance, cast.beta.id) == {"EUR": 10_000}
    factory.won_deal(cast.beta_user, cast.manager, annual_value="4500")  # lands in the next open week: 450.00
    _approve(session, cast.finance, rules.week_after(week))
    latest = _payouts(session, cast.finance, partner_id=cast.beta.id).iloc[0]
    assert (latest.state, latest.lines_cents, latest.carried_in_cents, latest.due_cents) == ("draft", 45_000, 10_000,
                                                                                          55_000)
    assert payout_queries.get_payout(session, cast.finance, int(first.id)).carried_into_id == latest.id
    assert payout_queries.carried_balance(session, cast.finance, cast.beta.id) == {}
    with pytest.raises(Conflict, match="carried"):
        payouts.confirm_payout(session, cast.finance, int(first.id))


def test_confirming_needs_the_partner_s_bank_details_and_says_so(session, cast, factory):
    won = factory.won_deal(cast.acme_user, cast.manager, annual_value="10000")
    _approve(session, cast.finance, _week_of(won))
    payout = _payouts(session, cast.finance).iloc[0]
    with pytest.raises(Conflict, match="no IBAN") as refused:
        payouts.confirm_payout(session, cast.finance, int(payout.id), expected_version=int(payout.version))
    assert refused.value.params["reason"] == "The partner has no IBAN in its billing information."
    assert payout_queries.get_payout(session, cast.finance, int(payout.id)).state == "draft"
    _bank(session, cast)
    ready = payouts.confirm_payout(session, cast.finance, int(payout.id), expected_version=int(payout.version))
    assert ready.state == "ready" and ready.version == payout.version + 1


def test_a_payout_goes_draft_ready_draft_ready_paid_with_who_and_when_and_then_never_changes(session, cast, factory):
    won = factory.won_deal(cast.acme_user, cast.manager, annual_value="10000")
    _approve(session, cast.finance, _week_of(won))
    _bank(session, cast)
    pid = int(_payouts(session, cast.finance).iloc[0].id)
    payouts.confirm_payout(session, cast.finance, pid)
    payouts.return_to_draft(session, cast.admin, pid, note="The bank refused the transfer.")
    ready = payouts.confirm_payout(session, cast.finance, pid)
    with pytest.raises(Conflict, match="changed payout"):
        payouts.mark_paid(session, cast.finance, pid, paid_on=clock.today(), bank_reference="RF18 5390 0754 7034",
                          expected_version=ready.version - 1)
    with pytest.raises(ValidationError) as future:
        payouts.mark_paid(session, cast.finance, pid, paid_on=clock.today() + dt.timedelta(days=1),
                          bank_reference="x")
    assert future.value.field == "paid_on"
    with pytest.raises(ValidationError) as blank:
        payouts.mark_paid(session, cast.finance, pid, paid_on=clock.today(), bank_reference=" \u200b ")
    assert blank.value.field == "bank_reference"
    paid = payouts.mark_paid(session, cast.finance, pid, paid_on=clock.today(), bank_reference="RF18 5390 0754 7034",
                             expected_version=ready.version)
    assert (paid.state, paid.paid_on, paid.bank_reference) == ("paid", clock.today(), "RF18 5390 0754 7034")
    history = payout_queries.payout_history(session, cast.finance, pid)
    assert list(zip(history["from_state"].fillna(""), history["to_state"], strict=True)) == [
        ("", "draft"), ("draft", "ready"), ("ready", "draft"), ("draft", "ready"), ("ready", "paid")]
    assert history["actor"].tolist()[2] == cast.admin.name and history["note"].tolist()[2].startswith("The bank")
    for change in (lambda: payouts.confirm_payout(session, cast.finance, pid),
                   lambda: payouts.return_to_draft(session, cast.finance, pid),
                   lambda: payouts.mark_paid(session, cast.finance, pid, paid_on=clock.today(), bank_reference="y")):
        with pytest.raises(Conflict, match="never changes"):
            change()
    assert payout_queries.get_payout(session, cast.finance, pid).bank_reference == "RF18 5390 0754 7034"


def test_a_clawback_after_payment_lowers_the_next_payout(session, cast, factory):
    won = factory.won_deal(cast.acme_user, cast.manager, annual_value="10000")  # 2,000.00 payable
    week = _week_of(won)
    _approve(session, cast.finance, week)
    _bank(session, cast)
    pid = int(_payouts(session, cast.finance).iloc[0].id)
    payouts.confirm_payout(session, cast.finance, pid)
    payouts.mark_paid(session, cast.finance, pid, paid_on=clock.today(), bank_reference="BANK-1")
    commissions.reverse_deal(session, cast.finance, won.id)  # refunded: -2,000.00 in the next open week
    factory.won_deal(cast.acme_user, cast.manager, annual_value="15000")  # +3,000.00 in the same week
    _approve(session, cast.finance, rules.week_after(week))
    latest = _payouts(session, cast.finance, partner_id=cast.acme.id).iloc[0]
    assert (latest.week, latest.due_cents, latest.state) == (rules.week_after(week), 100_000, "draft")
    assert payout_queries.get_payout(session, cast.finance, pid).state == "paid"


def test_a_negative_week_is_a_carried_balance_that_lowers_a_later_payout(session, cast, factory):
    won = factory.won_deal(cast.acme_user, cast.manager, annual_value="10000")
    week = _week_of(won)
    _approve(session, cast.finance, week)
    commissions.reverse_deal(session, cast.finance, won.id)
    _approve(session, cast.finance, rules.week_after(week))
    assert payout_queries.carried_balance(session, cast.finance, cast.acme.id) == {"EUR": -200_000}


def test_who_may_see_and_change_payouts(session, cast, factory):
    factory.won_deal(cast.acme_user, cast.manager, annual_value="10000")
    beta = factory.won_deal(cast.beta_user, cast.manager, annual_value="10000")
    _approve(session, cast.finance, _week_of(beta))
    own = _payouts(session, cast.acme_admin)
    assert set(own["partner_id"]) == {cast.acme.id}
    with pytest.raises(PermissionDenied):
        _payouts(session, cast.acme_admin, partner_id=cast.beta.id)
    beta_payout = int(_payouts(session, cast.finance, partner_id=cast.beta.id).iloc[0].id)
    with pytest.raises(NotFound):
        payout_queries.get_payout(session, cast.acme_admin, beta_payout)
    for reader in (cast.acme_user, cast.manager):
        with pytest.raises(PermissionDenied):
            _payouts(session, reader)
    with pytest.raises(PermissionDenied):
        payouts.confirm_payout(session, cast.acme_admin, int(own.iloc[0].id))
    for bad in ("abc", -1, True, 99999999999999999999):
        with pytest.raises(NotFound):
            payouts.confirm_payout(session, cast.finance, bad)  # type: ignore[arg-type]
    with pytest.raises(ValidationError) as state:
        _payouts(session, cast.finance, state="sent")
    assert state.value.field == "state"


@pytest.mark.parametrize(("field", "value"), [
    ("iban", "FI2112345600000786"), ("iban", "XX00 1234"), ("iban", "FI21123456"), ("bic", "NDEAFIH"),
    ("bic", "NDEAZZHH"), ("country", "Finland"), ("country", "QQ"),
])
def test_bad_bank_details_are_refused_by_field_and_nothing_is_written(session, cast, field, value):
    before = partners.get_partner(session, cast.admin, cast.acme.id)
    with pytest.raises(ValidationError) as refused:
        partners.update_billing_info(session, cast.admin, cast.acme.id, legal_name="Acme Compliance Oy",
                                     **{field: value})
    assert refused.value.field == field
    assert partners.get_partner(session, cast.admin, cast.acme.id) == before


def test_bank_details_are_stored_compact_and_their_changes_recorded(session, cast):
    _bank(session, cast)
    partner = partners.get_partner(session, cast.admin, cast.acme.id)
    assert (partner.iban, partner.bic, partner.country) == (IBAN, "NDEAFIHH", "FI")
    fields = {change.field for change in partners.billing_history(session, cast.admin, cast.acme.id)}
    assert fields >= {"iban", "bic", "country"}


ACTIONS = st.lists(st.tuples(st.sampled_from(["win", "win_small", "win_netted", "claw", "reopen", "approve",
                                              "confirm", "pay"]),
                             st.integers(0, 3)), min_size=3, max_size=14)


@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(steps=ACTIONS)
@example(steps=[("win_small", 0), ("approve", 0), ("win", 0), ("approve", 0), ("confirm", 0), ("pay", 0)])
@example(steps=[("win", 0), ("approve", 0), ("confirm", 0), ("pay", 0), ("claw", 0), ("approve", 0), ("win", 0),
                ("approve", 0)])
@example(steps=[("win_netted", 0), ("win_netted", 1), ("approve", 0), ("reopen", 1), ("claw", 0), ("approve", 0)])
def test_payouts_and_carried_balance_always_add_up_to_the_approved_payable_lines(session, cast, factory, steps):
    """For every partner and currency: paid + ready + draft + the carried balance waiting = the payable lines of
    approved weeks. Every netted line of an approved week is on exactly one invoice or credit note, each of those
    amounts to the sum of its lines, and their numbers run 1, 2, 3 ... per year."""
    import sqlalchemy as sa

    from partner_model.models import CommissionLine, CommissionWeek, Payout, PayoutState
    _bank(session, cast)
    week = rules.iso_week(clock.today())
    while session.get(CommissionWeek, week) is not None:  # earlier examples approved weeks: start after them
        week = rules.week_after(week)
    won: list[int] = []
    for action, pick in steps:
        if action in ("win", "win_small", "win_netted"):
            value = "100" if action == "win_small" else "30000"
            option = "via_partner" if action == "win_netted" else "invoice"
            won.append(factory.won_deal(cast.acme_user, cast.manager, annual_value=value,
                                        billing_option=option).id)
        elif action == "reopen" and won:
            deal = deals.get_deal(session, cast.finance, won[pick % len(won)])
            if deal.stage == "closed_won":
                deals.move_deal(session, cast.manager, deal.id, stage="trial", note="Reopened for a longer trial.")
        elif action == "claw" and won:
            deal = deals.get_deal(session, cast.finance, won[pick % len(won)])
            if deal.stage == "closed_won" and deal.clawed_back_on is None:
                commissions.reverse_deal(session, cast.finance, deal.id)
        elif action == "approve":
            _approve(session, cast.finance, week)
            week = rules.week_after(week)
        else:
            wanted = "draft" if action == "confirm" else "ready"
            frame = _payouts(session, cast.finance, partner_id=cast.acme.id, state=wanted)
            if len(frame):
                pid = int(frame.iloc[pick % len(frame)].id)
                if action == "confirm":
                    payouts.confirm_payout(session, cast.finance, pid)
                else:
                    payouts.mark_paid(session, cast.finance, pid, paid_on=clock.today(), bank_reference=f"B{pid}")
        L, W, P = CommissionLine.__table__.c, CommissionWeek.__table__.c, Payout.__table__.c
        lines = session.execute(sa.select(sa.func.coalesce(sa.func.sum(L.commission_cents), 0))
                                .join(CommissionWeek.__table__, W.week == L.week)
                                .where(L.partner_id == cast.acme.id, L.direction == "payable",
                                       W.state == "approved")).scalar_one()
        due = P.lines_cents + P.carried_in_cents
        paid_ready_draft = session.execute(sa.select(sa.func.coalesce(sa.func.sum(due), 0)).where(
            P.partner_id == cast.acme.id, P.state != PayoutState.carried.value)).scalar_one()
        waiting = payout_queries.carried_balance(session, cast.finance, cast.acme.id).get("EUR", 0)
        assert paid_ready_draft + waiting == lines
        _invoices_add_up(session)


def _invoices_add_up(session) -> None:  # type: ignore[no-untyped-def]
    import sqlalchemy as sa

    from partner_model.models import CommissionLine, CommissionWeek, PartnerInvoice, PartnerInvoiceLine
    L, W = CommissionLine.__table__.c, CommissionWeek.__table__.c
    inv, il = PartnerInvoice.__table__.c, PartnerInvoiceLine.__table__.c
    netted = set(session.execute(sa.select(L.id).join(CommissionWeek.__table__, W.week == L.week).where(
        L.direction == "netted", W.state == "approved")).scalars())
    on_invoices = session.execute(sa.select(il.commission_line_id)).scalars().all()
    assert sorted(on_invoices) == sorted(netted)
    sums = dict(session.execute(sa.select(il.invoice_id, sa.func.sum(il.amount_cents)).group_by(il.invoice_id)).all())
    assert sums == dict(session.execute(sa.select(inv.id, inv.amount_cents)).all())
    for year, count, highest in session.execute(sa.select(inv.year, sa.func.count(), sa.func.max(inv.sequence))
                                                .group_by(inv.year)).all():
        assert count == highest, f"a gap in {year}'s invoice numbers"


# --- the bank file and the accounting export ------------------------------------------------------------------


@pytest.fixture
def vendor(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("VENDOR_NAME", "Compliance Cloud Oy")
    monkeypatch.setenv("VENDOR_IBAN", "DE89 3704 0044 0532 0130 00")
    monkeypatch.setenv("VENDOR_BIC", "COBADEFFXXX")


def _ready_payouts(session, cast, factory):  # type: ignore[no-untyped-def]
    """Acme: a ready EUR payout of 2,000.00 and a ready SEK one of 800.00; Beta: a draft (no bank details)."""
    won = factory.won_deal(cast.acme_user, cast.manager, annual_value="10000")
    factory.won_deal(cast.acme_user, cast.manager, annual_value="4000", currency="SEK")
    factory.won_deal(cast.beta_user, cast.manager, annual_value="9000")
    _approve(session, cast.finance, _week_of(won))
    _bank(session, cast)
    for payout in _payouts(session, cast.finance, partner_id=cast.acme.id).itertuples():
        payouts.confirm_payout(session, cast.finance, int(payout.id))
    return _payouts(session, cast.finance, partner_id=cast.acme.id)


def test_the_sepa_file_pays_each_ready_euro_payout_and_validates_against_its_schema(session, cast, factory, vendor):
    import os
    from xml.etree import ElementTree as etree

    import sepaxml
    import xmlschema

    from partner_model import payout_reports

    ready = _ready_payouts(session, cast, factory)
    euro = ready[ready["currency"] == "EUR"].iloc[0]
    batch = payout_reports.sepa_transfer(session, cast.finance, execution_date=dt.date(2026, 12, 1))
    schema = xmlschema.XMLSchema(os.path.join(os.path.dirname(sepaxml.__file__), "schemas", "pain.001.001.03.xsd"))
    schema.validate(batch.xml.decode())  # raises on any departure from the schema
    ns = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}
    tree = etree.fromstring(batch.xml)
    transactions = tree.findall(".//p:CdtTrfTxInf", ns)
    assert len(transactions) == 1
    assert transactions[0].findtext(".//p:EndToEndId", namespaces=ns) == f"PAYOUT-{euro.id}-{euro.week}"
    assert transactions[0].find(".//p:InstdAmt", ns).text == "2000.00"
    assert transactions[0].find(".//p:InstdAmt", ns).get("Ccy") == "EUR"
    assert transactions[0].findtext(".//p:CdtrAcct//p:IBAN", namespaces=ns) == IBAN
    assert tree.findtext(".//p:DbtrAcct//p:IBAN", namespaces=ns) == "DE89370400440532013000"
    assert tree.findtext(".//p:GrpHdr/p:CtrlSum", namespaces=ns) == "2000.00"
    assert tree.findtext(".//p:ReqdExctnDt", namespaces=ns) == "2026-12-01"
    assert batch.manual[["currency", "due_cents"]].values.tolist() == [["SEK", 80_000]]


def test_the_sepa_file_refuses_what_is_not_ready_and_names_a_missing_setting(session, cast, factory, vendor,
                                                                               monkeypatch):
    from partner_model import payout_reports

    _ready_payouts(session, cast, factory)
    draft = int(_payouts(session, cast.finance, partner_id=cast.beta.id).iloc[0].id)
    with pytest.raises(Conflict, match=f"payout {draft} is Draft"):
        payout_reports.sepa_transfer(session, cast.finance, payout_ids=[draft])
    with pytest.raises(PermissionDenied):
        payout_reports.sepa_transfer(session, cast.acme_admin)
    monkeypatch.setenv("VENDOR_IBAN", "DE89 3704 0044 0532 0130 01")
    with pytest.raises(ValidationError) as bad:
        payout_reports.sepa_transfer(session, cast.finance)
    assert bad.value.field == "VENDOR_IBAN"
    monkeypatch.delenv("VENDOR_NAME")
    with pytest.raises(ValidationError) as missing:
        payout_reports.sepa_transfer(session, cast.finance)
    assert missing.value.field == "VENDOR_NAME"


@pytest.mark.parametrize("language", ["en", "fi", "sv", "nl", "de"])
def test_the_accounting_export_has_the_screen_s_numbers_in_csv_and_xlsx(session, cast, factory, language):
    import io
    from decimal import Decimal

    import openpyxl

    from partner_model import payout_reports

    ready = _ready_payouts(session, cast, factory)
    week = ready.iloc[0].week
    frame = payout_reports.accounting_export(session, cast.finance, week, week, language=language)
    assert len(frame) == 3
    due = frame.columns[7]
    screen = _payouts(session, cast.finance)
    assert sorted(frame[due]) == sorted(Decimal(c) / 100 for c in screen["due_cents"])
    text = payout_reports.accounting_csv(session, cast.finance, week, week, language=language).decode("utf-8-sig")
    assert ("2000,00" if language != "en" else "2000.00") in text
    book = openpyxl.load_workbook(io.BytesIO(payout_reports.accounting_xlsx(session, cast.finance, week, week,
                                                                            language=language)))
    sheet = book.worksheets[0]
    assert sheet.max_row == 4 and sheet.cell(1, 8).value == due


@pytest.mark.parametrize(("typed", "stored"), [
    ("FI12345678", "FI12345678"),  # issue 12's example: Finnish form; its check digit is not the tax office's
    ("fi 1234-5671", "FI12345671"), ("SE556677889901", "SE556677889901"), ("NO123456789MVA", "NO123456789MVA"),
])
def test_vat_ids_are_stored_compact_in_their_country_s_form(session, cast, typed, stored):
    assert partners.update_billing_info(session, cast.admin, cast.acme.id, vat_id=typed).vat_id == stored


@pytest.mark.parametrize("typed", ["FI1234567", "DE12345678", "SE12345678901", "NL123456789", "12345678"])
def test_a_vat_id_not_in_its_country_s_form_is_refused_by_field(session, cast, typed):
    with pytest.raises(ValidationError) as refused:
        partners.update_billing_info(session, cast.admin, cast.acme.id, vat_id=typed)
    assert refused.value.field == "vat_id"
    assert partners.get_partner(session, cast.admin, cast.acme.id).vat_id is None


def test_an_accounting_period_that_ends_before_it_starts_is_refused_by_field(session, cast):
    from partner_model import invoice_reports, payout_reports

    for export in (payout_reports.accounting_export, invoice_reports.accounting_rows):
        with pytest.raises(ValidationError) as refused:
            export(session, cast.finance, "2026-W40", "2026-W30")
        assert refused.value.field == "first_week"
