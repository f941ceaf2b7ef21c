"""Issue 12: every decision acts on exactly what its user saw, one customer is protected for one partner, and
bad values are refused, not crashed on. Each numbered case of the issue is a test here (both databases)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import sqlalchemy as sa

from factories import counts
from partner_model import clock, commission_queries, commissions, customers, db, deals, partners, rules, users
from partner_model.errors import Conflict, NotFound, PermissionDenied, ValidationError
from partner_model.models import CommissionLine

ZWSP = "\u200b"


# --- 2. saving a rate keeps the tier; stale forms are refused ------------------------------------------------


def test_saving_a_rate_alone_keeps_the_partners_tier(session, cast):
    gold = partners.set_commission(session, cast.admin, cast.acme.id, tier="gold")
    assert (gold.tier, gold.commission_rate) == ("gold", Decimal("0.2000"))
    saved = partners.set_commission(session, cast.admin, cast.acme.id, commission_rate=Decimal("0.22"),
                                    expected_version=gold.version)
    assert (saved.tier, saved.commission_rate) == ("gold", Decimal("0.2200"))
    assert saved.version == gold.version + 1


def test_a_tier_and_rate_change_on_a_stale_version_is_refused_and_nothing_is_written(session, cast):
    seen = partners.get_partner(session, cast.admin, cast.acme.id)
    partners.set_commission(session, cast.admin, cast.acme.id, tier="silver")
    before = counts(session)
    with pytest.raises(Conflict) as err:
        partners.set_commission(session, cast.admin, cast.acme.id, commission_rate=Decimal("0.30"),
                                expected_version=seen.version)
    assert "tier and commission rate" in str(err.value)
    assert counts(session) == before
    now = partners.get_partner(session, cast.admin, cast.acme.id)
    assert (now.tier, now.commission_rate) == ("silver", Decimal("0.1500"))


def test_set_commission_needs_a_tier_or_a_rate(session, cast):
    with pytest.raises(ValidationError) as err:
        partners.set_commission(session, cast.admin, cast.acme.id)
    assert err.value.field == "tier"


# --- 3. a stale billing form erased data ---------------------------------------------------------------------


def test_a_billing_form_read_before_anothers_save_is_refused_and_the_vat_id_stays(session, cast):
    read_by_both = partners.get_partner(session, cast.acme_admin, cast.acme.id)
    partners.update_billing_info(session, cast.acme_admin, cast.acme.id, vat_id="FI12345678",
                                 expected_version=read_by_both.version)
    before = counts(session)
    with pytest.raises(Conflict) as err:
        partners.update_billing_info(session, cast.admin, cast.acme.id, address="Aleksanterinkatu 1, Helsinki",
                                     expected_version=read_by_both.version)
    assert "vat_id" in str(err.value), "the message says what changed"
    assert counts(session) == before
    now = partners.get_partner(session, cast.admin, cast.acme.id)
    assert (now.vat_id, now.address) == ("FI12345678", None)


def test_a_billing_save_changes_only_the_fields_given(session, cast):
    first = partners.update_billing_info(session, cast.acme_admin, cast.acme.id, vat_id="FI12345678",
                                         legal_name="Acme Compliance Oy")
    second = partners.update_billing_info(session, cast.acme_admin, cast.acme.id, address="Mannerheimintie 1",
                                          expected_version=first.version)
    assert (second.vat_id, second.legal_name, second.address) == ("FI12345678", "Acme Compliance Oy",
                                                                   "Mannerheimintie 1")


# --- 4. approve what was seen; approval and line writes are serialized --------------------------------------


def test_a_week_that_changed_after_finance_read_it_is_not_approved(session, cast, factory):
    won = factory.won_deal(cast.acme_user, cast.manager, annual_value="10000", billing_option="invoice")
    week = rules.iso_week(won.won_on)
    seen = commissions.week_version(session, cast.finance, week)
    factory.won_deal(cast.beta_user, cast.manager, annual_value="5000", billing_option="credit_card")
    assert commissions.week_version(session, cast.finance, week) != seen
    with pytest.raises(Conflict) as err:
        commissions.approve_week(session, cast.finance, week, expected_version=seen)
    assert week in str(err.value)
    assert commissions.week_state(session, week).state == "open"
    commissions.approve_week(session, cast.finance, week,
                             expected_version=commissions.week_version(session, cast.finance, week))
    assert commissions.week_state(session, week).state == "approved"


def test_the_week_version_changes_when_a_line_is_withdrawn_and_when_the_week_is_approved(session, cast, factory):
    won = factory.won_deal(cast.acme_user, cast.manager, billing_option="invoice")
    week = rules.iso_week(won.won_on)
    before = commissions.week_version(session, cast.finance, week)
    deals.move_deal(session, cast.manager, won.id, stage="newsletter", note="The customer withdrew the order.")
    withdrawn = commissions.week_version(session, cast.finance, week)
    assert withdrawn != before
    commissions.approve_week(session, cast.finance, week, expected_version=withdrawn)
    assert commissions.week_version(session, cast.finance, week) != withdrawn


def test_week_version_is_for_finance(session, cast):
    with pytest.raises(PermissionDenied):
        commissions.week_version(session, cast.acme_user, rules.iso_week(clock.today()))


# --- 5. the actor is who they are now ------------------------------------------------------------------------


def test_a_manager_deactivated_after_opening_a_deal_cannot_accept_it(session, cast, make_deal):
    deal = make_deal(cast.acme_user)
    manager_as_seen = cast.manager  # read when the page opened
    users.update_user(session, cast.admin, cast.manager.id, active=False)
    with pytest.raises(PermissionDenied):
        deals.review_deal(session, manager_as_seen, deal.id, accept=True)
    assert deals.get_deal(session, cast.admin, deal.id).review_status == "pending"


def test_a_changed_role_applies_at_once(session, cast, make_deal):
    deal = make_deal(cast.acme_user)
    users.update_user(session, cast.admin, cast.manager.id, role="finance")
    with pytest.raises(PermissionDenied):
        deals.review_deal(session, cast.manager, deal.id, accept=True)


# --- 6. one protected registration per customer ------------------------------------------------------------


def test_accepting_a_second_partners_registration_for_a_protected_customer_is_a_conflict(session, cast, factory):
    held = factory.accepted_deal(cast.acme_user, cast.manager, contact_email="a@samecorp.fi")
    second = factory.deal(cast.beta_user, contact_email="b@samecorp.fi")
    assert "other_partner_open_deal" in deals.review_hints(session, cast.manager, second.id)
    with pytest.raises(Conflict) as err:
        deals.review_deal(session, cast.manager, second.id, accept=True)
    assert f"deal {held.id}" in str(err.value) and cast.acme.name in str(err.value)
    assert deals.get_deal(session, cast.admin, second.id).review_status == "pending"
    denied = deals.review_deal(session, cast.manager, second.id, accept=False, reason="duplicate")
    assert denied.denial_reason == "duplicate"


def test_a_pending_registration_of_another_partner_is_a_hint(session, cast, factory):
    factory.deal(cast.acme_user, contact_email="a@samecorp.fi")
    second = factory.deal(cast.beta_user, contact_email="b@samecorp.fi")
    assert "other_partner_open_deal" in deals.review_hints(session, cast.manager, second.id)


def test_accept_all_without_hints_accepts_neither_of_two_partners_registrations(session, cast, factory):
    """Issue 12, case 6: both samecorp.fi registrations were accepted, as the hint counted only accepted deals."""
    first = factory.deal(cast.acme_user, contact_email="a@samecorp.fi")
    second = factory.deal(cast.beta_user, contact_email="b@samecorp.fi")
    clean = factory.deal(cast.acme_user, contact_email="c@clean-firm.fi")
    result = deals.accept_many(session, cast.manager, [first.id, second.id, clean.id])
    assert [d.id for d in result] == [clean.id]
    assert result.skipped == [(first.id, "other_partner_open_deal"), (second.id, "other_partner_open_deal")]
    assert {deals.get_deal(session, cast.admin, d.id).review_status for d in (first, second)} == {"pending"}


def test_accept_all_re_checks_at_the_moment_it_accepts(session, cast, factory):
    first = factory.deal(cast.acme_user, contact_email="a@samecorp.fi")
    deals.review_deal(session, cast.manager, first.id, accept=True)
    second = factory.deal(cast.beta_user, contact_email="b@samecorp.fi")
    result = deals.accept_many(session, cast.manager, [second.id, first.id])
    assert list(result) == [] and [d for d, __ in result.skipped] == [second.id, first.id]


def test_an_expired_protection_no_longer_holds_the_customer(session, cast, factory):
    long_ago = clock.today() - dt.timedelta(days=rules.PROTECTION_DAYS + 5)
    old = factory.deal(cast.acme_user, contact_email="a@samecorp.fi", today=long_ago)
    deals.review_deal(session, cast.manager, old.id, accept=True, today=long_ago)
    second = factory.deal(cast.beta_user, contact_email="b@samecorp.fi")
    assert deals.review_deal(session, cast.manager, second.id, accept=True).review_status == "accepted"


# --- 7. a free-mail contact is no dead end, and never another partner's customer -----------------------------


def test_a_free_mail_contact_needs_the_customers_company_domain(session, cast):
    before = counts(session)
    with pytest.raises(ValidationError) as err:
        deals.register_deal(session, cast.acme_user, contact_name="Gina Solo", contact_email="gina.solo@gmail.com",
                            company_name="Solo Design Oy", annual_value="9000")
    assert err.value.field == "customer_domain"
    assert counts(session) == before
    with pytest.raises(ValidationError) as err:
        deals.register_deal(session, cast.acme_user, contact_name="Gina Solo", contact_email="gina.solo@gmail.com",
                            company_name="Solo Design Oy", annual_value="9000", customer_domain="hotmail.com")
    assert err.value.field == "customer_domain"


def test_a_free_mail_contact_works_through_trial_and_closed_won_and_earns_commission(session, cast):
    deal = deals.register_deal(session, cast.acme_user, contact_name="Gina Solo",
                               contact_email="gina.solo@gmail.com", company_name="Solo Design Oy",
                               annual_value="9000", customer_domain="https://www.solo-design.fi/")
    assert deal.customer_domain == "solo-design.fi"
    deals.review_deal(session, cast.manager, deal.id, accept=True)
    trial = deals.move_deal(session, cast.acme_user, deal.id, stage="trial")
    assert customers.get_customer(session, cast.acme_user, trial.customer_id).domain == "solo-design.fi"
    won = deals.move_deal(session, cast.acme_user, deal.id, stage="closed_won", billing_option="credit_card")
    lines = commissions.week_lines(session, cast.finance, rules.iso_week(won.won_on))
    assert list(lines.loc[lines["deal_id"] == deal.id, "commission"]) == [Decimal("1800.00")]


def test_free_mail_contacts_of_two_partners_are_not_each_others_deals(session, cast, factory):
    factory.accepted_deal(cast.acme_user, cast.manager, contact_email="x@gmail.com", customer_domain="one-firm.fi")
    other = factory.deal(cast.beta_user, contact_email="y@gmail.com", customer_domain="another-firm.fi")
    hints = deals.review_hints(session, cast.manager, other.id)
    assert "other_partner_open_deal" not in hints and "free_mail" in hints


# --- 8. one customer, one identity -----------------------------------------------------------------------------


def test_www_and_subdomains_of_an_existing_customer_are_that_customer(session, cast, factory):
    account = factory.trial(cast.acme_user, domain="bigcorp.com")
    wanda = factory.deal(cast.acme_user, contact_email="wanda@www.bigcorp.com")
    bob = factory.deal(cast.acme_user, contact_email="bob@eu.bigcorp.com")
    assert wanda.customer_domain == "bigcorp.com"
    assert "existing_customer" in deals.review_hints(session, cast.manager, wanda.id)
    assert "existing_customer" in deals.review_hints(session, cast.manager, bob.id)
    for deal in (wanda, bob):
        deals.review_deal(session, cast.manager, deal.id, accept=True) if deal is wanda else None
    accepted_bob = deals.review_deal(session, cast.manager, bob.id, accept=True)
    moved = deals.move_deal(session, cast.acme_user, accepted_bob.id, stage="trial")
    assert moved.customer_id == account.id, "no second account for eu.bigcorp.com"
    with pytest.raises(ValidationError) as err:
        factory.trial(cast.acme_user, domain="sales.bigcorp.com")
    assert err.value.field == "domain"


def test_an_internationalised_domain_is_one_domain_for_trials_and_registrations(session, cast, factory):
    deal = factory.deal(cast.acme_user, contact_email="hans@müller-gmbh.de")
    deals.review_deal(session, cast.manager, deal.id, accept=True)
    trial = customers.create_trial(session, cast.acme_user, company_name="Müller GmbH", domain="Müller-GmbH.de",
                                   framework="ISO 27001")
    assert trial.domain == deal.customer_domain == "xn--mller-gmbh-9db.de"


def test_another_partners_protected_customer_cannot_get_a_trial(session, cast, factory):
    factory.accepted_deal(cast.acme_user, cast.manager, contact_email="a@samecorp.fi")
    with pytest.raises(ValidationError) as err:
        factory.trial(cast.beta_user, domain="samecorp.fi")
    assert err.value.field == "domain" and cast.acme.name not in str(err.value)


# --- 9. line ids are never reused ------------------------------------------------------------------------------


def test_a_withdrawn_commission_line_id_never_comes_back(session, cast, factory):
    won = factory.won_deal(cast.acme_user, cast.manager, billing_option="invoice")
    first = session.execute(sa.select(sa.func.max(CommissionLine.id))).scalar_one()
    deals.move_deal(session, cast.manager, won.id, stage="newsletter", note="Order cancelled before the week closed.")
    assert session.execute(sa.select(sa.func.count()).select_from(CommissionLine)).scalar_one() == 0
    deals.move_deal(session, cast.manager, won.id, stage="closed_won", billing_option="invoice")
    again = session.execute(sa.select(sa.func.max(CommissionLine.id))).scalar_one()
    assert again > first


# --- 10. blank is blank ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("blank", [ZWSP, "\u00a0\u200b\u2060", "\ufeff", " \u3164 ", "\u2800"])
def test_a_closed_lost_note_of_invisible_characters_is_no_note(session, cast, make_deal, blank):
    deal = make_deal(cast.acme_user)
    with pytest.raises(ValidationError) as err:
        deals.move_deal(session, cast.acme_user, deal.id, stage="closed_lost", note=blank)
    assert err.value.field == "note"
    with pytest.raises(ValidationError) as err:
        deals.register_deal(session, cast.acme_user, contact_name="Ann", contact_email="ann@blankcorp.fi",
                            company_name=blank, annual_value="100")
    assert err.value.field == "company_name"


# --- 11. search folds case for every letter -----------------------------------------------------------------------


@pytest.mark.parametrize("text", ["äk", "ÄK", "Äkä", "ÄKÄS", "kä"])
def test_search_finds_nordic_letters_in_any_case_at_any_length(session, cast, factory, text):
    factory.trial(cast.acme_user, company_name="Äkäs Oy", domain="akas.fi")
    factory.trial(cast.acme_user, company_name="Other Oy", domain="other-oy.fi")
    frame, total = customers.customer_overview(session, cast.acme_user, search=text)
    assert list(frame["name"]) == ["Äkäs Oy"] and total == 1


@pytest.mark.parametrize(("stored", "typed"), [("Östra Å AB", "öSTRA å"), ("Groß GmbH", "GROẞ"),
                                               ("Über Uns", "üb")])
def test_search_folds_o_a_u_umlaut_and_sharp_s(session, cast, factory, stored, typed):
    factory.trial(cast.acme_user, company_name=stored)
    frame, __ = customers.customer_overview(session, cast.acme_user, search=typed)
    assert list(frame["name"]) == [stored]


# --- 12. bad values are refused, not crashed on ---------------------------------------------------------------------


@pytest.mark.parametrize("accept", ["no", "yes", 1, 0, None])
def test_accept_must_be_a_bool(session, cast, make_deal, accept):
    deal = make_deal(cast.acme_user)
    with pytest.raises(ValidationError) as err:
        deals.review_deal(session, cast.manager, deal.id, accept=accept)
    assert err.value.field == "accept"
    assert deals.get_deal(session, cast.admin, deal.id).review_status == "pending"


@pytest.mark.parametrize("bad", ["²", 99999999999999999999, -1, 0, True, "1; DROP TABLE deal", 2**31])
def test_ids_that_cannot_be_ids_are_not_found(session, cast, bad):
    with pytest.raises(NotFound):
        deals.get_deal(session, cast.admin, bad)
    with pytest.raises(NotFound):
        customers.get_customer(session, cast.admin, bad)
    with pytest.raises(NotFound):
        partners.get_partner(session, cast.admin, bad)
    with pytest.raises(NotFound):
        deals.review_hints(session, cast.manager, bad)


@pytest.mark.parametrize("limit", [-1, "10", 2.5, True])
def test_limits_must_be_whole_numbers_not_below_zero(session, cast, limit):
    with pytest.raises(ValidationError) as err:
        deals.review_queue(session, cast.manager, limit=limit)
    assert err.value.field == "limit"
    with pytest.raises(ValidationError):
        customers.customer_overview(session, cast.acme_user, limit=limit)
    with pytest.raises(ValidationError):
        partners.list_partners(session, cast.admin, limit=limit)


# --- reopening a won deal ----------------------------------------------------------------------------------------


def test_reopening_a_won_deal_with_commission_needs_a_note_the_partner_sees(session, cast, factory):
    won = factory.won_deal(cast.acme_user, cast.manager, billing_option="invoice")
    with pytest.raises(ValidationError) as err:
        deals.move_deal(session, cast.manager, won.id, stage="trial")
    assert err.value.field == "note"
    deals.move_deal(session, cast.manager, won.id, stage="trial", note="The customer asked for a longer trial.")
    notes = deals.notes(session, cast.acme_user, won.id)
    assert notes[-1].body == "The customer asked for a longer trial."
    assert sum(commission_queries.deal_lines(session, cast.finance, won.id)["commission"], Decimal(0)) == 0


# --- one business time zone -----------------------------------------------------------------------------------


def test_dates_follow_partner_time_zone_whatever_the_database_servers_zone(engine, session, cast, factory,
                                                                          monkeypatch):
    """Instants are stored in UTC even when the server's own zone is far from it; days follow PARTNER_TIME_ZONE."""
    import datetime as dt_

    from partner_model import clock

    if engine.dialect.name == "postgresql":
        db_name = engine.url.database
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql(f'ALTER DATABASE "{db_name}" SET timezone TO \'Pacific/Kiritimati\'')  # UTC+14
        engine.dispose()  # new connections get the far zone as their default
    session.close()  # its connection was opened before the zone changed
    try:
        before = dt_.datetime.now(dt_.UTC)
        with db.session(engine) as fresh:
            if engine.dialect.name == "postgresql":
                assert fresh.execute(sa.text("SHOW timezone")).scalar_one() == "UTC", "the app's sessions run in UTC"
            deal = deals.register_deal(fresh, cast.acme_user, contact_name="Tia Zone", contact_email="tia@zone.example",
                                       company_name="Zone Oy", annual_value="100")
        with db.session(engine) as fresh:
            stored = deals.get_deal(fresh, cast.admin, deal.id).created_at
        stored = stored if stored.tzinfo else stored.replace(tzinfo=dt_.UTC)
        assert abs((stored - before).total_seconds()) < 120, "stored in UTC, not shifted by the server's zone"
        monkeypatch.setenv("PARTNER_TIME_ZONE", "Pacific/Kiritimati")
        far_today = dt_.datetime.now(clock.zone()).date()
        assert clock.today() == far_today
        frame, __ = deals.review_queue(session, cast.manager)
        assert list(frame["age_days"]) == [0], "registered today in the business zone"
        assert rules.iso_week(clock.today()) == rules.iso_week(far_today)
    finally:
        if engine.dialect.name == "postgresql":
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql(f'ALTER DATABASE "{engine.url.database}" RESET timezone')
            engine.dispose()


def test_an_unknown_partner_time_zone_is_refused_with_its_name(monkeypatch):
    from partner_model import clock

    monkeypatch.setenv("PARTNER_TIME_ZONE", "Mars/Olympus")
    with pytest.raises(ValueError, match="Mars/Olympus"):
        clock.today()


def test_a_user_change_on_a_stale_form_is_refused(session, cast, factory):
    person = factory.user(partner=cast.acme)
    seen = users.get_user(session, person.id)
    users.update_user(session, cast.admin, person.id, name="Renamed Meanwhile", expected_version=seen.version)
    with pytest.raises(Conflict) as err:
        users.update_user(session, cast.admin, person.id, active=False, expected_version=seen.version)
    assert person.email in str(err.value)
    assert users.get_user(session, person.id).active, "nothing written"
    with pytest.raises(ValidationError) as err:
        users.update_user(session, cast.admin, person.id, active="no")
    assert err.value.field == "active"
