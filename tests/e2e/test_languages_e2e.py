"""The interface in Finnish, in Chromium (issue 7): a browser whose language is Finnish gets the sign-in form,
the deal board and the commission review in Finnish without picking anything; a user who picks Swedish in the
sidebar keeps it in the next session. Screenshots: tests/e2e/screenshots/fi_*.png and sv_*.png.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from e2e_support import save_shot, settle, sign_in
from partner_model import clock, db, deals, i18n, rules, users

WON_ON = clock.today() - dt.timedelta(days=35)  # a week no other e2e test shows or approves
WEEK = rules.iso_week(WON_ON)


def fi(message: str) -> str:
    return i18n.translations("fi").gettext(message)


@pytest.fixture(scope="module")
def finnish_week(server) -> str:  # type: ignore[no-untyped-def]
    """Acme wins a deal in WEEK: one commission line to review."""
    engine = db.make_engine(f"sqlite:///{server.database}")
    with db.session(engine) as s:
        alice = users.get_user(s, server.user_ids["partner_user"])
        manager = users.get_user(s, server.user_ids["partner_manager"])
        deal = deals.register_deal(s, alice, contact_name="Kaisa Korhonen", contact_email="kaisa@saimaa-data.example",
                                   company_name="Saimaa Data Oy", annual_value="24680.50", today=WON_ON)
        deals.review_deal(s, manager, deal.id, accept=True)
        deals.move_deal(s, alice, deal.id, stage="closed_won", billing_option="via_partner", today=WON_ON)
    engine.dispose()
    return WEEK


@pytest.fixture
def finnish_page(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1400, "height": 1100}, locale="fi-FI")
    context.set_default_timeout(30_000)
    yield context.new_page()
    context.close()


def open_in_sidebar(page: Page, label: str, path: str) -> None:
    page.get_by_test_id("stSidebar").get_by_role("link", name=fi(label), exact=True).click()
    page.wait_for_url(f"**/{path}")
    expect(page.get_by_role("heading", name=fi(label), exact=True)).to_be_visible()
    settle(page)


def test_the_deal_board_in_finnish(server, finnish_page):
    page = finnish_page
    sign_in(page, server.url, "partner_manager", "fi")
    open_in_sidebar(page, "Deal board", "deal_board")
    board = page.frame_locator('iframe[title="streamlit_sortables.sortable_items"]')
    for stage in ("New", "Trial", "Closed won"):  # the drag board's column headers start with the stage
        header = board.locator(".sortable-container-header", has_text=re.compile(f"^{re.escape(fi(stage))}\\s"))
        expect(header).to_be_visible()
    assert fi("Deal board") != "Deal board"
    save_shot(page, "fi_deal_board")


def test_the_commission_review_in_finnish(server, finnish_page, finnish_week):
    page = finnish_page
    sign_in(page, server.url, "finance", "fi")
    open_in_sidebar(page, "Commissions", "commissions")
    week_number = int(finnish_week.split("W")[1])
    page.get_by_test_id("stSelectbox").filter(has_text=fi("ISO week")).click()
    page.get_by_role("option", name=re.compile(rf"\b{week_number}, {finnish_week[:4]}\b")).first.click()
    settle(page)
    expect(page.get_by_text("Saimaa Data Oy").first).to_be_attached()
    # Money in Finnish: a space groups thousands, a comma marks the cents, the code follows.
    money = i18n.Formats("fi").money
    expect(page.get_by_text(money(Decimal("24680.50"), "EUR")).first).to_be_attached()
    save_shot(page, "fi_commission_review")


def test_a_picked_language_is_kept_in_the_next_session(server, browser):
    try:
        _pick_swedish_and_come_back(server, browser)
        engine = db.make_engine(f"sqlite:///{server.database}")
        with db.session(engine) as s:
            assert users.get_user(s, server.user_ids["partner_admin"]).language == "sv"
        engine.dispose()
    finally:  # the other tests read this user's pages in English
        engine = db.make_engine(f"sqlite:///{server.database}")
        with db.session(engine) as s:
            users.set_language(s, users.get_user(s, server.user_ids["partner_admin"]), "en")
        engine.dispose()


def _pick_swedish_and_come_back(server, browser) -> None:  # type: ignore[no-untyped-def]
    sv = i18n.translations("sv").gettext
    cookies: list = []
    for attempt in range(2):  # the second context is a new browser session; the sign-in cookie signs the user in
        context = browser.new_context(viewport={"width": 1400, "height": 1100}, locale="en-GB")
        page = context.new_page()
        if attempt == 0:
            sign_in(page, server.url, "partner_admin")
            page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").click()
            page.get_by_role("option", name="Svenska").click()
            settle(page)
            cookies = context.cookies()
        else:
            context.add_cookies(cookies)
            page.goto(server.url)
            settle(page)
        expect(page.get_by_test_id("stSidebar").get_by_role("button", name=sv("Sign out"))).to_be_visible()
        save_shot(page, f"sv_home_{attempt}")
        context.close()


def test_choices_on_a_page_survive_a_language_switch(server, browser):
    """A select box sends back its option's text; after switching to German the chosen sort is still chosen."""
    de = i18n.translations("de").gettext
    context = browser.new_context(viewport={"width": 1400, "height": 1100}, locale="en-US")
    page = context.new_page()
    try:
        sign_in(page, server.url, "partner_admin")
        page.get_by_test_id("stSidebar").get_by_role("link", name="Customers", exact=True).click()
        page.wait_for_url("**/customers")
        settle(page)
        page.get_by_test_id("stSelectbox").filter(has_text="Sort by").click()
        page.get_by_role("option", name="Activities (90 days)", exact=True).click()
        settle(page)
        page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").click()
        page.get_by_role("option", name="Deutsch").click()
        settle(page)
        expect(page.get_by_role("heading", name=de("Customers"), exact=True)).to_be_visible()
        sort_box = page.get_by_test_id("stSelectbox").filter(has_text=de("Sort by"))
        expect(sort_box.get_by_role("combobox")).to_have_value(de("Activities (90 days)"))
        save_shot(page, "de_customers_after_switch")
    finally:
        context.close()
        engine = db.make_engine(f"sqlite:///{server.database}")
        with db.session(engine) as s:
            users.set_language(s, users.get_user(s, server.user_ids["partner_admin"]), "en")
        engine.dispose()
