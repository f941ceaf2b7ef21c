"""The commissions page in Chromium: finance reviews a past week, approves it, and downloads Acme's statement as
CSV and PDF; a partner user sees only their own lines. Screenshots (and the PDF as PNG, when pdftoppm is
installed) go to tests/e2e/screenshots/.

The week used is three weeks back, so approving it leaves this week (which other tests show) open.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from e2e_support import email, pick_option, save_shot, settle
from partner_model import clock, commissions, db, deals, partners, rules, users

# As in tests/e2e/conftest.py (its users and folder); not imported: run with tests/pages, "conftest" may be theirs.
PASSWORD = "correct horse battery"
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"

WON_ON = clock.today() - dt.timedelta(days=21)
WEEK = rules.iso_week(WON_ON)
DEALS = (("Aurora Analytics Oy", "aurora-analytics.example", "12000", "credit_card"),
         ("Fjord Shipping AS", "fjord-shipping.example", "8000.50", "via_partner"))


@pytest.fixture(scope="module")
def won_week(server) -> str:  # type: ignore[no-untyped-def]
    """Acme (20 %) wins two deals in WEEK and has its billing information filled in."""
    engine = db.make_engine(f"sqlite:///{server.database}")
    with db.session(engine) as s:
        alice = users.get_user(s, server.user_ids["partner_user"])
        manager = users.get_user(s, server.user_ids["partner_manager"])
        admin = users.get_user(s, server.user_ids["admin"])
        partners.update_billing_info(s, admin, alice.partner_id, legal_name="Acme Consulting Oy",
                                     vat_id="FI12345678", billing_email="billing@acme-consulting.example",
                                     address="Mannerheimintie 1, 00100 Helsinki")
        for company, domain, value, option in DEALS:
            deal = deals.register_deal(s, alice, contact_name="Carla Contact", contact_email=f"carla@{domain}",
                                       company_name=company, annual_value=value, today=WON_ON)
            deals.review_deal(s, manager, deal.id, accept=True)
            deals.move_deal(s, alice, deal.id, stage="closed_won", billing_option=option, today=WON_ON)
        assert commissions.week_state(s, WEEK).state == "open"
    engine.dispose()
    return WEEK


def shot(page: Page, name: str) -> None:
    save_shot(page, f"commissions_{name}")


def open_commissions(page: Page, base: str, role: str) -> None:
    page.goto(base)
    page.get_by_label("Email", exact=True).fill(email(role))
    page.get_by_label("Email", exact=True).press("Enter")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name=re.compile("^Welcome"))).to_be_visible()
    settle(page)
    page.get_by_test_id("stSidebar").get_by_role("link", name="Commissions", exact=True).click()
    page.wait_for_url("**/commissions")
    expect(page.get_by_role("heading", name="Commissions")).to_be_visible()
    settle(page)


def week_option(week: str) -> str:
    """The start of the week picker's option for an ISO week: "Week 47, 2026 (Nov 16 – 22) · this week"."""
    return f"Week {int(week[-2:])}, {week[:4]} "


def cell(page: Page, text: str):  # type: ignore[no-untyped-def]
    """A data-grid cell: the canvas draws it, an accessibility table (attached, not visible) holds its text."""
    return page.get_by_test_id("stDataFrame").get_by_text(text, exact=True).first


def choose(page: Page, label: str, option: str) -> None:
    """Pick an option of a Streamlit selectbox by the start of its text."""
    box = page.get_by_test_id("stSelectbox").filter(has_text=label)

    def open_list() -> None:
        box.evaluate("element => element.scrollIntoView({block: 'center'})")  # room below for its dropdown
        box.click()

    pick_option(page, open_list, re.compile("^" + re.escape(option)), label)


def download(page: Page, label: str, name: str):  # type: ignore[no-untyped-def]
    with page.expect_download() as info:
        page.get_by_test_id("stDownloadButton").filter(has_text=label).click()
    target = SCREENSHOTS / name
    info.value.save_as(target)
    return target


def test_finance_reads_the_whole_week_marked_in_the_picker_with_totals_per_currency_and_exports_it(
        server, page, won_week):
    """Finance's week: the picker says each week's state and lines, the week's totals per currency are on the
    screen, and the whole week downloads as CSV and XLSX with human headings and the same numbers."""
    open_commissions(page, server.url, "finance")
    page.get_by_test_id("stSelectbox").filter(has_text="ISO week").click()
    marked = page.get_by_role("option", name=re.compile(f"^{re.escape(week_option(won_week))}.* · open · 2 lines$"))
    expect(marked).to_be_visible()
    expect(page.get_by_role("option", name=re.compile(r" · this week · open · "))).to_be_visible()
    shot(page, "finance_week_picker")
    marked.click()
    settle(page)
    expect(page.get_by_text("Totals for the whole week, per currency")).to_be_visible()
    for amount in ("EUR\u00a02,400.00", "EUR\u00a01,600.10", "EUR\u00a06,400.40"):  # payable, netted, to invoice
        expect(cell(page, amount)).to_be_attached()
    expect(page.get_by_test_id("stDownloadButton")).to_have_count(2)
    page.get_by_test_id("stDownloadButton").first.scroll_into_view_if_needed()
    shot(page, "finance_week_totals")

    rows = list(csv.DictReader(io.StringIO(download(page, "Download the week (CSV)",
                                                    f"commissions_week_{won_week}.csv").read_text())))
    assert {(r["Company"], r["Rate (%)"], r["Commission"], r["Payable / netted"]) for r in rows} == {
        ("Aurora Analytics Oy", "20.00", "2400.00", "Payable"), ("Fjord Shipping AS", "20.00", "1600.10", "Netted")}
    book = load_workbook(download(page, "Download the week (XLSX)", f"commissions_week_{won_week}.xlsx"))
    assert book.sheetnames == ["Lines", "Totals per partner", "Totals per currency"]
    totals = [tuple(r) for r in book["Totals per currency"].iter_rows(min_row=2, values_only=True)]
    assert [(c, *(Decimal(str(a)).quantize(Decimal("0.01")) for a in amounts), n) for c, *amounts, n in totals] == [
        ("EUR", Decimal("2400.00"), Decimal("1600.10"), Decimal("6400.40"), 2)]


def test_finance_approves_a_week_and_downloads_a_partner_statement(server, page, won_week):
    open_commissions(page, server.url, "finance")
    choose(page, "ISO week", week_option(won_week))
    expect(page.get_by_text(f"week {won_week} has not been approved yet")).to_be_visible()
    expect(cell(page, "Aurora Analytics Oy")).to_be_attached()
    shot(page, "finance_open_week")

    page.get_by_text(f"I have checked the lines of week {won_week}").click()
    settle(page)
    page.get_by_role("button", name="Approve week").click()
    expect(page.get_by_text(f"Week {won_week} approved and locked.")).to_be_visible()
    expect(page.get_by_text(re.compile("Approved by Finance at"))).to_be_visible()
    settle(page)
    expect(page.get_by_role("button", name="Approve week")).to_have_count(0)
    shot(page, "finance_approved_week")
    page.get_by_test_id("stSelectbox").filter(has_text="ISO week").click()  # the picker says so now
    expect(page.get_by_role("option", name=re.compile("^" + re.escape(week_option(won_week))
                                                      + r".* · approved · 2 lines$"))).to_be_visible()
    page.keyboard.press("Escape")
    settle(page)

    page.get_by_role("tab", name="Statements").click()
    settle(page)
    choose(page, "Partner", "Acme Consulting")
    expect(page.get_by_text(f"Statement {won_week}: Acme Consulting")).to_be_visible()
    shot(page, "finance_statement")
    csv = download(page, "Download CSV", f"commissions_statement_{won_week}.csv").read_text()
    assert "Aurora Analytics Oy" in csv and "2400.00" in csv and "1600.10" in csv
    pdf = download(page, "Download PDF", f"commissions_statement_{won_week}.pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-singlefile", str(pdf),
                        str(SCREENSHOTS / "commissions_statement_pdf")], check=True)
    settle(page)

    clawback(page, won_week)

    page.get_by_role("tab", name="Reports").click()
    settle(page)
    expect(page.get_by_text("Commission by partner tier")).to_be_visible()
    expect(page.get_by_test_id("stPlotlyChart")).to_have_count(4)
    page.wait_for_timeout(1000)  # let Plotly draw before the screenshot
    shot(page, "finance_reports")


def clawback(page: Page, week: str) -> None:
    """Reverse Aurora's line of the approved week: the negative line opens in the next open week."""
    page.get_by_role("tab", name="Week review").click()
    settle(page)
    choose(page, "ISO week", week_option(week))
    page.get_by_text("Clawback: reverse a won deal").click()
    settle(page)  # the expander's content draws after the click
    choose(page, "Line to reverse", "Line 1 ")
    page.get_by_text("The customer was refunded within the first year").click()
    settle(page)
    page.get_by_role("button", name="Reverse (refunded in first year)").click()
    # the next open week after the approved one, and never a week already past
    after = max(rules.week_after(week), rules.iso_week(clock.today()))
    expect(page.get_by_text(f"cancels line 1 in week {after}")).to_be_visible()
    settle(page)
    expect(page.get_by_text(f"week {after} has not been approved yet")).to_be_visible()  # the page moved there
    expect(cell(page, "Reversal of line 1")).to_be_attached()
    expect(cell(page, "-EUR\u00a02,400.00")).to_be_attached()
    shot(page, "finance_clawback_next_week")


def test_partner_user_sees_only_their_own_lines_and_no_approval(server, page, won_week):
    open_commissions(page, server.url, "partner_user")
    choose(page, "ISO week", week_option(won_week))
    expect(cell(page, "Fjord Shipping AS")).to_be_attached()
    expect(page.get_by_role("button", name="Approve week")).to_have_count(0)
    expect(page.get_by_text("Beta Advisors")).to_have_count(0)
    shot(page, "partner_week")
    page.get_by_role("tab", name="Year to date").click()
    settle(page)
    expect(page.get_by_text(re.compile(r"^Year to date \d{4}, per currency$"))).to_be_visible()
    expect(cell(page, "EUR\u00a01,600.10")).to_be_attached()  # netted on their invoices: one compact row
    shot(page, "partner_year_to_date")


LONG_NAME = "Nordic Industrial Automation and Logistics Holding Oyj"
LONG_ON = clock.today() - dt.timedelta(days=42)  # a week no other e2e test shows


def test_a_partners_statement_shows_a_long_company_name_whole(server, page):
    """Issue: statement tables cut full company names; a long name now wraps in its row."""
    engine = db.make_engine(f"sqlite:///{server.database}")
    with db.session(engine) as s:
        alice = users.get_user(s, server.user_ids["partner_user"])
        deal = deals.register_deal(s, alice, contact_name="Nina Nordic", contact_email="nina@nordic-holding.example",
                                   company_name=LONG_NAME, annual_value="5000", today=LONG_ON)
        deals.review_deal(s, users.get_user(s, server.user_ids["partner_manager"]), deal.id, accept=True)
        deals.move_deal(s, alice, deal.id, stage="closed_won", billing_option="invoice", today=LONG_ON)
    engine.dispose()
    week = rules.iso_week(LONG_ON)
    open_commissions(page, server.url, "partner_user")
    page.get_by_role("tab", name="Statements").click()
    settle(page)
    choose(page, "ISO week", week_option(week))
    expect(page.get_by_text(f"Statement {week}: Acme Consulting")).to_be_visible()
    expect(cell(page, LONG_NAME)).to_be_attached()
    page.wait_for_timeout(500)  # the grid draws on a canvas after the data arrives
    shot(page, "partner_statement_long_name")
