"""Finance's week on the commissions page (AppTest): the picker marks each week's state and lines, the whole week's
totals per currency, the week's CSV and XLSX for the accounting system holding the screen's numbers, a link that
opens a week; and a partner's side: the compact year to date, statements with whole company names, chart titles
in the partner's own terms.

The page world (tests/pages/pages_world.py) has one line this week: Acme's "Winner Co", 10,000 EUR at 20 %, billed
by invoice (2,000.00 EUR payable).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal
from typing import TYPE_CHECKING

import pandas as pd
from openpyxl import load_workbook

from partner_model import clock, commissions, deals, rules, users
from partner_model.i18n import Formats

if TYPE_CHECKING:
    from pages_world import World

PAGE = "pages/commissions.py"
TODAY = clock.today()
THIS_WEEK = rules.iso_week(TODAY)
OLD_DAY = TODAY - dt.timedelta(days=21)
OLD_WEEK = rules.iso_week(OLD_DAY)
LAST_WEEK = rules.weeks_back(THIS_WEEK, 2)[0]
LONG_NAME = "Nordic Industrial Automation and Logistics Holding Oyj"


def eur(amount: str) -> str:
    return f"EUR\u00a0{amount}"


def sek(amount: str) -> str:
    return f"SEK\u00a0{amount}"


def _actor(s, world: World, role: str):  # type: ignore[no-untyped-def]
    return users.get_user(s, world.user_ids[role])


def _win(world: World, value: str, *, role: str = "partner_user", company: str = "Old Week Oy",
         option: str = "invoice", currency: str = "EUR", day: dt.date = TODAY) -> int:
    with world.session() as s:
        seller = _actor(s, world, role)
        domain = company.split()[0].lower()
        deal = deals.register_deal(s, seller, contact_name="Carla Contact", contact_email=f"carla@{domain}.example",
                                   company_name=company, annual_value=value, currency=currency, today=day)
        deals.review_deal(s, _actor(s, world, "partner_manager"), deal.id, accept=True)
        deals.move_deal(s, seller, deal.id, stage="closed_won", billing_option=option, today=day)
        return deal.id


def _beta_in_sek(world: World) -> None:
    """Beta (15 %) wins 8,000 SEK billed via the partner: 1,200.00 SEK netted, 6,800.00 SEK to invoice Beta."""
    _win(world, "8000", role="beta_admin", company="Kronor AB", option="via_partner", currency="SEK")


def open_page(app, role: str, tab: str | None = None, *, week: str | None = None,  # type: ignore[no-untyped-def]
              language: str | None = None):
    at = app(role)
    if tab is not None:
        at.session_state["commissions_tab"] = tab
    if language is not None:
        at.session_state["language"] = language
    at.switch_page(PAGE)
    if week is not None:
        at.query_params["week"] = week
    return at.run()


# A drawn table has no key in what AppTest sees: each is known by a column only it has on the page.
TABLES = {"week_currency_totals": lambda c: c[0] == "Currency" and "Payable to the partner" in c,
          "week_lines": lambda c: "Line" in c, "statement_lines": lambda c: "Line" in c,
          "ytd_totals": lambda c: "Payable to you" in c}


def _drawn(at, key: str):  # type: ignore[no-untyped-def]
    return next(d for d in at.dataframe if TABLES[key](list(d.value.columns)))


def table(at, key: str) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    """The table the page draws as `key` (see TABLES)."""
    return _drawn(at, key).value


def dataframe_proto(at, key: str):  # type: ignore[no-untyped-def]
    return _drawn(at, key).proto




def _money(text: str) -> tuple[str, Decimal]:
    """"EUR 2,000.00" (the page in English) -> ("EUR", Decimal("2000.00"))."""
    currency, amount = text.replace("\u00a0", " ").split(" ")
    return currency, Decimal(amount.replace(",", ""))


# --- the week picker -------------------------------------------------------------------------------------------


def test_the_week_picker_marks_each_weeks_state_and_lines(app, world):
    _win(world, "23550", day=OLD_DAY)
    with world.session() as s:
        commissions.approve_week(s, _actor(s, world, "finance"), OLD_WEEK)
    at = open_page(app, "finance")
    assert not at.exception
    picker = at.selectbox(key="commission_week")
    text = picker.format_func
    english = Formats("en")
    assert text(THIS_WEEK) == f"{english.week(THIS_WEEK)} · this week · open · 1 line"
    assert text(OLD_WEEK) == f"{english.week(OLD_WEEK)} · approved · 1 line"
    assert text(LAST_WEEK) == f"{english.week(LAST_WEEK)} · open · no lines"


def test_a_partner_picker_counts_only_their_own_lines(app, world):
    _beta_in_sek(world)
    at = open_page(app, "beta_admin")
    assert not at.exception
    assert at.selectbox(key="commission_week").format_func(THIS_WEEK).endswith("· this week · open · 1 line")


def test_a_link_with_a_week_opens_that_week_for_review(app, world):
    """The home page's "Review the week" links to /commissions?week=...: the page opens on that week."""
    _win(world, "23550", day=OLD_DAY)
    at = app("finance")
    at.session_state["commissions_tab"] = "reports"  # wherever the reader was, the link opens the week review
    at.switch_page(PAGE)
    at.query_params["week"] = OLD_WEEK
    at.run()
    assert not at.exception
    assert at.session_state["commissions_tab"] == "week_review"
    assert at.selectbox(key="commission_week").value == OLD_WEEK
    assert list(table(at, "week_lines")["Company"]) == ["Old Week Oy"]
    assert "week" not in at.query_params  # read once: choosing another week is not overridden
    at = at.selectbox(key="commission_week").select(THIS_WEEK).run()
    assert at.selectbox(key="commission_week").value == THIS_WEEK


def test_a_link_to_a_week_older_than_the_picker_lists_still_opens_it(app, world):
    old = rules.iso_week(TODAY - dt.timedelta(days=7 * 60))
    at = open_page(app, "finance", week=old)
    assert not at.exception
    picker = at.selectbox(key="commission_week")
    assert picker.value == old and picker.options[-1].startswith(Formats("en").week(old))


def test_a_malformed_week_in_the_link_is_ignored(app, world):
    at = open_page(app, "finance", week="2026-W99")
    assert not at.exception
    assert at.selectbox(key="commission_week").value == THIS_WEEK


# --- the whole week's totals and its export --------------------------------------------------------------------


def test_finance_sees_the_whole_weeks_totals_per_currency(app, world):
    _beta_in_sek(world)
    at = open_page(app, "finance")
    assert not at.exception
    assert "**Totals for the whole week, per currency**" in [m.value for m in at.main.markdown]
    totals = table(at, "week_currency_totals").set_index("Currency")
    assert totals.loc["EUR"].to_dict() == {
        "Payable to the partner": eur("2,000.00"), "Netted on the partner's invoice": eur("0.00"),
        "To invoice the partner (via partner)": eur("0.00"), "Lines": 1}
    assert totals.loc["SEK"].to_dict() == {
        "Payable to the partner": sek("0.00"), "Netted on the partner's invoice": sek("1,200.00"),
        "To invoice the partner (via partner)": sek("6,800.00"), "Lines": 1}


def test_the_weeks_csv_and_xlsx_hold_the_same_numbers_as_the_screen(app, world, downloads):
    _beta_in_sek(world)
    at = open_page(app, "finance")
    assert not at.exception
    labels = {b.proto.label: b.proto for b in at.get("download_button")}
    assert set(labels) == {"Download the week (CSV)", "Download the week (XLSX)"}
    screen_lines = table(at, "week_lines").set_index("Company")
    screen_totals = table(at, "week_currency_totals").set_index("Currency")

    rows = list(csv.DictReader(io.StringIO(downloads(at, "week_export_csv").decode("utf-8"))))
    assert {row["Company"] for row in rows} == set(screen_lines.index) == {"Winner Co", "Kronor AB"}
    for row in rows:
        on_screen = screen_lines.loc[row["Company"]]
        assert _money(on_screen["Commission"]) == (row["Currency"], Decimal(row["Commission"]))
        assert _money(on_screen["Value"]) == (row["Currency"], Decimal(row["Value"]))
        assert f"{Decimal(row['Rate (%)']).normalize():f}%" == on_screen["Rate"]  # "20.00" in the file, 20% shown
        assert row["Partner"] == on_screen["Partner"]

    book = load_workbook(io.BytesIO(downloads(at, "week_export_xlsx")))
    assert book.sheetnames == ["Lines", "Totals per partner", "Totals per currency"]
    sheet = list(book["Totals per currency"].values)
    headings, values = sheet[0], sheet[1:]
    assert list(headings) == ["Currency", "Payable to the partner", "Netted on the partner's invoice",
                              "To invoice the partner (via partner)", "Lines"]
    for currency, *amounts, lines in values:
        on_screen = screen_totals.loc[currency]
        for heading, amount in zip(headings[1:4], amounts, strict=True):
            assert _money(on_screen[heading]) == (currency, Decimal(str(amount)).quantize(Decimal("0.01")))
        assert lines == on_screen["Lines"]
    lines_sheet = list(book["Lines"].values)
    assert len(lines_sheet) == 1 + len(screen_lines) and "Rate (%)" in lines_sheet[0]


def test_the_weeks_export_speaks_the_readers_language(app, world, downloads):
    at = open_page(app, "finance", language="de")
    assert not at.exception
    data = downloads(at, "week_export_csv").decode("utf-8-sig")
    header = data.splitlines()[0]
    assert ";" in header and "Rate (%)" not in header  # German headings, semicolons, decimal commas
    assert "2000,00" in data


def test_only_finance_and_admins_get_the_weeks_export(app, world):
    assert not open_page(app, "partner_manager").get("download_button")
    assert not open_page(app, "partner_user").get("download_button")
    assert len(open_page(app, "admin").get("download_button")) == 2


def test_the_statement_csv_has_human_headings_and_the_rate_as_a_percentage(app, world, downloads):
    at = open_page(app, "partner_user", "statements")
    assert not at.exception
    rows = list(csv.DictReader(io.StringIO(downloads(at, "statement_csv").decode("utf-8"))))
    assert [(row["Company"], row["Rate (%)"], row["Commission"], row["Billing option"]) for row in rows] == [
        ("Winner Co", "20.00", "2000.00", "Invoice")]


# --- a partner's side -------------------------------------------------------------------------------------------


def test_partner_year_to_date_is_one_compact_table_of_figures_by_currency(app, world):
    """Issue: year to date was 15 large tiles (5 currencies x 3); now one row per currency."""
    _win(world, "1000", company="Kronor AB", currency="SEK")
    _win(world, "2000", company="Dollar Inc", currency="USD")
    at = open_page(app, "partner_admin", "year_to_date")
    assert not at.exception
    assert not at.main.metric
    ytd = table(at, "ytd_totals")
    assert list(ytd.columns) == ["Currency", "Payable to you", "Netted on your invoices",
                                 "Invoiced to you (via partner)", "Lines"]
    assert ytd.set_index("Currency")["Payable to you"].to_dict() == {
        "EUR": eur("2,000.00"), "SEK": sek("200.00"), "USD": "USD\u00a0400.00"}
    assert f"**Year to date {TODAY.isocalendar()[0]}, per currency**" in [m.value for m in at.main.markdown]


def test_a_statement_shows_whole_company_names_wrapping_them_instead_of_cutting(app, world):
    _win(world, "3000", company=LONG_NAME)
    at = open_page(app, "partner_user", "statements")
    assert not at.exception
    assert LONG_NAME in set(table(at, "statement_lines")["Company"])
    proto = dataframe_proto(at, "statement_lines")
    assert proto.row_height > 64  # Streamlit's grid wraps text only in rows taller than 4rem
    config = json.loads(proto.columns)
    company = next(c for c in config.values() if c.get("label") == "Company")
    assert company["width"] >= 200


def test_a_statement_of_short_names_keeps_one_line_a_row(app, world):
    at = open_page(app, "partner_user", "statements")
    assert not dataframe_proto(at, "statement_lines").row_height


def test_partner_chart_titles_speak_of_their_own_commission(app, world):
    """Issue: the partner's own chart was titled "Payable to partners against netted on their invoices"."""
    _win(world, "4000", option="via_partner", company="Netted Oy")
    at = open_page(app, "partner_user", "reports")
    assert not at.exception
    text = [m.value for m in at.main.markdown]
    assert "**Paid to you against netted on your invoices**" in text
    assert "**Your commission per week by billing option**" in text
    assert not any("partners" in t for t in text)
    directions = json.loads(at.get("plotly_chart")[1].proto.spec)
    assert {trace["name"] for trace in directions["data"]} == {"Paid to you", "Netted on your invoices"}


def test_staff_chart_titles_stay_about_the_partners(app, world):
    at = open_page(app, "finance", "reports")
    assert "**Payable to partners against netted on their invoices**" in [m.value for m in at.main.markdown]
