"""Issue 20 in Chromium, on the demo program with a real SMTP server (aiosmtpd) and the app's own `send-mail`
command: a partner moves a deal to Newsletter, the contact's confirmation email arrives, its link confirms the
consent and the card shows it; a partner wins a deal and its manager confirms it from the home inbox; a firm applies
on the public page, an admin accepts it, and the new partner admin sets a password through the invitation link and
signs in. Screenshots: tests/e2e/screenshots/steps_*.png."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from playwright.sync_api import Page, expect

from e2e_support import CHROMIUM, ROOT, choose, open_page, save_shot, settle
from partner_model import db, deals, partners, users
from partner_model.seed import DEMO_PASSWORD, seed
from tests.app_server import free_port, running_app
from tests.smtp_inbox import Inbox, body

NEW_PASSWORD = "kestrel harbour lantern 42"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """The demo program (SQLite) served with email on: an accepted deal in New and one in Trial for the demo
    partner, whose users and manager read English."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing")
    folder = tmp_path_factory.mktemp("steps")
    url = f"sqlite:///{folder / 'demo.db'}"
    engine = db.make_engine(url)
    db.migrate(engine)
    people = {u["role"]: u for u in seed(engine, "demo", progress=False)["users"]}
    with db.session(engine) as s:
        admin = users.user_by_email(s, people["admin"]["email"])
        seller = users.user_by_email(s, people["partner_user"]["email"])
        manager = users.user_by_email(s, people["partner_manager"]["email"])
        users.set_language(s, seller, "en")
        partners.set_manager(s, admin, seller.partner_id, manager.id)
        for company, stage in (("Newsletter Test Oy", None), ("Winner Test Oy", "trial")):
            domain = company.lower().replace(" ", "-").removesuffix("-oy") + ".example"
            deal = deals.register_deal(s, seller, contact_name="Nora Newsletter", contact_email=f"nora@{domain}",
                                       company_name=company, annual_value="9000")
            deals.review_deal(s, manager, deal.id, accept=True)
            if stage:
                deals.move_deal(s, seller, deal.id, stage=stage)
    engine.dispose()
    inbox, smtp_port, port = Inbox(), free_port(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    base = f"http://127.0.0.1:{port}"
    env = {"SMTP_URL": f"smtp://127.0.0.1:{smtp_port}", "MAIL_FROM": "partners@vendor.example",
           "APP_BASE_URL": base, "VENDOR_NAME": "Demo Vendor Oy"}
    try:
        with running_app(url, folder / "app.log", env=env, port=port) as served:
            yield {"url": served, "people": people, "inbox": inbox, "env": {**os.environ, "DATABASE_URL": url, **env}}
    finally:
        controller.stop()


def send_mail(demo: dict) -> None:
    """The outboxes sent as cron would: `python -m partner_model send-mail`."""
    subprocess.run([sys.executable, "-m", "partner_model", "send-mail"], cwd=ROOT, env=demo["env"], check=True,
                   capture_output=True, timeout=120)


def sign_in(page: Page, base: str, address: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(base)
    page.get_by_role("textbox", name="Email").fill(address)
    page.get_by_role("textbox", name="Email").press("Enter")
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_test_id("stSidebar").get_by_role("button", name="Sign out")).to_be_visible()
    settle(page)


def cards_view(page: Page, search: str) -> None:
    """The deal board's cards with controls, searched for `search` (one card)."""
    open_page(page, "Deal board", "deal_board")
    page.get_by_role("radio", name="Cards with controls").click()
    settle(page)
    page.get_by_role("textbox", name="Search").fill(search)
    page.get_by_role("textbox", name="Search").press("Enter")
    settle(page)


def move(page: Page, company: str, stage: str) -> None:
    card = page.locator("[class*='st-key-board_card_']").filter(has_text=company)
    card.locator("input").click()
    card.locator("input").fill(stage)
    page.get_by_role("option", name=stage, exact=True).click()
    settle(page)
    card.get_by_role("button", name="Move", exact=True).click()
    settle(page)


def test_newsletter_consent_by_double_opt_in(demo, page):  # type: ignore[no-untyped-def]
    sign_in(page, demo["url"], demo["people"]["partner_user"]["email"])
    cards_view(page, "Newsletter Test")
    move(page, "Newsletter Test Oy", "Newsletter subscription")
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_role("heading", name="Ask for the newsletter subscription")).to_be_visible()
    dialog.get_by_text("The contact agreed in our talk to receive the newsletter").click()
    save_shot(page, "steps_newsletter_dialog")
    dialog.get_by_role("button", name="Move and send the confirmation email").click()
    expect(page.get_by_text("Moved Newsletter Test Oy from New to Newsletter subscription.")).to_be_visible()
    expect(page.get_by_text("Newsletter: waiting for confirmation")).to_be_visible()

    send_mail(demo)
    [message] = demo["inbox"].to("nora@newsletter-test.example")
    assert message["Subject"] == "Please confirm your subscription to the Demo Vendor Oy newsletter"
    link = re.search(r"http://\S+/newsletter/confirm\?token=[\w-]+", body(message)).group(0)  # type: ignore[union-attr]
    assert "/newsletter/unsubscribe?token=" in body(message)
    contact = page.context.new_page()
    contact.goto(link)
    expect(contact.get_by_role("button", name="Confirm my subscription")).to_be_visible()
    contact.get_by_role("button", name="Confirm my subscription").click()
    expect(contact.get_by_text("Thank you: your subscription to the Demo Vendor Oy newsletter is confirmed.")
           ).to_be_visible()
    save_shot(contact, "steps_newsletter_confirmed_page")
    contact.close()

    page.reload()
    settle(page)
    cards_view(page, "Newsletter Test")
    expect(page.get_by_text("Newsletter: confirmed")).to_be_visible()
    save_shot(page, "steps_newsletter_card_confirmed")


def test_a_won_deal_is_confirmed_by_its_manager_from_the_home_inbox(demo, page, browser):  # type: ignore[no-untyped-def]
    sign_in(page, demo["url"], demo["people"]["partner_user"]["email"])
    cards_view(page, "Winner Test")
    move(page, "Winner Test Oy", "Closed won")
    choose(page, "Billing option", "Invoice")
    page.get_by_role("button", name="Move to Closed won").click()
    expect(page.get_by_text("Moved Winner Test Oy from Trial to Closed won.")).to_be_visible()
    expect(page.get_by_text("Waiting for the manager's confirmation")).to_be_visible()

    send_mail(demo)
    manager_email = demo["people"]["partner_manager"]["email"]
    assert "Won deal to confirm: Winner Test Oy" in [m["Subject"] for m in demo["inbox"].to(manager_email)]
    manager = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="en-US").new_page()
    sign_in(manager, demo["url"], manager_email)
    expect(manager.get_by_role("heading", name="Won deals to confirm")).to_be_visible()
    card = manager.locator("[class*='st-key-home_won_']").filter(has_text="Winner Test Oy")
    card.scroll_into_view_if_needed()
    expect(card.get_by_text("Latest note:")).to_have_count(0)  # the partner wrote no note with this win
    save_shot(manager, "steps_won_deals_home")
    card.get_by_role("button", name="Confirm", exact=True).click()
    expect(manager.get_by_text("Winner Test Oy is confirmed.")).to_be_visible()
    manager.context.close()


def test_a_firm_applies_an_admin_accepts_and_the_new_partner_admin_signs_in(demo, page, browser):  # type: ignore[no-untyped-def]
    page.goto(demo["url"])
    page.get_by_test_id("stSidebar").get_by_role("link", name="Apply to become a partner").click()
    expect(page.get_by_role("heading", name="Apply to become a partner")).to_be_visible()
    settle(page)
    page.get_by_label("Firm name", exact=True).fill("Kestrel Security Oy")
    page.get_by_label("Firm domain", exact=True).fill("kestrel-security.fi")
    choose(page, "Country", "Finland")
    page.get_by_label("Your name", exact=True).fill("Kaisa Kestrel")
    page.get_by_label("Your email", exact=True).fill("kaisa@kestrel-security.fi")
    frameworks = page.get_by_test_id("stMultiSelect").filter(has=page.get_by_text("Frameworks you work with"))
    frameworks.locator("input").click()
    page.get_by_role("option", name="NIS2", exact=True).click()
    page.keyboard.press("Escape")
    page.get_by_label("What your firm does", exact=True).fill("ISO 27001 audits and NIS2 readiness.")
    page.get_by_text("You may contact me about this application").click()
    save_shot(page, "steps_apply_form")
    page.get_by_role("button", name="Send the application").click()
    expect(page.get_by_text(re.compile("Thank you: the application of Kestrel Security Oy is with us"))
           ).to_be_visible()

    admin = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="en-US").new_page()
    sign_in(admin, demo["url"], demo["people"]["admin"]["email"])
    expect(admin.get_by_text("Partner applications waiting").first).to_be_visible()
    admin.get_by_role("link", name="Open the applications").click()
    settle(admin)
    # The demo program's own applicants wait too, oldest first: the admin picks the new one.
    choose(admin, "Application", "Kestrel Security Oy")
    expect(admin.get_by_text("ISO 27001 audits and NIS2 readiness.")).to_be_visible()
    save_shot(admin, "steps_admin_application")
    admin.get_by_role("button", name="Accept: create the partner and invite its admin").click()
    expect(admin.get_by_text(re.compile("Kestrel Security Oy is a partner now"))).to_be_visible()
    admin.context.close()

    send_mail(demo)
    [invitation] = demo["inbox"].to("kaisa@kestrel-security.fi")
    link = re.search(r"http://\S+\?invite=[\w-]+", body(invitation)).group(0)  # type: ignore[union-attr]
    newcomer = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="en-US").new_page()
    newcomer.goto(link)
    # (an address is drawn with a word joiner after the @, so it is never turned into a mailto link)
    expect(newcomer.get_by_text(re.compile("Choose the password for kaisa@\u2060?kestrel-security.fi"))).to_be_visible()
    newcomer.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    newcomer.get_by_label("Password again", exact=True).fill(NEW_PASSWORD)
    newcomer.get_by_role("button", name="Set my password").click()
    expect(newcomer.get_by_text(re.compile("Your password is set"))).to_be_visible()
    sign_in(newcomer, demo["url"], "kaisa@kestrel-security.fi", NEW_PASSWORD)
    expect(newcomer.get_by_text("Partner admin at Kestrel Security Oy")).to_be_visible()
    save_shot(newcomer, "steps_new_partner_admin_home")
    newcomer.context.close()


@pytest.mark.parametrize("language", ["en", "fi", "sv", "nl", "de"])
def test_the_public_application_page_speaks_the_browsers_language_and_no_label_is_cut(server, browser, language):  # type: ignore[no-untyped-def]
    from label_fit import cut_labels

    from partner_model import i18n

    words = i18n.translations(language).gettext
    locale = {"en": "en-US", "fi": "fi-FI", "sv": "sv-SE", "nl": "nl-NL", "de": "de-DE"}[language]
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale=locale)
    page = context.new_page()
    page.goto(f"{server.url}/apply")
    expect(page.get_by_role("heading", name=words("Apply to become a partner"))).to_be_visible()
    settle(page)
    assert cut_labels(page) == []
    save_shot(page, f"steps_apply_{language}")
    context.close()
