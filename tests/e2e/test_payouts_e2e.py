"""Payouts in Chromium, on the demo program (issue 18): finance approves a week, sees its payouts, confirms the demo
partner's euro payout, downloads the SEPA file (validated against its XSD here) and an invoice PDF, marks the payout
paid; the partner's admin then sees it paid. Screenshots go to tests/e2e/screenshots/payouts_*.png."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from e2e_support import CHROMIUM, SCREENSHOTS, choose, open_page, save_shot, settle
from partner_model import clock, db, deals, i18n, rules, users
from partner_model.seed import DEMO_PASSWORD, seed
from tests.app_server import running_app
from tests.conftest import POSTGRES

VENDOR = {"VENDOR_NAME": "Demo Vendor Oy", "VENDOR_IBAN": "FI2112345600000785", "VENDOR_COUNTRY": "FI",
          "VENDOR_VAT_ID": "FI12345678", "VENDOR_ADDRESS": "Mannerheimintie 1, 00100 Helsinki"}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def database(request, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The demo program's database on each backend (PostgreSQL when the suite has one)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('payouts') / 'demo.db'}"
        return
    if not POSTGRES.probe():
        pytest.skip("PostgreSQL is not reachable")
    name = POSTGRES.create_database()
    try:
        yield POSTGRES.url(name)
    finally:
        POSTGRES.drop_database(name)


@pytest.fixture(scope="module")
def demo(database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """The demo program served with a vendor account; the week to approve: this week, in which the demo partner
    wins a deal paid by invoice (a payout) and one billed via the partner (an invoice)."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing")
    folder = tmp_path_factory.mktemp("payouts")
    url = database
    engine = db.make_engine(url)
    db.migrate(engine)
    people = {u["role"]: u for u in seed(engine, "demo", progress=False)["users"]}
    partner = people["partner_admin"]["partner"]
    with db.session(engine) as s:  # the demo partner wins two deals this week: one paid, one netted
        seller = users.user_by_email(s, people["partner_user"]["email"])
        manager = users.user_by_email(s, people["partner_manager"]["email"])
        for company, option in (("Payout Test Oy", "invoice"), ("Netting Test Oy", "via_partner")):
            domain = company.lower().replace(" ", "-").removesuffix("-oy") + ".example"
            deal = deals.register_deal(s, seller, contact_name="Pat Payout", contact_email=f"pat@{domain}",
                                       company_name=company, annual_value="10000", currency="EUR")
            deals.review_deal(s, manager, deal.id, accept=True)
            deals.move_deal(s, seller, deal.id, stage="closed_won", billing_option=option)
    week = rules.iso_week(clock.today())
    with engine.connect() as conn:
        language = conn.execute(sa.text('SELECT language FROM "user" WHERE email = :email'),
                                {"email": people["partner_admin"]["email"]}).scalar_one() or "en"
    engine.dispose()
    with running_app(url, folder / "app.log", env=VENDOR) as base:
        yield {"url": base, "week": week, "partner": partner, "people": people, "language": language,
               "database": url}


def sign_in(page: Page, base: str, address: str) -> None:
    page.goto(base)
    page.get_by_role("textbox", name="Email").fill(address)
    page.get_by_role("textbox", name="Email").press("Enter")
    page.get_by_role("textbox", name="Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_test_id("stSidebar").get_by_role("button", name="Sign out")).to_be_visible()
    settle(page)


def download(page: Page, label: str, name: str) -> Path:
    with page.expect_download() as info:
        page.get_by_test_id("stDownloadButton").filter(has_text=label).click()
    target = SCREENSHOTS / name
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    info.value.save_as(target)
    return target


def test_finance_approves_confirms_pays_and_the_partner_admin_sees_it_paid(demo, page):  # type: ignore[no-untyped-def]
    import sepaxml
    import xmlschema

    week, partner = demo["week"], demo["partner"]
    sign_in(page, demo["url"], demo["people"]["finance"]["email"])
    open_page(page, "Commissions", "commissions")
    choose(page, "ISO week", f"Week {int(week[-2:])}, {week[:4]} ")
    page.get_by_text(f"I have checked the lines of week {week}").click()
    settle(page)
    page.get_by_role("button", name="Approve week").click()
    expect(page.get_by_text(f"Week {week} approved and locked.")).to_be_visible()
    settle(page)

    open_page(page, "Payouts", "payouts")
    choose(page, "Partner", partner)
    choose(page, "Currency", "EUR")
    expect(page.get_by_test_id("stMetric").filter(has_text="Draft · EUR")).to_be_visible()
    save_shot(page, "payouts_finance_drafts")
    choose(page, "Payout", f"{partner} · Week {int(week[-2:])}")
    engine = db.make_engine(demo["database"])
    with engine.connect() as conn:  # the payout the approval made for the demo partner in euros
        payout = conn.execute(sa.text(
            "SELECT o.id FROM payout o JOIN partner p ON p.id = o.partner_id WHERE p.name = :partner "
            "AND o.week = :week AND o.currency = 'EUR'"), {"partner": partner, "week": week}).scalar_one()
    engine.dispose()
    page.get_by_role("button", name="Confirm: ready for the bank").click()
    expect(page.get_by_text(f"Payout #{payout} is ready for the bank.")).to_be_visible()
    settle(page)

    page.get_by_role("button", name="Make the SEPA bank file").click()
    settle(page)
    expect(page.get_by_text(re.compile(r"payouts?, .* in total, (is|are) in the file"))).to_be_visible()
    xml = download(page, "Download the SEPA file", "payouts_sepa.xml").read_bytes()
    schema = xmlschema.XMLSchema(os.path.join(os.path.dirname(sepaxml.__file__), "schemas", "pain.001.001.03.xsd"))
    schema.validate(xml.decode())
    ns = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}
    ids = [e.text for e in ElementTree.fromstring(xml).iterfind(".//p:EndToEndId", ns)]
    assert f"PAYOUT-{payout}-{week}" in ids
    save_shot(page, "payouts_finance_bank_file")

    page.get_by_role("textbox", name="Bank reference").fill("NDEA-2026-0042")
    page.get_by_role("button", name="Mark paid").click()
    expect(page.get_by_text(f"Payout #{payout} is paid.")).to_be_visible()
    settle(page)
    invoices = page.get_by_test_id("stSelectbox").filter(has=page.get_by_text("Invoice", exact=True))
    if invoices.count():  # the week had commission netted on an invoice of some partner
        invoices.locator("input").click()
        page.get_by_role("option").first.click()
        settle(page)
        assert download(page, "Download the PDF", "payouts_invoice.pdf").read_bytes().startswith(b"%PDF")
    save_shot(page, "payouts_finance_paid")

    page.get_by_test_id("stSidebar").get_by_role("button", name="Sign out").click()
    settle(page)
    sign_in(page, demo["url"], demo["people"]["partner_admin"]["email"])
    words = i18n.translations(demo["language"]).gettext  # the partner admin reads the app in their language
    open_page(page, words("Payouts"), "payouts")
    expect(page.get_by_test_id("stDataFrame").get_by_text("NDEA-2026-0042", exact=True).first).to_be_attached()
    save_shot(page, "payouts_partner_admin_paid")
