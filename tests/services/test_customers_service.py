"""customers: trials, extensions and the customer overview (PRODUCT.md section 1, issue 2 "Customers")."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sqlmodel import select

from factories import counts
from partner_model import clock, customers
from partner_model.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationError
from partner_model.models import AccountState, Customer, CustomerRead

TODAY = dt.date(2026, 6, 10)
CONTRACT_COLUMNS = {
    "customer_id", "name", "domain", "partner_id", "state", "framework", "framework_progress", "users",
    "activities_90d", "attention_items", "trial_days_left", "subscription_started_on", "renewal_on",
}


def _overview(session, actor, **kwargs):  # type: ignore[no-untyped-def]
    kwargs.setdefault("today", TODAY)
    frame, total = customers.customer_overview(session, actor, **kwargs)
    assert set(frame.columns) >= CONTRACT_COLUMNS, CONTRACT_COLUMNS - set(frame.columns)
    assert isinstance(total, int)
    return frame, total


def _subscribe(session, customer_id: int, started_on: dt.date) -> None:  # type: ignore[no-untyped-def]
    """Test setup: make an account a paying subscription (no public service sets one apart from winning a deal)."""
    customer = session.get(Customer, customer_id)
    customer.subscription_started_on = started_on
    session.add(customer)
    session.commit()


def _active_recently(session, customer_id: int, on: dt.date = TODAY) -> None:  # type: ignore[no-untyped-def]
    customers.record_activity(session, customer_id, occurred_on=on)


# --- create_trial -----------------------------------------------------------------------------


def test_create_trial_gives_a_fourteen_day_trial_linked_to_the_partner(session, cast):
    trial = customers.create_trial(session, cast.acme_user, company_name="Fjord Logistics AS",
                                   domain="fjordlogistics.no", framework="ISO 27001", today=TODAY)
    assert isinstance(trial, CustomerRead)
    assert trial.partner_id == cast.acme.id
    assert trial.state == AccountState.trial and trial.state == "trial"
    assert trial.trial_ends_on == TODAY + dt.timedelta(days=14)
    assert (trial.name, trial.domain) == ("Fjord Logistics AS", "fjordlogistics.no")


def test_create_trial_domain_is_stored_lower_case(session, cast):
    trial = customers.create_trial(session, cast.acme_user, company_name="Upper AB", domain="UPPER.se",
                                   framework="NIS2", today=TODAY)
    assert trial.domain == "upper.se"


def test_staff_create_a_trial_for_a_named_partner(session, cast):
    trial = customers.create_trial(session, cast.manager, company_name="Staff Made GmbH", domain="staffmade.de",
                                   framework="GDPR", partner_id=cast.beta.id, today=TODAY)
    assert trial.partner_id == cast.beta.id


def test_a_partner_cannot_create_a_trial_for_another_partner(session, cast):
    before = counts(session)
    with pytest.raises((PermissionDenied, NotFound)):
        customers.create_trial(session, cast.acme_user, company_name="Sneaky Oy", domain="sneaky.fi",
                               framework="GDPR", partner_id=cast.beta.id, today=TODAY)
    assert counts(session) == before


def test_a_domain_that_already_has_an_account_is_refused_and_nothing_is_written(session, cast, make_trial):
    make_trial(cast.beta_user, domain="taken.fi", today=TODAY)
    before = counts(session)
    for actor, domain in ((cast.acme_user, "taken.fi"), (cast.acme_user, "TAKEN.FI"), (cast.beta_user, "taken.fi")):
        with pytest.raises((ValidationError, Conflict)):
            customers.create_trial(session, actor, company_name="Again Oy", domain=domain, framework="GDPR",
                                   today=TODAY)
    assert counts(session) == before


@pytest.mark.parametrize(("field", "kwargs"), [
    ("company_name", {"company_name": "   "}),
    ("company_name", {"company_name": ""}),
    ("domain", {"domain": "not a domain"}),
    ("domain", {"domain": ""}),
])
def test_create_trial_refuses_bad_input_naming_the_field(session, cast, field, kwargs):
    args = {"company_name": "Good AB", "domain": "good.se", "framework": "ISO 27001", **kwargs}
    before = counts(session)
    with pytest.raises(ValidationError) as err:
        customers.create_trial(session, cast.acme_user, today=TODAY, **args)
    assert err.value.field == field
    assert counts(session) == before


def test_create_trial_defaults_today_to_the_current_date(session, cast, make_trial):
    trial = make_trial(cast.acme_user)
    assert trial.trial_ends_on == clock.today() + dt.timedelta(days=14)


# --- extensions -------------------------------------------------------------------------------


def test_a_partner_requests_an_extension_and_staff_grant_thirty_days_once(session, cast, make_trial):
    trial = make_trial(cast.acme_user, today=TODAY)
    requested = customers.request_extension(session, cast.acme_user, trial.id, today=TODAY + dt.timedelta(days=5))
    assert requested.extension_requested_on == TODAY + dt.timedelta(days=5)
    assert requested.trial_ends_on == trial.trial_ends_on  # asking is not granting
    granted = customers.grant_extension(session, cast.manager, trial.id, today=TODAY + dt.timedelta(days=6))
    assert granted.trial_ends_on == trial.trial_ends_on + dt.timedelta(days=30)
    assert granted.extension_granted_on == TODAY + dt.timedelta(days=6)
    assert granted.state == AccountState.trial
    with pytest.raises(DomainError):
        customers.grant_extension(session, cast.admin, trial.id, today=TODAY + dt.timedelta(days=7))
    after = customers.get_customer(session, cast.manager, trial.id, today=TODAY + dt.timedelta(days=7))
    assert after.trial_ends_on == trial.trial_ends_on + dt.timedelta(days=30)


def test_an_extended_trial_stays_a_trial_past_its_first_end(session, cast, make_trial):
    trial = make_trial(cast.acme_user, today=TODAY)
    customers.request_extension(session, cast.acme_user, trial.id, today=TODAY)
    customers.grant_extension(session, cast.manager, trial.id, today=TODAY)
    frame, _ = _overview(session, cast.acme_user, today=TODAY + dt.timedelta(days=20))
    row = frame.set_index("customer_id").loc[trial.id]
    assert row["state"] == "trial"
    assert row["trial_days_left"] == 14 + 30 - 20


@pytest.mark.parametrize("role", ["partner_user", "partner_admin", "finance"])
def test_only_partner_managers_and_admins_grant_extensions(session, cast, make_trial, make_user, role):
    trial = make_trial(cast.acme_user, today=TODAY)
    customers.request_extension(session, cast.acme_user, trial.id, today=TODAY)
    actor = make_user(role=role, partner=cast.acme)
    with pytest.raises(PermissionDenied):
        customers.grant_extension(session, actor, trial.id, today=TODAY)
    assert customers.get_customer(session, cast.manager, trial.id, today=TODAY).trial_ends_on == trial.trial_ends_on


def test_a_partner_cannot_request_an_extension_for_another_partners_account(session, cast, make_trial):
    trial = make_trial(cast.beta_user, today=TODAY)
    with pytest.raises((NotFound, PermissionDenied)):
        customers.request_extension(session, cast.acme_user, trial.id, today=TODAY)
    assert customers.get_customer(session, cast.manager, trial.id).extension_requested_on is None


def test_asking_twice_for_an_extension_is_refused(session, cast, make_trial):
    trial = make_trial(cast.acme_user, today=TODAY)
    customers.request_extension(session, cast.acme_user, trial.id, today=TODAY)
    with pytest.raises(DomainError):
        customers.request_extension(session, cast.acme_user, trial.id, today=TODAY + dt.timedelta(days=1))


# --- overview: visibility ---------------------------------------------------------------------


def test_a_partner_never_sees_another_partners_accounts(session, cast, make_trial):
    mine = make_trial(cast.acme_user, domain="mine-acme.fi", today=TODAY)
    theirs = make_trial(cast.beta_user, domain="theirs-beta.se", today=TODAY)
    frame, total = _overview(session, cast.acme_user)
    assert list(frame["customer_id"]) == [mine.id] and total == 1
    assert set(frame["partner_id"]) == {cast.acme.id}
    frame, total = _overview(session, cast.acme_user, search="theirs-beta")
    assert frame.empty and total == 0
    with pytest.raises((NotFound, PermissionDenied)):
        customers.get_customer(session, cast.acme_user, theirs.id)


def test_a_partner_asking_for_another_partners_accounts_gets_none(session, cast, make_trial):
    make_trial(cast.beta_user, today=TODAY)
    try:
        frame, total = _overview(session, cast.acme_user, partner_id=cast.beta.id)
    except (PermissionDenied, NotFound):
        return
    assert frame.empty and total == 0


def test_staff_see_all_partners_accounts_and_can_filter_by_partner(session, cast, make_trial):
    a = make_trial(cast.acme_user, today=TODAY)
    b = make_trial(cast.beta_user, today=TODAY)
    for staff in (cast.manager, cast.finance, cast.admin):
        frame, total = _overview(session, staff)
        assert set(frame["customer_id"]) == {a.id, b.id} and total == 2
    frame, total = _overview(session, cast.manager, partner_id=cast.beta.id)
    assert list(frame["customer_id"]) == [b.id] and total == 1


# --- overview: states, attention, columns ------------------------------------------------------


@pytest.fixture
def accounts(session, cast, make_trial):  # type: ignore[no-untyped-def]
    """Acme's four accounts on TODAY: a fresh trial, a trial ending in 3 days, a closed one, an active one."""
    fresh = make_trial(cast.acme_user, company_name="Fresh Trial Oy", domain="fresh.fi", today=TODAY)
    ending = make_trial(cast.acme_user, company_name="Ending Trial AB", domain="ending.se",
                        today=TODAY - dt.timedelta(days=11))
    closed = make_trial(cast.acme_user, company_name="Closed Trial BV", domain="closed.nl",
                        today=TODAY - dt.timedelta(days=40))
    active = make_trial(cast.acme_user, company_name="Active Customer GmbH", domain="active.de",
                        today=TODAY - dt.timedelta(days=300))
    _subscribe(session, active.id, TODAY - dt.timedelta(days=280))
    for c in (fresh, ending, closed, active):
        _active_recently(session, c.id, TODAY - dt.timedelta(days=1))
    return {"fresh": fresh, "ending": ending, "closed": closed, "active": active}


def test_overview_states_are_trial_active_and_closed(session, cast, accounts):
    frame, total = _overview(session, cast.acme_user)
    states = dict(zip(frame["customer_id"], frame["state"], strict=True))
    assert total == 4
    assert states == {accounts["fresh"].id: "trial", accounts["ending"].id: "trial",
                      accounts["closed"].id: "closed", accounts["active"].id: "active"}


@pytest.mark.parametrize(("state", "expected"), [
    ("trial", {"fresh", "ending"}), ("active", {"active"}), ("closed", {"closed"}),
    (AccountState.trial, {"fresh", "ending"}),
])
def test_overview_filters_by_account_state(session, cast, accounts, state, expected):
    frame, total = _overview(session, cast.acme_user, state=state)
    assert set(frame["customer_id"]) == {accounts[k].id for k in expected}
    assert total == len(expected)


def test_overview_refuses_an_unknown_state(session, cast, accounts):
    with pytest.raises(ValidationError):
        customers.customer_overview(session, cast.acme_user, state="sleeping", today=TODAY)


def test_account_state_in_words_days_left_or_subscription_dates(session, cast, accounts):
    frame, _ = _overview(session, cast.acme_user)
    rows = frame.set_index("customer_id")
    assert rows.loc[accounts["fresh"].id, "trial_days_left"] == 14
    assert rows.loc[accounts["ending"].id, "trial_days_left"] == 3
    active = rows.loc[accounts["active"].id]
    assert active["subscription_started_on"] == TODAY - dt.timedelta(days=280)
    assert active["renewal_on"] == TODAY + dt.timedelta(days=85)


def test_needs_attention_lists_accounts_with_a_derived_signal_or_a_stored_item(session, cast, accounts):
    # ending: its trial ends within 7 days; the others were used yesterday and renew or end later
    frame, total = _overview(session, cast.acme_user, needs_attention=True)
    assert set(frame["customer_id"]) == {accounts["ending"].id}
    customers.add_attention_item(session, cast.manager, accounts["active"].id, kind="failed_payment", today=TODAY)
    frame, total = _overview(session, cast.acme_user, needs_attention=True)
    assert set(frame["customer_id"]) == {accounts["ending"].id, accounts["active"].id} and total == 2
    rows = frame.set_index("customer_id")
    assert rows.loc[accounts["active"].id, "attention_items"] == 1
    frame, _ = _overview(session, cast.acme_user, needs_attention=False)
    assert accounts["fresh"].id in set(frame["customer_id"])
    assert accounts["active"].id not in set(frame["customer_id"])


def test_no_activity_in_thirty_days_and_renewal_within_thirty_days_need_attention(session, cast, accounts):
    later = TODAY + dt.timedelta(days=60)  # nobody active since yesterday; the renewal is 25 days away
    frame, _ = _overview(session, cast.acme_user, today=later)
    rows = frame.set_index("customer_id")
    active = rows.loc[accounts["active"].id]
    assert active["state"] == "active"
    assert active["attention_items"] == 2  # no activity + renewal due


def test_attention_items_count_stored_and_derived_items_together(session, cast, accounts):
    customers.add_attention_item(session, cast.acme_user, accounts["ending"].id, kind="overdue_task", today=TODAY)
    customers.add_attention_item(session, cast.acme_user, accounts["ending"].id, kind="failed_payment",
                                 today=TODAY)
    frame, _ = _overview(session, cast.acme_user)
    assert frame.set_index("customer_id").loc[accounts["ending"].id, "attention_items"] == 3  # 2 + trial ending


def test_activities_in_the_last_ninety_days_are_counted(session, cast, make_trial):
    trial = make_trial(cast.acme_user, today=TODAY - dt.timedelta(days=200))
    for days_ago in (0, 1, 1, 89, 90, 120):
        customers.record_activity(session, trial.id, occurred_on=TODAY - dt.timedelta(days=days_ago))
    frame, _ = _overview(session, cast.acme_user)
    assert frame.set_index("customer_id").loc[trial.id, "activities_90d"] == 4


def test_activity_recorded_after_a_first_look_is_counted_the_same_day(session, cast, make_trial):
    trial = make_trial(cast.acme_user, today=TODAY)
    _overview(session, cast.acme_user)
    customers.record_activity(session, trial.id, occurred_on=TODAY)
    frame, _ = _overview(session, cast.acme_user)
    assert frame.set_index("customer_id").loc[trial.id, "activities_90d"] == 1


# --- overview: search, sort, paging ------------------------------------------------------------


def test_overview_searches_name_and_domain_case_insensitively(session, cast, accounts):
    frame, total = _overview(session, cast.acme_user, search="ENDING trial")
    assert list(frame["customer_id"]) == [accounts["ending"].id] and total == 1
    frame, total = _overview(session, cast.acme_user, search="active.de")
    assert list(frame["customer_id"]) == [accounts["active"].id] and total == 1
    frame, total = _overview(session, cast.acme_user, search="nothing-like-this")
    assert frame.empty and total == 0


def test_search_treats_wildcards_as_text(session, cast, accounts):
    frame, total = _overview(session, cast.acme_user, search="%")
    assert frame.empty and total == 0


def test_search_follows_renamed_and_deleted_accounts(session, cast, make_trial):
    """The trigram index (migration 0006) is kept in step with the accounts it indexes."""
    customer = session.get(Customer, make_trial(cast.acme_user, company_name="Fresh Start Oy", domain="fresh-start.fi",
                                                today=TODAY).id)
    customer.name = "Renamed Holdings Oy"
    session.add(customer)
    session.commit()
    assert _overview(session, cast.acme_user, search="fresh start")[1] == 0
    assert list(_overview(session, cast.acme_user, search="renamed hold")[0]["customer_id"]) == [customer.id]
    session.delete(customer)
    session.commit()
    assert _overview(session, cast.acme_user, search="renamed")[1] == 0
    assert _overview(session, cast.acme_user, search="fresh-start.fi")[1] == 0


@pytest.mark.parametrize(("text", "expected"), [
    ("ac", {"active"}),  # shorter than a trigram: a plain scan
    ("e", {"fresh", "ending", "closed", "active"}),
    ('"Trial', set()),  # a quote is text, not query syntax
    ("Trial AB", {"ending"}),  # spaces belong to the text
    ("g.se", {"ending"}),
])
def test_search_of_short_texts_and_query_syntax(session, cast, accounts, text, expected):
    frame, total = _overview(session, cast.acme_user, search=text)
    assert set(frame["customer_id"]) == {accounts[k].id for k in expected} and total == len(expected)


def test_search_ignores_case_of_accented_letters(session, cast, make_trial):
    trial = make_trial(cast.acme_user, company_name="Österlund Ångström AB", domain="osterlund.se", today=TODAY)
    for text in ("ÖSTERLUND", "österlund", "ångström"):
        assert list(_overview(session, cast.acme_user, search=text)[0]["customer_id"]) == [trial.id], text


@pytest.mark.parametrize("column", ["name", "domain", "state", "activities_90d", "attention_items",
                                    "framework_progress", "users", "trial_days_left", "renewal_on"])
def test_overview_sorts_by_any_column_both_ways(session, cast, accounts, column):
    up, _ = _overview(session, cast.acme_user, sort=column)
    down, _ = _overview(session, cast.acme_user, sort="-" + column)
    assert len(up) == len(down) == 4
    values_up = [v for v in up[column].tolist() if not pd.isna(v)]
    values_down = [v for v in down[column].tolist() if not pd.isna(v)]
    assert values_up == sorted(values_up)
    assert values_down == sorted(values_down, reverse=True)


def test_overview_sorts_by_name_and_by_descending_activity(session, cast, accounts):
    frame, _ = _overview(session, cast.acme_user, sort="name")
    assert list(frame["name"]) == sorted(frame["name"])
    customers.record_activity(session, accounts["closed"].id, occurred_on=TODAY - dt.timedelta(days=2))
    customers.record_activity(session, accounts["closed"].id, occurred_on=TODAY - dt.timedelta(days=3))
    frame, _ = _overview(session, cast.acme_user, sort="-activities_90d", today=TODAY + dt.timedelta(days=1))
    assert frame.iloc[0]["customer_id"] == accounts["closed"].id


def test_staff_sorting_by_partner_keeps_the_accounts_no_partner_holds_last_both_ways(
        session, cast, accounts, make_trial):
    """Issue 19's review: the partner's name is NOT NULL in its table but empty for an account no partner holds
    (an outer join), so that sort keeps NULLS LAST in both directions on both databases."""
    make_trial(cast.beta_user, company_name="Beta Account Oy", domain="beta-account.fi", today=TODAY)
    orphan = session.get(Customer, accounts["closed"].id)
    orphan.partner_id = None
    session.commit()
    for sort in ("partner_name", "-partner_name"):
        frame, total = _overview(session, cast.admin, sort=sort)
        assert total == 5 and frame.iloc[-1]["customer_id"] == orphan.id, sort
        names = list(frame["partner_name"].iloc[:-1])
        assert names == sorted(names, reverse=sort.startswith("-")) and len(set(names)) == 2, sort


def test_overview_refuses_an_unknown_sort_column(session, cast, accounts):
    with pytest.raises(ValidationError):
        customers.customer_overview(session, cast.acme_user, sort="password_hash", today=TODAY)


def test_overview_pages_through_a_long_list(session, cast, make_trial):
    made = [make_trial(cast.acme_user, company_name=f"Paged {i:02d} Oy", today=TODAY) for i in range(7)]
    seen = []
    for offset in (0, 3, 6):
        frame, total = _overview(session, cast.acme_user, sort="name", limit=3, offset=offset)
        assert total == 7
        seen += list(frame["customer_id"])
    assert seen == [c.id for c in made]
    frame, total = _overview(session, cast.acme_user, limit=3, offset=9)
    assert frame.empty and total == 7


def test_overview_default_page_is_fifty(session, cast, make_trial):
    for i in range(52):
        make_trial(cast.acme_user, company_name=f"Bulk {i:02d} AB", today=TODAY)
    frame, total = _overview(session, cast.acme_user)
    assert len(frame) == 50 and total == 52


def test_overview_of_nobody_is_an_empty_frame_with_the_columns(session, cast):
    frame, total = _overview(session, cast.acme_user)
    assert frame.empty and total == 0


def test_overview_framework_progress_and_users_come_from_the_account(session, cast, make_trial):
    trial = make_trial(cast.acme_user, framework="NIS2", today=TODAY)
    customer = session.exec(select(Customer).where(Customer.id == trial.id)).one()
    customer.framework_progress, customer.users = 42, 7
    session.add(customer)
    session.commit()
    row = _overview(session, cast.acme_user)[0].set_index("customer_id").loc[trial.id]
    assert (row["framework"], row["framework_progress"], row["users"]) == ("NIS2", 42, 7)


# --- any search text is safe ---------------------------------------------------------------------

from hypothesis import HealthCheck, example, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=30))
@example(text="\x00")  # a NUL byte: PostgreSQL refuses it in any text parameter
@example(text="50%_off\\")
def test_property_any_search_text_gives_matching_own_rows_or_a_validation_error(session, cast, accounts, text):
    try:
        frame, total = customers.customer_overview(session, cast.acme_user, search=text, today=TODAY)
    except ValidationError as err:
        assert err.field == "search"
        return
    assert set(frame["partner_id"]) <= {cast.acme.id}
    needle = text.strip().lower()
    for name, domain in zip(frame["name"], frame["domain"], strict=True):
        assert needle in name.lower() or needle in domain.lower(), (text, name, domain)
    assert total == len(frame)


# --- renewals roll over ------------------------------------------------------------------------


def test_the_renewal_date_shown_is_the_next_one_even_years_after_the_subscription_started(session, cast, make_trial):
    trial = make_trial(cast.acme_user, today=dt.date(2024, 2, 1))
    _subscribe(session, trial.id, dt.date(2024, 3, 1))
    _active_recently(session, trial.id, TODAY)
    row = _overview(session, cast.acme_user)[0].set_index("customer_id").loc[trial.id]
    assert row["state"] == "active"
    assert row["subscription_started_on"] == dt.date(2024, 3, 1)
    assert row["renewal_on"] == dt.date(2027, 3, 1), "the next renewal on or after today (2026-06-10)"


def test_a_won_deal_renews_a_year_later_and_is_flagged_thirty_days_before_each_renewal(session, cast, factory):
    won = factory.won_deal(cast.acme_user, cast.manager)
    assert won.customer_id is not None, "closing won links the customer account"
    second_renewal = won.won_on.replace(year=won.won_on.year + 2) if not (
        won.won_on.month == 2 and won.won_on.day == 29) else dt.date(won.won_on.year + 2, 2, 28)
    day = second_renewal - dt.timedelta(days=10)
    customers.record_activity(session, won.customer_id, occurred_on=day)
    row = _overview(session, cast.acme_user, today=day)[0].set_index("customer_id").loc[won.customer_id]
    assert row["state"] == "active"
    assert row["renewal_on"] == second_renewal
    assert row["attention_items"] == 1, "renewal within 30 days"
