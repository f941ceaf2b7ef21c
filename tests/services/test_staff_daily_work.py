"""Issue 14, the domain side: each partner's manager and "my partners", the work inbox per role, hints in
words, extension requests as a queue, finance's weeks and whole-week export, the funnel by the furthest stage,
the partner comparison, and one definition per count (both databases)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from partner_model import (
    commission_queries,
    commission_reports,
    commissions,
    customers,
    deals,
    inbox_queries,
    partners,
    pipeline,
    rules,
    users,
)
from partner_model.errors import Conflict, PermissionDenied, ValidationError
from partner_model.models import CommissionWeek

TODAY = dt.date(2026, 11, 25)  # a Wednesday


def _item(items, code: str):  # type: ignore[no-untyped-def]
    return next(item for item in items if item.code == code)


# --- each partner has a partner manager ----------------------------------------------------------------------


def test_admins_name_each_partners_manager_and_a_manager_filters_on_my_partners(session, cast, factory):
    other_manager = factory.user(role="partner_manager")
    partners.set_manager(session, cast.admin, cast.acme.id, cast.manager.id)
    partners.set_manager(session, cast.admin, cast.beta.id, other_manager.id)
    mine = factory.deal(cast.acme_user)
    factory.deal(cast.beta_user)
    frame, total = deals.review_queue(session, cast.manager, manager_id=cast.manager.id)
    assert list(frame["deal_id"]) == [mine.id] and total == 1
    listed, __ = partners.list_partners(session, cast.admin, manager_id=cast.manager.id)
    assert list(listed["name"]) == [cast.acme.name] and list(listed["manager_name"]) == [cast.manager.name]
    board = deals.board(session, cast.manager, manager_id=cast.manager.id)
    assert board["new"].count == 1


def test_only_an_active_partner_manager_can_manage_a_partner(session, cast):
    with pytest.raises(ValidationError) as err:
        partners.set_manager(session, cast.admin, cast.acme.id, cast.finance.id)
    assert err.value.field == "manager_id"
    with pytest.raises(PermissionDenied):
        partners.set_manager(session, cast.manager, cast.acme.id, cast.manager.id)


# --- the work inbox ----------------------------------------------------------------------------------------


def test_a_managers_inbox_counts_waiting_overdue_and_the_oldest(session, cast, factory):
    partners.set_manager(session, cast.admin, cast.acme.id, cast.manager.id)
    factory.deal(cast.acme_user, today=TODAY - dt.timedelta(days=7))  # last Wednesday: 5 business days
    factory.deal(cast.acme_user, today=TODAY - dt.timedelta(days=2))  # Monday: 2 business days, not overdue
    factory.deal(cast.beta_user, today=TODAY - dt.timedelta(days=9))  # not this manager's partner
    items = inbox_queries.manager_work(session, cast.manager, manager_id=cast.manager.id, today=TODAY)
    waiting = _item(items, "registrations_waiting")
    assert (waiting.count, waiting.details["overdue"], waiting.details["oldest_days"]) == (2, 1, 7)
    everyone = _item(inbox_queries.manager_work(session, cast.manager, today=TODAY), "registrations_waiting")
    assert (everyone.count, everyone.details["overdue"]) == (3, 2)
    frame, __ = deals.review_queue(session, cast.manager, today=TODAY)
    assert int(frame["overdue"].sum()) == everyone.details["overdue"], "one definition of overdue"


def test_a_managers_inbox_counts_extension_requests_and_protections_ending(session, cast, factory):
    trial = factory.trial(cast.acme_user, today=TODAY - dt.timedelta(days=3))
    customers.request_extension(session, cast.acme_user, trial.id, today=TODAY)
    registered = factory.deal(cast.acme_user, today=TODAY - dt.timedelta(days=80))
    accepted = deals.review_deal(session, cast.manager, registered.id, accept=True, today=TODAY - dt.timedelta(days=80))
    items = inbox_queries.manager_work(session, cast.manager, today=TODAY)
    assert _item(items, "extension_requests").count == 1
    ending = _item(items, "protection_ending")
    assert ending.count == 1 and ending.details["soonest"] == accepted.protected_until
    frame, total = customers.customer_overview(session, cast.manager, extension_requested=True, today=TODAY)
    assert list(frame["customer_id"]) == [trial.id] and total == 1


def test_a_declined_extension_leaves_the_queue_with_a_reason_the_partner_sees(session, cast, factory):
    trial = factory.trial(cast.acme_user, today=TODAY - dt.timedelta(days=3))
    asked = customers.request_extension(session, cast.acme_user, trial.id, today=TODAY)
    with pytest.raises(ValidationError) as err:
        customers.decline_extension(session, cast.manager, trial.id, reason="\u200b", today=TODAY)
    assert err.value.field == "reason"
    declined = customers.decline_extension(session, cast.manager, trial.id, reason="Usage too low to extend.",
                                           expected_version=asked.version, today=TODAY)
    seen = customers.get_customer(session, cast.acme_user, trial.id, today=TODAY)
    assert (seen.extension_declined_on, seen.extension_decline_reason) == (TODAY, "Usage too low to extend.")
    assert declined.version > asked.version
    assert customers.overview_metrics(session, cast.manager, today=TODAY)["extension_requests"] == 0
    with pytest.raises(Conflict):
        customers.decline_extension(session, cast.manager, trial.id, reason="Again", today=TODAY)


def test_finance_sees_every_unapproved_week_with_lines_oldest_first_with_totals(session, cast, factory):
    def won(actor, value: str, option: str, day: dt.date):  # type: ignore[no-untyped-def]
        deal = factory.deal(actor, annual_value=value, today=day)
        deals.review_deal(session, cast.manager, deal.id, accept=True, today=day)
        return deals.move_deal(session, actor, deal.id, stage="closed_won", billing_option=option, today=day)

    old = won(cast.acme_user, "10000", "invoice", TODAY - dt.timedelta(days=21))
    won(cast.beta_user, "5000", "via_partner", TODAY)
    items = inbox_queries.finance_work(session, cast.finance, today=TODAY)
    weeks = [item for item in items if item.code == "week_to_approve"]
    assert [w.filters["week"] for w in weeks] == [rules.iso_week(old.won_on), rules.iso_week(TODAY)]
    assert weeks[0].details["totals"]["EUR"] == {"payable": Decimal("2000.00"), "netted": Decimal("0.00")}
    assert weeks[0].details["overdue"] and not weeks[1].details["overdue"]
    week = rules.iso_week(old.won_on)
    commissions.approve_week(session, cast.finance, week, today=TODAY)
    left = [i.filters["week"] for i in inbox_queries.finance_work(session, cast.finance, today=TODAY)
            if i.code == "week_to_approve"]
    assert left == [rules.iso_week(TODAY)]


def test_the_weeks_not_approved_span_the_lines_weeks_across_a_new_year_leaving_the_approved_out(
        session, cast, factory):
    """Issue 19: finance's open weeks are read as `week IN (...)` from the first to the last line's week (ISO weeks
    across a new year, 53-week years included) minus the approved ones, so no approved week's lines are read."""
    from partner_model import commission_queries

    assert commission_queries.weeks_not_approved(session) == []
    first_day, last_day = dt.date(2026, 12, 21), dt.date(2027, 1, 13)  # 2026-W52 .. 2027-W02 (2026 has 53 weeks)
    for day in (first_day, last_day):
        deal = factory.deal(cast.acme_user, annual_value="1000", today=day)
        deals.review_deal(session, cast.manager, deal.id, accept=True, today=day)
        deals.move_deal(session, cast.acme_user, deal.id, stage="closed_won", billing_option="invoice", today=day)
    assert commission_queries.weeks_not_approved(session) == ["2026-W52", "2026-W53", "2027-W01", "2027-W02"]
    commissions.approve_week(session, cast.finance, "2026-W52", today=last_day)
    assert commission_queries.weeks_not_approved(session) == ["2026-W53", "2027-W01", "2027-W02"]
    assert commission_queries.weeks_not_approved(session, until="2027-W01") == ["2026-W53", "2027-W01"]
    weeks = [i.filters["week"] for i in inbox_queries.finance_work(session, cast.finance, today=last_day)
             if i.code == "week_to_approve"]
    assert weeks == ["2027-W02"]


def test_an_admins_inbox_counts_locked_users_and_partners_missing_a_manager_or_billing(session, cast, factory):
    for _ in range(5):
        with pytest.raises(Exception):  # noqa: B017  (AuthError: a wrong password)
            users.sign_in(session, email=cast.acme_user.email, password="not the password at all")
    partners.set_manager(session, cast.admin, cast.acme.id, cast.manager.id)
    items = inbox_queries.admin_work(session, cast.admin)
    assert _item(items, "locked_users").count == 1
    assert _item(items, "partners_without_manager").count == 1  # Beta
    assert _item(items, "partners_without_billing").count == 2


def test_a_partner_sees_their_pending_registrations_and_the_decisions_since_their_last_visit(session, cast, factory):
    first = users.record_visit(session, cast.acme_user)
    assert first is None
    accepted = factory.accepted_deal(cast.acme_user, cast.manager)
    denied = factory.deal(cast.acme_user)
    deals.review_deal(session, cast.manager, denied.id, accept=False, reason="invalid_lead")
    factory.deal(cast.acme_user)
    since = users.record_visit(session, cast.acme_user)
    items = inbox_queries.partner_work(session, cast.acme_user, since=since - dt.timedelta(seconds=1))
    assert _item(items, "registrations_pending").count == 1
    decisions = _item(items, "decisions_since_last_visit").details["decisions"]
    assert {(d["deal_id"], d["review_status"], d["denial_reason"]) for d in decisions} >= {
        (accepted.id, "accepted", None), (denied.id, "denied", "invalid_lead")}
    with pytest.raises(PermissionDenied):
        inbox_queries.partner_work(session, cast.manager)


# --- hints in words --------------------------------------------------------------------------------------------


def test_another_partners_deal_is_named_with_its_protection_end(session, cast, factory):
    held = factory.accepted_deal(cast.beta_user, cast.manager, contact_email="a@samecorp.fi")
    ours = factory.deal(cast.acme_user, contact_email="b@samecorp.fi")
    details = [d for d in deals.hint_details(session, cast.manager, ours.id) if d["code"] == "other_partner_open_deal"]
    assert details == [{"code": "other_partner_open_deal", "deal_id": held.id, "partner_name": cast.beta.name,
                        "company_name": held.company_name, "review_status": "accepted",
                        "protected_until": held.protected_until, "created_at": details[0]["created_at"]}]


# --- finance's week ---------------------------------------------------------------------------------------------


def test_the_week_picker_knows_each_weeks_state_and_lines(session, cast, factory):
    won = factory.won_deal(cast.acme_user, cast.manager, billing_option="invoice")
    week = rules.iso_week(won.won_on)
    empty = rules.week_after(week)
    assert commission_queries.week_overview(session, cast.finance, [week, empty]) == {
        week: {"state": "open", "lines": 1}, empty: {"state": "open", "lines": 0}}
    factory.won_deal(cast.beta_user, cast.manager, billing_option="invoice", today=won.won_on)
    commissions.approve_week(session, cast.finance, week)
    assert commission_queries.week_overview(session, cast.finance, [week]) == {week: {"state": "approved",
                                                                                      "lines": 2}}
    # Issue 19: the approved week's count is stored with the approval and read from there by staff; a partner's
    # users still count their own lines
    assert session.get(CommissionWeek, week).lines == 2
    session.get(CommissionWeek, week).lines = 7  # were it counted again, the picker would still say 2
    session.commit()
    assert commission_queries.week_overview(session, cast.finance, [week])[week]["lines"] == 7
    assert commission_queries.week_overview(session, cast.acme_user, [week])[week]["lines"] == 1


@pytest.mark.parametrize("language", ["en", "fi"])
def test_the_whole_week_exports_as_csv_and_xlsx_with_the_screens_numbers(session, cast, factory, language):
    one = factory.won_deal(cast.acme_user, cast.manager, annual_value="12345.67", billing_option="invoice",
                           company_name="=HYPERLINK(\"http://x\")")
    factory.won_deal(cast.beta_user, cast.manager, annual_value="5000", billing_option="via_partner")
    week = rules.iso_week(one.won_on)
    screen = commission_queries.week_partner_totals(session, cast.finance, week)
    book = load_workbook(io.BytesIO(commission_reports.week_export_xlsx(session, cast.finance, week,
                                                                       language=language)))
    lines, per_partner, per_currency = (book[name] for name in book.sheetnames)
    rows = list(lines.values)
    assert len(rows) == 3  # the headings and two lines
    company = rows[0].index("Company" if language == "en" else "Yritys")
    cells = [r[company] for r in rows[1:]]
    assert "'=HYPERLINK(\"http://x\")" in cells, "a formula-looking name stays text"
    assert all(lines.cell(row=i, column=company + 1).data_type == "s" for i in range(2, 4))
    payable = [r for r in per_partner.values][1:]
    assert sorted(round(Decimal(str(r[3])), 2) for r in payable) == sorted(screen["payable"])
    assert [r[0] for r in list(per_currency.values)[1:]] == ["EUR"]
    data = commission_reports.week_export_csv(session, cast.finance, week, language=language)
    sep = "," if language == "en" else ";"
    parsed = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=sep))
    assert len(parsed) == 3 and ("Rate (%)" in parsed[0] if language == "en" else True)


def test_only_finance_exports_a_week(session, cast):
    with pytest.raises(PermissionDenied):
        commission_reports.week_export(session, cast.acme_user, rules.iso_week(TODAY))


# --- the funnel by the furthest stage; the partner comparison ---------------------------------------------------------


def test_the_funnel_counts_the_furthest_stage_each_deal_reached_never_over_100_percent(session, cast, factory):
    went_back = factory.accepted_deal(cast.acme_user, cast.manager)
    deals.move_deal(session, cast.acme_user, went_back.id, stage="newsletter")
    deals.move_deal(session, cast.acme_user, went_back.id, stage="new")  # back in New: it reached Newsletter
    lost_after_trial = factory.accepted_deal(cast.acme_user, cast.manager)
    deals.move_deal(session, cast.acme_user, lost_after_trial.id, stage="trial")
    deals.move_deal(session, cast.acme_user, lost_after_trial.id, stage="closed_lost", note="Chose a competitor")
    factory.won_deal(cast.acme_user, cast.manager)
    factory.deal(cast.acme_user)
    funnel = pipeline.reached(session, cast.manager).set_index("stage")
    assert list(funnel["reached"]) == [4, 3, 2, 1]
    assert [round(c, 4) for c in funnel["conversion"].iloc[1:]] == [0.75, round(2 / 3, 4), 0.5]
    assert all(c <= 1 for c in funnel["conversion"].iloc[1:])


def test_managers_compare_their_partners(session, cast, factory):
    partners.set_manager(session, cast.admin, cast.acme.id, cast.manager.id)
    factory.won_deal(cast.acme_user, cast.manager, annual_value="1000")
    lost = factory.accepted_deal(cast.acme_user, cast.manager)
    deals.move_deal(session, cast.acme_user, lost.id, stage="closed_lost", note="No budget")
    factory.won_deal(cast.beta_user, cast.manager, annual_value="2000")
    frame = pipeline.partner_comparison(session, cast.manager, manager_id=cast.manager.id)
    row = frame.iloc[0]
    assert list(frame["partner_name"]) == [cast.acme.name]
    assert (row["registrations"], row["won"], row["lost"], row["win_rate"]) == (2, 1, 1, 0.5)
    assert row["value_won"] == {"EUR": Decimal("1000.00")} and row["median_days_to_won"] == 0
    with pytest.raises(PermissionDenied):
        pipeline.partner_comparison(session, cast.acme_user)


# --- one definition per count --------------------------------------------------------------------------------------


def test_trials_ending_is_one_count_of_seven_days_wherever_it_shows(session, cast, factory):
    for days_ago in (8, 10, 12):  # trials end in 6, 4 and 2 days
        factory.trial(cast.acme_user, today=TODAY - dt.timedelta(days=days_ago))
    factory.trial(cast.acme_user, today=TODAY)  # ends in 14 days
    metrics = customers.overview_metrics(session, cast.acme_user, today=TODAY)
    frame, __ = customers.customer_overview(session, cast.acme_user, state="trial", today=TODAY)
    shown = int((frame["trial_days_left"] <= rules.TRIAL_ENDING_DAYS).sum())
    assert metrics["trials_ending"] == shown == 3
