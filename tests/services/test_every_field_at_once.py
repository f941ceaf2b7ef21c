"""Issue 15, the domain side: every bad field of a form is reported at once (ValidationError.errors, .field the
first), nothing is written; a brand-new trial is not flagged for inactivity (both databases)."""

from __future__ import annotations

import datetime as dt

import pytest

from factories import counts
from partner_model import customers, deals, partners, users
from partner_model.errors import ValidationError

TODAY = dt.date(2026, 11, 25)


def _fields(error: ValidationError) -> list[str]:
    return [e.field for e in error.errors]


def test_an_empty_registration_names_every_missing_field_at_once(session, cast):
    before = counts(session)
    with pytest.raises(ValidationError) as err:
        deals.register_deal(session, cast.acme_user, contact_name="", contact_email="", company_name=" ",
                            annual_value="-5")
    assert _fields(err.value) == ["contact_name", "contact_email", "company_name", "annual_value"]
    assert err.value.field == "contact_name"
    assert "Contact name is required." in [str(e) for e in err.value.errors]
    assert counts(session) == before


def test_a_bad_trial_names_every_bad_field(session, cast):
    with pytest.raises(ValidationError) as err:
        customers.create_trial(session, cast.acme_user, company_name="", domain="not a domain", framework="")
    assert _fields(err.value) == ["company_name", "domain", "framework"]


def test_bad_billing_information_names_every_bad_field(session, cast):
    with pytest.raises(ValidationError) as err:
        partners.update_billing_info(session, cast.acme_admin, cast.acme.id, legal_name="", vat_id="12",
                                     billing_email="nope", address="\u200b")
    assert _fields(err.value) == ["legal_name", "vat_id", "billing_email", "address"]


def test_a_bad_new_user_names_every_bad_field(session, cast):
    with pytest.raises(ValidationError) as err:
        users.create_user(session, email="x", name="", role="wizard", password="short", actor=cast.admin)
    assert _fields(err.value)[:3] == ["email", "name", "role"] and "password" in _fields(err.value)


def test_a_bad_partner_names_every_bad_field(session, cast):
    with pytest.raises(ValidationError) as err:
        partners.create_partner(session, name="", domain="x", commission_rate="2", actor=cast.admin)
    assert _fields(err.value) == ["name", "domain", "commission_rate"]


def test_a_trial_created_today_is_not_flagged_for_inactivity_in_its_first_week(session, cast, factory):
    young = factory.trial(cast.acme_user, today=TODAY - dt.timedelta(days=2))
    older = factory.trial(cast.acme_user, today=TODAY - dt.timedelta(days=8))
    frame, __ = customers.customer_overview(session, cast.acme_user, today=TODAY)
    attention = dict(zip(frame["customer_id"], frame["attention_items"], strict=True))
    assert attention[young.id] == 0, "no activity yet, but the trial is two days old"
    assert attention[older.id] == 2, "eight days without any activity, and the trial ends within 7 days"
    codes = list(customers.attention(session, cast.acme_user, young.id, today=TODAY)["kind"])
    assert "no_activity" not in codes
