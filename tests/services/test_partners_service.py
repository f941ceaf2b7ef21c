"""partners: creation, commission rate as a fraction, domain checks (PRODUCT.md section 4, ARCHITECTURE.md)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from factories import count
from partner_model import partners
from partner_model.errors import Conflict, ValidationError
from partner_model.models import Partner, PartnerRead


def test_create_partner_returns_a_read_model_with_the_rate_as_a_fraction(session):
    p = partners.create_partner(session, name="Nordic GRC Oy", domain="nordicgrc.fi", commission_rate=Decimal("0.20"))
    assert isinstance(p, PartnerRead)
    assert isinstance(p.id, int)
    assert (p.name, p.domain) == ("Nordic GRC Oy", "nordicgrc.fi")
    assert isinstance(p.commission_rate, Decimal)
    assert p.commission_rate == Decimal("0.20")


def test_partner_domain_is_stored_lower_case(session):
    p = partners.create_partner(session, name="Case Oy", domain="CaseConsult.FI", commission_rate=Decimal("0.1"))
    assert p.domain == "caseconsult.fi"


def test_a_quarter_percent_rate_is_kept_exactly(session):
    p = partners.create_partner(session, name="Exact BV", domain="exact.nl", commission_rate=Decimal("0.1225"))
    assert p.commission_rate == Decimal("0.1225")


@pytest.mark.parametrize("rate", [Decimal("-0.01"), Decimal("1.5"), "twenty", "20%"])
def test_bad_commission_rate_is_a_validation_error_on_commission_rate(session, rate):
    with pytest.raises(ValidationError) as err:
        partners.create_partner(session, name="Bad Rate Oy", domain="badrate.fi", commission_rate=rate)
    assert err.value.field == "commission_rate"
    assert count(session, Partner) == 0


@pytest.mark.parametrize("domain", ["not a domain", "", "   ", "localhost", "exa mple.com", "-bad-.fi"])
def test_bad_domain_is_a_validation_error_on_domain(session, domain):
    with pytest.raises(ValidationError) as err:
        partners.create_partner(session, name="Bad Domain Oy", domain=domain, commission_rate=Decimal("0.2"))
    assert err.value.field == "domain"
    assert count(session, Partner) == 0


def test_blank_partner_name_is_a_validation_error_on_name(session):
    with pytest.raises(ValidationError) as err:
        partners.create_partner(session, name="  ", domain="blank.fi", commission_rate=Decimal("0.2"))
    assert err.value.field == "name"
    assert count(session, Partner) == 0


def test_second_partner_with_the_same_domain_is_refused(session):
    partners.create_partner(session, name="First Oy", domain="same.fi", commission_rate=Decimal("0.2"))
    with pytest.raises((Conflict, ValidationError)):
        partners.create_partner(session, name="Second Oy", domain="SAME.fi", commission_rate=Decimal("0.2"))
    assert count(session, Partner) == 1


def test_without_a_rate_the_tier_rate_applies(session):
    p = partners.create_partner(session, name="Gold GmbH", domain="gold.de", commission_rate=None, tier="gold")
    assert isinstance(p.commission_rate, Decimal)
    assert Decimal("0") < p.commission_rate <= Decimal("1")


def test_a_partner_user_sees_only_its_own_partner(session, cast):
    from partner_model.errors import NotFound, PermissionDenied

    assert partners.get_partner(session, cast.acme_user, cast.acme.id).id == cast.acme.id
    with pytest.raises((NotFound, PermissionDenied)):
        partners.get_partner(session, cast.acme_user, cast.beta.id)


def test_billing_information_changes_are_recorded(session, cast):
    partners.update_billing_info(session, cast.acme_admin, cast.acme.id, legal_name="Acme Compliance Oy Ab",
                                 billing_email="billing@acme.example.com")
    p = partners.update_billing_info(session, cast.acme_admin, cast.acme.id, legal_name="Acme Holding Oy")
    assert p.legal_name == "Acme Holding Oy"
    history = partners.billing_history(session, cast.acme_admin, cast.acme.id)
    legal = [h for h in history if h.field == "legal_name"]
    assert [(h.from_value, h.to_value) for h in legal] == [
        ("Acme Compliance Oy Ab", "Acme Holding Oy"), (None, "Acme Compliance Oy Ab")]
    assert all(h.actor_id == cast.acme_admin.id for h in history)


def test_a_partner_cannot_change_another_partners_billing_information(session, cast):
    from partner_model.errors import NotFound, PermissionDenied

    with pytest.raises((NotFound, PermissionDenied)):
        partners.update_billing_info(session, cast.acme_admin, cast.beta.id, legal_name="Hijack")


from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(max_size=40), domain=st.one_of(st.text(max_size=40), st.from_regex(r"[a-z]{2,10}\.(fi|se|de)",
                                                                                        fullmatch=True)),
       rate=st.one_of(st.text(max_size=8), st.decimals(allow_nan=True, allow_infinity=True)))
def test_property_any_partner_input_gives_a_partner_or_a_validation_error_and_nothing_written(
        session, name, domain, rate):
    before = count(session, Partner)
    try:
        p = partners.create_partner(session, name=name, domain=domain, commission_rate=rate)
    except (ValidationError, Conflict) as err:
        if isinstance(err, ValidationError):
            assert err.field in {"name", "domain", "commission_rate"}
        assert count(session, Partner) == before
    else:
        assert isinstance(p.commission_rate, Decimal) and 0 <= p.commission_rate <= 1
        assert count(session, Partner) == before + 1
