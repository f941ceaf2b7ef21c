"""The pure rules of partner_model.rules, without a database (PRODUCT.md sections 1-4, issue 2 "Rules")."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from partner_model import rules
from partner_model.errors import ValidationError
from partner_model.models import AccountState, BillingOption, Direction, ReviewStatus, Stage

D = Decimal
TODAY = dt.date(2026, 11, 23)


# --- money --------------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "expected"), [
    ("12000", D("12000.00")),
    ("12000.5", D("12000.50")),
    ("12000.50", D("12000.50")),
    (" 12000.50 ", D("12000.50")),
    ("0", D("0.00")),
    (12000, D("12000.00")),
    (D("99.99"), D("99.99")),
    ("0.01", D("0.01")),
])
def test_money_accepts_non_negative_amounts_with_at_most_two_decimals(raw, expected):
    value = rules.money(raw)
    assert isinstance(value, Decimal)
    assert value == expected
    assert value.as_tuple().exponent == -2


@pytest.mark.parametrize("raw", ["-1", "-0.01", D("-5"), -3])
def test_money_refuses_a_negative_amount(raw):
    with pytest.raises(ValidationError) as err:
        rules.money(raw)
    assert err.value.field == "annual_value"
    assert str(err.value)


@pytest.mark.parametrize("raw", ["abc", "", "   ", "12,000.00", "1.2.3", "NaN", "Infinity", "-Infinity", "sNaN",
                                 None, True, False, "12 EUR", "€100"])
def test_money_refuses_what_is_not_a_number(raw):
    with pytest.raises(ValidationError) as err:
        rules.money(raw)
    assert err.value.field == "annual_value"


@pytest.mark.parametrize("raw", ["10.005", "0.001", D("1.999"), "12000.501"])
def test_money_refuses_more_than_two_decimal_places(raw):
    with pytest.raises(ValidationError) as err:
        rules.money(raw)
    assert err.value.field == "annual_value"


def test_money_names_the_field_it_is_given():
    with pytest.raises(ValidationError) as err:
        rules.money("x", "price", "Price")
    assert err.value.field == "price"


def test_trailing_zeros_beyond_cents_are_still_cents():
    assert rules.money("10.500") == D("10.50")


@pytest.mark.parametrize(("value", "rate", "expected"), [
    (D("0.50"), D("0.01"), D("0.01")),      # 0.005 -> 0.01: half-up, not half-even
    (D("0.25"), D("0.10"), D("0.03")),      # 0.025 -> 0.03
    (D("1.05"), D("0.50"), D("0.53")),      # 0.525 -> 0.53 (half-even would say 0.52)
    (D("0.10"), D("0.05"), D("0.01")),      # 0.005 -> 0.01
    (D("0.10"), D("0.0499"), D("0.00")),    # 0.00499 -> 0.00
    (D("12345.67"), D("0.20"), D("2469.13")),
    (D("10000.00"), D("0.15"), D("1500.00")),
    (D("999.99"), D("0.1225"), D("122.50")),  # 122.498775 -> 122.50
    (D("0.00"), D("0.25"), D("0.00")),
    (D("100.00"), D("0"), D("0.00")),
    (D("100.00"), D("1"), D("100.00")),
])
def test_commission_is_value_times_rate_rounded_half_up_to_cents(value, rate, expected):
    result = rules.commission(value, rate)
    assert isinstance(result, Decimal)
    assert result == expected
    assert result.as_tuple().exponent == -2


def test_cents_round_trip():
    assert rules.to_cents(D("12.34")) == 1234
    assert rules.to_cents(D("0.005")) == 1  # half-up
    assert rules.from_cents(1234) == D("12.34")
    assert isinstance(rules.from_cents(5), Decimal)
    assert rules.from_cents(-250) == D("-2.50")


@pytest.mark.parametrize(("raw", "expected"), [
    (D("0.20"), D("0.20")), ("0.20", D("0.20")), ("0.1225", D("0.1225")), (D("0"), D("0")), (D("1"), D("1")),
])
def test_commission_rate_is_a_fraction(raw, expected):
    rate = rules.commission_rate(raw)
    assert isinstance(rate, Decimal) and rate == expected


@pytest.mark.parametrize("raw", [D("-0.01"), D("1.01"), "20", "abc", None, D("0.12345"), "NaN", True])
def test_commission_rate_outside_0_to_1_or_finer_than_a_basis_point_is_refused(raw):
    with pytest.raises(ValidationError) as err:
        rules.commission_rate(raw)
    assert err.value.field == "commission_rate"


@pytest.mark.parametrize("raw", [0.2, 0.1225])
def test_a_float_rate_is_refused_or_taken_at_its_decimal_spelling_never_its_binary_expansion(raw):
    try:
        rate = rules.commission_rate(raw)
    except ValidationError as err:
        assert err.field == "commission_rate"
    else:
        assert isinstance(rate, Decimal) and rate == Decimal(repr(raw))


@pytest.mark.parametrize("rate", [D("0"), D("0.0001"), D("0.1"), D("0.20"), D("0.1225"), D("0.9999"), D("1")])
def test_rate_round_trips_through_basis_points(rate):
    assert rules.rate_from_bp(rules.rate_to_bp(rate)) == rate
    assert isinstance(rules.rate_to_bp(rate), int)


def test_tier_rates_are_fractions_between_0_and_1():
    assert all(isinstance(r, Decimal) and 0 < r < 1 for r in rules.TIER_RATES.values())


@pytest.mark.parametrize(("option", "expected"), [
    (BillingOption.credit_card, Direction.payable),
    (BillingOption.invoice, Direction.payable),
    (BillingOption.via_partner, Direction.netted),
])
def test_direction_is_payable_unless_the_partner_bills_the_customer(option, expected):
    assert rules.direction(option) == expected
    assert rules.direction(BillingOption(option.value)).value == expected.value


def test_partner_invoice_is_the_value_minus_the_commission():
    assert rules.partner_invoice_amount(D("10000.00"), D("2000.00")) == D("8000.00")


# --- money: properties ------------------------------------------------------------------

cents_amounts = st.integers(min_value=0, max_value=100_000_000_000).map(lambda c: Decimal(c) / 100)
rates = st.integers(min_value=0, max_value=10_000).map(lambda bp: Decimal(bp) / 10_000)


@settings(max_examples=150, deadline=None)
@given(value=cents_amounts, rate=rates)
def test_property_commission_is_exact_half_up_and_never_float(value, rate):
    result = rules.commission(value, rate)
    assert isinstance(result, Decimal) and not isinstance(result, float)
    exact = value * rate
    assert result == exact.quantize(D("0.01"), rounding=ROUND_HALF_UP)
    assert abs(result - exact) <= D("0.005")
    assert D("0") <= result <= value


@settings(max_examples=150, deadline=None)
@given(value=cents_amounts, rate=rates)
def test_property_netted_amount_is_value_minus_commission(value, rate):
    commission = rules.commission(value, rate)
    invoice = rules.partner_invoice_amount(value, commission)
    assert isinstance(invoice, Decimal)
    assert invoice + commission == value
    assert invoice >= 0


@settings(max_examples=100, deadline=None)
@given(lines=st.lists(st.tuples(cents_amounts, rates), min_size=0, max_size=30))
def test_property_commission_lines_sum_to_the_total_in_cents(lines):
    commissions = [rules.commission(v, r) for v, r in lines]
    total = sum(commissions, D("0.00"))
    assert isinstance(total, Decimal)
    assert total == rules.from_cents(sum(rules.to_cents(c) for c in commissions))
    assert total.as_tuple().exponent == -2


@settings(max_examples=150, deadline=None)
@given(cents=st.integers(min_value=0, max_value=100_000_000_000))
def test_property_money_text_round_trips_through_cents(cents):
    amount = rules.from_cents(cents)
    assert rules.money(str(amount)) == amount
    assert rules.to_cents(rules.money(str(amount))) == cents


@settings(max_examples=150, deadline=None)
@given(text=st.text(max_size=30))
def test_property_money_from_any_text_is_a_decimal_or_a_validation_error(text):
    try:
        value = rules.money(text)
    except ValidationError as err:
        assert err.field == "annual_value"
    else:
        assert isinstance(value, Decimal) and value >= 0 and value == value.quantize(D("0.01"))


# --- customers ------------------------------------------------------------------------------


@pytest.mark.parametrize(("trial_ends_on", "subscribed_on", "expected"), [
    (TODAY + dt.timedelta(days=5), None, AccountState.trial),
    (TODAY, None, AccountState.trial),                          # the last trial day is still trial
    (TODAY - dt.timedelta(days=1), None, AccountState.closed),  # trial ended without a subscription
    (None, None, AccountState.closed),
    (TODAY - dt.timedelta(days=30), TODAY - dt.timedelta(days=20), AccountState.active),
    (TODAY + dt.timedelta(days=5), TODAY, AccountState.active),
    (None, TODAY - dt.timedelta(days=400), AccountState.active),
    (TODAY + dt.timedelta(days=5), TODAY + dt.timedelta(days=3), AccountState.trial),  # subscription not started
])
def test_account_state_follows_the_dates(trial_ends_on, subscribed_on, expected):
    assert rules.account_state(trial_ends_on, subscribed_on, TODAY) == expected


def test_a_trial_lasts_fourteen_days_and_an_extension_thirty():
    assert rules.TRIAL_DAYS == 14 and rules.EXTENSION_DAYS == 30
    assert rules.trial_end(TODAY) == TODAY + dt.timedelta(days=14)


@pytest.mark.parametrize(("start", "today", "expected"), [
    (dt.date(2025, 3, 1), dt.date(2026, 1, 1), dt.date(2026, 3, 1)),
    (dt.date(2025, 3, 1), dt.date(2026, 3, 1), dt.date(2026, 3, 1)),
    (dt.date(2025, 3, 1), dt.date(2026, 3, 2), dt.date(2027, 3, 1)),
    (dt.date(2026, 11, 23), dt.date(2026, 11, 24), dt.date(2027, 11, 23)),
    (dt.date(2024, 2, 29), dt.date(2025, 1, 1), dt.date(2025, 2, 28)),
])
def test_renewal_is_the_next_yearly_anniversary(start, today, expected):
    assert rules.renewal_after(start, today) == expected


def _codes(state, trial_ends_on=None, last_activity_on=TODAY, renewal_on=None):  # type: ignore[no-untyped-def]
    return {code for code, why in rules.derived_attention(state, trial_ends_on, last_activity_on, renewal_on, TODAY)}


def test_trial_ending_within_seven_days_needs_attention():
    assert "trial_ending" in _codes(AccountState.trial, trial_ends_on=TODAY + dt.timedelta(days=7))
    assert "trial_ending" in _codes(AccountState.trial, trial_ends_on=TODAY)
    assert "trial_ending" not in _codes(AccountState.trial, trial_ends_on=TODAY + dt.timedelta(days=8))


def test_no_activity_in_thirty_days_needs_attention():
    assert "no_activity" in _codes(AccountState.active, last_activity_on=TODAY - dt.timedelta(days=31))
    assert "no_activity" in _codes(AccountState.trial, trial_ends_on=TODAY + dt.timedelta(days=10),
                                   last_activity_on=None)
    assert "no_activity" not in _codes(AccountState.active, last_activity_on=TODAY - dt.timedelta(days=29))
    assert "no_activity" not in _codes(AccountState.active, last_activity_on=TODAY)


def test_renewal_within_thirty_days_needs_attention():
    assert "renewal_due" in _codes(AccountState.active, renewal_on=TODAY + dt.timedelta(days=30))
    assert "renewal_due" in _codes(AccountState.active, renewal_on=TODAY)
    assert "renewal_due" not in _codes(AccountState.active, renewal_on=TODAY + dt.timedelta(days=31))


def test_a_healthy_account_needs_no_attention_and_every_signal_says_why():
    assert _codes(AccountState.active, renewal_on=TODAY + dt.timedelta(days=200)) == set()
    signals = rules.derived_attention(AccountState.trial, TODAY + dt.timedelta(days=2), None, None, TODAY)
    assert {code for code, _ in signals} == {"trial_ending", "no_activity"}
    assert all(isinstance(why, str) and why for _, why in signals)


# --- deals: the move table ---------------------------------------------------------------

CLOSED = {Stage.closed_won, Stage.closed_lost}


def _expected_refusal(current, target, status, billing, note, staff):  # type: ignore[no-untyped-def]
    """The rules of PRODUCT.md section 3, written independently: None when the move is allowed, else the
    field the refusal names ('?' where PRODUCT.md does not fix one)."""
    if status == ReviewStatus.denied:
        return "?"  # denied deals do not move
    if target == current:
        return "?"  # not a move
    if current in CLOSED and not staff:
        return "?"  # only staff reopen a closed deal
    if target == Stage.closed_won and status != ReviewStatus.accepted:
        return "review_status"
    if target == Stage.closed_won and billing is None:
        return "billing_option"
    if target == Stage.closed_lost and not (note and note.strip()):
        return "note"
    return None


@pytest.mark.parametrize(("current", "target", "status"), list(itertools.product(Stage, Stage, ReviewStatus)),
                         ids=lambda v: getattr(v, "value", v))
def test_check_move_over_every_stage_pair_and_review_status(current, target, status):
    for billing, note, staff in itertools.product([None, BillingOption.invoice], [None, "  ", "Budget in Q3"],
                                                  [False, True]):
        expected = _expected_refusal(current, target, status, billing, note, staff)
        kwargs = dict(current=current, target=target, review_status=status, billing_option=billing, note=note,
                      is_staff=staff)
        if expected is None:
            rules.check_move(**kwargs)
        else:
            with pytest.raises(ValidationError) as err:
                rules.check_move(**kwargs)
            assert str(err.value), kwargs
            if expected != "?":
                assert err.value.field == expected, kwargs


def test_open_stages_move_in_any_order():
    open_stages = [Stage.new, Stage.newsletter, Stage.trial]
    for current, target in itertools.permutations(open_stages, 2):
        rules.check_move(current=current, target=target, review_status=ReviewStatus.pending, billing_option=None,
                         note=None, is_staff=False)


def test_a_partner_cannot_reopen_a_closed_deal_but_staff_can():
    for closed in CLOSED:
        with pytest.raises(ValidationError):
            rules.check_move(current=closed, target=Stage.new, review_status=ReviewStatus.accepted,
                             billing_option=BillingOption.invoice, note=None, is_staff=False)
        rules.check_move(current=closed, target=Stage.new, review_status=ReviewStatus.accepted,
                         billing_option=BillingOption.invoice, note=None, is_staff=True)


@pytest.mark.parametrize(("protected_until", "expected"), [
    (None, None),
    (TODAY - dt.timedelta(days=1), "expired"),
    (TODAY, "expiring"),
    (TODAY + dt.timedelta(days=14), "expiring"),
    (TODAY + dt.timedelta(days=15), "protected"),
    (TODAY + dt.timedelta(days=90), "protected"),
])
def test_protection_state(protected_until, expected):
    assert rules.protection_state(protected_until, TODAY) == expected


# --- ISO weeks ------------------------------------------------------------------------------


@pytest.mark.parametrize(("day", "week"), [
    (dt.date(2026, 11, 16), "2026-W47"),
    (dt.date(2026, 11, 22), "2026-W47"),   # Sunday ends the ISO week
    (dt.date(2026, 11, 23), "2026-W48"),
    (dt.date(2026, 12, 28), "2026-W53"),
    (dt.date(2026, 12, 31), "2026-W53"),   # 2026 has 53 ISO weeks
    (dt.date(2027, 1, 1), "2026-W53"),     # ... and New Year's Day 2027 still belongs to it
    (dt.date(2027, 1, 3), "2026-W53"),
    (dt.date(2027, 1, 4), "2027-W01"),
    (dt.date(2024, 12, 30), "2025-W01"),   # late December can belong to next year's week 1
    (dt.date(2026, 1, 1), "2026-W01"),
    (dt.date(2021, 1, 3), "2020-W53"),
    (dt.date(2026, 3, 2), "2026-W10"),     # two-digit week numbers
])
def test_iso_week_of_a_day(day, week):
    assert rules.iso_week(day) == week


@pytest.mark.parametrize(("week", "monday"), [
    ("2026-W47", dt.date(2026, 11, 16)),
    ("2026-W53", dt.date(2026, 12, 28)),
    ("2027-W01", dt.date(2027, 1, 4)),
    ("2025-W01", dt.date(2024, 12, 30)),
])
def test_week_monday(week, monday):
    assert rules.week_monday(week) == monday
    assert rules.iso_week(monday) == week


@pytest.mark.parametrize(("week", "after"), [
    ("2026-W47", "2026-W48"), ("2026-W52", "2026-W53"), ("2026-W53", "2027-W01"), ("2025-W52", "2026-W01"),
])
def test_week_after_crosses_year_boundaries(week, after):
    assert rules.week_after(week) == after


@pytest.mark.parametrize("week", ["2025-W53", "2026-W54", "2026-W00", "2026-47", "2026W47", "W47", "", "2026-w47x"])
def test_a_week_that_does_not_exist_or_is_misspelt_is_refused(week):
    with pytest.raises(ValidationError) as err:
        rules.week_monday(week)
    assert err.value.field == "week"


def test_weeks_back_lists_weeks_oldest_first_across_the_year():
    assert rules.weeks_back("2027-W02", 4) == ["2026-W52", "2026-W53", "2027-W01", "2027-W02"]


@settings(max_examples=150, deadline=None)
@given(day=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_property_a_day_lies_in_the_seven_days_of_its_week(day):
    week = rules.iso_week(day)
    monday = rules.week_monday(week)
    assert monday <= day < monday + dt.timedelta(days=7)
    assert monday.weekday() == 0
    assert rules.week_monday(rules.week_after(week)) == monday + dt.timedelta(days=7)


# --- emails, domains, names -------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "domain"), [
    ("anna@example.com", "example.com"),
    ("Anna.Virtanen@Example.FI", "example.fi"),
    ("  bob@SUB.Example.co.uk ", "sub.example.co.uk"),
])
def test_email_gives_the_lower_cased_domain_after_the_at(raw, domain):
    address, found = rules.email(raw)
    assert found == domain
    assert address.endswith("@" + domain)


@pytest.mark.parametrize("raw", ["", "   ", "anna", "anna@", "@example.com", "anna@@example.com",
                                 "anna@example", "anna example@example.com", "anna@exa mple.com", None, 42])
def test_an_invalid_email_is_refused_naming_the_field(raw):
    with pytest.raises(ValidationError) as err:
        rules.email(raw)
    assert err.value.field == "contact_email"


@pytest.mark.parametrize(("raw", "expected"), [
    ("example.fi", "example.fi"),
    ("Example.FI", "example.fi"),
    ("https://www.example.fi/about", "example.fi"),
    ("www.example.se", "example.se"),
    ("sub.example.co.uk", "sub.example.co.uk"),
])
def test_domain_is_normalised(raw, expected):
    assert rules.domain(raw) == expected


@pytest.mark.parametrize("raw", ["", "   ", "localhost", "not a domain", "-bad.fi", "bad-.fi", "x", "example.c0m"])
def test_a_bad_domain_is_refused(raw):
    with pytest.raises(ValidationError) as err:
        rules.domain(raw)
    assert err.value.field == "domain"


def test_same_domain_is_case_insensitive_and_covers_subdomains():
    assert rules.same_domain("Partner.FI", "partner.fi")
    assert rules.same_domain("sales.partner.fi", "partner.fi")
    assert not rules.same_domain("notpartner.fi", "partner.fi")
    assert not rules.same_domain("partner.fi.evil.com", "partner.fi")


@pytest.mark.parametrize("free", ["gmail.com", "GMAIL.COM", "outlook.com", "hotmail.com", "yahoo.com", "gmx.de",
                                  "icloud.com"])
def test_free_mail_domains_are_recognised(free):
    assert rules.is_free_mail(free)


@pytest.mark.parametrize("company", ["example.fi", "nordicgrc.fi", "acme-consulting.de"])
def test_company_domains_are_not_free_mail(company):
    assert not rules.is_free_mail(company)


def test_same_name_ignores_case_and_spacing():
    assert rules.same_name("Acme  Compliance oy", "ACME Compliance Oy")
    assert not rules.same_name("Acme", "Acme Oy")
    assert not rules.same_name(None, "Acme")


def test_logs_are_one_json_object_a_line_with_the_runs_id():
    """Issue 19: structured logs (python-json-logger) carry the id of the run they belong to."""
    import io
    import json
    import logging

    from partner_model import logs

    buffer = io.StringIO()
    handler = logs.configure(buffer)
    try:
        with logs.run("req-42"):
            logs.get("api").info("feed batch", extra={"applied": 3})
        logs.get("api").info("outside")
    finally:
        logging.getLogger(logs.ROOT).removeHandler(handler)
    first, second = (json.loads(line) for line in buffer.getvalue().splitlines())
    assert (first["message"], first["run_id"], first["applied"], first["logger"]) == ("feed batch", "req-42", 3,
                                                                                     "partner.api")
    assert second["run_id"] == "-" and second["level"] == "INFO" and "time" in second
