"""The commissions page (AppTest): finance's weekly review, approval and its lock, adjustments and clawbacks in
the next open week, statements, reports by role, and a partner's own view.

The page world (tests/pages/conftest.py) has one line this week: Acme's "Winner Co", 10,000 EUR at 20 %,
billed by invoice (2,000.00 EUR payable). Most tests add Beta's via-partner deal through the services.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest
from pages_helpers import main_text, shown, shows_no_data

from partner_model import clock, commissions, deals, i18n, rules, users
from partner_model.i18n import Formats

if TYPE_CHECKING:  # by name only: run together with tests/e2e or tests/services, "conftest" may be theirs
    from conftest import World

PAGE = "pages/commissions.py"
THIS_WEEK = rules.iso_week(clock.today())
NEXT_WEEK = rules.week_after(THIS_WEEK)
LAST_WEEK = rules.weeks_back(THIS_WEEK, 2)[0]


def eur(amount: str) -> str:
    """An amount as the page writes it in English: "EUR 2,000.00", a no-break space after the code."""
    sign, digits = ("-", amount[1:]) if amount.startswith("-") else ("", amount)
    return f"{sign}EUR\u00a0{digits}"


def _actor(s, world: World, role: str):  # type: ignore[no-untyped-def]
    return users.get_user(s, world.user_ids[role])


def _beta_via_partner_deal(world: World) -> int:
    """Beta (15 %) wins 5,000 EUR billed via the partner: 750.00 netted, 4,250.00 to invoice Beta."""
    with world.session() as s:
        beta = _actor(s, world, "beta_admin")
        deal = deals.register_deal(s, beta, contact_name="Vera Via", contact_email="vera@via-co.example",
                                   company_name="Via Co", annual_value="5000")
        deals.review_deal(s, _actor(s, world, "partner_manager"), deal.id, accept=True)
        deals.move_deal(s, beta, deal.id, stage="closed_won", billing_option="via_partner")
        return deal.id


def _lines(world: World, week: str = THIS_WEEK):  # type: ignore[no-untyped-def]
    with world.session() as s:
        return commissions.week_lines(s, _actor(s, world, "admin"), week)


def _winner(world: World):  # type: ignore[no-untyped-def]
    lines = _lines(world)
    return lines[lines["company_name"] == "Winner Co"].iloc[0]


def open_page(app, role: str, tab: str | None = None, language: str | None = None):  # type: ignore[no-untyped-def]
    """The page as `role` sees it; `tab` is a stable tab code ("reports"), the same in every language."""
    at = app(role)
    if tab is not None:
        at.session_state["commissions_tab"] = tab
    if language is not None:
        at.session_state["language"] = language
    return at.switch_page(PAGE).run()


def frames(at) -> list:  # type: ignore[no-untyped-def]
    return [d.value for d in at.dataframe]


def week_frames(at) -> list:  # type: ignore[no-untyped-def]
    """A staff week review's lines and totals per partner (after the whole week's totals per currency)."""
    tables = frames(at)
    assert list(tables[0].columns)[:2] == ["Currency", "Payable to the partner"], "the whole week's totals first"
    return tables[1:]


def approve(at):  # type: ignore[no-untyped-def]
    at.checkbox(key=f"approve_confirm_{THIS_WEEK}").check().run()
    return at.button(key="approve_week").click().run()


def buttons(at) -> set[str]:  # type: ignore[no-untyped-def]
    return {b.key for b in at.button}


# --- finance's review ---------------------------------------------------------------------------


def test_finance_sees_the_weeks_lines_with_totals_per_partner_and_the_open_state(app, world):
    _beta_via_partner_deal(world)
    at = open_page(app, "finance")
    assert not at.exception
    assert at.selectbox(key="commission_week").value == THIS_WEEK
    assert any(f"week {THIS_WEEK} has not been approved" in i.value for i in at.info)
    lines, totals = week_frames(at)
    winner = lines[lines["Company"] == "Winner Co"].iloc[0]
    assert (winner["Partner"], winner["Value"], winner["Rate"], winner["Commission"]) == (
        "Acme Consulting", eur("10,000.00"), "20%", eur("2,000.00"))
    assert (winner["Billing option"], winner["Payable / Netted"], winner["Kind"]) == ("Invoice", "Payable",
                                                                                     "Commission")
    via = lines[lines["Company"] == "Via Co"].iloc[0]
    assert (via["Billing option"], via["Payable / Netted"], via["Commission"]) == ("Via partner", "Netted",
                                                                                   eur("750.00"))
    by_partner = totals.set_index("Partner")
    assert by_partner.at["Acme Consulting", "Payable to the partner"] == eur("2,000.00")
    assert by_partner.at["Acme Consulting", "Netted on the partner's invoice"] == eur("0.00")
    assert by_partner.at["Beta Advisors", "Netted on the partner's invoice"] == eur("750.00")
    assert by_partner.at["Beta Advisors", "To invoice the partner (via partner)"] == eur("4,250.00")
    assert "2 lines from 2 partners: 2 commissions" in [c.value for c in at.caption]


def test_finance_approves_the_week_only_after_confirming_and_then_it_is_locked(app, world):
    at = open_page(app, "finance")
    assert at.button(key="approve_week").disabled
    at = approve(at)
    assert not at.exception
    assert any(f"Week {THIS_WEEK} approved and locked." in s.value for s in at.success)
    assert any(s.value.startswith("**Approved** by Finance at ") for s in at.success)
    assert "approve_week" not in buttons(at)
    with world.session() as s:
        state = commissions.week_state(s, THIS_WEEK)
    assert state.state == "approved" and state.approved_by == world.user_ids["finance"]


def test_a_billing_change_after_approval_arrives_in_the_next_open_week_naming_the_line_it_adjusts(app, world):
    at = approve(open_page(app, "finance"))
    original = _winner(world)
    with world.session() as s:
        deals.set_billing_option(s, _actor(s, world, "partner_manager"), int(original["deal_id"]), "via_partner")
    at = open_page(app, "finance")
    picker = at.selectbox(key="commission_week")
    assert picker.options[0] == f"{Formats('en').week(NEXT_WEEK)} · next open week · open · 2 lines"
    assert picker.value == THIS_WEEK
    this_week_lines = week_frames(at)[0]
    assert list(this_week_lines["Kind"]) == ["Commission"] and list(this_week_lines["Commission"]) == [
        eur("2,000.00")]
    at = picker.select(NEXT_WEEK).run()
    assert not at.exception
    of_line = f"of line {int(original['line_id'])}"
    lines = week_frames(at)[0].set_index("Kind")
    assert lines.at[f"Reversal {of_line}", "Commission"] == eur("-2,000.00")
    adjustment = lines.loc[f"Adjustment {of_line}"]
    assert (adjustment["Commission"], adjustment["Billing option"], adjustment["Payable / Netted"]) == (
        eur("2,000.00"), "Via partner", "Netted")
    assert "To invoice the partner" not in lines.columns  # staff read it in the totals
    totals = week_frames(at)[1].iloc[0]
    assert (totals["Payable to the partner"], totals["Netted on the partner's invoice"]) == (
        eur("-2,000.00"), eur("2,000.00"))
    assert totals["To invoice the partner (via partner)"] == eur("8,000.00")


def test_finance_reverses_a_won_deal_and_the_negative_line_lands_in_the_next_open_week(app, world):
    at = approve(open_page(app, "finance"))
    original = _winner(world)
    line_id = int(original["line_id"])
    picker = at.selectbox(key=f"reverse_line_{THIS_WEEK}")
    assert at.button(key="reverse_line").disabled
    at = picker.select(line_id).run()
    at = at.checkbox(key=f"reverse_confirm_{THIS_WEEK}").check().run()
    at = at.button(key="reverse_line").click().run()
    assert not at.exception
    assert any(f"cancels line {line_id} in week {NEXT_WEEK}" in s.value for s in at.success)
    assert at.selectbox(key="commission_week").value == NEXT_WEEK
    reversal = week_frames(at)[0].iloc[0]
    assert (reversal["Kind"], reversal["Commission"]) == (f"Reversal of line {line_id}", eur("-2,000.00"))
    assert list(_lines(world)["line_id"]) == [line_id]  # the approved week never changes
    assert any(f"Week {NEXT_WEEK} has no commission line that can be reversed" in i.value for i in at.info)


def test_reversing_a_line_of_an_open_week_withdraws_it(app, world):
    at = open_page(app, "finance")
    line_id = int(_winner(world)["line_id"])
    at = at.selectbox(key=f"reverse_line_{THIS_WEEK}").select(line_id).run()
    at = at.checkbox(key=f"reverse_confirm_{THIS_WEEK}").check().run()
    at = at.button(key="reverse_line").click().run()
    assert not at.exception
    assert any(f"line {line_id} was withdrawn from open week {THIS_WEEK}" in s.value for s in at.success)
    assert any(f"No commission lines in week {THIS_WEEK}." in i.value for i in at.info)


def test_the_chosen_week_stays_when_finance_switches_tabs_and_back(app, world):
    at = open_page(app, "finance")
    at = at.selectbox(key="commission_week").select(LAST_WEEK).run()
    at.session_state["commissions_tab"] = "reports"
    at = at.run()
    assert not at.main.selectbox and not at.exception
    at.session_state["commissions_tab"] = "week_review"
    at = at.run()
    assert at.selectbox(key="commission_week").value == LAST_WEEK


def test_an_empty_week_says_so(app, world):
    at = open_page(app, "finance")
    at = at.selectbox(key="commission_week").select(LAST_WEEK).run()
    assert not at.exception
    assert any(f"No commission lines in week {LAST_WEEK}." in i.value for i in at.info)
    assert not at.dataframe


def test_finance_chooses_a_partner_and_gets_its_statement_as_csv_and_pdf(app, world):
    _beta_via_partner_deal(world)
    at = open_page(app, "finance", "statements")
    assert not at.exception
    at = at.selectbox(key=f"statement_partner_{THIS_WEEK}").select(world.beta_id).run()
    assert not at.exception
    assert f"Statement {THIS_WEEK}: Beta Advisors" in main_text(at)
    assert list(frames(at)[0]["Company"]) == ["Via Co"]
    downloads = {d.proto.label: d.proto for d in at.get("download_button")}
    assert set(downloads) == {"Download CSV", "Download PDF"}
    assert any("billing information is incomplete" in w.value for w in at.warning)


# --- reports --------------------------------------------------------------------------------------


def _chart_titles(at) -> list[str]:  # type: ignore[no-untyped-def]
    return [json.loads(c.proto.spec)["layout"]["yaxis"]["title"]["text"] for c in at.get("plotly_chart")]


@pytest.mark.parametrize("role", ["partner_manager", "finance", "admin"])
def test_staff_see_four_reports_including_commission_by_tier(app, world, role):
    at = open_page(app, role, "reports")
    assert not at.exception
    assert len(at.get("plotly_chart")) == 4
    assert "Commission by partner tier" in main_text(at) and "Top 10 partners by commission" in main_text(at)
    assert "approve_week" not in buttons(at)


def test_partner_manager_reads_the_week_without_approve_or_reverse_controls(app, world):
    at = open_page(app, "partner_manager")
    assert not at.exception
    assert "Winner Co" in set(week_frames(at)[0]["Company"])
    assert not {"approve_week", "reverse_line"} & buttons(at)
    assert not at.checkbox


# --- a partner's own view -------------------------------------------------------------------------


def test_partner_user_sees_only_their_own_lines_and_no_approve_or_reverse_controls(app, world):
    _beta_via_partner_deal(world)
    at = open_page(app, "partner_user")
    assert not at.exception
    lines, totals = frames(at)
    assert list(lines["Company"]) == ["Winner Co"] and "Partner" not in lines.columns
    assert list(totals["Payable to the partner"]) == [eur("2,000.00")] and "Partner" not in totals.columns
    assert "Via Co" not in main_text(at) and "Beta Advisors" not in main_text(at)
    assert not {"approve_week", "reverse_line"} & buttons(at)
    assert not at.checkbox


def test_beta_partner_admin_sees_only_betas_lines(app, world):
    _beta_via_partner_deal(world)
    at = open_page(app, "beta_admin")
    assert not at.exception
    assert list(frames(at)[0]["Company"]) == ["Via Co"]
    assert "Winner Co" not in main_text(at)


def test_partner_sees_year_to_date_totals(app, world):
    at = open_page(app, "partner_admin", "year_to_date")
    assert not at.exception
    ytd, lines = frames(at)
    assert ytd.iloc[0].to_dict() == {"Currency": "EUR", "Payable to you": eur("2,000.00"),
                                     "Netted on your invoices": eur("0.00"),
                                     "Invoiced to you (via partner)": eur("0.00"), "Lines": 1}
    assert list(lines["Week"]) == [THIS_WEEK]
    assert not at.main.selectbox  # no week to pick for the year to date


def test_partner_gets_their_own_statement_without_choosing_a_partner(app, world):
    at = open_page(app, "partner_user", "statements")
    assert not at.exception
    assert not [s for s in at.selectbox if s.key and s.key.startswith("statement_partner")]
    assert f"Statement {THIS_WEEK}: Acme Consulting" in main_text(at)
    assert {d.proto.label for d in at.get("download_button")} == {"Download CSV", "Download PDF"}


def test_partner_reports_show_only_their_own_two_charts(app, world):
    at = open_page(app, "partner_user", "reports")
    assert not at.exception
    assert len(at.get("plotly_chart")) == 2
    assert "your own commission only" in main_text(at)
    assert "Commission by partner tier" not in main_text(at)


# --- other languages ------------------------------------------------------------------------------


def test_the_open_tab_stays_open_when_the_reader_switches_language(app, world):
    # The real Finnish catalogue (a fake one patched into i18n.translations would also stay in the page's
    # cached formats, and later tests would read a week as "Week" in Finnish).
    finnish = [i18n.translations("fi").gettext(name) for name in ("Week review", "Reports", "Statements")]
    assert finnish != ["Week review", "Reports", "Statements"]
    at = open_page(app, "finance", "reports")
    assert [t.label for t in at.tabs] == ["Week review", "Reports", "Statements"]
    assert len(at.get("plotly_chart")) == 4
    at = at.selectbox(key="language_picker").select("fi").run()
    assert not at.exception
    assert [t.label for t in at.tabs] == finnish
    assert len(at.get("plotly_chart")) == 4 and at.session_state["commissions_tab"] == "reports"
    at.session_state["commissions_tab"] = "statements"  # the stable code opens a tab in any language
    at = at.run()
    assert not at.get("plotly_chart") and at.selectbox(key=f"statement_partner_{THIS_WEEK}")
    at = at.selectbox(key="language_picker").select("en").run()
    assert at.selectbox(key=f"statement_partner_{THIS_WEEK}") and at.session_state["commissions_tab"] == "statements"


@pytest.mark.parametrize("language", ["fi", "de"])
@pytest.mark.parametrize(("role", "tab"), [
    ("finance", "week_review"), ("finance", "reports"), ("partner_user", "week"), ("partner_user", "year_to_date"),
    ("partner_user", "statements"), ("partner_user", "reports")])
def test_every_tab_renders_in_another_language(app, world, role, tab, language):
    at = open_page(app, role, tab, language=language)
    assert not at.exception, [e.value for e in at.exception]


def test_finance_reads_the_week_and_a_statement_in_finnish_formats(app, world):
    _beta_via_partner_deal(world)
    at = open_page(app, "finance", language="fi")
    assert not at.exception
    lines = week_frames(at)[0]
    assert lines.set_index("Company").at["Via Co", "Commission"] == "750,00\u00a0EUR"
    assert lines.set_index("Company").at["Winner Co", "Rate"] == "20\u00a0%"
    assert at.selectbox(key="commission_week").format_func(THIS_WEEK).startswith(Formats("fi").week(THIS_WEEK))
    at.session_state["commissions_tab"] = "statements"
    at = at.run().selectbox(key=f"statement_partner_{THIS_WEEK}").select(world.beta_id).run()
    assert not at.exception  # the statement and its CSV and PDF downloads were made in Finnish
    assert len(at.get("download_button")) == 2


def test_signed_out_visitor_sees_no_commission_data(app, world):
    at = open_page(app, None)
    assert not at.exception
    assert shows_no_data(at)


def test_a_week_that_gained_a_line_after_finance_read_it_is_not_approved(app, world):
    """Issue 12, case 4: finance read the week, a deal was won in it meanwhile, and the approval locked the new
    line unseen. Now the approval carries the version of the lines shown and is refused."""
    at = open_page(app, "finance")
    at.checkbox(key=f"approve_confirm_{THIS_WEEK}").check().run()
    _beta_via_partner_deal(world)  # won in this week while the page is open
    at = at.button(key="approve_week").click().run()
    assert not at.exception
    assert any(f"The lines of week {THIS_WEEK} changed since you read them" in shown(e.value) for e in at.error)
    with world.session() as s:
        assert commissions.week_state(s, THIS_WEEK).state == "open"
    at = approve(at)  # the page now shows both lines: approving them works
    assert any(f"Week {THIS_WEEK} approved and locked." in s.value for s in at.success)
