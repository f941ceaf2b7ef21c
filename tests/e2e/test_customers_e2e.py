"""The customer page in Chromium: a partner signs in, is refused a bad trial, creates one and finds it in the list;
the list comes first on a 1440 × 1000 screen, a header click sorts the whole list, and an action's message shows
next to its button."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from playwright.sync_api import Page, expect

from e2e_support import email, save_shot, settle
from partner_model import clock, customers, db, users

if TYPE_CHECKING:  # not imported at run time: run with tests/pages, "conftest" may be that folder's module
    from conftest import Server

# As in tests/e2e/conftest.py (the users it seeds, the folder it creates).
PASSWORD = "correct horse battery"
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"



def shot(page: Page, name: str) -> None:
    save_shot(page, f"customers_{name}")

def open_customers(page: Page, base: str, role: str) -> None:
    page.goto(base)
    page.get_by_role("textbox", name="Email").fill(email(role))
    page.get_by_role("textbox", name="Email").press("Enter")
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    settle(page)
    page.get_by_test_id("stSidebar").get_by_role("link", name="Customers", exact=True).click()
    page.wait_for_url("**/customers")
    expect(page.get_by_role("heading", name="Customers")).to_be_visible()
    settle(page)


def fill_trial(page: Page, name: str, domain: str) -> None:
    # No Enter here: in a form, Enter submits it.
    form = page.get_by_test_id("stForm")
    form.get_by_role("textbox", name="Company name").fill(name)
    form.get_by_role("textbox", name="Domain").fill(domain)


def give_nordic_retail_some_history(server: Server) -> None:
    """Activity on most of the last 40 days and one open item, so its details have something to show."""
    engine = db.make_engine(f"sqlite:///{server.database}")
    with db.session(engine) as s:
        alice = users.get_user(s, server.user_ids["partner_user"])
        nordic = int(customers.customer_overview(s, alice, search="nordic-retail")[0]["customer_id"][0])
        for days_ago in range(40):
            for _ in range(days_ago % 4):
                customers.record_activity(s, nordic, occurred_on=clock.today() - dt.timedelta(days=days_ago))
        customers.add_attention_item(s, alice, nordic, kind="overdue_tasks", detail="Two tasks are overdue.")
    engine.dispose()


SCREEN = {"width": 1440, "height": 1000}


def test_the_list_comes_first_on_the_screen_and_a_header_click_sorts_it(server, page):
    page.set_viewport_size(SCREEN)
    open_customers(page, server.url, "partner_user")
    grid = page.get_by_test_id("stDataFrame")
    expect(grid).to_be_visible()
    metric = page.get_by_test_id("stMetric").first
    box, metric_box = grid.bounding_box(), metric.bounding_box()
    assert box is not None and metric_box is not None
    assert box["y"] + 80 < SCREEN["height"]  # the list's first rows are on the first screen, without scrolling
    assert box["y"] < metric_box["y"]  # the metrics come after it
    expect(page.get_by_role("paragraph").filter(has_text="Accounts by state and framework")).to_be_visible()
    expect(page.get_by_test_id("stPlotlyChart")).to_be_hidden()  # the chart is folded below
    shot(page, "overview")
    # Opened, the fold reads and draws the chart (folded, the page never builds it).
    page.get_by_role("paragraph").filter(has_text="Accounts by state and framework").click()
    expect(page.get_by_test_id("stPlotlyChart")).to_be_visible()
    expect(page.get_by_test_id("stPlotlyChart").locator(".main-svg").first).to_be_visible()
    page.get_by_role("paragraph").filter(has_text="Accounts by state and framework").click()  # folded again
    expect(page.get_by_test_id("stPlotlyChart")).to_be_hidden()

    # A click on the Domain header sorts every page by domain (in SQL) and the Sort control says so.
    marker = 34  # the row-selection column
    page.mouse.click(box["x"] + marker + 150 + 60, box["y"] + 17)
    settle(page)
    expect(page.get_by_role("combobox", name="Sort by")).to_have_value("Domain")
    page.mouse.click(box["x"] + marker + 150 + 60, box["y"] + 17)  # again: the other way round
    settle(page)
    expect(page.get_by_role("radio", name="Descending")).to_be_checked()
    shot(page, "sorted_by_domain")


def test_staff_see_each_accounts_partner_beside_its_domain_on_one_screen(server, page):
    page.set_viewport_size(SCREEN)
    open_customers(page, server.url, "admin")
    grid = page.get_by_test_id("stDataFrame")
    expect(grid).to_be_visible()
    box = grid.bounding_box()
    assert box is not None and box["y"] + 80 < SCREEN["height"]
    width = page.get_by_test_id("stMainBlockContainer").bounding_box()
    assert width is not None and box["width"] <= width["width"]  # the columns fit: no sideways scrolling
    shot(page, "staff_overview")


def test_partner_creates_a_trial_and_finds_it_in_the_list(server, page):
    page.set_viewport_size({"width": 1400, "height": 2000})
    open_customers(page, server.url, "partner_user")

    page.get_by_text("Create a trial").click()
    fill_trial(page, "Fjord Analytics", "gmail.com")
    settle(page)  # the expander's click reruns the app; an option list opened during that rerun closes again
    page.get_by_test_id("stForm").get_by_role("combobox", name="Main framework").click()
    page.get_by_role("option", name="NIS2", exact=True).click()
    page.get_by_role("button", name="Create the trial").click()
    expect(page.get_by_text("gmail.com is a free-mail domain")).to_be_visible()
    settle(page)
    shot(page, "refused_trial")

    fill_trial(page, "Fjord Analytics", "fjord-analytics.example")
    page.get_by_role("button", name="Create the trial").click()
    expect(page.get_by_text("The trial of Fjord Analytics (fjord-analytics.example) was created")).to_be_visible()
    settle(page)
    details = page.locator(".st-key-customers_details")
    expect(details.get_by_text("trial, 14 days left")).to_be_visible()

    page.get_by_role("textbox", name="Search").fill("fjord-analytics")  # other e2e tests add other Fjord firms
    page.get_by_role("textbox", name="Search").press("Enter")
    expect(page.get_by_text("Accounts 1–1 of 1")).to_be_visible()
    settle(page)
    # The grid draws on a canvas: its rows are not in the DOM, the page's account picker is.
    expect(page.get_by_test_id("stDataFrame")).to_have_count(1)
    page.get_by_role("combobox", name="Open an account").click()
    expect(page.get_by_role("option", name="Fjord Analytics (fjord-analytics.example)")).to_have_count(1)
    page.keyboard.press("Escape")
    shot(page, "created_trial_found")

    # Close the account, then open it again with a click on its row's selection box.
    details.get_by_role("button", name="Close").click()
    expect(details).to_have_count(0)
    settle(page)
    grid = page.get_by_test_id("stDataFrame").bounding_box()
    assert grid is not None
    page.mouse.click(grid["x"] + 15, grid["y"] + 35 + 17)
    expect(details.get_by_role("heading", name="Fjord Analytics")).to_be_visible()
    settle(page)
    shot(page, "row_selected")


def test_partner_opens_an_account_and_asks_for_the_extension(server, page):
    give_nordic_retail_some_history(server)
    page.set_viewport_size(SCREEN)
    open_customers(page, server.url, "partner_user")
    page.get_by_role("combobox", name="Open an account").click()
    page.get_by_role("option", name="Nordic Retail (nordic-retail.example)").click()
    details = page.locator(".st-key-customers_details")
    expect(details.get_by_text("Two tasks are overdue.")).to_be_visible()
    expect(details.get_by_text("Daily activity of Nordic Retail")).to_be_visible()
    settle(page)
    button = details.get_by_role("button", name="Request the 30-day extension")
    button.scroll_into_view_if_needed()
    asked_at = button.bounding_box()
    button.click()
    message = details.get_by_text("The 30-day extension of Nordic Retail's trial was requested.")
    expect(message).to_be_visible()
    expect(details.get_by_text("The 30-day extension was requested on")).to_be_visible()
    settle(page)
    shown_at = message.bounding_box()
    assert asked_at is not None and shown_at is not None
    assert abs(shown_at["y"] - asked_at["y"]) < 150  # where the button was, not a screen away
    details.screenshot(path=str(SCREENSHOTS / "customers_details.png"))
    shot(page, "extension_requested")
