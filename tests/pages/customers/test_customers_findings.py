"""The customer page's findings (AppTest): the list first, attention in words, the domain next to the name, header
clicks that sort every page in SQL, messages next to their action, every bad trial field at once, extension
requests (filter, date column, link, grant or decline with a reason), and a manager's "my partners".

The world is test_customers.py's (Acme with named accounts and 52 fillers, Beta with one secret account; Acme's
partner manager is the world's partner manager).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING

import test_customers as base
from pages_helpers import main_text, shown
from streamlit.testing.v1 import AppTest
from test_customers import (
    ROOT,
    TODAY,
    details_text,
    has,
    names,
    open_by_name,
    overview,
    stored,
    submit_trial,
    table,
)

from partner_model import customers, users

if TYPE_CHECKING:
    from conftest import World

PAGE = "pages/customers.py"
# The customer page's world and fixtures (pytest finds a fixture by its name in the module).
customers_template, world, page = base.customers_template, base.world, base.page


def _walk(node):  # type: ignore[no-untyped-def]
    yield node
    for child in (getattr(node, "children", None) or {}).values():
        yield from _walk(child)


def _types_in_order(at: AppTest) -> list[str]:
    return [getattr(node, "type", "") for node in _walk(at.main)]


def _request_extension(world: World, name: str) -> int:
    customer_id = int(overview(world, "partner_user", search=name)[0]["customer_id"][0])
    with world.session() as s:
        alice = users.get_user(s, world.user_ids["partner_user"])
        customers.request_extension(s, alice, customer_id)
    return customer_id


def _click_header(at: AppTest, column: str) -> AppTest:
    """What a click on a column's header sends: the column selected (the grid's own sort is off)."""
    at.session_state["customers_table"] = {"selection": {"rows": [], "columns": [column], "cells": []}}
    at.run()
    assert not at.exception
    return at


def _headers(at: AppTest) -> dict[str, str]:
    config = json.loads(at.dataframe(key="customers_table").proto.columns)
    return {column: spec.get("label", column) for column, spec in config.items()}


# --- the list first ------------------------------------------------------------------------------------------


def test_the_list_comes_first_then_one_row_of_metrics_and_the_chart_folded(page):
    at = page("partner_user")
    order = _types_in_order(at)
    assert order.index("dataframe") < order.index("metric")
    chart_fold = next(e for e in at.expander if e.label == "Accounts by state and framework")
    assert order.index("metric") < next(i for i, node in enumerate(_walk(at.main)) if node is chart_fold)
    # Folded, the chart is neither read nor drawn (a folded Plotly chart still cost the browser every visit) ...
    assert chart_fold.proto.expanded is False and not at.get("plotly_chart")
    at.session_state["customers_chart_open"] = True  # ... the user opens the fold: it is drawn inside it
    at.run()
    assert not at.exception
    chart_fold = next(e for e in at.expander if e.label == "Accounts by state and framework")
    assert chart_fold.get("plotly_chart")
    metrics_row = at.get_by_key("customers_metrics")
    assert len(metrics_row.metric) == len(at.metric) == 7  # one row; the extension metric is staff's


# --- attention in words ----------------------------------------------------------------------------------------


def test_the_attention_column_says_why_in_words(page):
    at = page("partner_user")

    def why(search: str) -> str:
        at.text_input(key="customers_search").input(search).run()
        assert not at.exception
        return table(at)["attention"].iloc[0]

    assert why("Nordic Retail") == "trial ends in 4 d · no activity ever"
    assert why("Busy Bees") == "1 open item"  # two days old, active: only its open item
    assert why("Active Analytics") == "no activity ever"
    assert why("Closed Corp") == ""
    assert "attention" in at.dataframe(key="customers_table").proto.column_order
    assert "attention_items" not in at.dataframe(key="customers_table").proto.column_order  # not a bare count


def test_the_attention_words_count_days_since_the_last_activity(page, world):
    nordic = int(overview(world, "partner_user", search="Nordic")[0]["customer_id"][0])
    with world.session() as s:
        customers.record_activity(s, nordic, occurred_on=TODAY - dt.timedelta(days=45))
    at = page("partner_user")
    at.text_input(key="customers_search").input("Nordic").run()
    assert table(at)["attention"].iloc[0] == "trial ends in 4 d · no activity 45 d"


def test_a_trial_created_a_minute_ago_is_not_flagged_for_inactivity(page, world):
    at = submit_trial(page("partner_user"), name="Brand New Oy", domain="brand-new.example", framework="NIS2")
    assert "Nothing needs attention on this account now." in details_text(at)
    assert "No activity in the last" not in details_text(at)  # neither flagged nor said of its first minute
    assert "No activity yet: the trial started on" in details_text(at)
    at.text_input(key="customers_search").input("Brand New").run()
    assert names(at) == ["Brand New Oy"]
    assert table(at)["attention"].iloc[0] == "" and int(table(at)["attention_items"].iloc[0]) == 0


# --- columns and sorting ---------------------------------------------------------------------------------------


def test_the_domain_sits_next_to_the_name_with_room_for_it(page):
    at = page("partner_user")
    grid = at.dataframe(key="customers_table").proto
    assert list(grid.column_order)[:4] == ["name", "domain", "account", "attention"]
    widths = {column: spec.get("width") for column, spec in json.loads(grid.columns).items()}
    assert widths["domain"] >= 160 and widths["account"] >= 260  # "active since …, renews …" whole


def test_staff_see_the_partner_right_after_the_domain(page):
    at = page("admin")
    assert list(at.dataframe(key="customers_table").proto.column_order)[:3] == ["name", "domain", "partner_name"]


def test_the_grids_own_sort_of_the_rows_on_screen_is_off(page):
    at = page("partner_user")
    # A column selection mode turns the grid's header sort off: a header click selects the column instead.
    modes = list(at.dataframe(key="customers_table").proto.selection_mode)
    assert len(modes) == 2  # a row (opens the account) and a column (sorts the list)


def test_a_header_click_sorts_every_page_in_sql_and_the_sort_box_follows(page, world):
    nordic = int(overview(world, "partner_user", search="Nordic")[0]["customer_id"][0])
    with world.session() as s:
        for __ in range(8):
            customers.record_activity(s, nordic, occurred_on=TODAY)
    at = page("partner_user")
    assert "Nordic Retail" not in names(at)  # by name it is on page 2
    _click_header(at, "activities_90d")
    assert at.selectbox(key="customers_sort").value == "activities_90d"
    assert at.segmented_control(key="customers_sort_dir").value == "asc"
    expected, __ = overview(world, "partner_user", sort="activities_90d")
    assert list(table(at)["customer_id"]) == list(expected["customer_id"])
    assert _headers(at)["activities_90d"] == "Activity 90 d ↑"
    _click_header(at, "activities_90d")  # the same header again reverses
    assert at.segmented_control(key="customers_sort_dir").value == "desc"
    assert names(at)[0] == "Nordic Retail" and int(table(at)["activities_90d"].iloc[0]) == 8
    assert _headers(at)["activities_90d"] == "Activity 90 d ↓"
    assert at.session_state["customers_table"]["selection"]["columns"] == []  # the header is not left selected


def test_a_click_on_the_attention_header_sorts_by_the_attention_count(page, world):
    at = _click_header(page("partner_user"), "attention")
    assert at.selectbox(key="customers_sort").value == "attention_items"
    expected, __ = overview(world, "partner_user", sort="attention_items")
    assert list(table(at)["customer_id"]) == list(expected["customer_id"])


def test_a_click_on_the_state_header_sorts_by_state_and_a_page_change_starts_at_page_one(page, world):
    at = page("partner_user")
    at.pagination[0].select(2).run()
    _click_header(at, "account")
    assert at.selectbox(key="customers_sort").value == "state"
    assert "Accounts 1–50" in main_text(at)


# --- messages next to their action ------------------------------------------------------------------------------


def test_the_extension_requests_message_appears_next_to_its_button(page, world):
    at = open_by_name(page("partner_user"), "Nordic Retail")
    at.button(key="customers_request_extension").click().run()
    assert not at.exception
    details = at.get_by_key("customers_details")
    assert [s.value for s in details.success] == ["The 30-day extension of Nordic Retail's trial was requested."]
    assert len(at.main.success) == 1  # nowhere else on the page
    assert stored(world, "Nordic Retail").extension_requested_on == TODAY


# --- every bad field at once ------------------------------------------------------------------------------------


def test_an_empty_trial_form_reports_every_missing_field_each_under_its_input(page, world):
    at = submit_trial(page("partner_user"))
    errors = [e.value for e in at.main.error]
    assert errors == ["Company name is required.", "Domain is required.", "Framework is required."]
    order = [(getattr(n, "type", ""), getattr(n, "label", None) or getattr(n, "value", ""))
             for n in _walk(at.get("form")[0])]
    labels = [text for kind, text in order if kind in ("text_input", "selectbox", "error")]
    assert labels == ["Company name", "Company name is required.", "Domain", "Domain is required.",
                      "Main framework", "Framework is required."]


# --- extension requests -----------------------------------------------------------------------------------------


def test_staff_filter_the_list_to_waiting_extension_requests_with_their_date(page, world):
    _request_extension(world, "Nordic Retail")
    at = page("partner_manager")
    assert {m.label: m.value for m in at.metric}["Extension requests"] == "1"
    at.toggle(key="customers_extension").set_value(True).run()
    assert not at.exception
    assert names(at) == ["Nordic Retail"]
    assert table(at)["extension"].iloc[0] == TODAY
    assert "extension" in at.dataframe(key="customers_table").proto.column_order


def test_a_link_from_the_inbox_turns_the_extension_filter_on(world):
    _request_extension(world, "Nordic Retail")
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=30)
    at.session_state["user_id"] = world.user_ids["partner_manager"]
    at.run()
    at.query_params["extension_requested"] = "1"
    at.switch_page(PAGE).run()
    assert not at.exception
    assert at.toggle(key="customers_extension").value is True
    assert names(at) == ["Nordic Retail"]


def test_a_link_with_a_customer_id_opens_that_account(world):
    nordic = int(overview(world, "partner_user", search="Nordic")[0]["customer_id"][0])
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=30)
    at.session_state["user_id"] = world.user_ids["partner_user"]
    at.run()
    at.query_params["customer"] = str(nordic)
    at.switch_page(PAGE).run()
    assert not at.exception
    assert "trial, 4 days left" in details_text(at)


def test_a_link_to_another_partners_account_says_not_found(world):
    secret = int(overview(world, "admin", search="beta-secret")[0]["customer_id"][0])
    for value in (str(secret), "abc", "²"):
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=30)
        at.session_state["user_id"] = world.user_ids["partner_user"]
        at.run()
        at.query_params["customer"] = value
        at.switch_page(PAGE).run()
        assert not at.exception
        assert any("Customer not found." in e.value for e in at.error), value
        assert not has(at, "customers_details") and at.dataframe


def test_staff_decline_a_request_with_a_reason_the_partner_then_sees(page, world):
    _request_extension(world, "Nordic Retail")
    at = open_by_name(page("partner_manager"), "Nordic Retail")
    at.button(key="customers_decline_extension").click().run()  # no reason yet
    assert not at.exception
    details = at.get_by_key("customers_details")
    assert [e.value for e in details.error] == ["Reason is required."]
    assert stored(world, "Nordic Retail").extension_declined_on is None
    at.text_input(key="customers_decline_reason").input("Budget freeze: ask again in March.")
    at.button(key="customers_decline_extension").click().run()
    assert not at.exception
    assert [s.value for s in at.get_by_key("customers_details").success] == [
        "The extension request for Nordic Retail was declined; the partner sees your reason."]
    declined = stored(world, "Nordic Retail")
    assert declined.extension_declined_on == TODAY
    assert declined.extension_decline_reason == "Budget freeze: ask again in March."

    partner = open_by_name(page("partner_user"), "Nordic Retail")
    text = shown("\n".join(m.value for m in partner.get_by_key("customers_details").markdown))
    assert "was declined on" in text and "Budget freeze: ask again in March." in text
    assert not has(partner, "customers_request_extension")


def test_staff_grant_a_waiting_request_from_the_same_place(page, world):
    ends = stored(world, "Nordic Retail").trial_ends_on
    _request_extension(world, "Nordic Retail")
    at = open_by_name(page("partner_manager"), "Nordic Retail")
    assert "Extension requested" in details_text(at)
    at.button(key="customers_grant_extension").click().run()
    assert not at.exception
    assert [s.value for s in at.get_by_key("customers_details").success] == [
        "Nordic Retail's trial was extended by 30 days."]
    assert stored(world, "Nordic Retail").trial_ends_on == ends + dt.timedelta(days=30)


# --- a manager's partners ---------------------------------------------------------------------------------------


def test_a_manager_starts_with_their_own_partners_and_one_switch_shows_all(page, world):
    at = page("partner_manager")
    assert at.toggle(key="scope_my_partners").value is True
    with world.session() as s:
        manager = users.get_user(s, world.user_ids["partner_manager"])
        mine = customers.overview_metrics(s, manager, manager_id=manager.id)["accounts"]
        every = customers.overview_metrics(s, manager)["accounts"]
    assert {m.label: m.value for m in at.metric}["Accounts"] == f"{mine:,}"
    at.text_input(key="customers_search").input("Beta Secret").run()
    assert not at.dataframe
    at.toggle(key="scope_my_partners").set_value(False).run()
    assert not at.exception
    assert names(at) == ["Beta Secret Client"]
    assert {m.label: m.value for m in at.metric}["Accounts"] == f"{every:,}"


def test_the_account_says_whether_the_product_confirmed_its_trial(world):
    """Issue 17: a trial created in the dashboard is sent to the product; its account says "Sending…" until the
    product confirms, then when it did."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from partner_model import db, webhook

    class Confirming(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            self.rfile.read(int(self.headers["Content-Length"]))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    with world.session() as s:
        trial = customers.create_trial(s, users.get_user(s, world.user_ids["partner_user"]),
                                       company_name="Productive Oy", domain="productive-oy.example",
                                       framework="ISO 27001")

    def opened() -> str:
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=30)
        at.session_state["user_id"] = world.user_ids["partner_user"]
        at.run()
        at.query_params["customer"] = str(trial.id)
        at.switch_page(PAGE).run()
        assert not at.exception
        return details_text(at)

    assert "Sending the trial to the product" in opened()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Confirming)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        engine = db.make_engine(world.url)
        sent = webhook.send_due(engine, config=webhook.Settings(
            url=f"http://127.0.0.1:{server.server_address[1]}/events", secret="s"))
        engine.dispose()
    finally:
        server.shutdown()
    assert sent.confirmed >= 1 and sent.failed == 0  # the world's own trials were waiting too
    assert "The product confirmed the trial on" in opened()


def test_staff_find_unlinked_accounts_and_link_one_to_a_partner(world):
    """Issue 17: "Unlinked accounts only" (staff) lists the product's accounts no partner holds; the account's
    panel links it to the partner chosen; a partner's users never see it."""
    from partner_model import feed

    with world.session() as s:
        feed.apply_batch(s, [{"event_id": "ul-page", "type": "account.created", "name": "Lone Wolf Oy",
                              "occurred_at": "2026-11-30T08:00:00Z",
                              "account": {"external_id": "acc-lone", "domain": "lone-wolf.example"}}])
    assert overview(world, "partner_user", search="Lone Wolf")[1] == 0
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=30)
    at.session_state["user_id"] = world.user_ids["admin"]
    at.run()
    at = at.switch_page(PAGE).run()
    at = at.toggle(key="customers_unlinked").set_value(True).run()
    assert not at.exception
    assert names(at) == ["Lone Wolf Oy"]
    at = open_by_name(at, "Lone Wolf Oy")
    assert "no partner holds the account yet" in details_text(at)
    at = at.selectbox(key="customers_link_partner").select(world.acme_id).run()
    at = at.button(key="customers_link_submit").click().run()
    assert not at.exception
    assert overview(world, "partner_user", search="Lone Wolf")[1] == 1
