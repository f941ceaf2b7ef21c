"""commissions.week_lines and approve_week (PRODUCT.md section 4, issue 2 "Commissions")."""

from __future__ import annotations

import io
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from factories import counts
from partner_model import clock, commission_queries, commission_reports, commissions, deals, i18n, rules
from partner_model.errors import NotFound, PermissionDenied, ValidationError

CONTRACT_COLUMNS = {"deal_id", "partner_id", "billing_option", "value", "rate", "commission", "direction"}
KEY = ["deal_id", "partner_id", "billing_option", "value", "rate", "commission", "direction"]


def _lines(session, actor, week: str) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    frame = commissions.week_lines(session, actor, week)
    assert isinstance(frame, pd.DataFrame)
    assert set(frame.columns) >= CONTRACT_COLUMNS, CONTRACT_COLUMNS - set(frame.columns)
    return frame


def _of(frame: pd.DataFrame, deal_id: int) -> pd.DataFrame:
    return frame[frame["deal_id"] == deal_id]


def _snapshot(frame: pd.DataFrame) -> list[tuple]:
    columns = KEY + (["line_id"] if "line_id" in frame.columns else [])
    return sorted(tuple(str(v) for v in row) for row in frame[columns].itertuples(index=False))


def _expected(value: str, rate: str) -> Decimal:
    return (Decimal(value) * Decimal(rate)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _week_of(deal) -> str:  # type: ignore[no-untyped-def]
    return rules.iso_week(deal.won_on)


# --- lines -------------------------------------------------------------------------------------


def test_a_won_accepted_deal_has_one_commission_line_in_the_iso_week_it_was_won(session, cast, factory):
    won = factory.won_deal(cast.acme_user, cast.manager, annual_value="12345.67", billing_option="invoice")
    frame = _lines(session, cast.finance, _week_of(won))
    line = _of(frame, won.id)
    assert len(line) == 1
    row = line.iloc[0]
    assert row["partner_id"] == cast.acme.id
    assert row["billing_option"] == "invoice"
    assert row["value"] == Decimal("12345.67")
    assert row["rate"] == Decimal("0.20")
    assert row["commission"] == Decimal("2469.13")
    assert row["direction"] == "payable"


@pytest.mark.parametrize(("option", "direction"), [
    ("credit_card", "payable"), ("invoice", "payable"), ("via_partner", "netted"),
])
def test_direction_is_payable_for_credit_card_and_invoice_and_netted_via_partner(session, cast, factory, option,
                                                                                  direction):
    won = factory.won_deal(cast.acme_user, cast.manager, annual_value="10000", billing_option=option)
    row = _of(_lines(session, cast.finance, _week_of(won)), won.id).iloc[0]
    assert (row["billing_option"], row["direction"]) == (option, direction)
    assert row["commission"] == Decimal("2000.00")
    if direction == "netted" and "partner_invoice" in row.index:
        assert row["partner_invoice"] == row["value"] - row["commission"]


@pytest.mark.parametrize(("value", "rate"), [
    ("10.10", "0.25"),    # 2.525  -> 2.53 (half-even would say 2.52)
    ("0.10", "0.05"),     # 0.005  -> 0.01
    ("100.10", "0.1225"),  # 12.26225 -> 12.26
    ("999999.99", "0.15"),
    ("0.00", "0.20"),
])
def test_commission_is_value_times_the_partners_rate_rounded_half_up(session, cast, factory, value, rate):
    partner = factory.partner(commission_rate=Decimal(rate))
    seller = factory.user(partner=partner)
    won = factory.won_deal(seller, cast.manager, annual_value=value)
    row = _of(_lines(session, cast.finance, _week_of(won)), won.id).iloc[0]
    assert row["rate"] == Decimal(rate)
    assert row["commission"] == _expected(value, rate)


def test_money_in_the_lines_is_decimal_never_float(session, cast, factory):
    won = factory.won_deal(cast.beta_user, cast.manager, annual_value="3333.33", billing_option="via_partner")
    frame = _lines(session, cast.finance, _week_of(won))
    for column in ("value", "rate", "commission"):
        assert all(isinstance(v, Decimal) for v in frame[column]), column
    assert _of(frame, won.id).iloc[0]["commission"] == Decimal("333.33")


def test_deals_that_are_not_won_and_accepted_have_no_lines(session, cast, factory):
    pending = factory.deal(cast.acme_user)
    accepted = factory.accepted_deal(cast.acme_user, cast.manager)
    deals.move_deal(session, cast.acme_user, accepted.id, stage="trial")
    lost = factory.accepted_deal(cast.acme_user, cast.manager)
    deals.move_deal(session, cast.acme_user, lost.id, stage="closed_lost", note="Not now")
    denied = factory.deal(cast.acme_user)
    deals.review_deal(session, cast.manager, denied.id, accept=False, reason="other")
    frame = _lines(session, cast.finance, rules.iso_week(clock.today()))
    assert not set(frame["deal_id"]) & {pending.id, accepted.id, lost.id, denied.id}


def test_an_empty_week_is_an_empty_frame_with_the_columns(session, cast):
    frame = _lines(session, cast.finance, "2026-W01")
    assert frame.empty


@pytest.mark.parametrize("week", ["2026-47", "W47", "2025-W53", "", "next week"])
def test_a_bad_week_is_refused(session, cast, week):
    with pytest.raises(ValidationError):
        commissions.week_lines(session, cast.finance, week)


def test_a_partner_sees_only_its_own_commission_lines(session, cast, factory):
    mine = factory.won_deal(cast.acme_user, cast.manager)
    theirs = factory.won_deal(cast.beta_user, cast.manager)
    week = _week_of(mine)
    try:
        frame = _lines(session, cast.acme_user, week)
    except PermissionDenied:
        return
    assert set(frame["partner_id"]) == {cast.acme.id}
    assert mine.id in set(frame["deal_id"]) and theirs.id not in set(frame["deal_id"])


def test_staff_see_every_partners_lines(session, cast, factory):
    a = factory.won_deal(cast.acme_user, cast.manager)
    b = factory.won_deal(cast.beta_user, cast.manager)
    frame = _lines(session, cast.admin, _week_of(a))
    assert {a.id, b.id} <= set(frame["deal_id"])


# --- approval ----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["finance", "admin"])
def test_finance_or_admin_approve_a_week(session, cast, factory, who):
    won = factory.won_deal(cast.acme_user, cast.manager)
    assert commissions.approve_week(session, getattr(cast, who), _week_of(won)) is None


@pytest.mark.parametrize("who", ["manager", "acme_user", "acme_admin"])
def test_only_finance_and_admin_approve_a_week(session, cast, factory, who):
    won = factory.won_deal(cast.acme_user, cast.manager)
    before = counts(session)
    with pytest.raises(PermissionDenied):
        commissions.approve_week(session, getattr(cast, who), _week_of(won))
    assert counts(session) == before
    # still open: a reopened deal's line is simply gone, no reversal needed in a later week
    deals.move_deal(session, cast.manager, won.id, stage="trial", note="Reopened: the customer wants a longer trial.")
    later = _lines(session, cast.finance, rules.week_after(_week_of(won)))
    assert won.id not in set(later["deal_id"])


def test_a_bad_week_cannot_be_approved(session, cast):
    with pytest.raises(ValidationError):
        commissions.approve_week(session, cast.finance, "2026-W99")


def test_reopening_a_won_deal_in_an_open_week_leaves_no_commission(session, cast, factory):
    won = factory.won_deal(cast.acme_user, cast.manager)
    deals.move_deal(session, cast.manager, won.id, stage="trial", note="Reopened: the customer wants a longer trial.")
    line = _of(_lines(session, cast.finance, _week_of(won)), won.id)
    assert sum(line["commission"], Decimal("0")) == 0


def test_after_approval_a_reopened_deal_is_reversed_in_the_next_open_week(session, cast, factory):
    won = factory.won_deal(cast.acme_user, cast.manager, annual_value="10000", billing_option="invoice")
    week = _week_of(won)
    approved = _snapshot(_lines(session, cast.finance, week))
    commissions.approve_week(session, cast.finance, week)
    deals.move_deal(session, cast.manager, won.id, stage="trial", note="Reopened: the customer wants a longer trial.")
    assert _snapshot(_lines(session, cast.finance, week)) == approved, "an approved week never changes"
    nxt = _of(_lines(session, cast.finance, rules.week_after(week)), won.id)
    assert sum(nxt["commission"], Decimal("0")) == Decimal("-2000.00")
    if "kind" in nxt.columns:
        assert set(nxt["kind"]) <= {"reversal", "adjustment"}


def test_after_approval_a_changed_billing_option_lands_as_an_adjustment_in_the_next_week(session, cast, factory):
    won = factory.won_deal(cast.acme_user, cast.manager, annual_value="10000", billing_option="invoice")
    week = _week_of(won)
    commissions.approve_week(session, cast.finance, week)
    approved = _snapshot(_lines(session, cast.finance, week))
    deals.move_deal(session, cast.manager, won.id, stage="trial", note="Reopened: the customer wants a longer trial.")
    deals.move_deal(session, cast.manager, won.id, stage="closed_won", billing_option="via_partner")
    assert _snapshot(_lines(session, cast.finance, week)) == approved
    nxt = _of(_lines(session, cast.finance, rules.week_after(week)), won.id)
    assert sum(nxt["commission"], Decimal("0")) == 0  # -2000 payable reversed, +2000 netted
    netted = nxt[nxt["direction"] == "netted"]
    assert list(netted["commission"]) == [Decimal("2000.00")]
    assert list(netted["billing_option"]) == ["via_partner"]
    if "kind" in nxt.columns:
        assert "commission" not in set(nxt["kind"]), "late lines are adjustments or reversals"


def test_a_deal_won_into_an_approved_week_lands_in_the_next_open_week(session, cast, factory):
    first = factory.won_deal(cast.acme_user, cast.manager)
    week = _week_of(first)
    commissions.approve_week(session, cast.finance, week)
    approved = _snapshot(_lines(session, cast.finance, week))
    late = factory.won_deal(cast.beta_user, cast.manager, annual_value="5000")
    assert _snapshot(_lines(session, cast.finance, week)) == approved
    nxt = _of(_lines(session, cast.finance, rules.week_after(week)), late.id)
    assert list(nxt["commission"]) == [Decimal("500.00")]
    assert list(nxt["partner_id"]) == [cast.beta.id]


def test_approved_lines_survive_any_number_of_later_changes(session, cast, factory):
    won = factory.won_deal(cast.acme_user, cast.manager, annual_value="8000", billing_option="credit_card")
    week = _week_of(won)
    commissions.approve_week(session, cast.admin, week)
    approved = _snapshot(_lines(session, cast.finance, week))
    for option in ("invoice", "via_partner", "credit_card"):
        deals.move_deal(session, cast.manager, won.id, stage="newsletter", note="Reopened to re-bill.")
        deals.move_deal(session, cast.manager, won.id, stage="closed_won", billing_option=option)
    assert _snapshot(_lines(session, cast.finance, week)) == approved
    nxt = _of(_lines(session, cast.finance, rules.week_after(week)), won.id)
    # the deal still earns its 1,600.00 once: the approved line plus the net of every later correction
    assert sum(nxt["commission"], Decimal("0")) == 0


# --- property: lines are exact, sum to totals, netted = value - commission ----------------------


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cents=st.integers(min_value=0, max_value=10**9), bp=st.integers(min_value=0, max_value=10_000),
       option=st.sampled_from(["credit_card", "invoice", "via_partner"]))
def test_property_a_won_deal_line_is_exact_decimal_and_netted_is_value_minus_commission(
        session, cast, factory, cents, bp, option):
    value, rate = Decimal(cents) / 100, Decimal(bp) / 10_000
    partner = factory.partner(commission_rate=rate)
    seller = factory.user(partner=partner)
    won = factory.won_deal(seller, cast.manager, annual_value=str(value), billing_option=option)
    frame = _lines(session, cast.finance, _week_of(won))
    row = _of(frame, won.id).iloc[0]
    expected = (value * rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert isinstance(row["commission"], Decimal) and row["commission"] == expected
    assert row["value"] == value and row["rate"] == rate
    assert row["direction"] == ("netted" if option == "via_partner" else "payable")
    if row["direction"] == "netted" and "partner_invoice" in row.index:
        assert row["partner_invoice"] == value - expected
    # the week's lines sum to the per-partner totals, in exact cents
    for _partner_id, group in frame.groupby("partner_id"):
        total = sum(group["commission"], Decimal("0.00"))
        assert total == rules.from_cents(sum(rules.to_cents(c) for c in group["commission"]))
    totals = commission_queries.week_partner_totals(session, cast.finance, _week_of(won))
    for _, t in totals.iterrows():
        group = frame[(frame["partner_id"] == t["partner_id"]) & (frame["currency"] == t["currency"])]
        assert t["payable"] + t["netted"] == sum(group["commission"], Decimal("0.00"))


def test_reading_lines_of_a_missing_week_is_not_an_error(session, cast):
    try:
        frame = _lines(session, cast.finance, "2030-W10")
    except NotFound:  # pragma: no cover - allowed, though an empty week reads better
        return
    assert frame.empty


def test_a_week_written_with_spaces_is_refused_or_read_as_that_week(session, cast, factory):
    won = factory.won_deal(cast.acme_user, cast.manager)
    week = _week_of(won)
    try:
        frame = _lines(session, cast.finance, f" {week} ")
    except ValidationError:
        return
    assert won.id in set(frame["deal_id"]), "a week the service accepts must read that week's lines"


def test_approving_a_week_written_with_spaces_is_refused_or_locks_that_week(session, cast, factory):
    first = factory.won_deal(cast.acme_user, cast.manager)
    week = _week_of(first)
    try:
        commissions.approve_week(session, cast.finance, f" {week} ")
    except ValidationError:
        return
    late = factory.won_deal(cast.beta_user, cast.manager)
    assert late.id not in set(_lines(session, cast.finance, week)["deal_id"]), \
        "the approval was accepted, so the week is locked and a later win goes to the next week"


# --- statements (CSV and PDF, in the reader's language) ------------------------------------------


def _statement(session, cast, factory):  # type: ignore[no-untyped-def]
    """Acme's statement for the week its 12,345.67 EUR deal with a Nordic company was won, the partner's
    billing details written with German letters."""
    won = factory.won_deal(cast.acme_user, cast.manager, annual_value="12345.67", billing_option="via_partner",
                           company_name="Åbo Säkerhet Öy")
    week = _week_of(won)
    partner, lines, totals = commission_reports.statement(session, cast.finance, cast.acme.id, week)
    partner = partner.model_copy(update={"legal_name": "Müller & Söhne GmbH", "vat_id": "DE123456789",
                                         "billing_email": "buchhaltung@mueller.example",
                                         "address": "Große Straße 5, 20095 Hamburg"})
    return partner, week, lines, totals


def _pdf_text(pdf: bytes) -> str:
    """The text a PDF reader extracts from every page (pypdf: the embedded fonts' glyphs mapped back to
    Unicode through their ToUnicode maps)."""
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert text.strip(), "the PDF shows no text"
    return text


def test_statement_csv_has_human_headings_the_rate_as_a_percentage_and_plain_decimals(session, cast, factory):
    partner, week, lines, totals = _statement(session, cast, factory)
    text = commission_reports.statement_csv(lines).decode("utf-8")
    header, row = text.splitlines()[:2]
    assert header.split(",")[:3] == ["Line", "Week", "Deal"] and "To invoice the partner" in header
    assert "Rate (%)" in header
    assert "Åbo Säkerhet Öy" in row and ",12345.67,EUR,20.00,2469.13," in row and "Via partner,Netted" in row


@pytest.mark.parametrize("language", ["fi", "sv", "nl", "de"])
def test_statement_csv_in_a_decimal_comma_language_uses_semicolons_and_a_byte_order_mark(
        session, cast, factory, language):
    partner, week, lines, totals = _statement(session, cast, factory)
    data = commission_reports.statement_csv(lines, language=language)
    assert data.startswith(b"\xef\xbb\xbf")  # spreadsheets then read the letters as UTF-8
    row = data.decode("utf-8-sig").splitlines()[1]
    assert "Åbo Säkerhet Öy" in row and ";12345,67;EUR;20,00;2469,13;" in row


@pytest.mark.parametrize(("language", "amounts"), [
    ("en", ["EUR\u00a012,345.67", "EUR\u00a02,469.13", "EUR\u00a09,876.54", "20%"]),
    ("fi", ["12\u00a0345,67\u00a0EUR", "2\u00a0469,13\u00a0EUR", "9\u00a0876,54\u00a0EUR", "20\u00a0%"]),
    ("de", ["12.345,67\u00a0EUR", "2.469,13\u00a0EUR", "9.876,54\u00a0EUR", "20\u00a0%"]),
])
def test_statement_pdf_writes_nordic_and_german_letters_and_locale_money(session, cast, factory, language, amounts):
    partner, week, lines, totals = _statement(session, cast, factory)
    pdf = commission_reports.statement_pdf(partner, week, lines, totals, language=language)
    assert pdf.startswith(b"%PDF")
    text = _pdf_text(pdf)
    assert "Müller & Söhne GmbH" in text and "Große Straße 5" in text and "Åbo Säkerhet Öy" in text
    assert all(amount in text for amount in amounts), text
    assert i18n.Formats(language).week(week).replace("\u2009", " ") in text  # the week's days in words
    assert "?" not in text


def test_statement_pdf_keeps_every_letter_and_makes_babels_spaces_plain(session, cast, factory):
    partner, week, lines, totals = _statement(session, cast, factory)
    partner = partner.model_copy(update={"address": "ul. Łódzka 1\u202f000 − Kraków"})
    text = _pdf_text(commission_reports.statement_pdf(partner, week, lines, totals, language="de"))
    assert "ul. Łódzka 1\u00a0000 - Kraków" in text  # Ł as typed; a narrow no-break space, a minus sign made plain
    empty = commission_reports.statement_pdf(partner, week, lines.iloc[0:0], totals.iloc[0:0], language="fi")
    nothing = i18n.translations("fi").gettext("No commission lines this week.")
    assert nothing != "No commission lines this week."  # the Finnish catalogue has it: the PDF must say it in Finnish
    assert nothing in _pdf_text(empty)


def test_the_reports_sums_equal_the_lines_added_up_one_by_one(session, cast, factory):
    """Issue 19: both weekly charts come from one pass (weekly_sums, summed_by) and the top partners are ranked one
    currency at a time; each still equals the lines of the period added up in Python, currencies never mixed."""
    from collections import defaultdict

    made = [(cast.acme_user, "10000", "EUR", "invoice"), (cast.acme_user, "2500", "EUR", "via_partner"),
            (cast.beta_user, "40000", "EUR", "credit_card"), (cast.beta_user, "70000", "SEK", "invoice"),
            (cast.acme_user, "30000", "SEK", "via_partner")]
    for actor, value, currency, option in made:
        factory.won_deal(actor, cast.manager, annual_value=value, currency=currency, billing_option=option)
    week = rules.iso_week(clock.today())
    lines = commissions.week_lines(session, cast.finance, week)
    assert len(lines) == len(made)
    for key, function in (("billing_option", commission_reports.weekly_by_billing_option),
                          ("direction", commission_reports.payable_and_netted)):
        expected: dict = defaultdict(Decimal)
        for line in lines.itertuples():
            expected[(line.week, getattr(line, key), line.currency)] += line.commission
        got = function(session, cast.finance)
        assert {(r.week, getattr(r, key), r.currency): r.commission for r in got.itertuples()} == dict(expected)
    per_partner: dict = defaultdict(Decimal)
    for line in lines.itertuples():
        per_partner[(line.currency, line.partner_id)] += line.commission
    top = commission_reports.top_partners(session, cast.finance, limit=1)
    assert list(top["currency"]) == ["EUR", "SEK"]  # one partner per currency, in currency order
    for row in top.itertuples():
        best = max(v for (c, _p), v in per_partner.items() if c == row.currency)
        assert row.commission == best and per_partner[(row.currency, row.partner_id)] == best
    assert len(commission_reports.top_partners(session, cast.finance, limit=10)) == 4
