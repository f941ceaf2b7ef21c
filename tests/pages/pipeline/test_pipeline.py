"""The pipeline page (AppTest): metrics, the charts and the stale deals, per partner and overall; empty
pipelines; a partner sees only their own; who may open it. The issue's findings (the funnel by the furthest stage,
value by stage one currency at a time, the partners compared, stale deals that open their card, "my partners"):
test_pipeline_findings.py.

The page world (tests/pages/conftest.py) gives Acme one pending deal ("Pending Co", 12,000 EUR, new) and one won
deal ("Winner Co", 10,000 EUR); tests add more through the services.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from decimal import Decimal
from typing import TYPE_CHECKING

import numpy as np
import pytest
from pages_helpers import all_text, main_text, shows_no_data

from partner_model import clock, deals, i18n, users

if TYPE_CHECKING:  # imported by name only when type checking: tests/e2e has a conftest module too
    from conftest import World

PAGE = "pages/pipeline.py"
TODAY = clock.today()


def _actor(s, world: World, role: str):  # type: ignore[no-untyped-def]
    return users.get_user(s, world.user_ids[role])


def _open(app, role: str = "partner_manager"):  # type: ignore[no-untyped-def]
    return app(role).run().switch_page(PAGE).run()


NEWSLETTER_METRICS = {"Confirmed", "Waiting for confirmation", "Expired after 7 days", "Unsubscribed", "Not asked"}


def _metrics(at) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The pipeline's figures (the Newsletter stage's consent counts are test_newsletter_pipeline's)."""
    return {m.label: m.value for m in at.metric if m.label not in NEWSLETTER_METRICS}


def _stale(at):  # type: ignore[no-untyped-def]
    """The stale deals' table: the page's last."""
    return at.dataframe[-1].value


def _charts(at) -> dict[str, dict]:  # type: ignore[no-untyped-def]
    """Plotly specs by the title of their figure."""
    specs = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    return {spec["layout"]["title"]["text"]: spec for spec in specs}


def _numbers(values) -> list[float]:  # type: ignore[no-untyped-def]
    """Plotly 7 sends numeric arrays as {"dtype", "bdata"} (base64); plain lists stay lists."""
    if isinstance(values, dict) and "bdata" in values:
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
    return list(values)


def _add_beta_deals(world: World) -> None:
    """Beta: one lost deal in SEK and one stale new deal (registered 20 days ago)."""
    with world.session() as s:
        beta, manager = _actor(s, world, "beta_admin"), _actor(s, world, "partner_manager")
        lost = deals.register_deal(s, beta, contact_name="Lars Lost", contact_email="lars@lost-ab.example",
                                   company_name="Lost AB", annual_value="30000", currency="SEK")
        deals.review_deal(s, manager, lost.id, accept=True)
        deals.move_deal(s, beta, lost.id, stage="closed_lost", note="Chose a competitor.")
        deals.register_deal(s, beta, contact_name="Stig Stale", contact_email="stig@stale-ab.example",
                            company_name="Stale AB", annual_value="8000", currency="SEK",
                            today=TODAY - dt.timedelta(days=20))


def test_partner_manager_sees_metrics_charts_and_stale_deals_over_all_partners(app, world):
    _add_beta_deals(world)
    at = _open(app)
    assert not at.exception
    assert _metrics(at) == {"Deals registered": "4", "Win rate": "50%", "Conversion": "25%",
                            "Median days to won": "0 days"}
    charts = _charts(at)
    assert set(charts) == {"Deals by the furthest stage they reached", "Value by stage in SEK",
                           "Registrations per week, last 26 weeks", "Win rate by partner"}
    funnel = charts["Deals by the furthest stage they reached"]["data"][0]
    assert funnel["type"] == "funnel"
    assert funnel["y"] == ["New", "Newsletter subscription", "Trial", "Closed won"]
    assert _numbers(funnel["x"]) == [4, 1, 1, 1]  # the won deal and the lost one went through the stages before
    weekly = charts["Registrations per week, last 26 weeks"]["data"][0]
    assert sum(_numbers(weekly["y"])) == 4 and len(weekly["x"]) == 26
    assert "1 deal is lost now" in main_text(at)
    stale = _stale(at)
    assert stale["Company"].tolist() == ["Stale AB"]
    assert stale.iloc[0][["Partner", "Stage", "Days in stage", "Limit (days)", "Value"]].tolist() == [
        "Beta Advisors", "New", 20, 7, "SEK\xa08,000.00"]


def test_value_by_stage_is_never_added_across_currencies(app, world):
    _add_beta_deals(world)
    at = _open(app)
    bars = _charts(at)["Value by stage in SEK"]["data"][0]
    assert dict(zip(bars["y"], bars["text"], strict=True)) == {
        "New": "SEK\xa08,000.00", "Newsletter subscription": "", "Trial": "", "Closed won": "",
        "Closed lost": "SEK\xa030,000.00"}
    at = at.segmented_control(key="pipeline_currency").set_value("EUR").run()
    assert not at.exception
    bars = _charts(at)["Value by stage in EUR"]["data"][0]
    assert dict(zip(bars["y"], bars["text"], strict=True))["New"] == "EUR\xa012,000.00"
    assert dict(zip(bars["y"], bars["text"], strict=True))["Closed won"] == "EUR\xa010,000.00"


def test_the_partner_filter_narrows_every_figure(app, world):
    _add_beta_deals(world)
    at = _open(app).selectbox(key="pipeline_partner").select(world.acme_id).run()
    assert not at.exception
    assert _metrics(at)["Deals registered"] == "2"
    assert _metrics(at)["Win rate"] == "100%"
    assert [i.value for i in at.info] == ["No stale deals: every open deal moved within its stage's limit."]
    assert not at.segmented_control  # one currency: nothing to pick
    assert "SEK" not in json.dumps(_charts(at)["Value by stage in EUR"])


def test_a_partner_sees_only_their_own_pipeline(app, world):
    _add_beta_deals(world)
    at = _open(app, "beta_admin")
    assert not at.exception
    assert not at.main.selectbox  # no partner filter: their own partner only
    assert "Your deals at Beta Advisors" in main_text(at)
    assert _metrics(at) == {"Deals registered": "2", "Win rate": "0%", "Conversion": "0%", "Median days to won": "—"}
    assert _stale(at)["Company"].tolist() == ["Stale AB"]
    assert "Partner" not in _stale(at).columns
    assert not at.toggle and "Partners compared" not in main_text(at)  # no switch, no comparison for a partner
    text = all_text(at)
    assert "Pending Co" not in text and "Winner Co" not in text and "EUR" not in text


def test_a_partner_user_sees_their_partners_pipeline(app, world):
    _add_beta_deals(world)
    at = _open(app, "partner_user")
    assert not at.exception
    assert _metrics(at)["Deals registered"] == "2"
    assert "Stale AB" not in all_text(at) and "Lost AB" not in all_text(at)


def test_a_partner_without_deals_is_told_the_pipeline_is_empty(app, world):
    at = _open(app, "beta_admin")
    assert not at.exception
    assert [i.value for i in at.info] == [
        "No deals registered for Beta Advisors yet: the pipeline fills as deals are registered."]
    assert not at.get("plotly_chart") and not at.metric


def test_staff_filtering_to_a_partner_without_deals_is_told_so(app, world):
    at = _open(app, "admin").selectbox(key="pipeline_partner").select(world.beta_id).run()
    assert not at.exception
    assert [i.value for i in at.info] == [
        "No deals registered for Beta Advisors yet: the pipeline fills as deals are registered."]


def test_denied_deals_are_left_out_of_the_pipeline(app, world):
    with world.session() as s:
        pending = deals.board(s, _actor(s, world, "admin"), review_status="pending")["new"].cards
        deals.review_deal(s, _actor(s, world, "admin"), int(pending.iloc[0]["deal_id"]), accept=False,
                          reason="invalid_lead")
    at = _open(app)
    assert not at.exception
    assert _metrics(at)["Deals registered"] == "1"


@pytest.mark.parametrize("language", ["fi", "de"])
def test_the_pipeline_draws_in_another_language_with_its_number_format(app, world, language):
    _add_beta_deals(world)
    at = app("partner_manager")
    at.session_state["language"] = language
    at.switch_page(PAGE).run()
    assert not at.exception
    formats = i18n.Formats(language)
    specs = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    assert len(specs) == 4
    decimal, group = formats.locale.number_symbols["latn"]["decimal"], formats.locale.number_symbols["latn"]["group"]
    assert all(spec["layout"]["separators"] == decimal + group for spec in specs)
    funnel = next(spec for spec in specs if spec["data"][0]["type"] == "funnel")["data"][0]
    assert funnel["y"][0] == i18n.translations(language).gettext("New")
    assert _stale(at).iloc[0].tolist()[-2] == formats.money(Decimal("8000.00"), "SEK")
    bars = next(spec for spec in specs if spec["data"][0].get("orientation") == "h" and "customdata" in
                spec["data"][0] and spec["data"][0]["y"][0] == i18n.translations(language).gettext("New"))
    assert formats.money(Decimal("30000.00"), "SEK") in bars["data"][0]["text"]


@pytest.mark.parametrize("role", ["finance", None])
def test_finance_and_signed_out_visitors_cannot_open_the_pipeline(app, role):
    at = app(role).run().switch_page(PAGE).run()
    assert not at.exception
    assert shows_no_data(at)
    assert not at.get("plotly_chart")
