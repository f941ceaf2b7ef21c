"""The signed-in home page: each role's summary, every item linking to its page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pages_world import World
from partner_model import rules
from partner_model.i18n import Formats


def metrics(at) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {m.label: m.value for m in at.metric}


def links(at) -> list[str]:  # type: ignore[no-untyped-def]
    return [link.proto.page for link in at.main.get("page_link")]


def test_partner_sees_trials_ending_pending_deals_and_this_weeks_commission(app):
    at = app("partner_user").run()
    assert not at.exception
    assert at.title[0].value == "Welcome, Partner User"
    assert "Partner user at Acme Consulting" in [c.value for c in at.caption]
    week = rules.iso_week(dt.date.today())
    assert metrics(at) == {
        "Trials ending within 7 days": "1",
        "Deals pending review": "1",
        f"Commission this week ({week})": "EUR\xa02,000.00",  # 20 % of the 10,000 EUR deal won this week
    }
    assert any(c.value == "Nordic Retail (4 d)" for c in at.caption)
    assert len(links(at)) == 3


def test_partner_admin_sees_the_partner_summary(app):
    at = app("partner_admin").run()
    assert not at.exception
    assert set(metrics(at)) >= {"Trials ending within 7 days", "Deals pending review"}


def test_another_partners_admin_sees_none_of_acmes_figures(app):
    at = app("beta_admin").run()
    assert not at.exception
    week = rules.iso_week(dt.date.today())
    assert metrics(at) == {
        "Trials ending within 7 days": "0", "Deals pending review": "0", f"Commission this week ({week})": "0.00"}


def test_partner_manager_sees_pending_reviews_trials_ending_and_stale_deals(app):
    at = app("partner_manager").run()
    assert not at.exception
    assert metrics(at) == {"Pending reviews": "1", "Trials ending within 7 days": "1", "Stale deals": "0"}
    assert "The oldest came in today." in [c.value for c in at.caption]
    assert len(links(at)) == 3


def test_finance_sees_the_open_week_and_its_total(app):
    at = app("finance").run()
    assert not at.exception
    week = rules.iso_week(dt.date.today())
    assert metrics(at) == {f"Open week {week}": "EUR\xa02,000.00"}
    assert len(links(at)) == 1


def test_admin_sees_reviews_stale_deals_and_the_open_week(app):
    at = app("admin").run()
    assert not at.exception
    assert set(metrics(at)) == {"Pending reviews", "Stale deals", f"Open week {rules.iso_week(dt.date.today())}"}


def test_signed_out_home_shows_no_summary(app):
    at = app().run()
    assert not at.exception
    assert not at.metric
    assert World.email("admin") not in str(at.main)


def test_the_home_page_writes_money_the_readers_way(app):
    at = app("finance")
    at.session_state["language"] = "fi"
    at.run()
    assert not at.exception
    assert list(metrics(at).values()) == [Formats("fi").money(Decimal("2000.00"), "EUR")]
