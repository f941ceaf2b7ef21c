"""Deals in Chromium: a partner registers a deal, a partner manager accepts it in a second browser context (the
review queue page), and the partner drags the card to Trial and then to Closed won, choosing the billing option
in the dialog. Screenshots: tests/e2e/screenshots/deals_*.png.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from e2e_support import Server, choose, open_page, save_shot, settle, sign_in
from partner_model import db, deals, users

COMPANY = "Kestrel Analytics Oy"
CONTACT_EMAIL = "Kaisa.Kestrel@Kestrel-Analytics.Example"
DOMAIN = "kestrel-analytics.example"
SORTABLES = 'iframe[title="streamlit_sortables.sortable_items"]'



def shot(page: Page, name: str) -> None:
    save_shot(page, f"deals_{name}")

def fill(page: Page, label: str, value: str) -> None:
    box = page.get_by_label(label, exact=True)
    box.fill(value)
    box.press("Tab")  # commit the value (and let the live preview rerun)


def column_body(page: Page, column: str):  # type: ignore[no-untyped-def]
    """The drag-and-drop column whose header starts with the stage name `column`."""
    board = page.frame_locator(SORTABLES)
    header = board.locator(".sortable-container-header", has_text=re.compile(f"^{re.escape(column)}\\s+\\d+ deals?"))
    return board.locator(".sortable-container").filter(has=header).locator(".sortable-container-body")


def drag_card(page: Page, company: str, column: str) -> None:
    """Drag the card to the column whose header starts with `column`: press, a small move, a stepped move, release."""
    card = page.frame_locator(SORTABLES).locator(".sortable-item", has_text=company)
    expect(card).to_be_visible()
    start, end = card.bounding_box(), column_body(page, column).bounding_box()
    assert start and end
    x, y = start["x"] + start["width"] / 2, start["y"] + 12
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 6, y + 6, steps=3)
    page.mouse.move(end["x"] + end["width"] / 2, end["y"] + min(40, end["height"] / 2), steps=25)
    page.wait_for_timeout(200)
    page.mouse.up()


def stored_deal(server: Server):  # type: ignore[no-untyped-def]
    engine = db.make_engine(f"sqlite:///{server.database}")
    try:
        with db.session(engine) as s:
            admin = users.get_user(s, server.user_ids["admin"])
            for column in deals.board(s, admin, search=COMPANY, review_status=["pending", "accepted", "denied"],
                                      per_stage=5).values():
                if not column.cards.empty:
                    return deals.get_deal(s, admin, int(column.cards.iloc[0]["deal_id"]))
    finally:
        engine.dispose()
    return None


def register(partner: Page, server: Server) -> None:
    sign_in(partner, server.url, "partner_user")
    open_page(partner, "Register a deal", "register_deal")
    expect(partner.get_by_text("never your own").first).to_be_visible()
    fill(partner, "Contact name", "Kaisa Kestrel")
    fill(partner, "Contact email", CONTACT_EMAIL)
    expect(partner.get_by_text(f"Customer domain: {DOMAIN}")).to_be_visible()
    fill(partner, "Company", COMPANY)
    fill(partner, "Expected annual value", "-5")
    settle(partner)
    partner.get_by_role("button", name="Register the deal").click()
    expect(partner.get_by_text("Expected annual value cannot be negative.")).to_be_visible()
    settle(partner)
    assert stored_deal(server) is None  # refused: nothing written
    shot(partner, "register_refused")
    fill(partner, "Expected annual value", "36000")
    choose(partner, "Main framework", "NIS2")
    partner.get_by_label("Note").fill("Needs NIS2 readiness before the audit in spring.")
    settle(partner)
    partner.get_by_role("button", name="Register the deal").click()
    expect(partner.get_by_text(re.compile(f"Registered {COMPANY}"))).to_be_visible()
    settle(partner)
    shot(partner, "registered")
    assert stored_deal(server).review_status == "pending"


def accept(manager: Page, server: Server) -> None:
    sign_in(manager, server.url, "partner_manager")
    open_page(manager, "Review queue", "review_queue")
    choose(manager, "Deal to review", COMPANY)
    manager.get_by_role("button", name="Accept", exact=True).click()
    expect(manager.get_by_text(re.compile(rf"Accepted deal #\d+ {COMPANY}"))).to_be_visible()
    settle(manager)
    shot(manager, "accepted_by_staff")
    assert stored_deal(server).review_status == "accepted"


def test_partner_registers_staff_accept_and_the_partner_drags_the_deal_to_trial_and_closed_won(server, page):
    partner = page
    register(partner, server)

    # The success panel links to the card on the board.
    partner.get_by_role("link", name="See the deal on the deal board").click()
    partner.wait_for_url("**/deal_board*")
    dialog = partner.get_by_role("dialog")
    expect(dialog.get_by_text("Needs NIS2 readiness before the audit in spring.")).to_be_visible()
    settle(partner)
    shot(partner, "board_card_details")
    dialog.get_by_role("button", name="Done").click()
    expect(partner.get_by_role("dialog")).to_have_count(0)
    settle(partner)

    context = partner.context.browser.new_context(viewport={"width": 1400, "height": 1100})
    try:
        accept(context.new_page(), server)
    finally:
        context.close()

    open_page(partner, "Deal board", "deal_board")
    expect(partner.frame_locator(SORTABLES).locator(".sortable-item", has_text=COMPANY)).to_contain_text("Accepted")
    shot(partner, "board_before_drag")
    drag_card(partner, COMPANY, "Trial")
    expect(partner.get_by_text(f"Moved {COMPANY} from New to Trial.")).to_be_visible()
    settle(partner)
    assert stored_deal(server).stage == "trial"
    shot(partner, "board_in_trial")

    drag_card(partner, COMPANY, "Closed won")
    dialog = partner.get_by_role("dialog")
    expect(dialog.get_by_text("Close the deal as won")).to_be_visible()
    settle(partner)
    choose(partner, "Billing option", "Invoice")
    shot(partner, "board_closed_won_dialog")
    partner.get_by_role("button", name="Move to Closed won").click()
    expect(partner.get_by_text(f"Moved {COMPANY} from Trial to Closed won.")).to_be_visible()
    settle(partner)
    deal = stored_deal(server)
    assert (deal.stage, deal.billing_option, deal.review_status) == ("closed_won", "invoice", "accepted")
    shot(partner, "board_closed_won")

    # A refused drop says why, and the card stays where it was: a partner cannot reopen a closed deal.
    drag_card(partner, COMPANY, "Trial")
    expect(partner.get_by_text(f"{COMPANY} stays in Closed won: Only vendor staff can reopen a closed deal.")
           ).to_be_visible()
    settle(partner)
    expect(column_body(partner, "Closed won").locator(".sortable-item", has_text=COMPANY)).to_be_visible()
    assert stored_deal(server).stage == "closed_won"
    shot(partner, "board_refused_reopen")

    # The cards with a plain control per card, for the keyboard.
    partner.get_by_role("radio", name="Cards with controls").click()
    settle(partner)
    expect(partner.get_by_role("button", name="Move").first).to_be_visible()
    shot(partner, "board_cards_view")
