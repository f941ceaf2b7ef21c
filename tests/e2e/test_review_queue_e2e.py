"""The review queue and the pipeline in Chromium: a partner manager accepts one deal and denies another with a
reason and a note; screenshots of both pages (tests/e2e/screenshots/review_*.png, pipeline_*.png).

The deals are added through the services to the server's database, with names no other test uses.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Page, expect

import e2e_support
from e2e_support import choose, open_page, save_shot, settle
from partner_model import db, deals, partners, users

if TYPE_CHECKING:
    from conftest import Server

ACCEPT, DENY, OVERDUE = "Eetu Accept Oy", "Dora Deny AB", "Olga Overdue GmbH"
SKARVIK = "Skarvik Shipping AS"


def shot(page: Page, name: str) -> None:
    save_shot(page, name)


def sign_in(page: Page, server: Server, role: str) -> None:
    page.set_viewport_size({"width": 1400, "height": 1800})  # the app scrolls inside: a tall window shows it all
    e2e_support.sign_in(page, server.url, role)


def _deal(server: Server, company: str):  # type: ignore[no-untyped-def]
    engine = db.make_engine(f"sqlite:///{server.database}")
    try:
        with db.session(engine) as s:
            admin = users.get_user(s, server.user_ids["admin"])
            for column in deals.board(s, admin, search=company, review_status=["pending", "accepted", "denied"],
                                      per_stage=5).values():
                if not column.cards.empty:
                    return deals.get_deal(s, admin, int(column.cards.iloc[0]["deal_id"]))
    finally:
        engine.dispose()
    return None


def _notes(server: Server, deal_id: int) -> list[str]:
    engine = db.make_engine(f"sqlite:///{server.database}")
    try:
        with db.session(engine) as s:
            return [n.body for n in deals.notes(s, users.get_user(s, server.user_ids["admin"]), deal_id)]
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def review_deals(server: Server) -> None:
    engine = db.make_engine(f"sqlite:///{server.database}")
    with db.session(engine) as s:
        alice = users.get_user(s, server.user_ids["partner_user"])
        for company, contact, days_ago in ((ACCEPT, "eetu@eetu-accept.example", 0),
                                           (DENY, "dora.deny@gmail.com", 1),
                                           (OVERDUE, "olga@olga-overdue.example", 9)):
            deals.register_deal(s, alice, contact_name="Carl Contact", contact_email=contact, company_name=company,
                                annual_value="18000", note=f"Met {company} at the fair.",
                                customer_domain="dora-deny.example" if "gmail" in contact else None,
                                today=dt.date.today() - dt.timedelta(days=days_ago))
        _beta_pipeline(s, users.get_user(s, server.user_ids["partner_manager"]))
    engine.dispose()


def _beta_pipeline(s, manager) -> None:  # type: ignore[no-untyped-def]
    """Beta deals in more stages and in SEK, for the pipeline. No won deal and no trial: those would add
    commission lines and customer accounts that other end-to-end tests count."""
    beta_id = next(pid for pid, name in partners.partner_names(s, manager).items() if name == "Beta Advisors")
    month_ago = dt.date.today() - dt.timedelta(days=30)
    for company, stage, value, currency in (("Bo Lost AB", "closed_lost", "9000", "SEK"),
                                            ("Berit Newsletter AB", "newsletter", "15000", "EUR"),
                                            ("Bjorn Stale AB", None, "40000", "SEK")):
        deal = deals.register_deal(s, manager, contact_name="Carl Contact", partner_id=beta_id,
                                   contact_email=f"carl@{company.split()[0].lower()}-ab.example",
                                   company_name=company, annual_value=value, currency=currency, today=month_ago)
        if stage is not None:
            deals.review_deal(s, manager, deal.id, accept=True)
            deals.move_deal(s, manager, deal.id, stage=stage, note="Went with a competitor." if
                            stage == "closed_lost" else None)


def test_a_partner_manager_accepts_one_deal_and_denies_another(server, page, review_deals):
    sign_in(page, server, "partner_manager")
    open_page(page, "Review queue", "review_queue")
    expect(page.get_by_text(re.compile(r"deals? waiting for review"))).to_be_visible()
    expect(page.get_by_text(OVERDUE)).to_be_attached()  # the table has drawn (its cells: see settle's note)
    shot(page, "review_queue")

    choose(page, "Deal to review", ACCEPT)
    expect(page.get_by_role("heading", name=ACCEPT)).to_be_visible()
    expect(page.get_by_text("No hints: nothing known against this registration")).to_be_visible()
    expect(page.get_by_text(f"Note: Met {ACCEPT} at the fair.")).to_be_visible()  # the history beside it
    shot(page, "review_queue_deal")
    page.get_by_role("button", name="Accept", exact=True).click()
    expect(page.get_by_text(re.compile(rf"Accepted deal #\d+ {ACCEPT} \(eetu-accept.example, Acme Consulting\)"))
           ).to_be_visible()
    settle(page)
    assert _deal(server, ACCEPT).review_status == "accepted"

    choose(page, "Deal to review", DENY)
    expect(page.get_by_text("Free-mail domain (gmail.com and the like)")).to_be_visible()
    page.get_by_role("button", name="Deny", exact=True).click()  # no reason yet: refused
    expect(page.get_by_text("Choose why the deal is denied.")).to_be_visible()
    settle(page)
    choose(page, "Reason to deny", "Duplicate registration")
    page.get_by_role("textbox", name="Note (optional)").fill("Registered twice by the same contact.")
    shot(page, "review_queue_deny")
    page.get_by_role("button", name="Deny", exact=True).click()
    expect(page.get_by_text(re.compile(rf"Denied deal #\d+ {DENY} \(dora-deny.example, Acme Consulting\): "
                                       "Duplicate registration."))).to_be_visible()
    settle(page)
    denied = _deal(server, DENY)
    assert (denied.review_status, denied.denial_reason) == ("denied", "duplicate")
    assert "Registered twice by the same contact." in _notes(server, denied.id)
    # The choice is cleared in the browser too, ready for the next deal.
    chooser = page.get_by_test_id("stSelectbox").filter(has=page.get_by_text("Deal to review", exact=True))
    expect(chooser.get_by_text(re.compile(re.escape(DENY)))).to_have_count(0)
    expect(page.get_by_role("heading", name=DENY)).to_have_count(0)
    shot(page, "review_queue_after")

    # Clicking a row's selection box in the table chooses that deal too (Beta's, a month old, is first).
    table = page.get_by_test_id("stDataFrame").first
    box = table.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + 16, box["y"] + 35 + 17)
    settle(page)
    shot(page, "review_queue_row_click")
    expect(page.get_by_role("heading", name="Bjorn Stale AB")).to_be_visible()
    expect(page.get_by_text("Overdue: waiting more than 2 business days")).to_be_visible()
    shot(page, "review_queue_overdue")


def test_the_pipeline_for_staff_and_for_a_partner(server, page, review_deals):
    sign_in(page, server, "partner_manager")
    open_page(page, "Pipeline", "pipeline")
    expect(page.get_by_text("Win rate")).to_be_visible()
    expect(page.locator(".js-plotly-plot")).to_have_count(3)
    page.wait_for_timeout(1000)  # Plotly draws after the run ends
    shot(page, "pipeline_staff")
    choose(page, "Partner", "Beta Advisors")
    expect(page.get_by_text("Bjorn Stale AB")).to_be_attached()  # a table cell (drawn on a canvas)
    expect(page.get_by_text("Olga Overdue GmbH")).to_have_count(0)
    page.wait_for_timeout(1000)
    shot(page, "pipeline_staff_beta")

    context = page.context.browser.new_context()
    partner = context.new_page()
    try:
        sign_in(partner, server, "partner_user")
        open_page(partner, "Pipeline", "pipeline")
        expect(partner.get_by_text("Your deals at Acme Consulting")).to_be_visible()
        expect(partner.get_by_role("heading", name="Stale deals to chase")).to_be_visible()
        partner.wait_for_timeout(1000)
        shot(partner, "pipeline_partner")
        expect(partner.get_by_test_id("stMain").get_by_test_id("stSelectbox")).to_have_count(0)  # no partner filter
        expect(partner.get_by_text("Olga Overdue GmbH")).to_be_attached()
        expect(partner.get_by_text(re.compile("SEK"))).to_have_count(0)  # Beta's deals are all it has in SEK
    finally:
        context.close()


def test_a_denial_lands_on_the_deal_chosen_when_two_deals_share_a_company_name(server, page, review_deals):
    """Issue 12, case 1, in the browser: "Skarvik Shipping AS" twice (a gmail contact for 18,000 and a
    skarvik-shipping.no contact for 18,000.50). Picking the gmail one and denying it (first without a reason)
    denied the other one."""
    engine = db.make_engine(f"sqlite:///{server.database}")
    with db.session(engine) as s:
        alice = users.get_user(s, server.user_ids["partner_user"])
        gmail = deals.register_deal(s, alice, contact_name="Ola Nordmann", contact_email="ola.skarvik@gmail.com",
                                    company_name=SKARVIK, annual_value="18000",
                                    customer_domain="skarvik-shipping.no").id
        own = deals.register_deal(s, alice, contact_name="Kari Nordmann", contact_email="kari@skarvik-shipping.no",
                                  company_name=SKARVIK, annual_value="18000.50").id
    engine.dispose()
    sign_in(page, server, "partner_manager")
    open_page(page, "Review queue", "review_queue")
    choose(page, "Deal to review", f"#{gmail} {SKARVIK}")
    expect(page.get_by_text(f"Decision on deal #{gmail}")).to_be_visible()
    page.get_by_role("button", name="Deny", exact=True).click()  # no reason yet: refused, nothing written
    expect(page.get_by_text("Choose why the deal is denied.")).to_be_visible()
    settle(page)
    choose(page, "Reason to deny", "Not a valid lead")
    shot(page, "review_queue_same_company")
    page.get_by_role("button", name="Deny", exact=True).click()
    expect(page.get_by_text(f"Denied deal #{gmail} {SKARVIK}")).to_be_visible()
    settle(page)
    assert _deal_by_id(server, gmail).review_status == "denied"
    assert _deal_by_id(server, own).review_status == "pending"


def _deal_by_id(server: Server, deal_id: int):  # type: ignore[no-untyped-def]
    engine = db.make_engine(f"sqlite:///{server.database}")
    try:
        with db.session(engine) as s:
            return deals.get_deal(s, users.get_user(s, server.user_ids["admin"]), deal_id)
    finally:
        engine.dispose()
