"""Every page guards itself: signed out it asks to sign in; with the wrong role it is not allowed; no data."""

from __future__ import annotations

import pytest
from pages_helpers import main_text, shows_no_data, sidebar_links

from pages.components.frame.access import PAGES, may_see
from pages_world import PAGE_FILES, ROLES

DENIED = [(page, role) for page in PAGE_FILES for role in ROLES if not may_see(role, page)]
ALLOWED = [(page, role) for page in PAGE_FILES for role in ROLES if may_see(role, page)]


def test_the_access_table_matches_the_product():
    expected = {
        "customers": set(ROLES),
        "register_deal": {"partner_user", "partner_admin", "partner_manager", "admin"},
        "deal_board": {"partner_user", "partner_admin", "partner_manager", "admin"},
        "review_queue": {"partner_manager", "admin"},
        "pipeline": {"partner_user", "partner_admin", "partner_manager", "admin"},
        "commissions": set(ROLES),
        "billing": {"partner_admin", "partner_manager", "finance", "admin"},
        "admin": {"admin"},
        "inbox": set(ROLES),
        "team": {"partner_admin"},
        "payouts": {"partner_admin", "finance", "admin"},
    }
    assert {page: {r for r in ROLES if may_see(r, page)} for page in PAGE_FILES} == expected


@pytest.mark.parametrize("page", PAGE_FILES)
def test_signed_out_page_asks_to_sign_in_and_shows_no_data(app, page):
    at = app().switch_page(PAGES[page].path).run()
    assert not at.exception
    assert any("Sign in" in w.value for w in at.warning)
    assert "Sign in" in main_text(at)  # the link to the sign-in form
    assert "not allowed" not in main_text(at)
    assert shows_no_data(at)
    assert sidebar_links(at) == ["Sign in", "Apply to become a partner"]  # the public pages


@pytest.mark.parametrize(("page", "role"), DENIED)
def test_role_that_may_not_see_a_page_is_not_allowed_and_sees_no_data(app, page, role):
    at = app(role).switch_page(PAGES[page].path).run()
    assert not at.exception
    assert any("not allowed" in e.value for e in at.error)
    assert shows_no_data(at)
    assert PAGES[page].label not in sidebar_links(at)


@pytest.mark.parametrize(("page", "role"), ALLOWED)
def test_role_that_may_see_a_page_gets_it(app, page, role):
    at = app(role).switch_page(PAGES[page].path).run()
    assert not at.exception
    assert not any("not allowed" in e.value for e in at.error)
    assert not any("Sign in" in w.value for w in at.warning)


@pytest.mark.parametrize("role", ROLES)
def test_sidebar_lists_exactly_the_pages_the_role_may_see(app, role):
    at = app(role).run()
    assert not at.exception
    expected = [info.label for key, info in PAGES.items() if may_see(role, key)]
    links = sidebar_links(at)
    # the inbox link carries the unread count ("Inbox (3 unread)") when something waits
    assert [("Inbox" if link.startswith("Inbox (") else link) for link in links] == expected
    assert at.sidebar.button(key="sign_out").label == "Sign out"
