"""The app in a real browser: sign in through the form, every page the role may see, reload, sign out, deep links."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from e2e_support import PASSWORD, ROLES, email, save_shot, settle
from pages.components.frame.access import PAGES, may_see


def shot(page: Page, name: str) -> None:
    save_shot(page, f"frame_{name}")

def sign_in(page: Page, base: str, role: str, password: str = PASSWORD) -> None:
    page.goto(base)
    page.get_by_role("textbox", name="Email").fill(email(role))  # no Enter: in a form it submits
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def sidebar(page: Page):  # type: ignore[no-untyped-def]
    return page.get_by_test_id("stSidebar")


def test_signed_out_deep_link_shows_the_sign_in_prompt(server, page):
    page.goto(f"{server.url}/review_queue")
    expect(page.get_by_text("Sign in to see this page.")).to_be_visible()
    expect(page.get_by_role("link", name="Sign in").first).to_be_visible()
    settle(page)
    expect(page.get_by_text("Pending Co")).to_have_count(0)
    shot(page, "signed_out_review_queue")


def test_wrong_password_is_refused_in_the_browser(server, page):
    sign_in(page, server.url, "finance", password="not the password")
    expect(page.get_by_text("Wrong email or password.")).to_be_visible()
    settle(page)
    shot(page, "sign_in_wrong_password")


@pytest.mark.parametrize("role", ROLES)
def test_role_signs_in_opens_every_page_it_may_see_stays_signed_in_on_reload_and_signs_out(server, page, role):
    sign_in(page, server.url, role)
    expect(page.get_by_role("heading", name=re.compile("^Welcome"))).to_be_visible()
    settle(page)
    shot(page, f"{role}_home")
    for key, info in PAGES.items():
        if key == "home" or not may_see(role, key):
            continue
        # the inbox link carries the unread count ("Inbox (1 unread)") when something waits
        name = re.compile(rf"^{re.escape(info.label)}( \(.*\))?$") if key == "inbox" else info.label
        sidebar(page).get_by_role("link", name=name, exact=key != "inbox").click()
        page.wait_for_url(f"**/{key}")
        settle(page)
        expect(sidebar(page).get_by_role("button", name="Sign out")).to_be_visible()
        expect(page.get_by_text("not allowed")).to_have_count(0)
        shot(page, f"{role}_{key}")
    # A reload is a new connection: the signed cookie signs the user in again.
    page.goto(server.url)
    expect(page.get_by_role("heading", name=re.compile("^Welcome"))).to_be_visible()
    settle(page)
    sidebar(page).get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    settle(page)
    page.reload()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    settle(page)
    expect(page.get_by_role("heading", name=re.compile("^Welcome"))).to_have_count(0)


def test_a_page_the_role_may_not_see_says_not_allowed_through_a_deep_link(server, page):
    sign_in(page, server.url, "partner_user")
    expect(page.get_by_role("heading", name=re.compile("^Welcome"))).to_be_visible()
    settle(page)
    page.goto(f"{server.url}/admin")
    expect(page.get_by_text("not allowed")).to_be_visible()
    settle(page)
    expect(sidebar(page).get_by_role("link", name="Admin", exact=True)).to_have_count(0)
    shot(page, "partner_user_admin_not_allowed")


def test_sign_in_after_a_deep_link_opens_the_page_asked_for(server, page):
    page.goto(f"{server.url}/billing")
    expect(page.get_by_text("Sign in to see this page.")).to_be_visible()
    page.get_by_role("link", name="Sign in").last.click()
    page.get_by_role("textbox", name="Email").fill(email("partner_admin"))
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/billing")
    expect(page.get_by_role("heading", name="Billing", exact=True)).to_be_visible()
    settle(page)
    shot(page, "partner_admin_billing_after_sign_in")


def test_admin_adds_a_partner_and_manages_a_user_in_the_browser(server, page):
    sign_in(page, server.url, "admin")
    expect(page.get_by_role("heading", name=re.compile("^Welcome"))).to_be_visible()
    settle(page)
    sidebar(page).get_by_role("link", name="Admin", exact=True).click()
    page.wait_for_url("**/admin")
    settle(page)
    page.get_by_role("textbox", name="Partner name").fill("Gamma Security")
    page.get_by_role("textbox", name="Domain").fill("gamma-security.example")
    page.get_by_role("button", name="Add partner").click()
    expect(page.get_by_text("Partner Gamma Security added")).to_be_visible()
    settle(page)
    shot(page, "admin_partner_added")
    page.get_by_role("tab", name="Users").click()
    page.get_by_role("combobox", name="User", exact=True).click()
    page.get_by_role("option", name=re.compile("^Finance <")).click()
    expect(page.get_by_role("button", name="Save user")).to_be_visible()
    settle(page)
    shot(page, "admin_users")
    page.get_by_role("tab", name="Audit log").click()
    # The grid draws on a canvas; its cells are in the DOM for screen readers only.
    expect(page.locator("td", has_text="Partner created").first).to_be_attached()
    settle(page)
    shot(page, "admin_audit_log")


def test_partner_admin_fixes_a_bad_vat_id_and_saves_billing_information(server, page):
    sign_in(page, server.url, "partner_admin")
    expect(page.get_by_role("heading", name=re.compile("^Welcome"))).to_be_visible()
    sidebar(page).get_by_role("link", name="Billing", exact=True).click()
    page.wait_for_url("**/billing")
    settle(page)
    page.get_by_role("textbox", name="Legal name").fill("Acme Consulting Oy")
    page.get_by_role("textbox", name="VAT id").fill("12345")
    page.get_by_role("textbox", name="Billing email").fill("billing@acme-consulting.example")
    page.get_by_role("textbox", name="Address").fill("Mannerheimintie 1, Helsinki")
    page.get_by_role("button", name="Save billing information").click()
    expect(page.get_by_text("VAT id must start with the country code")).to_be_visible()
    settle(page)
    shot(page, "partner_admin_billing_bad_vat")
    page.get_by_role("textbox", name="VAT id").fill("FI12345678")
    page.get_by_role("button", name="Save billing information").click()
    expect(page.get_by_text("Billing information saved.")).to_be_visible()
    expect(page.get_by_role("heading", name="Change history")).to_be_visible()
    settle(page)
    shot(page, "partner_admin_billing_saved")
