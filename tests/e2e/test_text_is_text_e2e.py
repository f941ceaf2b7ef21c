"""Text is text, in Chromium: what partners type (company, contact, partner and user names, notes, attention items,
billing details, a framework) shows literally where staff and the partner open it, and nothing in it takes effect:
no bold, KaTeX, colour, icon, image or link is made from it, and the browser never requests the URLs it names.

The hostile rows belong to a partner of their own ("Hostile Partners"), seeded through the services into the
server's database when this module's first test runs (after the other modules, which count rows of their own).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from e2e_support import PASSWORD, choose, open_page, save_shot, settle, sign_in
from partner_model import clock, customers, db, deals, partners, users

if TYPE_CHECKING:  # not imported at run time: run with tests/pages, "conftest" may be that folder's module
    from conftest import Server

HOST = "http://127.0.0.1:9"  # port 9 (discard): nothing answers, and no request may even be tried
WORD_JOINER = "\u2060"  # frame/text.md() puts one after "@", "://", "www" and a shortcode's colon: invisible

COMPANY = f'**b** $x^2$ :red[x] ![t]({HOST}/x.png) <a href="{HOST}/">x</a> [link]({HOST}/) {HOST}/bare Evil Co'
WON_COMPANY = f"**w** $w^2$ :red[w] ![t]({HOST}/w.png) Won Co"
OPEN_COMPANY = f"**o** $o^2$ :red[o] [link]({HOST}/) Open Co"
PARTNER = f'**p** $p^2$ :red[p] ![t]({HOST}/p.png) <a href="{HOST}/">p</a> Hostile Partners'
USER = f"**u** $u^2$ :red[u] ![t]({HOST}/u.png) :material/home: Hostile User"
CONTACT = f"**c** $c^2$ :red[c] ![t]({HOST}/c.png) Carl"
NOTE = f'<a href="{HOST}/">note</a> **n** $n^2$ {HOST}/bare someone@evil.example =1+1'
FRAMEWORK = f'<a href="{HOST}/">fw</a> **fw** $f^2$'
KIND = "**k** :red[k] $k^2$"
DETAIL = f"![t]({HOST}/detail.png) **d** $d^2$ :red[d] someone@evil.example"
LEGAL = f"![t]({HOST}/legal.png) **legal** $l^2$ :red[l] Hostile Oy"
ADDRESS = f'[link]({HOST}/) Street 1 <a href="{HOST}/">addr</a> :red[s] $s^2$'
USER_EMAIL = "hostile.user@hostile-partners.example"
# The inner words of the Markdown emphasis in the texts above: no <strong>, <em> or <del> may hold one of them.
EMPHASISED = {"b", "w", "o", "p", "u", "c", "n", "fw", "k", "d", "legal"}


@pytest.fixture(scope="module")
def hostile(server: Server) -> dict[str, int]:
    """The partner, its user, a trial ending soon with an attention item, a pending deal with notes, an accepted
    deal and a deal won this week (a commission line, for the statement and the reports)."""
    engine = db.make_engine(f"sqlite:///{server.database}")
    with db.session(engine) as s:
        admin = users.get_user(s, server.user_ids["admin"])
        manager = users.get_user(s, server.user_ids["partner_manager"])
        partner = partners.create_partner(s, name=PARTNER, domain="hostile-partners.example",
                                          commission_rate=Decimal("0.20"), actor=admin)
        user = users.create_user(s, email=USER_EMAIL, name=USER, role="partner_user", password=PASSWORD,
                                 partner_id=partner.id, actor=admin)
        partners.update_billing_info(s, admin, partner.id, legal_name=LEGAL, vat_id="FI12345678",
                                     billing_email="someone@evil.example", address=ADDRESS)
        trial = customers.create_trial(s, user, company_name=COMPANY, domain="evil-co-trial.example",
                                       framework=FRAMEWORK, today=clock.today() - dt.timedelta(days=10))
        customers.add_attention_item(s, user, trial.id, kind=KIND, detail=DETAIL)
        for days_ago in (1, 2, 4):
            customers.record_activity(s, trial.id, occurred_on=clock.today() - dt.timedelta(days=days_ago))
        pending = deals.register_deal(s, user, contact_name=CONTACT, contact_email="someone@evil.example",
                                      company_name=COMPANY, annual_value="7000", framework=FRAMEWORK, note=NOTE)
        deals.add_note(s, manager, pending.id, NOTE)
        won = deals.register_deal(s, user, contact_name=CONTACT, contact_email="buyer@evil-won.example",
                                  company_name=WON_COMPANY, annual_value="9000", framework=FRAMEWORK)
        deals.review_deal(s, manager, won.id, accept=True)
        deals.move_deal(s, user, won.id, stage="closed_won", billing_option="invoice")
        opened = deals.register_deal(s, user, contact_name=CONTACT, contact_email="buyer@evil-open.example",
                                     company_name=OPEN_COMPANY, annual_value="5000")
        deals.review_deal(s, manager, opened.id, accept=True)
        ids = {"partner": partner.id, "pending": pending.id, "open": opened.id}
    engine.dispose()
    return ids


@pytest.fixture
def requests_made(page: Page) -> Iterator[list[str]]:
    """Every URL the page (and its frames) asks for from now on."""
    made: list[str] = []
    page.on("request", lambda request: made.append(request.url))
    yield made
    assert not [url for url in made if _to_port_9(url)], "the browser requested a URL typed into the data"


def _to_port_9(url: str) -> bool:
    parts = urlsplit(url)
    return parts.hostname == "127.0.0.1" and parts.port == 9


def _flat(text: str) -> str:
    """Text as a reader sees it: no word joiners, white space as single spaces."""
    return " ".join(text.replace(WORD_JOINER, "").split())


def shot(page: Page, name: str) -> None:
    save_shot(page, f"text_is_text_{name}")


_LIVE_MARKUP = """() => {
  const all = (root) => [...root.querySelectorAll('*')];
  const out = {urls: [], emphasis: [], katex: 0, svgLinks: 0};
  for (const doc of [document, ...[...document.querySelectorAll('iframe')].map(f => {
      try { return f.contentDocument; } catch (e) { return null; } }).filter(Boolean)]) {
    for (const el of all(doc)) {
      for (const a of el.attributes) {
        if (/^(href|src|srcset|xlink:href|style|poster|action)$/i.test(a.name) && a.value.includes('127.0.0.1:9')) {
          out.urls.push(el.tagName + ' ' + a.name + '=' + a.value);
        }
      }
    }
    out.emphasis.push(...[...doc.querySelectorAll('strong, b, em, i, del, s')].map(e => e.textContent.trim()));
    out.katex += doc.querySelectorAll('.katex, .katex-mathml, math').length;
    out.svgLinks += doc.querySelectorAll('svg a').length;
  }
  return out;
}"""


def assert_shown_as_text(page: Page, where: str, *texts: str) -> None:
    """Each text shows literally, and nothing on the page is markup made from the hostile data."""
    settle(page)
    seen = _flat(page.locator("body").inner_text())
    svg = _flat(" ".join(page.locator("svg").all_text_contents()))
    missing = [text for text in texts if _flat(text) not in seen and _flat(text) not in svg]
    assert not missing, f"{where}: not shown literally: {missing}"
    found = page.evaluate(_LIVE_MARKUP)
    assert not found["urls"], f"{where}: links or images to the typed URLs: {found['urls']}"
    assert not [e for e in found["emphasis"] if e in EMPHASISED], f"{where}: emphasis made from typed text"
    assert found["katex"] == 0, f"{where}: LaTeX typeset from typed text"
    assert found["svgLinks"] == 0, f"{where}: a link in a chart"


def sign_in_partner(page: Page, base: str) -> None:
    page.goto(base)
    expect(page.get_by_role("button", name="Sign in", exact=True)).to_be_visible()
    page.get_by_role("textbox", name="Email").fill(USER_EMAIL)
    page.get_by_role("textbox", name="Email").press("Enter")
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_test_id("stSidebar").get_by_role("button", name="Sign out")).to_be_visible()
    settle(page)


def open_account(page: Page, who: str) -> None:
    open_page(page, "Customers", "customers")
    page.get_by_role("textbox", name="Search").fill("evil-co-trial")
    page.get_by_role("textbox", name="Search").press("Enter")
    settle(page)
    choose(page, "Open an account", "Evil Co (evil-co-trial.example)")
    details = page.locator(".st-key-customers_details")
    expect(details.get_by_text("**b**").first).to_be_visible()
    expect(details.locator(".gtitle")).to_have_count(1)  # the daily activity chart, titled with the company
    assert_shown_as_text(page, f"customers ({who})", COMPANY, FRAMEWORK, KIND, DETAIL)
    assert COMPANY in _flat(details.locator(".gtitle").text_content() or "")
    shot(page, f"customers_{who}")


def open_card(page: Page, who: str) -> None:
    open_page(page, "Deal board", "deal_board")
    choose(page, "Open a card", "Evil Co ·")
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_text("**b**").first).to_be_visible()
    assert COMPANY in _flat(dialog.inner_text())  # the title, and the notes below it
    # the partner's own name shows to staff only (issue 15: a partner knows its own firm)
    assert_shown_as_text(page, f"deal card ({who})", COMPANY, CONTACT, NOTE, FRAMEWORK,
                         *([PARTNER] if who != "partner" else []))
    shot(page, f"deal_card_{who}")
    dialog.get_by_role("button", name="Done").click()
    settle(page)


def move_open_deal(page: Page, hostile: dict[str, int], who: str) -> None:
    page.get_by_test_id("stButtonGroup").get_by_text("Cards with controls").click()
    settle(page)
    card = page.locator(f".st-key-board_card_{hostile['open']}")
    card.get_by_role("combobox").click()
    page.get_by_role("option", name="Newsletter subscription", exact=True).click()
    settle(page)
    card.get_by_role("button", name="Move", exact=True).click()
    dialog = page.get_by_role("dialog")  # Newsletter asks for the contact's subscription first (issue 20)
    expect(dialog.get_by_role("heading", name="Ask for the newsletter subscription")).to_be_visible()
    settle(page)
    assert_shown_as_text(page, f"deal board, newsletter dialog ({who})", OPEN_COMPANY)
    dialog.get_by_role("button", name="Move without asking now").click()
    expect(page.get_by_text(re.compile(r"Moved .*Open Co from New to Newsletter subscription"))).to_be_visible()
    assert_shown_as_text(page, f"deal board, move flash ({who})", OPEN_COMPANY, WON_COMPANY)
    shot(page, f"deal_board_moved_{who}")


def test_staff_see_the_typed_texts_as_written(server, page, hostile, requests_made):
    page.set_viewport_size({"width": 1400, "height": 1800})
    sign_in(page, server.url, "partner_manager")
    assert_shown_as_text(page, "home (staff)")  # the staff's work inbox: counts and links, no company names
    open_account(page, "staff")
    open_card(page, "staff")

    open_page(page, "Review queue", "review_queue")
    choose(page, "Deal to review", "Evil Co ·")
    expect(page.get_by_role("heading", name=re.compile(re.escape("**b** $x^2$")))).to_be_visible()
    assert_shown_as_text(page, "review queue", COMPANY, CONTACT, PARTNER, FRAMEWORK, USER, NOTE)
    shot(page, "review_queue")
    page.get_by_role("button", name="Accept", exact=True).click()
    expect(page.get_by_text(re.compile(r"Accepted deal #\d+ \*\*b\*\*"))).to_be_visible()
    assert_shown_as_text(page, "review queue, accepted", COMPANY, PARTNER)

    open_page(page, "Commissions", "commissions")
    page.get_by_role("tab", name="Statements").click()
    settle(page)
    choose(page, "Partner", "Hostile Partners")
    expect(page.get_by_text("**legal**").first).to_be_visible()
    assert_shown_as_text(page, "statement (staff)", PARTNER, LEGAL, ADDRESS, "someone@evil.example")
    shot(page, "statement_staff")
    page.get_by_role("tab", name="Reports").click()
    settle(page)
    expect(page.get_by_test_id("stPlotlyChart").first).to_be_visible()
    assert_shown_as_text(page, "reports (staff)", PARTNER)  # a tick label of the top partners
    shot(page, "reports_staff")

    open_page(page, "Billing", "billing")
    choose(page, "Partner", "Hostile Partners")
    expect(page.get_by_test_id("stTable")).to_be_visible()
    assert_shown_as_text(page, "billing (staff)", PARTNER, LEGAL, ADDRESS, "someone@evil.example")
    shot(page, "billing_staff")

    open_page(page, "Deal board", "deal_board")
    move_open_deal(page, hostile, "staff")


def test_the_partner_sees_the_typed_texts_as_written(server, page, hostile, requests_made):
    page.set_viewport_size({"width": 1400, "height": 1800})
    sign_in_partner(page, server.url)
    expect(page.get_by_role("heading", name=re.compile(re.escape("Welcome, **u**")))).to_be_visible()
    assert_shown_as_text(page, "home (partner)", USER, PARTNER, COMPANY)
    shot(page, "home_partner")
    open_account(page, "partner")
    open_card(page, "partner")

    open_page(page, "Pipeline", "pipeline")
    assert_shown_as_text(page, "pipeline (partner)", PARTNER)

    open_page(page, "Commissions", "commissions")
    page.get_by_role("tab", name="Statements").click()
    settle(page)
    expect(page.get_by_text("**legal**").first).to_be_visible()
    assert_shown_as_text(page, "statement (partner)", PARTNER, LEGAL, ADDRESS, "someone@evil.example")
    shot(page, "statement_partner")


def test_an_admin_sees_the_typed_texts_as_written(server, page, hostile, requests_made):
    page.set_viewport_size({"width": 1400, "height": 1800})
    sign_in(page, server.url, "admin")
    open_page(page, "Admin", "admin")
    page.get_by_role("combobox", name="Partner").first.click()  # the tier form's (the users tab has its own)
    page.get_by_role("option", name=re.compile("Hostile Partners")).click()
    settle(page)
    page.get_by_test_id("stForm").filter(has=page.get_by_text("Save tier and rate")).get_by_role(
        "combobox", name="Tier").click()
    page.get_by_role("option", name="Gold", exact=True).click()
    page.get_by_role("button", name="Save tier and rate").click()
    expect(page.get_by_role("button", name="Yes, change the tier")).to_be_visible()
    assert_shown_as_text(page, "admin, tier change asked", PARTNER)
    shot(page, "admin_tier")
    page.get_by_role("button", name="Yes, change the tier").click()
    expect(page.get_by_text(re.compile(r"Hostile Partners: Gold"))).to_be_visible()
    assert_shown_as_text(page, "admin, tier changed", PARTNER)
