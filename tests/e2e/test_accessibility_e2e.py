"""Accessible to everyone: axe-core runs on every page (each tab opened) for a partner user and an admin, and a
partner admin's team page, in Chromium; no serious or critical violation may be found (axe_check.py).

Screenshots: tests/e2e/screenshots/a11y_<role>_<page>.png.
"""

from __future__ import annotations

import re

import pytest
from axe_check import AXE_JS, AXE_VERSION, axe_violations, describe
from page_tour import show_every_tab, tour

from e2e_support import save_shot, settle

# The partner admin adds only what the other two cannot open.
TOURS = {"partner_user": None, "admin": None, "partner_admin": {"team", "billing"}}


@pytest.fixture(autouse=True)
def _axe_installed() -> None:
    if not AXE_JS.exists():
        pytest.skip(f"{AXE_JS} is missing: npm install --prefix tests/e2e axe-core@{AXE_VERSION}")


@pytest.mark.parametrize("role", list(TOURS))
def test_every_page_has_no_serious_accessibility_violation(server, page, role):
    found: list[str] = []
    for key in tour(page, server, role, only=TOURS[role]):
        for tab in show_every_tab(page):
            for line in describe(f"{key}{' / ' + tab if tab else ''}", axe_violations(page)):
                if line not in found:
                    found.append(line)
        save_shot(page, f"a11y_{role}_{key}")
    assert found == [], "\n".join(found)


def test_axe_finds_a_serious_violation(server, page):
    """The check itself: an image without a text alternative and a button without a name are reported."""
    page.set_content('<html lang="en"><title>t</title><main><img src="x.png"><button></button></main></html>')
    assert {v["id"] for v in axe_violations(page)} >= {"image-alt", "button-name"}


def _tab_to(page, accessible_name: str, limit: int = 120) -> None:  # type: ignore[no-untyped-def]
    """Press Tab until the focused element is the one named `accessible_name` (its label or text)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        name = page.evaluate("""() => { const e = document.activeElement; if (!e) return '';
            const label = e.id && document.querySelector(`label[for="${e.id}"]`);
            return (e.getAttribute('aria-label') || (label && label.innerText) || e.innerText || '').trim(); }""")
        if name == accessible_name:
            return
    raise AssertionError(f"{accessible_name!r} cannot be reached with the Tab key")


def test_admin_forms_with_an_error_and_a_picked_user_have_no_serious_violation(server, page):
    """The admin page's states beyond the first view: a refused form with its error under the field, and a picked
    user's forms, lock and sessions."""
    from playwright.sync_api import expect

    found: list[str] = []
    next(tour(page, server, "admin", only={"admin"}))
    page.get_by_role("textbox", name="Domain", exact=True).fill("not a domain")
    page.get_by_role("button", name="Add partner").click()
    expect(page.get_by_test_id("stAlertContentError").first).to_be_visible()
    settle(page)  # until the run is over: the rest of the page is drawn faded while it runs (a contrast failure)
    found += describe("admin / Partners, refused", axe_violations(page))
    page.get_by_role("tab", name="Users").click()
    page.get_by_role("combobox", name="User", exact=True).click()
    page.get_by_role("option", name=re.compile("^Finance <")).click()
    expect(page.get_by_role("button", name="Save user")).to_be_visible()
    settle(page)
    found += describe("admin / Users, a user picked", axe_violations(page))
    save_shot(page, "a11y_admin_user_picked")
    assert found == [], "\n".join(found)


def test_admin_adds_a_partner_with_the_keyboard_alone(server, page):
    from playwright.sync_api import expect

    next(tour(page, server, "admin", only={"admin"}))
    _tab_to(page, "Partner name")
    page.keyboard.type("Keyboard Partners")
    _tab_to(page, "Domain")
    page.keyboard.type("keyboard-partners.example")
    _tab_to(page, "Add partner")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Partner Keyboard Partners added")).to_be_visible()
    expect(page.get_by_role("textbox", name="Partner name")).to_have_value("")  # emptied in the browser too
    expect(page.get_by_role("textbox", name="Domain", exact=True)).to_have_value("")
    save_shot(page, "a11y_admin_keyboard_partner")


def test_admin_adds_a_partner_user_with_the_keyboard_alone_and_the_form_empties(server, page):
    from playwright.sync_api import expect

    from e2e_support import PASSWORD

    next(tour(page, server, "admin", only={"admin"}))
    page.get_by_role("tab", name="Users").focus()
    page.keyboard.press("Enter")
    _tab_to(page, "Partner")  # the role starts as "Partner user": its partner comes next
    page.keyboard.type("Acme")
    page.keyboard.press("Enter")
    settle(page)
    expect(page.get_by_role("combobox", name="Partner", exact=True)).to_have_value(re.compile("Acme Consulting"))
    for name, value in (("Email", "keyboard.user@acme-consulting.example"), ("Name", "Keyboard User"),
                        ("First password", PASSWORD)):
        _tab_to(page, name)
        page.keyboard.type(value)
    page.keyboard.press("Enter")  # submits the form
    expect(page.get_by_text(re.compile(r"^User keyboard\.user@.* added as Partner user\.$"))).to_be_visible()
    settle(page)
    for name in ("Email", "Name", "First password"):
        expect(page.get_by_role("textbox", name=name, exact=True)).to_have_value("")
    expect(page.get_by_role("combobox", name="Partner", exact=True)).not_to_have_value(re.compile("Acme"))
    save_shot(page, "a11y_admin_keyboard_user")


def test_the_public_application_page_has_no_serious_violation(server, page):
    """The page a signed-out consulting firm applies on (issue 20), with its form's errors shown."""
    from playwright.sync_api import expect

    page.goto(f"{server.url}/apply")
    expect(page.get_by_role("heading", name="Apply to become a partner")).to_be_visible()
    settle(page)
    found = describe("apply", axe_violations(page))
    page.get_by_role("button", name="Send the application").click()
    expect(page.get_by_text("Firm name is required.")).to_be_visible()
    settle(page)
    found += [line for line in describe("apply / errors", axe_violations(page)) if line not in found]
    save_shot(page, "a11y_signed_out_apply")
    assert found == [], "\n".join(found)
