"""The customer overview page: filters, sort, paging, metrics, charts, details, trials and extensions (AppTest).

The page world (tests/pages/conftest.py) gets more accounts here, built once per module and copied per test:
Acme (the partner users' firm) has trials, an active account with a won deal, a closed trial, a busy trial with
activity and an open attention item, and enough filler trials for two pages; Beta has one secret account. The
world's partner manager looks after Acme (not Beta): a manager's page starts with "my partners".
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from pages_helpers import all_text, main_text, shown
from streamlit.testing.v1 import AppTest

from pages.components.customers.table import SORT_COLUMNS
from partner_model import clock, customers, db, deals, i18n, partners, rules, users
from partner_model.i18n import Formats

if TYPE_CHECKING:  # not imported at run time: run with tests/e2e, "conftest" may be that folder's module
    from conftest import World

ROOT = Path(__file__).resolve().parents[3]
PAGE = "pages/customers.py"
TODAY = clock.today()
FILLERS = 52  # with the named accounts, Acme has more than one page of 50


def _build(s, world: World) -> None:  # type: ignore[no-untyped-def]
    alice = users.get_user(s, world.user_ids["partner_user"])
    manager = users.get_user(s, world.user_ids["partner_manager"])
    beta = users.get_user(s, world.user_ids["beta_admin"])
    admin = users.get_user(s, world.user_ids["admin"])
    partners.set_manager(s, admin, world.acme_id, manager.id)  # the manager looks after Acme, not Beta
    won = deals.register_deal(s, alice, contact_name="Ari Active", contact_email="ari@active-analytics.example",
                              company_name="Active Analytics", annual_value="24000", framework="NIS2")
    deals.review_deal(s, manager, won.id, accept=True)
    deals.move_deal(s, alice, won.id, stage="closed_won", billing_option="credit_card")
    customers.create_trial(s, alice, company_name="Closed Corp", domain="closed-corp.example", framework="GDPR",
                           today=TODAY - dt.timedelta(days=40))
    busy = customers.create_trial(s, alice, company_name="Busy Bees", domain="busy-bees.example",
                                  framework="SOC 2", today=TODAY - dt.timedelta(days=2))
    for days_ago in (0, 1, 1, 3, 20):
        customers.record_activity(s, busy.id, occurred_on=TODAY - dt.timedelta(days=days_ago))
    customers.add_attention_item(s, alice, busy.id, kind="overdue_tasks", detail="Three tasks are overdue.")
    for i in range(FILLERS):
        customers.create_trial(s, alice, company_name=f"Filler {i:02d} Oy", domain=f"filler-{i:02d}.example",
                               framework="DORA")
    customers.create_trial(s, beta, company_name="Beta Secret Client", domain="beta-secret.example",
                           framework="ISO 27001")


@pytest.fixture(scope="module")
def customers_template(world_template, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, World]:
    template, built = world_template
    path = tmp_path_factory.mktemp("customers-world") / "world.db"
    shutil.copyfile(template, path)
    engine = db.make_engine(f"sqlite:///{path}")
    with db.session(engine) as s:
        _build(s, built)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path, built


@pytest.fixture
def world(customers_template, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> World:
    template, built = customers_template
    path = tmp_path / "partners.db"
    shutil.copyfile(template, path)
    url = f"sqlite:///{path}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("PARTNER_COOKIE_SECRET", "page-tests-secret")
    return dataclasses.replace(built, url=url, user_ids=dict(built.user_ids))


@pytest.fixture
def page(world: World) -> Callable[[str], AppTest]:
    """`page("admin")`: the customer page as that user, run once."""

    def make(role: str) -> AppTest:
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=30)
        at.session_state["user_id"] = world.user_ids[role]
        at.switch_page(PAGE).run()
        assert not at.exception
        return at

    return make


def overview(world: World, role: str, **filters) -> tuple:  # type: ignore[no-untyped-def]
    """What the service returns for the same user and filters: what the page must show."""
    with world.session() as s:
        actor = users.get_user(s, world.user_ids[role])
        return customers.customer_overview(s, actor, **filters)


def table(at: AppTest):  # type: ignore[no-untyped-def]
    return at.dataframe(key="customers_table").value


def names(at: AppTest) -> list[str]:
    return list(table(at)["name"])


def account_count(world: World) -> int:
    with world.session() as s:
        admin = users.get_user(s, world.user_ids["admin"])
        return customers.customer_overview(s, admin, limit=0)[1]


def has(at: AppTest, key: str) -> bool:
    try:
        at.get_by_key(key)
    except KeyError:
        return False
    return True


def details_text(at: AppTest) -> str:
    return node_text(at.get_by_key("customers_details"))


def node_text(node) -> str:  # type: ignore[no-untyped-def]
    """A block's elements and their children, as protobuf text."""
    proto = getattr(node, "proto", None)
    parts = [str(proto)] if proto is not None else []
    return "\n".join(parts + [node_text(c) for c in (getattr(node, "children", None) or {}).values()])


def open_by_name(at: AppTest, name: str) -> AppTest:
    """Select the account's row in the table, as a click would (the search narrows the table first)."""
    at.text_input(key="customers_search").input(name).run()
    row = names(at).index(name)
    at.session_state["customers_table"] = {"selection": {"rows": [row], "columns": [], "cells": []}}
    at.run()
    assert not at.exception
    return at


# --- who sees what ------------------------------------------------------------------------------


def test_partner_user_sees_only_their_own_partners_accounts(page, world):
    at = page("partner_user")
    shown, total = overview(world, "partner_user")
    assert names(at) == list(shown["name"])
    assert "Beta Secret Client" not in all_text(at)
    assert "Partner" not in [s.label for s in at.selectbox]  # no partner filter for partners
    at.text_input(key="customers_search").input("Beta Secret").run()
    assert not at.exception
    assert not at.dataframe
    assert any("No accounts match" in i.value for i in at.info)


def test_a_partner_cannot_open_another_partners_account_even_by_its_id(page, world):
    beta_secret = int(overview(world, "admin", search="beta-secret")[0]["customer_id"][0])
    at = page("partner_user")
    at.session_state["customers_open"] = beta_secret
    at.run()
    assert not at.exception
    assert any("Customer not found." in e.value for e in at.error)
    assert "Beta Secret Client" not in all_text(at) and "beta-secret" not in all_text(at)


def test_another_partners_admin_sees_only_their_own_account(page):
    at = page("beta_admin")
    assert names(at) == ["Beta Secret Client"]
    assert "Nordic Retail" not in all_text(at)


def test_staff_see_every_partners_accounts_and_can_filter_by_partner(page, world):
    at = page("admin")
    assert "partner_name" in table(at).columns
    at.text_input(key="customers_search").input("Beta Secret").run()
    assert names(at) == ["Beta Secret Client"]
    at.text_input(key="customers_search").input("").run()
    at.selectbox(key="customers_partner").select(world.beta_id).run()
    assert not at.exception
    assert names(at) == ["Beta Secret Client"]
    assert at.metric[0].value == "1"


# --- filters, sort, paging ------------------------------------------------------------------------


@pytest.mark.parametrize("state", ["trial", "active", "closed"])
def test_state_filter_shows_only_accounts_in_that_state(page, world, state):
    at = page("partner_user")
    at.segmented_control(key="customers_state").set_value(state).run()
    assert not at.exception
    shown, total = overview(world, "partner_user", state=state)
    assert names(at) == list(shown["name"]) and set(table(at)["state"]) == {state}
    assert f"of {total:,}" in main_text(at)


def test_state_words_say_days_left_subscription_dates_and_closed(page):
    at = page("partner_user")

    def words(search: str) -> str:
        at.text_input(key="customers_search").input(search).run()
        assert not at.exception
        return table(at)["account"].iloc[0]

    assert words("Nordic Retail") == "trial, 4 days left"
    assert words("Closed Corp") == "closed"
    renews = rules.renewal_after(TODAY, TODAY + dt.timedelta(days=1))
    english = Formats("en")
    assert words("active-analytics") == f"active since {english.date(TODAY)}, renews {english.date(renews)}"


def test_needs_attention_filter_shows_only_accounts_with_attention_items(page, world):
    at = page("partner_user")
    at.toggle(key="customers_attention").set_value(True).run()
    assert not at.exception
    shown, total = overview(world, "partner_user", needs_attention=True)
    assert names(at) == list(shown["name"])
    assert (table(at)["attention_items"] > 0).all()
    assert "Busy Bees" in names(at) and "Closed Corp" not in names(at)


@pytest.mark.parametrize(("text", "expected"), [("busy", ["Busy Bees"]), ("closed-corp.example", ["Closed Corp"]),
                                                ("NORDIC", ["Nordic Retail"])])
def test_search_finds_accounts_by_name_or_domain(page, text, expected):
    at = page("partner_user")
    at.text_input(key="customers_search").input(text).run()
    assert not at.exception
    assert names(at) == expected


def test_every_column_sorts_both_ways_in_the_service(page, world):
    at = page("admin")
    for column in SORT_COLUMNS:
        for direction, sort in (("asc", column), ("desc", f"-{column}")):
            at.selectbox(key="customers_sort").select(column)
            at.segmented_control(key="customers_sort_dir").set_value(direction).run()
            assert not at.exception, sort
            shown, _ = overview(world, "admin", sort=sort)
            assert list(table(at)["customer_id"]) == list(shown["customer_id"]), sort


def test_paging_shows_the_next_fifty_and_a_filter_change_goes_back_to_page_one(page, world):
    at = page("partner_user")
    first, total = overview(world, "partner_user")
    assert total > 50 and names(at) == list(first["name"])
    at.pagination[0].select(2).run()
    assert not at.exception
    second, _ = overview(world, "partner_user", offset=50)
    assert names(at) == list(second["name"])
    assert f"Accounts 51–{total} of {total}" in main_text(at)
    at.segmented_control(key="customers_state").set_value("trial").run()
    assert not at.pagination or at.pagination[0].value == 1
    assert "Accounts 1–50" in main_text(at)


# --- metrics and charts -----------------------------------------------------------------------------


def test_metrics_count_accounts_by_state_attention_trials_ending_and_renewals(page, world):
    at = page("partner_user")
    with world.session() as s:
        m = customers.overview_metrics(s, users.get_user(s, world.user_ids["partner_user"]))
    shown = {metric.label: metric.value for metric in at.metric}
    assert shown == {"Accounts": f"{m['accounts']:,}", "In trial": f"{m['trial']:,}", "Active": f"{m['active']:,}",
                     "Closed": f"{m['closed']:,}",
                     "Need attention": f"{m['needs_attention']:,}",
                     "Trials ending": f"{m['trials_ending']:,}",
                     "Renewals due": f"{m['renewals_30d']:,}"}


def test_chart_stacks_accounts_by_state_for_each_framework(page):
    at = page("partner_user")
    at.session_state["customers_chart_open"] = True  # the chart's fold opened
    at.run()
    chart = at.get("plotly_chart")[0]
    spec = json.loads(chart.proto.spec)
    assert {trace["name"] for trace in spec["data"]} == {"Trial", "Active", "Closed"}
    assert spec["layout"]["barmode"] == "stack"


# --- the account's details ------------------------------------------------------------------------


def test_selecting_a_row_opens_the_account_with_attention_activity_and_deals(page):
    at = open_by_name(page("partner_user"), "Busy Bees")
    text = details_text(at)
    assert "Busy Bees" in text and "trial, 12 days left" in text
    assert "Three tasks are overdue." in shown("\n".join(m.value for m in at.markdown)) and "open item" in text
    assert "No activity in the last" not in text
    charts = at.get_by_key("customers_details").get("plotly_chart")
    assert charts and "Daily activity of Busy Bees" in charts[0].proto.spec
    assert "No deals for this account." in text


def test_an_account_opened_shows_derived_attention_and_its_deals(page):
    at = open_by_name(page("partner_user"), "Active Analytics")
    text = details_text(at)
    assert "No activity in the last 30 days" in text and "signal" in text  # derived, with why
    deals_shown = at.get_by_key("customers_deals").dataframe[0].value
    assert list(deals_shown["Stage"]) == ["Closed won"] and list(deals_shown["Review"]) == ["Accepted"]
    assert list(deals_shown["Value"]) == ["EUR\xa024,000.00"]


def test_the_keyboard_picker_opens_an_account_and_close_hides_it(page, world):
    at = page("partner_user")
    at.text_input(key="customers_search").input("Nordic").run()
    nordic = int(table(at)["customer_id"].iloc[0])
    at.selectbox(key="customers_pick").select(nordic).run()
    assert not at.exception
    assert "trial, 4 days left" in details_text(at)
    at.button(key="customers_close").click().run()
    assert not at.exception
    assert not has(at, "customers_details")
    at.selectbox(key="customers_pick").select(nordic).run()  # the same account again, after closing it
    assert "trial, 4 days left" in details_text(at)


# --- creating a trial -----------------------------------------------------------------------------


def submit_trial(at: AppTest, *, name: str = "", domain: str = "", framework: str | None = None,
                 partner: int | None = None) -> AppTest:
    at.text_input(key="customers_new_name").input(name)
    at.text_input(key="customers_new_domain").input(domain)
    if framework is not None:
        at.selectbox(key="customers_new_framework").select(framework)
    if partner is not None:
        at.selectbox(key="customers_new_partner").select(partner)
    at.button(key="customers_new_submit").click().run()
    assert not at.exception
    return at


BAD_TRIALS = [
    ({"domain": "fresh.example", "framework": "NIS2"}, "Company name is required"),
    ({"name": "Fresh Oy", "domain": "not a domain", "framework": "NIS2"}, "must be a domain name"),
    ({"name": "Fresh Oy", "domain": "gmail.com", "framework": "NIS2"}, "free-mail domain"),
    ({"name": "Fresh Oy", "domain": "acme-consulting.example", "framework": "NIS2"}, "not your own"),
    ({"name": "Fresh Oy", "domain": "busy-bees.example", "framework": "NIS2"}, "already has a customer account"),
    ({"name": "Fresh Oy", "domain": "fresh.example"}, "Framework is required"),
]


@pytest.mark.parametrize(("fields", "message"), BAD_TRIALS, ids=[m for _, m in BAD_TRIALS])
def test_a_bad_trial_shows_what_is_wrong_and_writes_nothing(page, world, fields, message):
    before = account_count(world)
    at = submit_trial(page("partner_user"), **fields)
    assert any(message in e.value for e in at.error), [e.value for e in at.error]
    assert account_count(world) == before
    assert at.text_input(key="customers_new_name").value == fields.get("name", "")  # the input is kept


def test_staff_must_choose_the_partner_of_a_trial(page, world):
    before = account_count(world)
    at = submit_trial(page("partner_manager"), name="Fresh Oy", domain="fresh.example", framework="NIS2")
    assert any("Choose the partner" in e.value for e in at.error)
    assert account_count(world) == before


def test_a_partner_creates_a_trial_and_sees_it_opened_and_in_the_list(page, world):
    before = account_count(world)
    at = submit_trial(page("partner_user"), name="Fresh Oy", domain="https://www.fresh.example/", framework="NIS2")
    assert account_count(world) == before + 1
    assert any("The trial of Fresh Oy (fresh.example) was created" in shown(s.value) for s in at.success)
    assert "trial, 14 days left" in details_text(at)
    at.text_input(key="customers_search").input("fresh").run()
    assert names(at) == ["Fresh Oy"] and list(table(at)["framework"]) == ["NIS2"]


def test_staff_create_a_trial_for_the_partner_they_choose(page, world):
    at = submit_trial(page("admin"), name="Beta New AB", domain="beta-new.example", framework="GDPR",
                      partner=world.beta_id)
    assert at.success
    shown, _ = overview(world, "beta_admin", search="beta-new")
    assert list(shown["name"]) == ["Beta New AB"]


def test_finance_reads_the_page_without_create_or_extension_actions(page):
    at = open_by_name(page("finance"), "Nordic Retail")
    assert at.dataframe and "Nordic Retail" in details_text(at)
    assert not has(at, "customers_new_submit")
    assert not has(at, "customers_request_extension")
    assert not has(at, "customers_grant_extension")


# --- extensions ------------------------------------------------------------------------------------


def stored(world: World, name: str):  # type: ignore[no-untyped-def]
    shown, _ = overview(world, "admin", search=name)
    with world.session() as s:
        return customers.get_customer(s, users.get_user(s, world.user_ids["admin"]), int(shown["customer_id"][0]))


def test_a_partner_requests_the_extension_and_cannot_grant_it(page, world):
    at = open_by_name(page("partner_user"), "Nordic Retail")
    assert not has(at, "customers_grant_extension")
    at.button(key="customers_request_extension").click().run()
    assert not at.exception
    assert any("was requested" in s.value for s in at.success)
    assert stored(world, "Nordic Retail").extension_requested_on == TODAY
    assert "extension was requested on" in details_text(at)
    assert not has(at, "customers_request_extension")  # asked once


def test_a_partner_manager_grants_the_extension_once(page, world):
    ends = stored(world, "Nordic Retail").trial_ends_on
    at = open_by_name(page("partner_manager"), "Nordic Retail")
    assert not has(at, "customers_request_extension")
    at.button(key="customers_grant_extension").click().run()
    assert not at.exception
    assert any("extended by 30 days" in s.value for s in at.success)
    assert stored(world, "Nordic Retail").trial_ends_on == ends + dt.timedelta(days=30)
    assert "trial, 34 days left" in details_text(at)
    assert not has(at, "customers_grant_extension")


def test_an_active_account_offers_no_extension(page):
    at = open_by_name(page("partner_manager"), "Active Analytics")
    assert not has(at, "customers_grant_extension")


# --- the CSV download ------------------------------------------------------------------------------


def test_csv_is_prepared_only_when_asked_for(page, world):
    at = page("partner_user")
    assert not has(at, "customers_csv_download")
    at.button(key="customers_csv_prepare").click().run()
    assert not at.exception
    assert has(at, "customers_csv_download")



# --- another language ------------------------------------------------------------------------------


def test_the_page_runs_in_finnish_with_finnish_numbers_and_dates(world):
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=30)
    at.session_state["user_id"] = world.user_ids["partner_user"]
    at.session_state["language"] = "fi"
    at.switch_page(PAGE).run()
    assert not at.exception
    words = i18n.translations("fi").gettext
    assert at.title[0].value == words("Customers")
    assert at.selectbox(key="customers_sort").options[0] == words(SORT_COLUMNS["name"])  # "Nimi"
    assert at.segmented_control(key="customers_sort_dir").options == [words("Ascending"), words("Descending")]
    at.selectbox(key="customers_sort").select("name")  # a choice made outside the run keeps working
    at.segmented_control(key="customers_sort_dir").set_value("desc").run()
    assert not at.exception
    assert names(at) == sorted(names(at), reverse=True)
    at.segmented_control(key="customers_sort_dir").set_value("asc")
    fi = Formats("fi")
    at = open_by_name(at, "Active Analytics")
    renews = rules.renewal_after(TODAY, TODAY + dt.timedelta(days=1))
    assert fi.date(TODAY) in table(at)["account"].iloc[0] and fi.date(renews) in table(at)["account"].iloc[0]
    deals_shown = at.get_by_key("customers_deals").dataframe[0].value
    assert list(deals_shown.iloc[:, 4]) == [fi.money(24000, "EUR")]
    at.button(key="customers_csv_prepare").click().run()
    assert not at.exception
    assert has(at, "customers_csv_download")
