"""deals.register_deal: what is registered, and what is refused with nothing written (PRODUCT.md section 2)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factories import counts
from partner_model import deals
from partner_model.errors import PermissionDenied, ValidationError
from partner_model.models import DealRead, ReviewStatus, Stage


def _register(session, actor, **overrides):  # type: ignore[no-untyped-def]
    args = dict(contact_name="Sofie Jansen", contact_email="sofie@prospect-example.nl",
                company_name="Prospect Example BV", annual_value="12000.00")
    args.update(overrides)
    return deals.register_deal(session, actor, **args)


def _refused(session, actor, field: str, **overrides) -> ValidationError:  # type: ignore[no-untyped-def]
    before = counts(session)
    with pytest.raises(ValidationError) as err:
        _register(session, actor, **overrides)
    assert err.value.field == field, (err.value.field, str(err.value))
    assert str(err.value).strip(), "the message must say what is wrong"
    assert counts(session) == before, "a refused registration must write nothing"
    return err.value


# --- what a registration is -----------------------------------------------------------------


def test_a_registered_deal_is_new_pending_and_belongs_to_the_actors_partner(session, cast):
    deal = _register(session, cast.acme_user, framework="ISO 27001", note="Met at the GRC day")
    assert isinstance(deal, DealRead)
    assert deal.partner_id == cast.acme.id
    assert deal.stage == Stage.new and deal.stage == "new"
    assert deal.review_status == ReviewStatus.pending and deal.review_status == "pending"
    assert deal.customer_domain == "prospect-example.nl"
    assert isinstance(deal.version, int)
    assert isinstance(deal.value, Decimal) and deal.value == Decimal("12000.00")
    assert deal.currency == "EUR"


def test_the_customer_domain_is_the_lower_cased_part_after_the_at(session, cast):
    deal = _register(session, cast.acme_user, contact_email="Sofie.Jansen@Prospect-EXAMPLE.NL")
    assert deal.customer_domain == "prospect-example.nl"


@pytest.mark.parametrize(("raw", "expected"), [
    ("12000", Decimal("12000.00")), ("0.01", Decimal("0.01")), (Decimal("999999.99"), Decimal("999999.99")),
    (15000, Decimal("15000.00")), ("0", Decimal("0.00")),
])
def test_the_value_is_kept_exactly_in_cents(session, cast, raw, expected):
    deal = _register(session, cast.acme_user, annual_value=raw)
    assert isinstance(deal.value, Decimal) and deal.value == expected
    assert deals.get_deal(session, cast.acme_user, deal.id).value == expected


def test_a_deal_in_another_currency_keeps_its_currency(session, cast):
    deal = _register(session, cast.acme_user, currency="SEK", annual_value="95000")
    assert deal.currency == "SEK" and deal.value == Decimal("95000.00")


def test_registration_writes_the_first_history_event(session, cast):
    deal = _register(session, cast.acme_user)
    events = deals.history(session, cast.acme_user, deal.id)
    assert len(events) >= 1
    assert events[0].actor_id == cast.acme_user.id
    assert events[0].at is not None and events[0].kind


def test_a_partner_admin_registers_deals_too(session, cast):
    assert _register(session, cast.acme_admin).partner_id == cast.acme.id


def test_finance_cannot_register_deals(session, cast):
    before = counts(session)
    with pytest.raises(PermissionDenied):
        _register(session, cast.finance)
    assert counts(session) == before


# --- refused, with nothing written ----------------------------------------------------------


@pytest.mark.parametrize("email", ["not-an-email", "sofie@", "@prospect.nl", "sofie@@prospect.nl", "sofie@prospect",
                                   "sofie prospect.nl", "", "   ", "sofie@prospect..nl"])
def test_an_invalid_contact_email_is_refused(session, cast, email):
    _refused(session, cast.acme_user, "contact_email", contact_email=email)


@pytest.mark.parametrize("template", ["anna@{d}", "anna@{D}", "ANNA@{D}", " anna@{d} "])
def test_partner_cannot_register_own_domain(session, cast, template):
    domain = cast.acme.domain
    _refused(session, cast.acme_user, "contact_email", contact_email=template.format(d=domain, D=domain.upper()))


@pytest.mark.parametrize("transform", [str, str.upper, str.lower, lambda n: f"  {n}  "])
def test_partner_cannot_register_its_own_name_as_the_company(session, cast, transform):
    _refused(session, cast.acme_user, "company_name", company_name=transform(cast.acme.name))


@pytest.mark.parametrize("company", ["", "   ", "\t", None])
def test_a_missing_company_name_is_refused(session, cast, company):
    _refused(session, cast.acme_user, "company_name", company_name=company)


@pytest.mark.parametrize("value", ["-1", "-0.01", Decimal("-100"), -5])
def test_a_negative_value_is_refused(session, cast, value):
    _refused(session, cast.acme_user, "annual_value", annual_value=value)


@pytest.mark.parametrize("value", ["abc", "", "   ", "12k", "twelve thousand", "1,2,3", "NaN", "Infinity", None])
def test_a_non_numeric_value_is_refused(session, cast, value):
    _refused(session, cast.acme_user, "annual_value", annual_value=value)


@pytest.mark.parametrize("value", ["100.005", "0.001", Decimal("12000.999")])
def test_a_value_with_three_decimals_is_refused(session, cast, value):
    _refused(session, cast.acme_user, "annual_value", annual_value=value)


def test_another_partners_domain_is_a_customer_domain_for_this_partner(session, cast):
    """Only the partner's own domain is refused; another partner's is just a (strange) customer domain."""
    deal = _register(session, cast.acme_user, contact_email=f"someone@{cast.beta.domain}")
    assert deal.customer_domain == cast.beta.domain


# --- any text gives a deal or a ValidationError, and nothing written on error ----------------

texts = st.text(max_size=60)
emails = st.one_of(texts, st.emails(), st.builds(lambda local, dom: f"{local}@{dom}",
                                                 st.from_regex(r"[a-z]{1,8}", fullmatch=True),
                                                 st.sampled_from(["kunde.de", "asiakas.fi", "klant.nl"])))
values = st.one_of(
    texts,
    st.integers(min_value=-10**6, max_value=10**9),
    st.decimals(allow_nan=True, allow_infinity=True, places=None),
    st.decimals(min_value=0, max_value=10**8, places=2).map(str),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(contact_name=st.one_of(texts, st.just("Sofie Jansen")),
       contact_email=emails,
       company_name=st.one_of(texts, st.just("Kunde GmbH")),
       annual_value=values,
       note=st.one_of(st.none(), texts))
def test_property_any_registration_input_gives_a_deal_or_a_validation_error_and_nothing_written_on_error(
        session, cast, contact_name, contact_email, company_name, annual_value, note):
    before = counts(session)
    try:
        deal = deals.register_deal(session, cast.acme_user, contact_name=contact_name, contact_email=contact_email,
                                   company_name=company_name, annual_value=annual_value, note=note)
    except ValidationError as err:
        assert err.field in {"contact_name", "contact_email", "company_name", "annual_value", "note"}, err.field
        assert counts(session) == before
    else:
        assert deal.partner_id == cast.acme.id and deal.review_status == "pending"
        assert isinstance(deal.value, Decimal) and deal.value >= 0 and deal.value == deal.value.quantize(
            Decimal("0.01"))
        assert deal.customer_domain == deal.customer_domain.lower() and deal.customer_domain
        assert counts(session)["deal"] == before["deal"] + 1
