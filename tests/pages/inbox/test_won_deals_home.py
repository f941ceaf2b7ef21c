"""Issue 20, the won deal's confirmation as people use it: the manager's home lists the won deals to confirm
(with the partner's note and billing option) and confirms or sends one back; the partner reads the question on the
card and answers; finance marks and filters the unconfirmed lines of the week.

The page world (tests/pages/pages_world.py): Acme's "Winner Co" (10,000 EUR, invoice) was won this week.
"""

from __future__ import annotations

import sqlalchemy as sa
from pages_helpers import all_text, shown

from pages.components.frame.labels import CONFIRMATION_LABELS
from pages_world import World
from partner_model import clock, deals, partners, rules, users
from partner_model.models import Deal

PAGE = "pages/deal_board.py"


def _actor(s, world: World, role: str):  # type: ignore[no-untyped-def]
    return users.get_user(s, world.user_ids[role])


def _winner(world: World):  # type: ignore[no-untyped-def]
    with world.session() as s:
        deal_id = s.execute(sa.select(Deal.id).where(Deal.company_name == "Winner Co")).scalar_one()
        return deals.get_deal(s, _actor(s, world, "admin"), deal_id)


def _manager_home(app, world: World):  # type: ignore[no-untyped-def]
    with world.session() as s:
        partners.set_manager(s, _actor(s, world, "admin"), world.acme_id, world.user_ids["partner_manager"])
    return app("partner_manager").run()


def _messages(at) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(m.value for kind in ("error", "warning", "success", "info") for m in getattr(at, kind))


def test_the_managers_home_lists_the_won_deal_and_confirms_it(app, world):
    at = _manager_home(app, world)
    assert not at.exception
    winner = _winner(world)
    assert "Won deals to confirm" in [h.value for h in at.subheader]
    text = shown(all_text(at))
    assert "**Winner Co** · Acme Consulting · EUR\xa010,000.00 · billing option Invoice" in text
    at.button(key=f"home_won_confirm_{winner.id}").click().run()
    assert not at.exception
    assert "Winner Co is confirmed." in [shown(m.value) for m in at.success]
    assert "No won deal waits for confirmation." in [c.value for c in at.caption]
    assert _winner(world).confirmation == "confirmed"


def test_send_back_needs_a_question_and_the_partner_answers_it_on_the_card(app, world):
    at = _manager_home(app, world)
    winner = _winner(world)
    at.button(key=f"home_won_send_back_{winner.id}").click().run()  # no question typed
    assert not at.exception
    assert "Question" in _messages(at) and _winner(world).confirmation == "waiting"  # nothing written
    at.text_input(key=f"home_won_question_{winner.id}").input("Which plan did they sign?")
    at.button(key=f"home_won_send_back_{winner.id}").click().run()
    assert not at.exception
    assert _winner(world).confirmation == "sent_back"
    assert "Which plan did they sign?" in _messages(at)  # still listed, waiting for the partner

    partner = app("partner_user").run()
    partner.switch_page(PAGE).run()
    partner.segmented_control(key="board_view").set_value("cards").run()
    assert "Sent back: the manager has a question" in all_text(partner)  # the card's marker
    partner.button(key=f"board_open_{winner.id}").click().run()
    assert "Which plan did they sign?" in _messages(partner)
    partner.text_area(key="board_won_answer").input("The annual Pro plan.")
    partner.button(key="board_won_answer_send").click().run()
    assert not partner.exception
    assert "Answer sent: the deal waits for the manager's confirmation again." in _messages(partner)
    assert _winner(world).confirmation == "waiting"
    with world.session() as s:
        history = [(e.from_value, e.to_value) for e in deals.history(s, _actor(s, world, "admin"), winner.id)
                   if e.kind == "confirmation"]
    assert history == [(None, "waiting"), ("waiting", "sent_back"), ("sent_back", "waiting")]


def test_the_card_history_names_the_confirmation_steps(app, world):
    winner = _winner(world)
    with world.session() as s:
        deals.confirm_won_deal(s, _actor(s, world, "partner_manager"), winner.id)
    at = app("partner_user").run()
    at.switch_page(PAGE).run()
    at.segmented_control(key="board_view").set_value("cards").run()
    at.button(key=f"board_open_{winner.id}").click().run()
    assert not at.exception
    assert any("Won deal confirmed by the partner manager on" in m.value for m in at.success)
    history = at.dataframe[0].value
    steps = history[history["What"] == "Won deal confirmation"]
    assert list(steps["To"]) == [CONFIRMATION_LABELS["waiting"], CONFIRMATION_LABELS["confirmed"]]


def _lines(at):  # type: ignore[no-untyped-def]
    """The week's lines table (the one with a Line column)."""
    return next(d.value for d in at.dataframe if "Line" in d.value.columns)


def test_finance_marks_and_filters_the_weeks_unconfirmed_lines(app, world):
    with world.session() as s:  # a second won deal this week, confirmed
        alice, manager = _actor(s, world, "partner_user"), _actor(s, world, "partner_manager")
        deal = deals.register_deal(s, alice, contact_name="Cora Confirmed", contact_email="cora@confirmed-co.example",
                                   company_name="Confirmed Co", annual_value="5000")
        deals.review_deal(s, manager, deal.id, accept=True)
        deals.move_deal(s, alice, deal.id, stage="closed_won", billing_option="invoice")
        deals.confirm_won_deal(s, manager, deal.id)
    at = app("finance").run()
    at.query_params["week"] = rules.iso_week(clock.today())
    at.switch_page("pages/commissions.py").run()
    assert not at.exception
    lines = _lines(at)
    assert dict(zip(lines["Company"], lines["Confirmation"], strict=True)) == {"Winner Co": "Not confirmed",
                                                                             "Confirmed Co": ""}
    at.toggle(key="week_unconfirmed_only").set_value(True).run()
    assert not at.exception
    assert list(_lines(at)["Company"]) == ["Winner Co"]
