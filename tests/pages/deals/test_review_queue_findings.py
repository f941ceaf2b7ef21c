"""The review queue's findings (AppTest): hints first and wide, a table as tall as its page, every row reachable,
hints in words naming the other partner, its deal and its protection end, "—" for a missing framework, the next
deal after a decision, the overdue count of the whole queue, a linked deal, and a manager's "My partners only".

The page world (tests/pages/conftest.py) has one pending deal, "Pending Co" of Acme; its partner manager looks
after no partner until a test says so.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

import pytest
import streamlit as st
from pages_helpers import main_text, shown

from partner_model import clock, deals, i18n, partners, users

if TYPE_CHECKING:  # imported by name only when type checking: tests/e2e has a conftest module too
    from conftest import World

PAGE = "pages/review_queue.py"
TODAY = clock.today()
EN = i18n.Formats("en")


def _actor(s, world: World, role: str):  # type: ignore[no-untyped-def]
    return users.get_user(s, world.user_ids[role])


def _register(world: World, company: str, email: str, role: str = "partner_user", **kwargs: Any) -> int:
    with world.session() as s:
        return deals.register_deal(s, _actor(s, world, role), contact_name="Carl Contact", contact_email=email,
                                   company_name=company, annual_value="5000", **kwargs).id


def _review(world: World, deal_id: int, accept: bool = True, **kwargs: Any):  # type: ignore[no-untyped-def]
    with world.session() as s:
        return deals.review_deal(s, _actor(s, world, "admin"), deal_id, accept=accept, **kwargs)


def _status(world: World, deal_id: int) -> str:
    with world.session() as s:
        return str(deals.get_deal(s, _actor(s, world, "admin"), deal_id).review_status)


def _pending_id(world: World, company: str = "Pending Co") -> int:
    with world.session() as s:
        frame, __ = deals.review_queue(s, _actor(s, world, "admin"), limit=200)
    return int(frame.loc[frame["company_name"] == company, "deal_id"].iloc[0])


def _manage(world: World, partner_id: int, manager: str | None = "partner_manager") -> None:
    with world.session() as s:
        partners.set_manager(s, _actor(s, world, "admin"), partner_id,
                             world.user_ids[manager] if manager else None)


def _open(app, role: str = "partner_manager", **state: Any):  # type: ignore[no-untyped-def]
    at = app(role)
    for key, value in state.items():
        at.session_state[key] = value
    return at.run().switch_page(PAGE).run()


def _bulk(world: World, count: int, days_ago: int = 0) -> list[int]:
    with world.session() as s:
        alice = _actor(s, world, "partner_user")
        return [deals.register_deal(s, alice, contact_name="Carl Contact", contact_email=f"c@row-{i:02d}.example",
                                    company_name=f"Row {i:02d} AB", annual_value="1000",
                                    today=TODAY - dt.timedelta(days=days_ago)).id for i in range(count)]


def _chosen(at) -> int | None:  # type: ignore[no-untyped-def]
    return at.selectbox(key="review_deal").value


def _panel(at) -> str:  # type: ignore[no-untyped-def]
    return shown("\n".join(m.value for m in at.main.markdown))


# --- the table: hints first, wide enough, as tall as the page ------------------------------------------------


def test_the_hints_column_comes_first_and_is_wide_enough_for_its_words(app, world):
    _review(world, _register(world, "Held Oy", "a@held-oy.example"))  # Acme holds held-oy.example
    _register(world, "Held Oy", "b@held-oy.example", role="beta_admin")  # hint: another partner's open deal
    _register(world, "Nordic Again", "nils@nordic-retail.example")  # an existing customer
    at = _open(app)
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table.columns)[:4] == ["Hints", "Overdue", "Deal", "Company"]
    assert table.loc[table["Company"] == "Nordic Again", "Hints"].iloc[0] == ["Existing customer"]
    config = json.loads(at.dataframe[0].proto.columns)["Hints"]
    assert config["pinned"] is True  # stays in view when the table scrolls sideways
    longest = max(sum(len(name) for name in names) for names in table["Hints"])
    assert config["width"] >= longest * 7 + 30, "wide enough that no hint is cut"


@pytest.fixture
def dataframe_heights(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """st.dataframe's height per key (AppTest does not keep an element's height)."""
    heights: dict[str, Any] = {}
    real = st.dataframe

    def spy(*args: Any, **kwargs: Any) -> Any:
        heights[kwargs.get("key")] = kwargs.get("height", "auto")
        return real(*args, **kwargs)

    monkeypatch.setattr(st, "dataframe", spy)
    return heights


def test_the_table_is_tall_enough_to_show_every_row_of_the_page(app, world, dataframe_heights):
    """Issue: about 10 of 30 rows showed (st.dataframe's default height)."""
    _bulk(world, 29)
    at = _open(app)
    assert not at.exception
    assert len(at.dataframe[0].value) == 30
    height = dataframe_heights["review_table"]
    assert isinstance(height, int) and height >= 35 * (30 + 1), height


def test_every_row_of_the_queue_is_reachable_with_the_pager(app, world):
    ids = _bulk(world, 120)
    at = _open(app)
    seen: list[str] = list(at.dataframe[0].value["Deal"])
    assert "121 deals waiting for review" in main_text(at)
    for number in (2, 3):
        at = at.pagination(key="review_page").set_value(number).run()
        assert not at.exception
        seen += list(at.dataframe[0].value["Deal"])
    assert len(seen) == len(set(seen)) == 121
    assert {f"#{i}" for i in ids} <= set(seen)
    assert "showing 101–121" in main_text(at)


def test_the_summary_counts_the_overdue_deals_of_the_whole_queue(app, world):
    _bulk(world, 55, days_ago=10)  # 55 overdue: more than a page
    at = _open(app)
    assert not at.exception
    assert "56 deals waiting for review** · 55 overdue · showing 1–50" in main_text(at)
    assert (at.dataframe[0].value["Overdue"] == "⚠ Overdue").all(), "the overdue deals come first"


# --- the panel: hints in words, no nan ------------------------------------------------------------------------


def test_another_partners_deal_is_named_with_its_deal_and_protection_end(app, world):
    """Issue: "Another partner has an open deal" did not say which partner, which deal, or when its protection
    ends."""
    held = _register(world, "Samecorp", "a@samecorp.fi", role="beta_admin")
    until = _review(world, held).protected_until
    ours = _register(world, "Samecorp Oy", "b@samecorp.fi")
    at = _open(app, review_deal=ours)
    assert not at.exception
    assert _chosen(at) == ours
    registered = EN.date(clock.today())
    assert (f"Beta Advisors registered it on {registered} (deal #{held}, Samecorp), protected until "
            f"{EN.date(until)}") in _panel(at)


def test_a_pending_rival_registration_and_an_existing_customer_are_named_too(app, world):
    rival = _register(world, "Nordic Retail Oy", "r@nordic-retail.example", role="beta_admin")
    ours = _register(world, "Nordic Again", "nils@nordic-retail.example")
    at = _open(app, review_deal=ours)
    assert not at.exception
    text = _panel(at)
    today = EN.date(clock.today())
    assert f"Beta Advisors registered it on {today} (deal #{rival}, Nordic Retail Oy), not reviewed yet" in text
    assert "Nordic Retail (nordic-retail.example) is already a customer, with Acme Consulting" in text


def test_a_deal_without_a_framework_says_a_dash_not_nan(app, world):
    """Issue: the panel said "Framework: nan" when none was given (a frame row beside one with a framework)."""
    _register(world, "With Framework Oy", "w@with-framework.example", framework="ISO 27001")
    at = _open(app, review_deal=_pending_id(world))
    assert not at.exception
    text = _panel(at)
    assert "Framework: —" in text
    assert "nan" not in text
    at = at.selectbox(key="review_deal").select(_pending_id(world, "With Framework Oy")).run()
    assert "Framework: ISO 27001" in _panel(at)


def test_the_panel_names_the_deal_it_acts_on(app, world):
    deal_id = _pending_id(world)
    at = _open(app)
    assert not at.exception
    assert _chosen(at) == deal_id, "the oldest deal opens without a click"
    assert [h.value for h in at.subheader] == [f"Deal #{deal_id}: Pending Co"]
    assert f"Decision on deal #{deal_id}: Pending Co (pending-co.example)" in _panel(at)


# --- clearing the queue -------------------------------------------------------------------------------------


def test_after_accepting_the_next_deal_in_the_queue_opens(app, world):
    first = _pending_id(world)
    second = _register(world, "Second AB", "s@second-ab.example")
    third = _register(world, "Third AB", "t@third-ab.example")
    at = _open(app)
    assert _chosen(at) == first
    at = at.button(key="review_accept").click().run()
    assert not at.exception
    assert _status(world, first) == "accepted"
    assert _chosen(at) == second
    assert [h.value for h in at.subheader] == [f"Deal #{second}: Second AB"]
    at.selectbox(key="review_reason").select("invalid_lead")
    at = at.button(key="review_deny").click().run()
    assert not at.exception
    assert _status(world, second) == "denied"
    assert _chosen(at) == third
    assert at.selectbox(key="review_reason").value is None, "the form is empty for the next deal"


def test_after_deciding_the_last_deal_of_the_page_the_one_before_it_opens(app, world):
    first = _pending_id(world)
    last = _register(world, "Last AB", "l@last-ab.example")
    at = _open(app, review_deal=last)
    at = at.button(key="review_accept").click().run()
    assert not at.exception
    assert _status(world, last) == "accepted"
    assert _chosen(at) == first


def test_a_failed_decision_keeps_the_deal_open(app, world):
    deal_id = _pending_id(world)
    _register(world, "Second AB", "s@second-ab.example")
    at = _open(app)
    at = at.button(key="review_deny").click().run()  # no reason
    assert not at.exception
    assert [e.value for e in at.error] == ["Choose why the deal is denied."]
    assert _chosen(at) == deal_id


def test_next_deal_skips_without_deciding_and_wraps_around(app, world):
    first = _pending_id(world)
    second = _register(world, "Second AB", "s@second-ab.example")
    at = _open(app)
    at = at.button(key="review_skip").click().run()
    assert not at.exception
    assert _chosen(at) == second
    at = at.button(key="review_skip").click().run()
    assert _chosen(at) == first
    assert _status(world, first) == _status(world, second) == "pending"


def test_a_link_to_a_deal_opens_it_on_its_page(app, world):
    ids = _bulk(world, 60)
    at = app("partner_manager").run()
    at.query_params["deal"] = str(ids[55])  # the 57th deal in the queue: page 2
    at = at.switch_page(PAGE).run()
    assert not at.exception
    assert _chosen(at) == ids[55]
    assert "showing 51–61" in main_text(at)


def test_a_link_to_a_reviewed_deal_says_it_is_not_waiting(app, world):
    deal_id = _pending_id(world)
    _review(world, deal_id)
    at = app("partner_manager").run()
    at.query_params["deal"] = str(deal_id)
    at = at.switch_page(PAGE).run()
    assert not at.exception
    assert any(f"Deal #{deal_id} is not waiting in this queue" in i.value for i in at.info)


# --- my partners ----------------------------------------------------------------------------------------------


def test_a_manager_sees_their_own_partners_deals_first_and_switches_to_all(app, world):
    _manage(world, world.acme_id)
    beta = _register(world, "Beta Prospect", "bo@beta-prospect.example", role="beta_admin")
    at = _open(app)
    assert not at.exception
    assert at.toggle(key="scope_my_partners").value is True
    assert list(at.dataframe[0].value["Company"]) == ["Pending Co"]
    at = at.toggle(key="scope_my_partners").set_value(False).run()
    assert not at.exception
    assert set(at.dataframe[0].value["Company"]) == {"Pending Co", "Beta Prospect"}
    assert beta


def test_a_manager_whose_partners_have_nothing_waiting_is_told_to_switch(app, world):
    _manage(world, world.beta_id)
    at = _open(app)
    assert not at.exception
    assert [i.value for i in at.info] == [
        "No deals from your partners are waiting for review. Switch off \"My partners only\" to see every "
        "partner's."]


def test_a_manager_who_looks_after_no_partner_sees_every_partners_deals(app, world):
    at = _open(app)
    assert not at.exception
    assert "You look after no partners yet" in main_text(at)
    assert list(at.dataframe[0].value["Company"]) == ["Pending Co"]


def test_an_admin_has_no_my_partners_switch(app, world):
    at = _open(app, "admin")
    assert not at.exception
    assert not at.toggle


def _unlinked(world: World, domain: str, name: str) -> int:
    """An account the product created by itself (no partner), through the feed."""
    import sqlalchemy as sa

    from partner_model import feed
    from partner_model.models import Customer

    with world.session() as s:
        feed.apply_batch(s, [{"event_id": f"ul-{domain}", "type": "account.created", "name": name,
                              "occurred_at": "2026-11-30T08:00:00Z",
                              "account": {"external_id": f"acc-{domain}", "domain": domain}}])
        return int(s.execute(sa.select(Customer.id).where(Customer.domain == domain)).scalar_one())


def test_an_unlinked_account_is_hinted_and_linked_from_the_review(app, world):
    """Issue 17: a registration of a domain the product holds without a partner says so (not "already a
    customer"), and the reviewer links the account to the registering partner from the panel."""
    account = _unlinked(world, "solo-start.example", "Solo Start Oy")
    ours = _register(world, "Solo Start Oy", "sam@solo-start.example")
    at = _open(app, review_deal=ours)
    assert not at.exception
    text = _panel(at)
    assert "Solo Start Oy (solo-start.example) started in the product by itself" in text
    assert "is already a customer" not in text
    at = at.button(key=f"review_link_{account}").click().run()
    assert not at.exception
    assert "Linked: the account now belongs to Acme Consulting." in [s.value for s in at.success]
    with world.session() as s:
        from partner_model import customers

        assert customers.get_customer(s, _actor(s, world, "admin"), account).partner_id == world.acme_id
