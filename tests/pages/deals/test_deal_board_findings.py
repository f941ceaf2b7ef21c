"""The deal board's findings (AppTest): compact column headers, cards that say what matters (and not the partner's
own name to the partner), the cards view paged per column, a pending deal's Closed won refused before any billing
option is asked, denial reasons in the partner's words with the reviewer's note, the review status link, and a
manager's "my partners".

The page world: Acme's "Pending Co" (New, pending) and "Winner Co" (Closed won, accepted, invoice); Beta has no
deals. The world's partner manager looks after Acme (test_deal_board's autouse fixture does the same here).
"""

from __future__ import annotations

import json

import pytest
from pages_helpers import all_text
from test_deal_board import (  # noqa: F401  (the board tests' helpers and fixture)
    PAGE,
    _acme_is_the_managers,
    _actor,
    _deal,
    _deal_id,
    _details,
    _messages,
    _move,
    _open,
    _register,
)

from pages.components.deals import board_columns as board
from pages.components.deals import board_moves as moves
from partner_model import deals

CURRENCIES = {"EUR": "5000", "SEK": "90000", "USD": "3000", "GBP": "2000", "NOK": "1000"}


def _drag_boxes(at) -> list[dict]:  # type: ignore[no-untyped-def]
    return json.loads(at.get("component_instance")[0].proto.json_args)["items"]


def _card_markdown(at, deal_id: int) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(m.value for m in at.get_by_key(f"board_card_{deal_id}").markdown)


# --- headers -------------------------------------------------------------------------------------------------


def test_a_column_header_is_three_short_lines_however_many_currencies_it_sums(app, world):
    for currency, value in CURRENCIES.items():
        with world.session() as s:
            deals.register_deal(s, _actor(s, world, "partner_user"), contact_name="Carl Contact",
                                contact_email=f"carl@money-{currency.lower()}.example",
                                company_name=f"Money {currency}", annual_value=value, currency=currency)
    at = _open(app, view="drag")
    assert not at.exception
    new = _drag_boxes(at)[0]["header"]
    # New: Pending Co's EUR 12,000 and the five above; SEK 90,000 is the largest sum, four currencies more
    assert new.split("\n") == ["New", "6 deals", "SEK\xa090,000.00 +\xa04\xa0more"]
    assert "·" not in new
    cards = _open(app)
    hover = next(c.proto.help for c in cards.main.caption if c.value.startswith("6 deals"))
    assert hover.split("  \n") == ["SEK\xa090,000.00", "EUR\xa017,000.00", "USD\xa03,000.00", "GBP\xa02,000.00",
                                   "NOK\xa01,000.00"]
    totals = cards.get("popover")[0]
    assert "**New** · 6 deals: SEK\xa090,000.00, EUR\xa017,000.00, USD\xa03,000.00" in totals.markdown[0].value


# --- cards ---------------------------------------------------------------------------------------------------


def test_a_partners_card_has_the_company_in_bold_the_value_a_status_badge_and_no_own_partner_name(app, world):
    pending_id = _deal_id(world, "Pending Co")
    at = _open(app)
    assert _card_markdown(at, pending_id).split("  \n") == [
        "**Pending Co**", ":primary[**EUR\xa012,000.00**]", ":orange-badge[Pending] :small[0 days in stage]"]
    assert "Acme Consulting" not in all_text(at)
    drag = _open(app, view="drag")
    label = next(item for box in _drag_boxes(drag) for item in box["items"] if f"#{pending_id}" in item)
    assert label.split("\n") == ["Pending Co · #" + str(pending_id), "EUR\xa012,000.00", "Pending · 0 days in stage"]


def test_staff_cards_name_the_partner(app, world):
    won_id = _deal_id(world, "Winner Co")
    at = _open(app, "admin")
    text = _card_markdown(at, won_id)
    assert ":green-badge[Accepted]" in text and ":small[Acme Consulting]" in text
    assert "Winner Co · Closed won · Acme Consulting" in at.selectbox(key=board.CARD_KEY).options


def test_a_partners_card_details_leave_out_its_own_name(app, world):
    won_id = _deal_id(world, "Winner Co")
    partner = _details(_open(app), won_id)
    assert "Acme Consulting" not in all_text(partner)
    staff = _details(_open(app, "admin"), won_id)
    assert "Acme Consulting" in all_text(staff)


# --- the cards view, paged per column ---------------------------------------------------------------------------


def test_cards_with_controls_are_paged_per_column(app, world):
    for n in range(11):
        _register(world, f"Bulk {n:02d}")
    at = _open(app)
    assert not at.exception
    new_cards = [b.key for b in at.button if b.key.startswith("board_move_")]
    assert len(new_cards) == board.CARDS_PAGE + 1  # New's first page, and Winner Co in Closed won
    assert [p.key for p in at.pagination] == [board.page_key("new")]  # only the column with more than a page
    assert "1–5 of 12" in [c.value for c in at.main.caption]
    at.pagination(key=board.page_key("new")).select(3).run()
    assert not at.exception
    assert "11–12 of 12" in [c.value for c in at.main.caption]
    shown_new = [b.key for b in at.button if b.key.startswith("board_move_")]
    assert len(shown_new) == 2 + 1
    assert "Pending Co" in all_text(at)  # the oldest card is on the last page
    assert f"board_move_{_deal_id(world, 'Winner Co')}" in shown_new  # other columns keep their page


def test_a_page_beyond_a_shrunken_column_shows_its_last_page(app, world):
    for n in range(6):
        _register(world, f"Bulk {n:02d}")
    at = _open(app)
    at.pagination(key=board.page_key("new")).select(2).run()
    at.text_input(key="board_search").input("Bulk 0").run()  # six match: still two pages
    assert not at.exception
    at.text_input(key="board_search").input("Bulk 05").run()  # one matches: page 1 of 1
    assert not at.exception
    assert "Bulk 05" in all_text(at)


# --- moves ---------------------------------------------------------------------------------------------------


def test_a_pending_deal_dropped_on_closed_won_is_refused_without_asking_for_a_billing_option(app, world):
    pending_id = _deal_id(world, "Pending Co")
    at = _open(app, view="drag")
    key = at.session_state[moves.DRAG_KEY_KEY]
    items = _drag_boxes(at)
    label = next(item for box in items for item in box["items"] if f"#{pending_id}" in item)
    items[0]["items"].remove(label)
    items[3]["items"].insert(0, label)
    at.session_state[key] = items
    at.run()
    assert not at.exception
    assert moves.PENDING_KEY not in at.session_state
    assert "Only an accepted deal can be Closed won: this deal is still pending review." in _messages(at)
    assert _deal(world, pending_id).stage == "new"


def test_an_accepted_deal_still_asks_for_the_billing_option(app, world):
    deal_id = _register(world, "Ready Oy", accept=True)
    at = _open(app)
    _move(at, deal_id, "closed_won")
    assert at.session_state[moves.PENDING_KEY]["deal_id"] == deal_id
    assert f"board_move_billing_{deal_id}" in [s.key for s in at.selectbox]


# --- denials -------------------------------------------------------------------------------------------------


def test_a_denial_reads_in_the_partners_words_with_the_reviewers_note(app, world):
    deal_id = _register(world, "Refused Other AB")
    with world.session() as s:
        deals.review_deal(s, _actor(s, world, "partner_manager"), deal_id, accept=False, reason="other",
                          note="The customer asked us to deal with them directly.")
    at = _open(app)
    at.selectbox(key="board_review").select("denied").run()
    assert "Denied: see the reviewer's note" in _card_markdown(at, deal_id)
    _details(at, deal_id)
    assert not at.exception
    explained = [e.value for e in at.error]
    assert explained == ["Denied for a reason the reviewer explains in their note.  \n"
                         "Reviewer's note: The customer asked us to deal with them directly\\."]
    assert "Other reason (say why in the note)" not in all_text(at)


@pytest.mark.parametrize("reason, sentence", [
    ("duplicate", "Denied: this customer was already registered, so this registration repeats it."),
    ("existing_customer", "Denied: the customer already has an account with us, so the deal cannot be registered "
                          "as new business."),
])
def test_a_denial_without_a_note_says_so(app, world, reason, sentence):
    deal_id = _register(world, "Refused Plain AB", deny=reason)
    at = _open(app)
    at.selectbox(key="board_review").select("denied").run()
    _details(at, deal_id)
    assert [e.value for e in at.error] == [f"{sentence}  \nThe reviewer left no note."]


# --- links and scope -----------------------------------------------------------------------------------------


def test_a_link_with_a_review_status_presets_the_filter(app, world):
    at = app("partner_user").run()
    at.query_params["review_status"] = "pending"
    at.switch_page(PAGE).run()
    assert not at.exception
    assert at.selectbox(key="board_review").value == "pending"
    assert "Pending Co" in all_text(at) and "Winner Co" not in all_text(at)
    at.selectbox(key="board_review").select("open").run()  # a choice of the user's own wins afterwards
    assert "Winner Co" in all_text(at)


def test_a_link_with_an_unknown_review_status_keeps_the_default(app, world):
    at = app("partner_user").run()
    at.query_params["review_status"] = "everything"
    at.switch_page(PAGE).run()
    assert not at.exception
    assert at.selectbox(key="board_review").value == "open"


def test_a_manager_starts_with_their_own_partners_and_one_switch_shows_all(app, world):
    _register(world, "Beta Only Ltd", role="beta_admin")
    at = _open(app, "partner_manager")
    assert not at.exception
    assert at.toggle(key="scope_my_partners").value is True
    assert "Pending Co" in all_text(at) and "Beta Only Ltd" not in all_text(at)
    at.toggle(key="scope_my_partners").set_value(False).run()
    assert not at.exception
    assert "Beta Only Ltd" in all_text(at) and "Pending Co" in all_text(at)
