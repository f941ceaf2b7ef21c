"""Deals in Chromium: a partner registers a deal, a partner manager accepts it in a second browser context (the
review queue page), and the partner drags the card to Trial and then to Closed won, choosing the billing option
in the dialog. On a 1440 × 1000 screen, a partner's and a staff user's boards have compact column headers, cards
that say what matters, and a cards view paged per column. Screenshots: tests/e2e/screenshots/deals_*.png.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from e2e_support import PASSWORD, Server, choose, open_page, save_shot, settle, sign_in
from partner_model import clock, db, deals, users

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

    # Registering the same customer again: a warning before submitting, with the date and state of the first.
    fill(partner, "Contact email", "someone.else@kestrel-analytics.example")
    expect(partner.get_by_text(re.compile(r"You already registered this customer on .* \(review status: Pending\)"))
           ).to_be_visible()
    expect(partner.get_by_role("button", name="Register the deal")).to_be_enabled()  # they may still submit
    settle(partner)
    shot(partner, "register_warning")
    # A free-mail contact: the form asks for the customer's company domain.
    fill(partner, "Contact email", "kaisa.kestrel@gmail.com")
    expect(partner.get_by_label("Customer's company domain", exact=True)).to_be_visible()
    settle(partner)


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


# --- the board on a 1440 × 1000 screen: compact headers, cards that say what matters, the cards view paged ---------

GAMMA_EMAIL = "gamma.user@gamma-partners.example"
SCREEN = {"width": 1440, "height": 1000}
GAMMA_CURRENCIES = ("EUR", "SEK", "USD", "GBP", "NOK")


def seed_gamma(server: Server) -> None:
    """A partner of its own (so other tests' boards stay as they were): twelve deals in New, registered three weeks
    ago (stale, and behind every other partner's newer cards), in five currencies; one accepted and won, one denied."""
    import datetime as dt
    from decimal import Decimal

    from partner_model import partners

    engine = db.make_engine(f"sqlite:///{server.database}")
    try:
        with db.session(engine) as s:
            admin = users.get_user(s, server.user_ids["admin"])
            if partners.partner_names(s, admin, search="Gamma Partners"):
                return
            gamma = partners.create_partner(s, name="Gamma Partners", domain="gamma-partners.example",
                                            commission_rate=Decimal("0.10"))
            user = users.create_user(s, email=GAMMA_EMAIL, name="Gina Gamma", role="partner_user",
                                     password=PASSWORD, partner_id=gamma.id)
            gina = users.get_user(s, user.id)
            then = clock.today() - dt.timedelta(days=20)
            made = []
            for n in range(14):
                currency = GAMMA_CURRENCIES[n % len(GAMMA_CURRENCIES)]
                made.append(deals.register_deal(
                    s, gina, contact_name="Carl Contact", contact_email=f"carl@gamma-client-{n:02d}.example",
                    company_name=f"Gamma Client {n:02d} Oy", annual_value=str(1000 * (n + 1)), currency=currency,
                    today=then))
            deals.review_deal(s, admin, made[0].id, accept=True, today=then)
            deals.move_deal(s, gina, made[0].id, stage="closed_won", billing_option="invoice")
            deals.review_deal(s, admin, made[1].id, accept=False, reason="other",
                              note="The customer buys through its parent company's contract.", today=then)
    finally:
        engine.dispose()


def sign_in_as(page: Page, base: str, address: str) -> None:
    page.goto(base)
    page.get_by_role("textbox", name="Email").fill(address)
    page.get_by_role("textbox", name="Email").press("Enter")
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_test_id("stSidebar").get_by_role("button", name="Sign out")).to_be_visible()
    settle(page)


def drag_headers(page: Page) -> list[str]:
    headers = page.frame_locator(SORTABLES).locator(".sortable-container-header")
    expect(headers.first).to_be_visible()
    return [text.strip() for text in headers.all_inner_texts()]


def check_compact_headers(page: Page) -> None:
    """Every column header: the stage, the count and one total line; none longer than four lines drawn."""
    headers = page.frame_locator(SORTABLES).locator(".sortable-container-header")
    for text in drag_headers(page):
        lines = text.split("\n")
        assert len(lines) == 3 and not any(line.rstrip().endswith("·") for line in lines), text
    for i in range(headers.count()):
        box = headers.nth(i).bounding_box()
        assert box is not None and box["height"] < 90, drag_headers(page)[i]  # four lines at most


def open_cards_view(page: Page) -> float:
    """Switch to the cards with controls; the page's height."""
    page.get_by_role("radio", name="Cards with controls").click()
    settle(page)
    expect(page.get_by_role("button", name="Move").first).to_be_visible()
    box = page.get_by_test_id("stMainBlockContainer").bounding_box()
    assert box is not None
    return box["height"]


def test_a_partners_board_has_compact_headers_plain_cards_and_a_paged_cards_view(server, page):
    seed_gamma(server)
    page.set_viewport_size(SCREEN)
    sign_in_as(page, server.url, GAMMA_EMAIL)
    open_page(page, "Deal board", "deal_board")
    check_compact_headers(page)
    new = drag_headers(page)[0].split("\n")
    assert new[:2] == ["New", "12 deals"] and new[2].replace("\xa0", " ").endswith("+ 4 more"), new
    cards = page.frame_locator(SORTABLES).locator(".sortable-item")
    expect(cards.first).to_be_visible()
    expect(cards.filter(has_text="Gamma Partners")).to_have_count(0)  # a partner's own name is not repeated
    expect(cards.filter(has_text="Stale").first).to_be_visible()
    shot(page, "board_partner")

    height = open_cards_view(page)
    assert height < 2600, f"the cards view is {height:.0f} px tall"  # was 4,871 px with ten cards a column
    expect(page.get_by_text("Gamma Partners")).to_have_count(0)
    shot(page, "board_partner_cards")
    pager = page.get_by_text("1–5 of 12")
    pager.scroll_into_view_if_needed()
    expect(pager).to_be_visible()
    page.get_by_test_id("stPagination").get_by_label("Page 3", exact=True).click()  # New's last page
    expect(page.get_by_text("11–12 of 12")).to_be_visible()
    settle(page)
    expect(page.get_by_text("Gamma Client 00 Oy")).to_be_visible()  # Closed won keeps its card
    shot(page, "board_partner_cards_last_page")

    # A denied deal: the reason in the partner's words and the reviewer's note.
    page.get_by_role("heading", name="Deal board").scroll_into_view_if_needed()
    settle(page)
    choose(page, "Review status", "Denied")
    page.get_by_role("button", name="Details").first.click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_text("Denied for a reason the reviewer explains in their note.")).to_be_visible()
    expect(dialog.get_by_text("The customer buys through its parent company's contract.").first).to_be_visible()
    expect(page.get_by_text("Other reason (say why in the note)")).to_have_count(0)
    settle(page)
    shot(page, "board_partner_denied_card")


def test_staff_see_the_partner_on_each_card_with_the_same_compact_headers(server, page):
    seed_gamma(server)
    page.set_viewport_size(SCREEN)
    sign_in(page, server.url, "admin")
    open_page(page, "Deal board", "deal_board")
    choose(page, "Partner", "Gamma Partners")
    check_compact_headers(page)
    expect(page.frame_locator(SORTABLES).locator(".sortable-item").filter(has_text="Gamma Partners").first
           ).to_be_visible()
    shot(page, "board_staff")
    height = open_cards_view(page)
    assert height < 2600, f"the cards view is {height:.0f} px tall"
    expect(page.get_by_text("Gamma Partners").first).to_be_visible()
    shot(page, "board_staff_cards")
