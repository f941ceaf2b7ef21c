"""The home page's work inbox in Chromium, for each role: what waits, every item a link that opens its page
filtered; finance follows an earlier week still to approve into the commissions page. No tile's label is cut.

Screenshots: tests/e2e/screenshots/home_<role>.png and home_finance_opens_the_week.png.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from label_fit import cut_labels
from playwright.sync_api import Page, expect

from e2e_support import save_shot, settle, sign_in
from partner_model import clock, db, deals, partners, rules, users

OLD_DAY = clock.today() - dt.timedelta(days=14)
OLD_WEEK = rules.iso_week(OLD_DAY)
# What each role's home shows at least (the e2e world: Acme with a trial and a pending deal, see conftest.py).
SHOWS = {
    "partner_user": ("Registrations pending review", "Trials ending within 7 days", "Commission this week"),
    "partner_manager": ("Registrations waiting for review", "Trial extension requests",
                        "Protection ending within 14 days", "Stale deals"),
    "finance": (f"Week {OLD_WEEK} to approve", "EUR\u00a04,710.00", "Reversals waiting"),
    "admin": ("Locked users", "Partners without a manager", "Partners without billing information",
              "Registrations and deals", "Commission weeks"),
}


@pytest.fixture(scope="module")
def old_week(server) -> str:  # type: ignore[no-untyped-def]
    """Acme (20 %) won 23,550 EUR two weeks ago (4,710.00 EUR payable, not approved); Acme is the partner
    manager's partner."""
    engine = db.make_engine(f"sqlite:///{server.database}")
    with db.session(engine) as s:
        alice = users.get_user(s, server.user_ids["partner_user"])
        manager = users.get_user(s, server.user_ids["partner_manager"])
        partners.set_manager(s, users.get_user(s, server.user_ids["admin"]), alice.partner_id, manager.id)
        deal = deals.register_deal(s, alice, contact_name="Otto Old", contact_email="otto@old-week-oy.example",
                                   company_name="Old Week Oy", annual_value="23550", today=OLD_DAY)
        deals.review_deal(s, manager, deal.id, accept=True)
        deals.move_deal(s, alice, deal.id, stage="closed_won", billing_option="invoice", today=OLD_DAY)
    engine.dispose()
    return OLD_WEEK


@pytest.mark.parametrize("role", list(SHOWS))
def test_each_roles_home_shows_its_work_with_links_and_no_cut_label(server, page: Page, old_week, role):
    sign_in(page, server.url, role)
    expect(page.get_by_role("heading", name=re.compile("^Welcome"))).to_be_visible()
    main = page.get_by_test_id("stMain")
    for text in SHOWS[role]:
        expect(main.get_by_text(text, exact=False).first).to_be_visible()
    expect(main.get_by_test_id("stPageLink").first).to_be_visible()
    if role == "partner_manager":
        expect(main.get_by_text("My partners only")).to_be_visible()
    page.wait_for_timeout(300)
    save_shot(page, f"home_{role}")
    assert cut_labels(page) == []


def test_finance_opens_an_earlier_week_to_approve_from_the_home_page(server, page: Page, old_week):
    sign_in(page, server.url, "finance")
    tile = page.get_by_test_id("stVerticalBlock").filter(has_text=f"Week {old_week} to approve").last
    expect(tile.get_by_text("EUR\u00a04,710.00").first).to_be_visible()
    tile.get_by_role("link", name="Review the week").click()
    page.wait_for_url("**/commissions*")
    settle(page)
    expect(page.get_by_text(f"week {old_week} has not been approved yet")).to_be_visible()
    expect(page.get_by_test_id("stDataFrame").get_by_text("Old Week Oy", exact=True).first).to_be_attached()
    save_shot(page, "home_finance_opens_the_week")
