"""The deal board page (AppTest): columns with counts and sums, cards and their markers, filters, show more,
moves through the per-card control, the closing dialog and a simulated drag, every refused move, a conflict,
card details (notes, history, billing, trial extension, protection), and who sees what.

The page world (tests/pages/conftest.py): Acme's "Pending Co" (New, pending) and "Winner Co" (Closed won,
accepted, invoice); Beta has no deals. Tests add more through the services.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from pages_helpers import all_text, shows_no_data

from pages.components.deals import board_columns as board
from pages.components.deals import board_moves as moves
from pages.components.deals import details
from pages.components.frame.labels import STAGE_LABELS
from pages_world import World
from partner_model import clock, deals, i18n, partners, users

PAGE = "pages/deal_board.py"
TODAY = clock.today()
EN = i18n.Formats("en")


def _actor(s, world: World, role: str):  # type: ignore[no-untyped-def]
    return users.get_user(s, world.user_ids[role])


@pytest.fixture(autouse=True)
def _acme_is_the_managers(world: World) -> None:
    """The world's partner manager looks after Acme (not Beta): a manager's board starts with "my partners"."""
    with world.session() as s:
        partners.set_manager(s, _actor(s, world, "admin"), world.acme_id, world.user_ids["partner_manager"])


def _register(world: World, company: str, role: str = "partner_user", *, accept: bool = False,
              deny: str | None = None, today: dt.date | None = None, reviewed_on: dt.date | None = None,
              **kwargs) -> int:
    domain = company.lower().replace(" ", "-") + ".example"
    with world.session() as s:
        deal = deals.register_deal(s, _actor(s, world, role), contact_name="Carl Contact",
                                   contact_email=f"carl@{domain}", company_name=company, annual_value="5000",
                                   today=today, **kwargs)
        if accept or deny:
            deals.review_deal(s, _actor(s, world, "partner_manager"), deal.id, accept=accept, reason=deny,
                              today=reviewed_on or today)
        return deal.id


def _deal(world: World, deal_id: int):  # type: ignore[no-untyped-def]
    with world.session() as s:
        return deals.get_deal(s, _actor(s, world, "admin"), deal_id)


def _deal_id(world: World, company: str) -> int:
    with world.session() as s:
        columns = deals.board(s, _actor(s, world, "admin"), search=company,
                              review_status=["pending", "accepted", "denied"])
    return next(int(c.cards.iloc[0]["deal_id"]) for c in columns.values() if not c.cards.empty)


def _open(app, role: str = "partner_user", view: str = "cards"):  # type: ignore[no-untyped-def]
    at = app(role).run()
    at.switch_page(PAGE).run()
    if view == "cards" and not at.exception and at.get("button_group"):
        at.segmented_control(key="board_view").set_value("cards").run()
    return at


def _move(at, deal_id: int, stage: str):  # type: ignore[no-untyped-def]
    at.selectbox(key=moves.target_key(deal_id)).select(stage).run()
    return at.button(key=f"board_move_{deal_id}").click().run()


def _messages(at) -> str:  # type: ignore[no-untyped-def]
    """Every alert the run drew, on the page and in an open dialog."""
    return "\n".join(m.value for kind in ("error", "warning", "success") for m in getattr(at, kind))


def _column_of(at, deal_id: int) -> str | None:  # type: ignore[no-untyped-def]
    """The stage whose column shows the card, read from the card view's move control (it offers every other)."""
    box = next((s for s in at.selectbox if s.key == moves.target_key(deal_id)), None)
    if box is None:
        return None
    return next(stage for stage in board.STAGES if STAGE_LABELS[stage] not in box.options)


def _cards_in(at, stage: str) -> list[str]:  # type: ignore[no-untyped-def]
    """The move controls of the cards in a stage's column (each offers every stage but its own)."""
    return [s.key for s in at.selectbox if s.key.startswith("board_to_") and STAGE_LABELS[stage] not in s.options]


# --- the columns ----------------------------------------------------------------------------------------


def test_partner_sees_five_columns_with_counts_value_sums_and_cards(app, world):
    _register(world, "Second Co", currency="SEK")
    at = _open(app)
    assert not at.exception
    text = all_text(at)
    for header in ("**New**", "**Newsletter subscription**", "**Trial**", "**Closed won**", "**Closed lost**"):
        assert header in text
    captions = [c.value for c in at.main.caption]
    hover = {c.value: c.proto.help for c in at.main.caption}
    # New: the largest currency's sum on one line, the other currencies on hover
    assert hover["2 deals  \nEUR\xa012,000.00 +\xa01\xa0more"] == "EUR\xa012,000.00  \nSEK\xa05,000.00"
    assert "1 deal  \nEUR\xa010,000.00" in captions  # Closed won
    assert captions.count("0 deals  \n—") == 3
    assert "Pending Co" in text and "Winner Co" in text
    assert "Acme Consulting" not in text  # a partner's own name is not repeated on its cards
    assert any(":orange-badge[Pending] :small[0 days in stage]" in m.value for m in at.main.markdown)


def test_drag_view_lists_every_shown_card_with_a_unique_label_holding_its_deal_id(app, world):
    at = _open(app, view="drag")
    assert not at.exception
    key = at.session_state[moves.DRAG_KEY_KEY]
    assert key.startswith("board_drag_")
    pending_id = _deal_id(world, "Pending Co")
    component = at.get("component_instance")[0].proto
    assert f"#{pending_id}" in component.json_args and "Pending Co" in component.json_args


def test_a_stale_card_and_an_expiring_protection_are_marked(app, world):
    # New allows 7 days; accepted 80 days ago, the 90-day protection ends in 10 days.
    _register(world, "Dusty Oy", today=TODAY - dt.timedelta(days=80), accept=True)
    at = _open(app)
    assert not at.exception
    ends = EN.date(TODAY + dt.timedelta(days=10))
    assert any((":orange[:small[:material/schedule: Stale: 80 days in stage]]  \n"
                f":red[:small[:material/shield: Protection ends {ends}]]") in m.value for m in at.main.markdown)


def test_show_more_raises_the_number_of_cards_in_that_drag_column_only(app, world):
    for n in range(11):
        _register(world, f"Bulk {n:02d}")
    at = _open(app, view="drag")
    assert not at.exception

    def new_cards() -> int:
        boxes = json.loads(at.get("component_instance")[0].proto.json_args)["items"]
        return len(boxes[0]["items"])

    assert new_cards() == board.PAGE
    assert at.button(key="board_more_new").label == "Show more (2 more)"
    at.button(key="board_more_new").click().run()
    assert not at.exception
    assert new_cards() == 12
    assert "board_more_new" not in [b.key for b in at.button]


# --- filters -------------------------------------------------------------------------------------------


def test_partner_sees_only_their_own_deals(app, world):
    _register(world, "Beta Only Ltd", role="beta_admin")
    at = _open(app)
    assert not at.exception
    assert "Beta Only Ltd" not in all_text(at)
    assert "board_partner" not in [s.key for s in at.selectbox]
    beta = _open(app, "beta_admin")
    assert not beta.exception
    text = all_text(beta)
    assert "Beta Only Ltd" in text and "Pending Co" not in text and "Winner Co" not in text


def test_staff_see_every_partner_and_can_filter_by_partner(app, world):
    _register(world, "Beta Only Ltd", role="beta_admin")
    at = _open(app, "partner_manager")
    assert not at.exception
    at.toggle(key="scope_my_partners").set_value(False).run()  # every partner's, not only the manager's own
    assert "Beta Only Ltd" in all_text(at) and "Pending Co" in all_text(at)
    at.selectbox(key="board_partner").select(world.beta_id).run()
    assert not at.exception
    text = all_text(at)
    assert "Beta Only Ltd" in text and "Pending Co" not in text


def test_text_search_filters_the_cards_and_an_empty_result_says_so(app, world):
    at = _open(app)
    at.text_input(key="board_search").input("winner").run()
    assert not at.exception
    assert "Winner Co" in all_text(at) and "Pending Co" not in all_text(at)
    at.text_input(key="board_search").input("nothing like this").run()
    assert not at.exception
    assert [i.value for i in at.info] == ["No deals match these filters."]


def test_denied_deals_leave_the_board_and_the_denied_filter_shows_them_with_their_reason(app, world):
    _register(world, "Refused AB", deny="duplicate")
    at = _open(app)
    assert "Refused AB" not in all_text(at)
    at.selectbox(key="board_review").select("denied").run()
    assert not at.exception
    text = all_text(at)
    assert "Refused AB" in text and "Pending Co" not in text
    assert any("Denied: already registered" in m.value for m in at.main.markdown)
    assert not any("Duplicate registration" in m.value for m in at.main.markdown)  # the reviewers' word


def test_the_review_status_filter_shows_pending_only(app, world):
    at = _open(app)
    at.selectbox(key="board_review").select("pending").run()
    assert not at.exception
    assert "Pending Co" in all_text(at) and "Winner Co" not in all_text(at)


# --- moves ---------------------------------------------------------------------------------------------


def test_a_card_moves_to_another_stage_with_the_plain_control(app, world):
    pending_id = _deal_id(world, "Pending Co")
    at = _open(app)
    _move(at, pending_id, "newsletter")
    assert at.session_state[moves.PENDING_KEY]["target"] == "newsletter"  # asks for the subscription first
    at.button(key="board_move_without_subscription").click().run()
    assert not at.exception
    assert "Moved Pending Co from New to Newsletter subscription." in _messages(at)
    assert _column_of(at, pending_id) == "newsletter"
    assert _deal(world, pending_id).stage == "newsletter"


def test_moving_without_choosing_a_stage_asks_for_one(app, world):
    pending_id = _deal_id(world, "Pending Co")
    at = _open(app)
    at.button(key=f"board_move_{pending_id}").click().run()
    assert not at.exception
    assert "Choose the stage to move Pending Co to" in _messages(at)
    assert _deal(world, pending_id).stage == "new"


def test_moving_to_trial_creates_and_links_a_trial_account(app, world):
    deal_id = _register(world, "Trial Start Oy")
    at = _open(app)
    _move(at, deal_id, "trial")
    assert not at.exception
    assert "Moved Trial Start Oy from New to Trial." in _messages(at)
    assert _deal(world, deal_id).customer_id is not None


def test_closed_won_asks_for_the_billing_option_and_closes_the_deal(app, world):
    deal_id = _register(world, "Buyer GmbH", accept=True)
    at = _open(app)
    _move(at, deal_id, "closed_won")
    assert not at.exception
    assert at.session_state[moves.PENDING_KEY]["target"] == "closed_won"
    assert _deal(world, deal_id).stage == "new"  # nothing moved before the answer
    at.selectbox(key=f"board_move_billing_{deal_id}").select("via_partner").run()
    at.button(key="board_move_confirm").click().run()
    assert not at.exception
    assert "Moved Buyer GmbH from New to Closed won." in _messages(at)
    deal = _deal(world, deal_id)
    assert (deal.stage, deal.billing_option) == ("closed_won", "via_partner")
    assert moves.PENDING_KEY not in at.session_state


def test_closed_lost_asks_for_a_note_and_keeps_it_on_the_card(app, world):
    pending_id = _deal_id(world, "Pending Co")
    at = _open(app)
    _move(at, pending_id, "closed_lost")
    at.text_area(key=f"board_move_note_{pending_id}").input("Budget frozen until Q3; ask again in June.").run()
    at.button(key="board_move_confirm").click().run()
    assert not at.exception
    assert "Moved Pending Co from New to Closed lost." in _messages(at)
    with world.session() as s:
        notes = deals.notes(s, _actor(s, world, "admin"), pending_id)
    assert notes[-1].body == "Budget frozen until Q3; ask again in June."


def test_cancelling_the_dialog_leaves_the_card_where_it_was(app, world):
    pending_id = _deal_id(world, "Pending Co")
    at = _open(app)
    _move(at, pending_id, "closed_lost")
    at.button(key="board_move_cancel").click().run()
    assert not at.exception
    assert moves.PENDING_KEY not in at.session_state
    assert _deal(world, pending_id).stage == "new"
    assert _column_of(at, pending_id) == "new"


def test_a_drop_on_the_drag_board_moves_the_card(app, world):
    pending_id = _deal_id(world, "Pending Co")
    at = _open(app, view="drag")
    boxes = at.session_state[moves.DRAG_KEY_KEY]
    component = at.get("component_instance")[0].proto
    items = json.loads(component.json_args)["items"]
    label = next(item for box in items for item in box["items"] if f"#{pending_id}" in item)
    items[0]["items"].remove(label)
    items[2]["items"].append(label)  # New -> Trial
    at.session_state[boxes] = items
    at.run()
    assert not at.exception
    assert "Moved Pending Co from New to Trial." in _messages(at)
    assert _deal(world, pending_id).stage == "trial"
    assert at.session_state[moves.DRAG_KEY_KEY] != boxes  # the drag board is drawn afresh


def test_a_drop_on_closed_won_opens_the_billing_dialog(app, world):
    deal_id = _register(world, "Dropped Won AB", accept=True)
    at = _open(app, view="drag")
    key = at.session_state[moves.DRAG_KEY_KEY]
    items = json.loads(at.get("component_instance")[0].proto.json_args)["items"]
    label = next(item for box in items for item in box["items"] if f"#{deal_id}" in item)
    items[0]["items"].remove(label)
    items[3]["items"].insert(0, label)
    at.session_state[key] = items
    at.run()
    assert not at.exception
    assert at.session_state[moves.PENDING_KEY]["deal_id"] == deal_id
    at.selectbox(key=f"board_move_billing_{deal_id}").select("credit_card").run()
    at.button(key="board_move_confirm").click().run()
    assert not at.exception
    assert _deal(world, deal_id).stage == "closed_won"


def test_a_drop_moves_the_card_in_another_language_too(app, world):
    pending_id = _deal_id(world, "Pending Co")
    at = app("partner_user")
    at.session_state["language"] = "fi"
    at.switch_page(PAGE).run()
    assert not at.exception
    words = i18n.translations("fi").gettext
    assert at.title[0].value == words("Deal board")
    assert at.selectbox(key="board_review").value == "open"
    assert at.selectbox(key="board_review").options[0] == words("Pending and accepted")
    key = at.session_state[moves.DRAG_KEY_KEY]
    items = json.loads(at.get("component_instance")[0].proto.json_args)["items"]
    label = next(item for box in items for item in box["items"] if f"#{pending_id}" in item)
    items[0]["items"].remove(label)
    items[1]["items"].append(label)  # New -> Newsletter subscription
    at.session_state[key] = items
    at.run()
    at.button(key="board_move_without_subscription").click().run()  # the dialog asks for the subscription
    assert not at.exception
    assert _deal(world, pending_id).stage == "newsletter"


@pytest.mark.parametrize("language", ["fi", "de"])
def test_the_board_its_cards_and_dialogs_draw_in_another_language(app, world, language):
    won_id = _deal_id(world, "Winner Co")
    deal_id = _register(world, "Kieli Oy", accept=True)
    at = app("partner_manager")
    at.session_state["language"] = language
    at.switch_page(PAGE).run()
    assert not at.exception
    words = i18n.translations(language).gettext
    assert at.title[0].value == words("Deal board")
    assert at.segmented_control(key="board_view").options == [words("Drag and drop"), words("Cards with controls")]
    at.segmented_control(key="board_view").set_value("cards").run()
    assert not at.exception
    assert at.segmented_control(key="board_view").value == "cards"
    assert words(STAGE_LABELS["closed_lost"]) in at.selectbox(key=moves.target_key(deal_id)).options
    _details(at, won_id)
    assert not at.exception
    assert at.dataframe  # the card's history
    at.button(key="board_card_close").click().run()
    _move(at, deal_id, "closed_lost")
    assert not at.exception
    assert at.session_state[moves.PENDING_KEY]["target"] == "closed_lost"


# --- refused moves ----------------------------------------------------------------------------------------


def test_closed_won_is_refused_while_the_deal_is_pending_before_any_billing_option_is_asked(app, world):
    pending_id = _deal_id(world, "Pending Co")
    at = _open(app)
    _move(at, pending_id, "closed_won")
    assert not at.exception
    assert moves.PENDING_KEY not in at.session_state  # no dialog asking for a billing option first
    assert f"board_move_billing_{pending_id}" not in [s.key for s in at.selectbox]
    assert ("Pending Co stays in New: Only an accepted deal can be Closed won: this deal is still pending review."
            in _messages(at))
    assert _deal(world, pending_id).stage == "new"


def test_closed_won_is_refused_without_a_billing_option(app, world):
    deal_id = _register(world, "Undecided Oy", accept=True)
    at = _open(app)
    _move(at, deal_id, "closed_won")
    at.button(key="board_move_confirm").click().run()
    assert not at.exception
    assert "Choose a billing option to close the deal as won." in _messages(at)
    assert _deal(world, deal_id).stage == "new"


def test_closed_lost_is_refused_without_a_note(app, world):
    pending_id = _deal_id(world, "Pending Co")
    at = _open(app)
    _move(at, pending_id, "closed_lost")
    at.button(key="board_move_confirm").click().run()
    assert not at.exception
    assert "Add a note that helps reassess the deal later to close it as lost." in _messages(at)
    assert _deal(world, pending_id).stage == "new"


def test_a_denied_deal_cannot_be_moved(app, world):
    deal_id = _register(world, "Refused AB", deny="invalid_lead")
    at = _open(app)
    at.selectbox(key="board_review").select("denied").run()
    _move(at, deal_id, "newsletter")
    assert not at.exception
    assert "Refused AB stays in New: A denied deal cannot be moved." in _messages(at)
    assert _deal(world, deal_id).stage == "new"


def test_a_partner_cannot_reopen_a_closed_deal(app, world):
    won_id = _deal_id(world, "Winner Co")
    at = _open(app)
    _move(at, won_id, "trial")
    assert not at.exception
    assert "Winner Co stays in Closed won: Only vendor staff can reopen a closed deal." in _messages(at)
    assert _column_of(at, won_id) == "closed_won"
    assert _deal(world, won_id).stage == "closed_won"


def test_staff_may_reopen_a_won_deal_after_confirming_with_a_note_the_partner_sees(app, world):
    won_id = _deal_id(world, "Winner Co")
    at = _open(app, "partner_manager")
    at = _move(at, won_id, "trial")
    assert not at.exception
    assert any("reverses its commission" in w.value for w in at.warning), "asked first"
    assert _deal(world, won_id).stage == "closed_won"
    at = at.button(key="board_move_confirm").click().run()  # without a note: refused, the dialog stays
    assert not at.exception and at.error and _deal(world, won_id).stage == "closed_won"
    at.text_area(key=f"board_move_note_{won_id}").input("The customer asked for a longer trial.")
    at = at.button(key="board_move_confirm").click().run()
    assert not at.exception
    assert "Moved Winner Co from Closed won to Trial." in _messages(at)
    with world.session() as s:
        notes = deals.notes(s, _actor(s, world, "partner_user"), won_id)
    assert notes[-1].body == "The customer asked for a longer trial."


def test_a_deal_someone_else_changed_gives_a_conflict_and_the_board_reloads(app, world):
    pending_id = _deal_id(world, "Pending Co")
    at = _open(app)
    at.selectbox(key=moves.target_key(pending_id)).select("trial").run()
    with world.session() as s:  # another user moves it after this board was drawn
        deals.move_deal(s, _actor(s, world, "partner_admin"), pending_id, stage="newsletter")
    at.button(key=f"board_move_{pending_id}").click().run()
    assert not at.exception
    warning = at.warning[0].value
    assert "Someone else changed this deal" in warning and "The board now shows the latest data." in warning
    assert _deal(world, pending_id).stage == "newsletter"
    assert _column_of(at, pending_id) == "newsletter"


# --- card details -----------------------------------------------------------------------------------------


def _details(at, deal_id: int):  # type: ignore[no-untyped-def]
    return at.button(key=f"board_open_{deal_id}").click().run()


def test_card_details_show_notes_with_author_and_time_and_a_note_can_be_added(app, world):
    deal_id = _register(world, "Noted Oy", note="First call went well.")
    at = _details(_open(app), deal_id)
    assert not at.exception
    text = all_text(at)
    assert "First call went well." in text and "**Partner User** ·" in text
    at.text_area(key=details.note_key(deal_id)).input("Demo booked for Friday.").run()
    at.button(key="board_note_add").click().run()
    assert not at.exception
    assert "Note added." in _messages(at)
    assert "Demo booked for Friday." in all_text(at)
    assert at.text_area(key=details.note_key(deal_id)).value == ""


def test_an_empty_note_is_refused_in_the_card(app, world):
    pending_id = _deal_id(world, "Pending Co")
    at = _details(_open(app), pending_id)
    at.button(key="board_note_add").click().run()
    assert not at.exception
    assert "Note is required." in _messages(at)


def test_card_history_says_who_did_what_when_from_and_to(app, world):
    won_id = _deal_id(world, "Winner Co")
    at = _details(_open(app), won_id)
    assert not at.exception
    history = at.dataframe[0].value
    assert list(history.columns) == ["When (UTC)", "Who", "What", "From", "To"]
    rows = history[["Who", "What", "From", "To"]].values.tolist()
    assert ["Partner User", "Registered", "—", "New, Pending"] in rows
    assert ["Partner Manager", "Reviewed", "Pending", "Accepted"] in rows
    assert ["Partner User", "Billing option changed", "Not set", "Invoice"] in rows
    assert ["Partner User", "Moved", "New", "Closed won"] in rows


def test_the_billing_option_can_be_changed_from_the_card(app, world):
    deal_id = _register(world, "Billing Oy", accept=True)
    at = _details(_open(app), deal_id)
    at.selectbox(key=details.billing_key(deal_id)).select("credit_card").run()
    at.button(key="board_billing_save").click().run()
    assert not at.exception
    assert "Billing option set to Credit card." in _messages(at)
    assert _deal(world, deal_id).billing_option == "credit_card"


def test_a_partner_requests_a_trial_extension_from_the_card(app, world):
    deal_id = _register(world, "Trial Ext Oy")
    with world.session() as s:
        deals.move_deal(s, _actor(s, world, "partner_user"), deal_id, stage="trial")
    at = _details(_open(app), deal_id)
    assert "runs until" in all_text(at)
    at.button(key="board_request_extension").click().run()
    assert not at.exception
    assert "Extension requested" in _messages(at)
    assert "The 30-day extension was requested on" in all_text(at)


def test_staff_extend_the_registration_protection_once(app, world):
    deal_id = _register(world, "Protected Oy", accept=True)
    at = _details(_open(app, "partner_manager"), deal_id)
    at.button(key="board_extend_protection").click().run()
    assert not at.exception
    assert "Protection extended." in _messages(at)
    assert "(extended once)" in all_text(at)
    assert "board_extend_protection" not in [b.key for b in at.button]
    assert _deal(world, deal_id).protection_extended


def test_partners_get_no_protection_extension_and_staff_no_trial_request(app, world):
    deal_id = _register(world, "Roles Oy", accept=True)
    with world.session() as s:
        deals.move_deal(s, _actor(s, world, "partner_user"), deal_id, stage="trial")
    partner = _details(_open(app), deal_id)
    assert "board_extend_protection" not in [b.key for b in partner.button]
    staff = _details(_open(app, "admin"), deal_id)
    assert not staff.exception
    assert "board_request_extension" not in [b.key for b in staff.button]


def test_a_link_with_a_deal_id_opens_its_card(app, world):
    pending_id = _deal_id(world, "Pending Co")
    at = app("partner_user").run()
    at.query_params["deal"] = str(pending_id)
    at.switch_page(PAGE).run()
    assert not at.exception
    assert at.session_state[board.CARD_KEY] == pending_id
    assert "Contact: Pia Pending" in all_text(at)


def test_a_link_to_another_partners_deal_shows_not_found(app, world):
    beta_deal = _register(world, "Beta Secret Ltd", role="beta_admin")
    at = app("partner_user").run()
    at.query_params["deal"] = str(beta_deal)
    at.switch_page(PAGE).run()
    assert not at.exception
    assert "Deal not found." in _messages(at)
    assert "Beta Secret" not in all_text(at)


def test_closing_the_card_forgets_it(app, world):
    pending_id = _deal_id(world, "Pending Co")
    at = _details(_open(app), pending_id)
    at.button(key="board_card_close").click().run()
    assert not at.exception
    assert board.CARD_KEY not in at.session_state or at.session_state[board.CARD_KEY] is None
    assert "board_card_close" not in [b.key for b in at.button]


# --- access ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [None, "finance"])
def test_signed_out_or_finance_see_no_board(app, world, role):
    at = app(role).run()
    at.switch_page(PAGE).run()
    assert not at.exception
    assert shows_no_data(at)



@pytest.mark.parametrize("bad", ["²", "99999999999999999999", "-1", "0", "1e3", "abc", " "])
def test_a_deal_link_that_names_no_deal_says_not_found_and_the_board_carries_on(app, world, bad):
    """Issue 13, case 6: /deal_board?deal=² ended in Streamlit's error page."""
    at = app("partner_user").run()
    at.query_params["deal"] = bad
    at = at.switch_page("pages/deal_board.py").run()
    assert not at.exception
    assert any("Deal not found." in e.value for e in at.error)
    assert at.selectbox(key="board_review") is not None, "the board is drawn"
