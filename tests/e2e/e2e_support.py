"""What the end-to-end tests share: the browser, the seeded users, the running server's address.

Test modules import from here (`from e2e_support import PASSWORD, Server, email`), never from conftest:
with tests/pages and tests/e2e in one run, "conftest" names only one of the two.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
PASSWORD = "correct horse battery"
ROLES = ("partner_user", "partner_admin", "partner_manager", "finance", "admin")


def email(role: str) -> str:
    return f"{role.replace('_', '.')}@vendor-e2e.example"


def save_shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """A full-page screenshot in tests/e2e/screenshots (git-ignored), for a person to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def settle(page) -> None:  # type: ignore[no-untyped-def]
    """Wait until the script run is over (and any rerun it asked for), then fail on a Streamlit exception box."""
    from playwright.sync_api import expect

    ready = page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]')
    expect(ready).to_be_attached()
    page.wait_for_timeout(400)  # a rerun the last run asked for starts right after
    expect(ready).to_be_attached()
    boxes = page.get_by_test_id("stException")
    if boxes.count():
        save_shot(page, "exception")
        raise AssertionError(f"Streamlit exception on {page.url}:\n{boxes.first.inner_text()[:3000]}")


@dataclass
class Server:
    url: str
    database: Path
    log: Path
    user_ids: dict[str, int] = field(default_factory=dict)


def sign_in(page, base_url: str, role: str, language: str = "en") -> None:  # type: ignore[no-untyped-def]
    """Sign in through the form as `role`'s test user; the form speaks the browser's language until the user
    picks one, so `language` names the words to look for."""
    from playwright.sync_api import expect

    from partner_model import i18n

    words = i18n.translations(language).gettext
    page.goto(base_url)
    expect(page.get_by_role("button", name=words("Sign in"), exact=True)).to_be_visible()
    page.get_by_role("textbox", name=words("Email")).fill(email(role))
    page.get_by_role("textbox", name=words("Email")).press("Enter")  # commit the value before the next field
    page.get_by_role("textbox", name=words("Password")).fill(PASSWORD)
    page.get_by_role("button", name=words("Sign in"), exact=True).click()
    expect(page.get_by_test_id("stSidebar").get_by_role("button", name=words("Sign out"))).to_be_visible()
    settle(page)


def open_page(page, label: str, path: str) -> None:  # type: ignore[no-untyped-def]
    """Follow the sidebar link `label` to the page at `path`."""
    page.get_by_test_id("stSidebar").get_by_role("link", name=label, exact=True).click()
    page.wait_for_url(f"**/{path}*")
    settle(page)


def choose(page, label: str, option: str) -> None:  # type: ignore[no-untyped-def]
    """Pick an option of the select box labelled `label` by (part of) its visible text. The text is typed first:
    the dropdown draws only the options in view, and other modules' partners can push this one out of it."""
    import re

    box = page.get_by_test_id("stSelectbox").filter(has=page.get_by_text(label, exact=True))

    def open_list() -> None:
        box.locator("input").click()
        box.locator("input").fill(option)

    pick_option(page, open_list, re.compile(re.escape(option)), label)


def pick_option(page, open_list, name, label: str) -> None:  # type: ignore[no-untyped-def]
    """Open a select box's list (`open_list`) and click the option named `name`. A run still drawing the page can
    close or redraw the list under the click (seen after a reconnect and after opening an expander): wait for the
    run to end first, and open the list again when the option went away."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    settle(page)
    for attempt in range(3):
        open_list()
        try:
            page.get_by_role("option", name=name).click(timeout=10_000)
            break
        except PlaywrightTimeout:
            if attempt == 2:
                save_shot(page, f"pick-{label}-failed")
                raise
            page.keyboard.press("Escape")
            settle(page)
    settle(page)
    settle(page)
