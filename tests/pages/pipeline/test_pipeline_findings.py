"""The pipeline's findings (AppTest): value by stage one currency at a time (the largest by default), the funnel by
the furthest stage each deal reached with conversion never above 100 %, the partners compared for staff, stale
deals that open their card, and a partner manager's "My partners only".

The page world (tests/pages/conftest.py) gives Acme one pending deal ("Pending Co", 12,000 EUR, new) and one won
deal ("Winner Co", 10,000 EUR); its partner manager looks after no partner until a test says so.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import numpy as np
from pages_helpers import main_text

from partner_model import clock, deals, partners, users

if TYPE_CHECKING:  # imported by name only when type checking: tests/e2e has a conftest module too
    from conftest import World

PAGE = "pages/pipeline.py"
TODAY = clock.today()
FUNNEL = "Deals by the furthest stage they reached"


def _actor(s, world: World, role: str):  # type: ignore[no-untyped-def]
    return users.get_user(s, world.user_ids[role])


def _open(app, role: str = "partner_manager"):  # type: ignore[no-untyped-def]
    return app(role).run().switch_page(PAGE).run()


def _charts(at) -> dict[str, dict]:  # type: ignore[no-untyped-def]
    specs = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    return {spec["layout"]["title"]["text"]: spec for spec in specs}


def _numbers(values: Any) -> list[float]:
    if isinstance(values, dict) and "bdata" in values:
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
    return list(values)


def _frame(at, column: str):  # type: ignore[no-untyped-def]
    """The first shown table with this column."""
    return next(df.value for df in at.dataframe if column in df.value.columns)


def _deal(world: World, company: str, *, role: str = "partner_user", value: str = "1000", currency: str = "EUR",
          moves: tuple[str, ...] = (), days_ago: int = 0) -> int:
    """A deal registered `days_ago`, accepted and moved through `moves` when there are any."""
    with world.session() as s:
        owner, manager = _actor(s, world, role), _actor(s, world, "admin")
        deal = deals.register_deal(s, owner, contact_name="Carl Contact",
                                   contact_email=f"c@{company.lower().replace(' ', '-')}.example",
                                   company_name=company, annual_value=value, currency=currency,
                                   today=TODAY - dt.timedelta(days=days_ago))
        if moves:
            deals.review_deal(s, manager, deal.id, accept=True)
        for stage in moves:
            deals.move_deal(s, owner, deal.id, stage=stage, billing_option="invoice" if stage == "closed_won" else None,
                            note="Chose a competitor" if stage == "closed_lost" else None)
        return deal.id


def _manage(world: World, partner_id: int) -> None:
    with world.session() as s:
        partners.set_manager(s, _actor(s, world, "admin"), partner_id, world.user_ids["partner_manager"])


# --- value by stage: one currency at a time -----------------------------------------------------------------


def test_value_by_stage_shows_the_largest_currency_first_and_a_picker_for_the_others(app, world):
    """Issue: "Value by stage, per currency" was unreadable (one squeezed panel per currency)."""
    _deal(world, "Sek One", role="beta_admin", value="90000", currency="SEK")
    _deal(world, "Usd One", role="beta_admin", value="500", currency="USD")
    at = _open(app)
    assert not at.exception
    picker = at.segmented_control(key="pipeline_currency")
    assert picker.options == ["SEK", "EUR", "USD"]  # largest total first
    assert picker.value == "SEK"
    charts = _charts(at)
    assert "Value by stage in SEK" in charts
    assert not charts["Value by stage in SEK"]["layout"].get("annotations"), "one panel, no facets"
    at = picker.set_value("USD").run()
    assert not at.exception
    bars = _charts(at)["Value by stage in USD"]["data"][0]
    assert dict(zip(bars["y"], bars["text"], strict=True))["New"] == "USD\xa0500.00"
    assert "EUR" not in json.dumps(bars) and "SEK" not in json.dumps(bars)


# --- the funnel by the furthest stage ---------------------------------------------------------------------------


def test_the_funnel_counts_the_furthest_stage_reached_and_never_shows_over_100_percent(app, world):
    """Issue: Newsletter showed 104–107 % as the funnel compared the deals in each stage now."""
    for i in range(3):  # three deals that went to Newsletter and back to New
        _deal(world, f"Back Again {i}", moves=("newsletter", "new"))
    for i in range(2):
        _deal(world, f"Newsletter Now {i}", moves=("newsletter",))
    _deal(world, "Lost After Trial", moves=("newsletter", "trial", "closed_lost"))
    at = _open(app)
    assert not at.exception
    funnel = _charts(at)[FUNNEL]["data"][0]
    # New: 8 (Pending Co, Winner Co, the six above); Newsletter: 7 (all but Pending Co: Winner Co went straight to
    # won, so it passed every step before); Trial: Lost After Trial and Winner Co; won: Winner Co.
    assert _numbers(funnel["x"]) == [8, 7, 2, 1]
    table = _frame(at, "Conversion")
    assert table["Reached"].tolist() == [8, 7, 2, 1]
    assert table["Conversion"].tolist() == ["—", "88%", "29%", "50%"]
    shares = [int(text.split(" · ")[1].split("%")[0]) for text in funnel["text"][1:]]
    assert shares == [88, 29, 50] and max(shares) <= 100


# --- the partners compared ------------------------------------------------------------------------------------


def test_staff_compare_partners_in_a_sortable_table_and_a_win_rate_chart(app, world):
    _deal(world, "Beta Won", role="beta_admin", value="2500.50", currency="SEK", moves=("closed_won",))
    _deal(world, "Beta Lost", role="beta_admin", moves=("closed_lost",))
    _deal(world, "Beta Lost Too", role="beta_admin", moves=("closed_lost",))
    at = _open(app, "admin")
    assert not at.exception
    table = _frame(at, "Win rate").set_index("Partner")
    assert table.loc["Acme Consulting", ["Registrations", "Won", "Lost", "Win rate"]].tolist() == [2, 1, 0, 100]
    assert table.loc["Beta Advisors", ["Registrations", "Won", "Lost", "Win rate"]].tolist() == [3, 1, 2, 33]
    assert table.loc["Acme Consulting", "Median days to won"] == 0
    assert Decimal(str(table.loc["Acme Consulting", "Value won, EUR"])) == Decimal("10000.00")
    assert Decimal(str(table.loc["Beta Advisors", "Value won, SEK"])) == Decimal("2500.50")
    assert table["Win rate"].dtype.kind in "if", "a number, so the column sorts"
    bars = _charts(at)["Win rate by partner"]["data"][0]
    assert bars["y"] == ["Acme Consulting", "Beta Advisors"]
    assert bars["text"] == ["100%", "33%"]


def test_a_partner_does_not_see_the_partners_compared(app, world):
    at = _open(app, "partner_user")
    assert not at.exception
    assert "Partners compared" not in main_text(at)
    assert "Win rate by partner" not in _charts(at)


# --- stale deals open their card ------------------------------------------------------------------------------


def test_each_stale_deal_links_to_its_card_on_the_deal_board(app, world):
    """Issue: the stale list (deals of about 449 days) could not be opened."""
    old = _deal(world, "Very Old AB", days_ago=449)
    newer = _deal(world, "Old AB", days_ago=20)
    at = _open(app)
    assert not at.exception
    stale = at.dataframe[-1]
    assert stale.value["Company"].tolist() == ["Very Old AB", "Old AB"]
    assert stale.value["Card"].tolist() == [f"deal_board?deal={old}", f"deal_board?deal={newer}"]
    config = json.loads(stale.proto.columns)["Card"]
    assert config["type_config"]["type"] == "link"
    assert config["type_config"]["display_text"] == "Open card"


def test_the_deal_board_opens_the_card_a_stale_link_names(app, world):
    old = _deal(world, "Very Old AB", days_ago=449)
    at = app("partner_manager").run()
    at.query_params["deal"] = str(old)
    at = at.switch_page("pages/deal_board.py").run()
    assert not at.exception
    assert at.session_state["board_card"] == old


def test_the_stale_list_says_how_many_there_are_beyond_the_first_fifty(app, world):
    with world.session() as s:
        alice = _actor(s, world, "partner_user")
        for i in range(52):
            deals.register_deal(s, alice, contact_name="Carl Contact", contact_email=f"c@stale-{i:02d}.example",
                                company_name=f"Stale {i:02d} AB", annual_value="1000",
                                today=TODAY - dt.timedelta(days=30))
    at = _open(app)
    assert not at.exception
    assert len(at.dataframe[-1].value) == 50
    assert "the first 50 of 52" in main_text(at)


# --- my partners ----------------------------------------------------------------------------------------------


def test_a_manager_sees_their_own_partners_figures_and_switches_to_all(app, world):
    _manage(world, world.beta_id)
    _deal(world, "Beta Prospect", role="beta_admin", currency="SEK", value="7000")
    at = _open(app)
    assert not at.exception
    assert at.toggle(key="scope_my_partners").value is True
    assert at.metric[0].value == "1"  # Beta's one deal
    assert "Value by stage in SEK" in _charts(at)
    assert _frame(at, "Win rate")["Partner"].tolist() == ["Beta Advisors"]
    at = at.toggle(key="scope_my_partners").set_value(False).run()
    assert not at.exception
    assert at.metric[0].value == "3"
    assert set(_frame(at, "Win rate")["Partner"]) == {"Acme Consulting", "Beta Advisors"}


def test_the_my_partners_choice_holds_from_page_to_page(app, world):
    _manage(world, world.beta_id)
    _deal(world, "Beta Prospect", role="beta_admin")
    at = app("partner_manager").run().switch_page("pages/review_queue.py").run()
    at = at.toggle(key="scope_my_partners").set_value(False).run()
    at = at.switch_page(PAGE).run()
    assert not at.exception
    assert at.toggle(key="scope_my_partners").value is False
    assert at.metric[0].value == "3"  # every partner's deals, as chosen on the review queue
    at = at.toggle(key="scope_my_partners").set_value(True).run().switch_page("pages/review_queue.py").run()
    assert at.toggle(key="scope_my_partners").value is True
    assert list(at.dataframe[0].value["Company"]) == ["Beta Prospect"]


def test_a_manager_whose_partners_have_no_deals_is_told_to_switch(app, world):
    _manage(world, world.beta_id)
    at = _open(app)
    assert not at.exception
    assert [i.value for i in at.info] == [
        "No deals registered for your partners yet. Switch off \"My partners only\" to see every partner's."]


def test_a_manager_who_looks_after_no_partner_sees_the_whole_program(app, world):
    at = _open(app)
    assert not at.exception
    assert "You look after no partners yet" in main_text(at)
    assert at.metric[0].value == "2"
