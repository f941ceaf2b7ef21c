"""The signed-in home page: each role's work inbox, every item a count with a link that opens its page filtered.

The page world (tests/pages/pages_world.py): Acme (20 %) and Beta (15 %); Acme's trial "Nordic Retail" ends in
4 days; Acme's "Pending Co" waits for review; Acme's "Winner Co" (10,000 EUR, invoice) was won this week, so this
week has one line of 2,000.00 EUR payable.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from urllib.parse import parse_qsl

import pytest
from pages_helpers import shown

from pages_world import World
from partner_model import clock, commissions, customers, deals, inbox_queries, partners, rules, users
from partner_model.errors import AuthError
from partner_model.i18n import Formats
from partner_model.models import Deal

TODAY = clock.today()
THIS_WEEK = rules.iso_week(TODAY)
THREE_WEEKS_AGO = TODAY - dt.timedelta(days=21)
OLD_WEEK = rules.iso_week(THREE_WEEKS_AGO)


def metrics(at) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Each tile's title -> what it shows large: a count, or its amounts (one per currency) joined by " · "."""
    found: dict[str, str] = {}

    def walk(node) -> None:  # type: ignore[no-untyped-def]
        kids = list((getattr(node, "children", None) or {}).values())
        big = [kid.value for kid in kids if getattr(kid, "type", "") in ("metric", "subheader")]
        if kids and getattr(kids[0], "type", "") == "markdown" and kids[0].value.startswith("**") and big:
            found[shown(kids[0].value.strip("*"))] = " · ".join(big)
        for kid in kids:
            walk(kid)

    walk(at.main)
    return found


def links(at) -> list[tuple[str, str, dict[str, str]]]:  # type: ignore[no-untyped-def]
    """The main area's page links: (label, page name such as "deal_board", query parameters)."""
    return [(shown(link.proto.label), link.proto.page, dict(parse_qsl(link.proto.query_string)))
            for link in at.main.get("page_link")]


def link_to(at, page: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The query parameters of the (first) link to `page` (its name: "review_queue")."""
    return next(params for __, target, params in links(at) if target == page)


def captions(at) -> list[str]:  # type: ignore[no-untyped-def]
    return [shown(c.value) for c in at.main.caption]


def badges(at) -> list[str]:  # type: ignore[no-untyped-def]
    """The badges' words (st.badge draws Markdown such as ":red-badge[:material/schedule: Overdue]")."""
    return [m.value.split("]", 1)[0].rsplit(": ", 1)[-1] for m in at.main.markdown if "-badge[" in m.value]


def _actor(s, world: World, role: str):  # type: ignore[no-untyped-def]
    return users.get_user(s, world.user_ids[role])


def _win(world: World, value: str, day: dt.date, *, role: str = "partner_user", company: str = "Old Week Oy",
         option: str = "invoice", currency: str = "EUR") -> int:
    with world.session() as s:
        seller = _actor(s, world, role)
        deal = deals.register_deal(s, seller, contact_name="Olli Old",
                                   contact_email=f"olli@{company.split()[0].lower()}.example", company_name=company,
                                   annual_value=value, currency=currency, today=day)
        deals.review_deal(s, _actor(s, world, "partner_manager"), deal.id, accept=True)
        deals.move_deal(s, seller, deal.id, stage="closed_won", billing_option=option, today=day)
        return deal.id


# --- a partner ---------------------------------------------------------------------------------------------


def test_partner_home_shows_pending_registrations_decisions_trials_ending_and_this_weeks_commission(app, world):
    at = app("partner_user").run()
    assert not at.exception
    assert at.title[0].value == "Welcome, Partner User"
    assert "Partner user at Acme Consulting" in captions(at)
    assert metrics(at) == {
        "Registrations pending review": "1",
        "Decisions on your registrations": "1",  # a first visit: every decision so far
        "Trials ending within 7 days": "1",
        f"Commission this week ({THIS_WEEK})": "EUR\xa02,000.00",  # 20 % of the 10,000 EUR deal won this week
    }
    assert "Nordic Retail (4 d)" in captions(at)
    assert link_to(at, "deal_board") == {"review_status": "pending"}
    assert link_to(at, "commissions") == {"week": THIS_WEEK}
    with world.session() as s:
        winner = deals.board(s, _actor(s, world, "partner_user"), review_status="accepted")["closed_won"]
    decision = [(label, params) for label, page, params in links(at) if params.get("deal")]
    assert decision == [("Winner Co: Accepted", {"deal": str(int(winner.cards.iloc[0]["deal_id"]))})]


def test_a_partner_sees_only_the_decisions_made_since_their_last_visit(app, world):
    first = app("partner_user").run()  # this browser session's visit is recorded once
    assert metrics(first)["Decisions on your registrations"] == "1"
    assert metrics(first.run())["Decisions on your registrations"] == "1"  # a rerun keeps the same list
    with world.session() as s:
        pending = deals.review_queue(s, _actor(s, world, "partner_manager"))[0].iloc[0]
        deals.review_deal(s, _actor(s, world, "partner_manager"), int(pending["deal_id"]), accept=False,
                          reason="invalid_lead")
    at = app("partner_user").run()  # a later visit
    assert not at.exception
    assert metrics(at)["Decisions since your last visit"] == "1"
    assert metrics(at)["Registrations pending review"] == "0"
    assert [label for label, __, params in links(at) if params.get("deal")] == [
        "Pending Co: Denied: Not a valid lead"]
    assert any(c.startswith("Since ") and c.endswith(" UTC.") for c in captions(at))


def test_the_homes_trials_ending_is_the_customers_pages_count(app, world):
    """Issue: home "Trials ending within 7 days: 13", Customers "Trials ending: 12". One definition now: the
    home counted at most 50 soonest trials ("50+") and could differ from the customers page."""
    with world.session() as s:
        alice = _actor(s, world, "partner_user")
        for n in range(51):
            customers.create_trial(s, alice, company_name=f"Ending {n:02d}", domain=f"ending-{n:02d}.example",
                                   framework="ISO 27001", today=TODAY - dt.timedelta(days=8))
    home = app("partner_user").run()
    page = app("partner_user").switch_page("pages/customers.py").run()
    assert not home.exception and not page.exception
    trials = {m.label: m.value for m in page.metric}["Trials ending"]
    assert trials == "52"
    assert metrics(home)["Trials ending within 7 days"] == trials


def test_another_partners_admin_sees_none_of_acmes_figures(app, world):
    at = app("beta_admin").run()
    assert not at.exception
    assert metrics(at) == {"Registrations pending review": "0", "Decisions on your registrations": "0",
                           "Trials ending within 7 days": "0", f"Commission this week ({THIS_WEEK})": "0.00"}
    assert "Winner Co" not in str(at.main) and "Nordic Retail" not in str(at.main)


# --- a partner manager -------------------------------------------------------------------------------------


def test_manager_home_counts_registrations_extensions_protections_and_stale_deals_with_filtered_links(app, world):
    with world.session() as s:
        partners.set_manager(s, _actor(s, world, "admin"), world.acme_id, world.user_ids["partner_manager"])
    at = app("partner_manager").run()
    assert not at.exception
    assert metrics(at) == {"Registrations waiting for review": "1", "Trial extension requests": "0",
                           "Protection ending within 14 days": "0", "Stale deals": "0"}
    assert "None is overdue. The oldest came in today." in captions(at)
    assert at.toggle(key="scope_my_partners").value is True
    assert link_to(at, "review_queue") == {"mine": "1"}
    assert link_to(at, "customers") == {"extension_requested": "1", "mine": "1"}
    assert link_to(at, "deal_board") == {"protection_ending": "1", "mine": "1"}
    assert link_to(at, "pipeline") == {"mine": "1"}


def test_manager_home_shows_overdue_registrations_extension_requests_and_protection_ending(app, world):
    with world.session() as s:
        manager, alice = _actor(s, world, "partner_manager"), _actor(s, world, "partner_user")
        partners.set_manager(s, _actor(s, world, "admin"), world.acme_id, manager.id)
        deals.register_deal(s, alice, contact_name="Olga Old", contact_email="olga@old-lead.example",
                            company_name="Old Lead", annual_value="1000", today=TODAY - dt.timedelta(days=7))
        nordic = customers.customer_overview(s, alice, search="Nordic Retail")[0].iloc[0]
        customers.request_extension(s, alice, int(nordic["customer_id"]))
        ending = deals.register_deal(s, alice, contact_name="Emil Ending", contact_email="emil@ending-soon.example",
                                     company_name="Ending Soon", annual_value="1000",
                                     today=TODAY - dt.timedelta(days=80))
        deals.review_deal(s, manager, ending.id, accept=True, today=TODAY - dt.timedelta(days=80))
    at = app("partner_manager").run()
    assert not at.exception
    shown_metrics = metrics(at)
    assert shown_metrics["Registrations waiting for review"] == "2"
    assert shown_metrics["Trial extension requests"] == "1"
    assert shown_metrics["Protection ending within 14 days"] == "1"
    assert "Overdue" in badges(at)
    assert "1 is overdue: waiting more than 2 business days. The oldest has waited 7 days." in captions(at)
    assert any(c.startswith("The first ends on ") for c in captions(at))


def test_my_partners_switch_narrows_the_managers_counts_to_their_partners(app, world):
    with world.session() as s:
        manager = _actor(s, world, "partner_manager")
        partners.set_manager(s, _actor(s, world, "admin"), world.beta_id, manager.id)  # Beta is theirs, Acme not
    at = app("partner_manager").run()
    assert metrics(at)["Registrations waiting for review"] == "0"  # Acme's Pending Co is not their partner's
    at = at.toggle(key="scope_my_partners").set_value(False).run()
    assert not at.exception
    assert metrics(at)["Registrations waiting for review"] == "1"
    assert link_to(at, "review_queue") == {"mine": "0"}


# --- finance -----------------------------------------------------------------------------------------------


def test_finance_home_lists_an_earlier_unapproved_week_with_its_eur_total_oldest_first(app, world):
    """Issue: the home showed only "Open week 2026-W49 0.00" (no currency); an unapproved earlier week with
    EUR 4,710 of lines was nowhere to be seen."""
    _win(world, "23550", THREE_WEEKS_AGO)  # 20 %: 4,710.00 EUR payable
    at = app("finance").run()
    assert not at.exception
    assert list(metrics(at).items()) == [
        (f"Week {OLD_WEEK} to approve", "EUR\xa04,710.00"),
        (f"Week {THIS_WEEK} to approve", "EUR\xa02,000.00"),
        ("Reversals waiting", "0"),
        ("Payouts to confirm", "0"),
        ("Payouts ready for the bank", "0"),
    ]
    assert "1 line: payable EUR\xa04,710.00, netted on invoices EUR\xa00.00" in captions(at)
    weeks = [params for __, page, params in links(at) if page == "commissions"]
    assert weeks == [{"week": OLD_WEEK}, {"week": THIS_WEEK}, {}]
    assert badges(at) == ["Overdue"]  # the old week only: not approved by the Wednesday after it


def test_finance_home_shows_each_currency_of_a_week(app, world):
    _win(world, "8000", TODAY, role="beta_admin", company="Kronor AB", option="via_partner", currency="SEK")
    at = app("finance").run()
    assert not at.exception
    assert metrics(at)[f"Week {THIS_WEEK} to approve"] == "EUR\xa02,000.00 · SEK\xa01,200.00"
    assert ("2 lines: payable EUR\xa02,000.00 · SEK\xa00.00, netted on invoices EUR\xa00.00 · SEK\xa01,200.00"
            in captions(at))


def test_an_approved_week_leaves_finances_home(app, world):
    with world.session() as s:
        commissions.approve_week(s, _actor(s, world, "finance"), THIS_WEEK)
    at = app("finance").run()
    assert not at.exception
    assert metrics(at) == {"Weeks to approve": "0", "Reversals waiting": "0", "Payouts to confirm": "1",
                           "Payouts ready for the bank": "0"}
    assert "Every week with commission lines is approved." in captions(at)
    assert "EUR\xa02,000.00 from approved weeks: confirm them for the bank." in captions(at)
    assert [params for __, page, params in links(at) if page == "payouts"] == [{"state": "draft"},
                                                                              {"state": "ready"}]


def test_the_home_page_writes_money_the_readers_way(app, world):
    at = app("finance")
    at.session_state["language"] = "fi"
    at.run()
    assert not at.exception
    assert Formats("fi").money(Decimal("2000.00"), "EUR") in metrics(at).values()


# --- an admin ----------------------------------------------------------------------------------------------


def test_admin_home_counts_locked_users_and_partners_without_a_manager_or_billing_then_reviews_and_weeks(app, world):
    with world.session() as s:
        for __ in range(rules.MAX_LOCKOUT_FAILURES):
            with pytest.raises(AuthError):
                users.sign_in(s, email=World.email("partner_admin"), password="not the password at all")
        admin = _actor(s, world, "admin")
        partners.set_manager(s, admin, world.acme_id, world.user_ids["partner_manager"])
    at = app("admin").run()
    assert not at.exception
    shown_metrics = metrics(at)
    assert {k: shown_metrics[k] for k in ("Locked users", "Partners without a manager",
                                          "Partners without billing information")} == {
        "Locked users": "1", "Partners without a manager": "1", "Partners without billing information": "2"}
    assert shown_metrics["Registrations waiting for review"] == "1"
    assert shown_metrics[f"Week {THIS_WEEK} to approve"] == "EUR\xa02,000.00"
    assert [params for __, target, params in links(at) if target == "admin"] == [
        {"tab": "applications"}, {"tab": "users", "locked": "1"}, {"tab": "partners", "unmanaged": "1"}]
    assert shown_metrics["Partner applications waiting"] == "0"
    assert link_to(at, "billing") == {"without_billing": "1"}
    assert [h.value for h in at.main.header] == ["Users and partners", "Registrations and deals",
                                                     "Commission weeks"]


def _follow(app, role: str, page: str, params: dict[str, str]):  # type: ignore[no-untyped-def]
    """Open `page` as `role` through a link with `params`, as a click on a home tile does."""
    at = app(role).run()
    for name, value in params.items():
        at.query_params[name] = value
    at = at.switch_page(f"pages/{page}.py").run()
    assert not at.exception
    return at


def test_each_admin_inbox_link_opens_its_page_filtered_to_that_work(app, world):
    """Issue 14: a link's filters are read by the page it opens: the locked users, the partners without a manager,
    the partners missing billing information (the links the home tiles carry, asserted above)."""
    with world.session() as s:
        for __ in range(rules.MAX_LOCKOUT_FAILURES):
            with pytest.raises(AuthError):
                users.sign_in(s, email=World.email("partner_admin"), password="not the password at all")
        admin = _actor(s, world, "admin")
        partners.set_manager(s, admin, world.acme_id, world.user_ids["partner_manager"])
        partners.update_billing_info(s, admin, world.acme_id, legal_name="Acme Consulting Oy", vat_id="FI12345678",
                                     billing_email="billing@acme.example")
    at = _follow(app, "admin", "admin", {"tab": "users", "locked": "1"})
    assert at.toggle(key="users_locked").value is True
    assert list(at.dataframe[1].value["email"]) == [World.email("partner_admin")]
    at = _follow(app, "admin", "admin", {"tab": "partners", "unmanaged": "1"})
    assert at.toggle(key="partner_unmanaged").value is True
    assert list(at.dataframe[0].value["name"]) == ["Beta Advisors"]
    at = _follow(app, "admin", "billing", {"without_billing": "1"})
    assert at.toggle(key="billing_missing").value is True
    assert at.selectbox(key="billing_partner").options == ["Beta Advisors"]


def test_a_managers_protection_ending_link_opens_the_board_on_exactly_those_deals(app, world):
    """Issue 14: the home count and the board it opens share one definition of "protection ending"."""
    with world.session() as s:
        manager, alice = _actor(s, world, "partner_manager"), _actor(s, world, "partner_user")
        for company, days_left in (("Ending Soon Oy", 5), ("Ending Later Oy", 40)):
            deal = deals.register_deal(s, alice, contact_name="Eva", contact_email=f"eva@{company[:6].lower()}.example",
                                       company_name=company, annual_value="1000")
            deals.review_deal(s, manager, deal.id, accept=True)
            stored = s.get(Deal, deal.id)
            stored.protected_until = clock.today() + dt.timedelta(days=days_left)
            s.commit()
        counted = next(i for i in inbox_queries.manager_work(s, manager) if i.code == "protection_ending").count
    at = _follow(app, "partner_manager", "deal_board", {"protection_ending": "1", "mine": "0"})
    assert counted == 1 and at.toggle(key="board_protection_ending").value is True
    assert "Ending Soon Oy" in str(at.main) and "Ending Later Oy" not in str(at.main)


def test_signed_out_home_shows_no_work(app, world):
    at = app().run()
    assert not at.exception
    assert not metrics(at) and not at.main.metric and not at.main.get("page_link")
    assert World.email("admin") not in str(at.main)
