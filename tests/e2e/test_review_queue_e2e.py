"""The review queue and the pipeline in Chromium: a partner manager accepts one deal and denies another with a
reason and a note, the next deal opening after each; the hints name the other partner, its deal and its
protection end; every row of a long queue is shown or a page away; the pipeline's charts, its currency picker,
the partners compared, and a stale deal's link that opens its card. Screenshots of both pages
(tests/e2e/screenshots/review_*.png, pipeline_*.png), looked at for overlapping labels and cut hints.

The deals are added through the services to the server's database, with names no other test uses; the long
queue's rows are denied again afterwards, so later tests see the queue they expect.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

import e2e_support
from e2e_support import choose, open_page, save_shot, settle
from partner_model import clock, db, deals, i18n, partners, users

if TYPE_CHECKING:
    from conftest import Server

ACCEPT, DENY, OVERDUE = "Eetu Accept Oy", "Dora Deny AB", "Olga Overdue GmbH"
SKARVIK = "Skarvik Shipping AS"
HELD, CLAIMED = "Samecorp Beta", "Samecorp Acme Oy"  # Beta holds samecorp-e2e.example; Acme registers it too


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
        # Modules before this one may have given partners a manager (the admin's forms): this module's manager
        # looks after none, so "My partners only" shows every partner's deals, as the tests below expect.
        s.execute(sa.text("UPDATE partner SET manager_id = NULL"))
        s.commit()
        alice = users.get_user(s, server.user_ids["partner_user"])
        for company, contact, days_ago in ((ACCEPT, "eetu@eetu-accept.example", 0),
                                           (DENY, "dora.deny@gmail.com", 1),
                                           (OVERDUE, "olga@olga-overdue.example", 9)):
            deals.register_deal(s, alice, contact_name="Carl Contact", contact_email=contact, company_name=company,
                                annual_value="18000", note=f"Met {company} at the fair.",
                                customer_domain="dora-deny.example" if "gmail" in contact else None,
                                today=clock.today() - dt.timedelta(days=days_ago))
        manager = users.get_user(s, server.user_ids["partner_manager"])
        _beta_pipeline(s, manager)
        beta_id = next(pid for pid, name in partners.partner_names(s, manager).items() if name == "Beta Advisors")
        held = deals.register_deal(s, manager, contact_name="Carl Contact", partner_id=beta_id,
                                   contact_email="carl@samecorp-e2e.example", company_name=HELD, annual_value="7000",
                                   today=clock.today() - dt.timedelta(days=3))
        deals.review_deal(s, manager, held.id, accept=True)
        deals.register_deal(s, alice, contact_name="Anna Acme", contact_email="anna@samecorp-e2e.example",
                            company_name=CLAIMED, annual_value="6000")
    engine.dispose()


def _beta_pipeline(s, manager) -> None:  # type: ignore[no-untyped-def]
    """Beta deals in more stages and in SEK, for the pipeline. No won deal and no trial: those would add
    commission lines and customer accounts that other end-to-end tests count."""
    beta_id = next(pid for pid, name in partners.partner_names(s, manager).items() if name == "Beta Advisors")
    month_ago = clock.today() - dt.timedelta(days=30)
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

    # The oldest deal opens by itself, named in the panel.
    expect(page.get_by_role("heading", name=re.compile(r"Deal #\d+: Bjorn Stale AB"))).to_be_visible()
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
    # The deal after it in the queue opens by itself.
    expect(page.get_by_role("heading", name=re.compile(r"Deal #\d+: "))).to_be_visible()
    expect(page.get_by_role("heading", name=ACCEPT)).to_have_count(0)

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
    # The next deal opens, in the browser's select box too, with an empty form.
    chooser = page.get_by_test_id("stSelectbox").filter(has=page.get_by_text("Deal to review", exact=True))
    expect(chooser.get_by_text(re.compile(re.escape(DENY)))).to_have_count(0)
    expect(page.get_by_role("heading", name=re.compile(r"Deal #\d+: Pending Co"))).to_be_visible()
    expect(page.get_by_role("heading", name=DENY)).to_have_count(0)
    expect(page.get_by_role("textbox", name="Note (optional)")).to_have_value("")
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


def _row_of(table, text: str) -> int:  # type: ignore[no-untyped-def]
    """The row (1: the first below the headings) of a shown table whose cells hold `text` (the grid draws on a
    canvas; the rows it draws are also in the page, as a table inside the canvas)."""
    rows = table.locator("tr").evaluate_all("rows => rows.map(row => row.textContent)")
    return next(i for i, row in enumerate(rows) if text in row)


def test_the_pipeline_for_staff_and_for_a_partner(server, page, review_deals):
    sign_in(page, server, "partner_manager")
    open_page(page, "Pipeline", "pipeline")
    expect(page.get_by_text("Win rate", exact=True).first).to_be_visible()
    # The funnel, value by stage, registrations per week, and the partners' win rates.
    expect(page.locator(".js-plotly-plot")).to_have_count(4)
    expect(page.get_by_text("Deals by the furthest stage they reached")).to_be_visible()
    expect(page.get_by_role("heading", name="Partners compared")).to_be_visible()
    page.wait_for_timeout(1000)  # Plotly draws after the run ends
    shot(page, "pipeline_staff")
    # One currency at a time: the picker shows SEK's chart on its own.
    page.get_by_test_id("stButtonGroup").get_by_text("SEK", exact=True).click()
    settle(page)
    expect(page.get_by_text("Value by stage in SEK")).to_be_visible()
    page.wait_for_timeout(1000)
    shot(page, "pipeline_staff_sek")

    # A stale deal's link opens its card on the deal board (in a new tab, signed in by the session cookie).
    stale = page.get_by_test_id("stDataFrame").last
    stale.scroll_into_view_if_needed()
    box = stale.bounding_box()
    assert box is not None
    x, y = box["x"] + 30, box["y"] + 35 * _row_of(stale, "Bjorn Stale AB") + 17
    page.mouse.move(x, y)  # the grid opens a link cell's address on a click over its text
    page.wait_for_timeout(300)
    with page.context.expect_page() as opened:
        page.mouse.click(x, y)
    card = opened.value
    expect(card.get_by_role("dialog").get_by_role("heading", name="Bjorn Stale AB")).to_be_visible()
    settle(card)
    shot(card, "pipeline_stale_card_opened")
    card.close()

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
        expect(partner.get_by_role("heading", name="Partners compared")).to_have_count(0)
        expect(partner.get_by_text("Olga Overdue GmbH")).to_be_attached()
        expect(partner.get_by_text(re.compile("SEK"))).to_have_count(0)  # Beta's deals are all it has in SEK
    finally:
        context.close()


def _find(page: Page, label: str, text: str) -> None:
    """Pick an option of a long select box by typing part of it (the open list draws only the options in view)."""
    box = page.get_by_test_id("stSelectbox").filter(has=page.get_by_text(label, exact=True))
    box.locator("input").click()
    box.locator("input").fill(text)
    page.get_by_role("option", name=re.compile(re.escape(text))).first.click()
    settle(page)


def _rows(server: Server, count: int) -> list[int]:
    """`count` more pending deals of Acme, registered now: the queue runs to a second page."""
    engine = db.make_engine(f"sqlite:///{server.database}")
    try:
        with db.session(engine) as s:
            alice = users.get_user(s, server.user_ids["partner_user"])
            return [deals.register_deal(s, alice, contact_name="Carl Contact", contact_email=f"c@row-{i:02d}.example",
                                        company_name=f"Row {i:02d} Oy", annual_value="1000").id
                    for i in range(count)]
    finally:
        engine.dispose()


def _deny(server: Server, ids: list[int]) -> None:
    engine = db.make_engine(f"sqlite:///{server.database}")
    try:
        with db.session(engine) as s:
            admin = users.get_user(s, server.user_ids["admin"])
            for deal_id in ids:
                if deals.get_deal(s, admin, deal_id).review_status == "pending":
                    deals.review_deal(s, admin, deal_id, accept=False, reason="invalid_lead")
    finally:
        engine.dispose()


def _queue(server: Server) -> tuple[list[str], list[str], int]:
    """The companies of the queue's first and second page, and how many deals wait, as the service has them."""
    engine = db.make_engine(f"sqlite:///{server.database}")
    try:
        with db.session(engine) as s:
            admin = users.get_user(s, server.user_ids["admin"])
            first, total = deals.review_queue(s, admin, limit=50)
            second, __ = deals.review_queue(s, admin, limit=50, offset=50)
    finally:
        engine.dispose()
    return list(first["company_name"]), list(second["company_name"]), total


def test_hints_name_the_other_partner_and_every_row_of_the_queue_is_reachable(server, page, review_deals):
    """Issue: the Hints column was cut ("Existin…"), about 10 of 30 rows showed, and "Another partner has an open
    deal" did not say which partner, which deal, or when its protection ends."""
    rows = _rows(server, 52)
    try:
        first, second, total = _queue(server)
        assert total > 50 and second
        sign_in(page, server, "partner_manager")
        open_page(page, "Review queue", "review_queue")
        expect(page.get_by_text(f"{total} deals waiting for review")).to_be_visible()
        table = page.get_by_test_id("stDataFrame").first
        box = table.bounding_box()
        assert box is not None and box["height"] >= 35 * (len(first) + 1), box
        # Every row of the page is drawn, the last one too, without scrolling inside the table.
        expect(table.get_by_text(first[-1], exact=True)).to_be_attached()
        assert table.locator("tr").count() == len(first) + 1  # the headings and every row, none scrolled away
        shot(page, "review_queue_long")

        _find(page, "Deal to review", CLAIMED)
        held = _deal(server, HELD)
        words = i18n.Formats("en")
        sentence = (f"Beta Advisors registered it on {words.date(clock.local_date(held.created_at))} "
                    f"(deal #{held.id}, {HELD}), protected until {words.date(held.protected_until)}")
        expect(page.get_by_text(sentence)).to_be_visible()
        expect(page.get_by_text("Another partner has an open deal for this domain")).to_be_visible()
        page.get_by_text(sentence).scroll_into_view_if_needed()
        shot(page, "review_queue_hints")

        # The pager reaches the rest.
        page.get_by_test_id("stPaginationNext").click()
        settle(page)
        expect(page.get_by_text(f"showing 51–{total}")).to_be_visible()
        expect(page.get_by_test_id("stDataFrame").first.get_by_text(second[-1], exact=True)).to_be_attached()
        shot(page, "review_queue_page_2")
    finally:
        _deny(server, rows)


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
