"""Issue 15: the deal board is fully usable from the keyboard. In Chromium, with no mouse at all, a partner user
signs in, opens the deal board from the sidebar, switches to the cards with controls, moves a deal to Newsletter
with its card's "Move to…" box and Move button (asking for the contact's newsletter subscription in the dialog
that opens), and opens and closes the card's details. Every step is Tab, typing,
Enter, Space or Escape. Screenshots: tests/e2e/screenshots/keyboard_*.png.
"""

from __future__ import annotations

from decimal import Decimal

from playwright.sync_api import Page, expect

from e2e_support import PASSWORD, Server, save_shot, settle
from partner_model import db, deals, partners, users

PARTNER, EMAIL, COMPANY = "Delta Keys Oy", "kim.keys@delta-keys.example", "Keyboard Kiosk Oy"


def _seed(server: Server) -> int:
    """A partner of its own with one accepted deal in New; returns the deal's id."""
    engine = db.make_engine(f"sqlite:///{server.database}")
    try:
        with db.session(engine) as s:
            admin = users.get_user(s, server.user_ids["admin"])
            delta = partners.create_partner(s, name=PARTNER, domain="delta-keys.example",
                                            commission_rate=Decimal("0.10"))
            created = users.create_user(s, email=EMAIL, name="Kim Keys", role="partner_user", password=PASSWORD,
                                        partner_id=delta.id)
            kim = users.get_user(s, created.id)
            deal = deals.register_deal(s, kim, contact_name="Kaj Kiosk", contact_email="kaj@keyboard-kiosk.example",
                                       company_name=COMPANY, annual_value="8000")
            deals.review_deal(s, admin, deal.id, accept=True)
            return deal.id
    finally:
        engine.dispose()


def _stage(server: Server, deal_id: int) -> str:
    engine = db.make_engine(f"sqlite:///{server.database}")
    try:
        with db.session(engine) as s:
            return deals.get_deal(s, users.get_user(s, server.user_ids["admin"]), deal_id).stage
    finally:
        engine.dispose()


def tab_to(page: Page, check: str, what: str, limit: int = 200) -> None:
    """Press Tab until the focused element passes `check` (a JavaScript predicate on `el`, the focused element)."""
    for __ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => {{ const el = document.activeElement; return !!el && ({check}); }}"):
            return
    raise AssertionError(f"{what} is never reached with the Tab key")


def test_a_partner_moves_a_deal_and_opens_its_card_with_the_keyboard_alone(server, page):
    deal_id = _seed(server)
    page.set_viewport_size({"width": 1440, "height": 1000})
    page.goto(server.url)
    email = page.get_by_role("textbox", name="Email")
    email.focus()
    page.keyboard.type(EMAIL)
    page.keyboard.press("Enter")
    expect(page.get_by_role("textbox", name="Password")).to_be_visible()
    page.get_by_role("textbox", name="Password").focus()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("stSidebar").get_by_role("button", name="Sign out")).to_be_visible()
    settle(page)

    tab_to(page, "el.tagName === 'A' && el.closest('[data-testid=stSidebar]') !== null && "
                 "(el.getAttribute('href') || '').endsWith('deal_board')", "the sidebar's Deal board link")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Deal board")).to_be_visible()
    settle(page)

    # The view is a radio group: Tab reaches its chosen option, the arrow keys move to the other one.
    tab_to(page, "el.getAttribute('role') === 'radio' && el.textContent.trim().endsWith('Drag and drop')",
           "the View choice")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Space")
    card = f".st-key-board_card_{deal_id}"
    expect(page.locator(card)).to_be_visible()
    settle(page)
    save_shot(page, "keyboard_cards_view")

    tab_to(page, f"el.tagName === 'INPUT' && el.closest('{card}') !== null", "the card's Move to box")
    page.keyboard.type("Newsletter")
    page.keyboard.press("Enter")
    settle(page)
    tab_to(page, f"el.tagName === 'BUTTON' && el.closest('{card}') !== null && el.textContent.includes('Move')",
           "the card's Move button")
    save_shot(page, "keyboard_move_focused")
    page.keyboard.press("Enter")
    # Entering Newsletter asks for the contact's subscription (issue 20): the statement, then the button.
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_role("heading", name="Ask for the newsletter subscription")).to_be_visible()
    settle(page)
    tab_to(page, "el.tagName === 'INPUT' && el.type === 'checkbox' && el.closest('[role=dialog]') !== null",
           "the contact's agreement")
    page.keyboard.press("Space")
    tab_to(page, "el.tagName === 'BUTTON' && el.closest('[role=dialog]') !== null && "
                 "el.textContent.includes('Move and send')", "the dialog's Move and send button")
    save_shot(page, "keyboard_newsletter_dialog")
    page.keyboard.press("Enter")
    expect(page.get_by_text(f"Moved {COMPANY} from New to Newsletter subscription.")).to_be_visible()
    settle(page)
    assert _stage(server, deal_id) == "newsletter"
    save_shot(page, "keyboard_moved")

    tab_to(page, f"el.tagName === 'BUTTON' && el.closest('{card}') !== null && el.textContent.includes('Details')",
           "the card's Details button")
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_role("heading", name=COMPANY)).to_be_visible()
    settle(page)
    save_shot(page, "keyboard_details")
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
