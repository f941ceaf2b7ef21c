"""A walk over every page a role may open, in a given language, for the browser-wide checks (accessibility,
labels that fit).

The walk signs in users of its own ("tour.<role>@vendor-e2e.example", made once per server through the
services), so storing a language for them never changes what the other end-to-end tests see. A user's stored
language applies from the first page after signing in; the sign-in form itself is in the browser's (English).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from e2e_support import PASSWORD, Server, settle

TOUR_ROLES = ("admin", "partner_admin", "partner_user")


def tour_email(role: str) -> str:
    return f"tour.{role.replace('_', '.')}@vendor-e2e.example"


def _in_database(server: Server, action: Any) -> Any:
    from partner_model import db

    engine = db.make_engine(f"sqlite:///{server.database}")
    try:
        with db.session(engine) as s:
            return action(s)
    finally:
        engine.dispose()


def tour_user(server: Server, role: str, language: str = "en") -> str:
    """The tour's user for `role` (made on first use, partner roles at Acme Consulting), with `language` stored
    as their interface language; returns the email to sign in with."""
    from partner_model import partners, users

    address = tour_email(role)

    def make(s: Any) -> None:
        user = users.user_by_email(s, address)
        if user is None:
            admin = users.get_user(s, server.user_ids["admin"])
            partner_id = None
            if role.startswith("partner_") and role != "partner_manager":
                partner_id = next(i for i, n in partners.partner_names(s, admin).items() if n == "Acme Consulting")
            user = users.create_user(s, email=address, name=f"Tour {role.replace('_', ' ').title()}", role=role,
                                     password=PASSWORD, partner_id=partner_id)
        users.set_language(s, user, language)

    _in_database(server, make)
    return address


def words(language: str) -> Any:
    from partner_model import i18n

    return i18n.translations(language).gettext


def sign_in_as(page: Any, server: Server, role: str, language: str = "en") -> None:
    """Sign in through the (English) form as the tour's `role` user, whose pages then speak `language`."""
    from playwright.sync_api import expect

    address = tour_user(server, role, language)
    page.goto(server.url)
    expect(page.get_by_role("button", name="Sign in", exact=True)).to_be_visible()
    page.get_by_role("textbox", name="Email").fill(address)
    page.get_by_role("textbox", name="Email").press("Enter")
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_test_id("stSidebar").get_by_role("button", name=words(language)("Sign out"))).to_be_visible()
    settle(page)


def pages_of(role: str) -> list[tuple[str, Any]]:
    """(key, Page) for every page `role` may open, home first, in sidebar order."""
    from pages.components.frame.access import visible_pages

    return visible_pages(role)


def open_by_sidebar(page: Any, key: str, entry: Any, language: str) -> None:
    """Follow the sidebar's link to the page, then wait for its run to end."""
    from playwright.sync_api import expect

    label = words(language)(entry.label)
    # The link may carry a count after its name ("Inbox (1 unread)").
    name = re.compile(rf"^{re.escape(label)}( \(.*\))?$")
    page.get_by_test_id("stSidebar").get_by_role("link", name=name).click()
    if key == "home":
        page.wait_for_url(lambda url: url.rstrip("/").count("/") == 2)  # the bare address
    else:
        page.wait_for_url(f"**/{key}*")
        expect(page.get_by_role("heading", name=label, exact=True).first).to_be_visible()
    settle(page)


def tour(page: Any, server: Server, role: str, language: str = "en",
         only: set[str] | None = None) -> Iterator[str]:
    """Sign in as `role` in `language` and open each page it may see (or those in `only`); yields each key while
    that page is shown."""
    sign_in_as(page, server, role, language)
    page.evaluate("document.fonts.ready.then(() => true)")  # measure in the app's own font, not a fallback
    for key, entry in pages_of(role):
        if only is not None and key not in only:
            continue
        open_by_sidebar(page, key, entry, language)
        yield key


def show_every_tab(page: Any) -> Iterator[str]:
    """Click through a page's tabs (if any), yielding each tab's name while it is shown: a hidden tab's widgets
    have no size, so their labels can only be measured while their tab is open."""
    tabs = page.get_by_test_id("stMain").get_by_role("tab")
    count = tabs.count()
    if not count:
        yield ""
        return
    for i in range(count):
        tab = tabs.nth(i)
        name = tab.inner_text()
        tab.click()
        page.wait_for_timeout(250)
        yield name
