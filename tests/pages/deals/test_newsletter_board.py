"""Issue 20, the Newsletter subscription as people use it: moving a card to Newsletter asks for the contact's
subscription (sent as a double opt-in with the move), a missing statement or a bad address names its field and
nothing moves; the card says whether the consent waits, is confirmed or expired, and asks again; the pipeline
counts the stage's deals by consent and staff download the confirmed subscriptions.
"""

from __future__ import annotations

import datetime as dt
import json
from urllib.parse import parse_qs, urlsplit

import sqlalchemy as sa
from pages_helpers import all_text

from pages.components.deals import board_moves as moves
from pages_world import World
from partner_model import deals, newsletter, partners, users
from partner_model.models import ContactEmail, Deal, utcnow

PAGE = "pages/deal_board.py"


def _actor(s, world: World, role: str):  # type: ignore[no-untyped-def]
    return users.get_user(s, world.user_ids[role])


def _deal(world: World, company: str):  # type: ignore[no-untyped-def]
    with world.session() as s:
        deal_id = s.execute(sa.select(Deal.id).where(Deal.company_name == company)).scalar_one()
        return deals.get_deal(s, _actor(s, world, "admin"), deal_id)


def _emails(world: World) -> list[ContactEmail]:
    with world.session() as s:
        return list(s.execute(sa.select(ContactEmail)).scalars())


def _board(app):  # type: ignore[no-untyped-def]
    at = app("partner_user").run()
    at.switch_page(PAGE).run()
    at.segmented_control(key="board_view").set_value("cards").run()
    return at


def _messages(at) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(m.value for kind in ("error", "warning", "success", "info") for m in getattr(at, kind))


def _to_newsletter_dialog(at, deal_id: int):  # type: ignore[no-untyped-def]
    at.selectbox(key=moves.target_key(deal_id)).select("newsletter").run()
    at.button(key=f"board_move_{deal_id}").click().run()
    assert at.session_state[moves.PENDING_KEY]["target"] == "newsletter"
    return f"board_move_newsletter_{deal_id}"


def test_moving_to_newsletter_asks_for_the_subscription_and_sends_the_double_opt_in(app, world):
    pending = _deal(world, "Pending Co")
    at = _board(app)
    prefix = _to_newsletter_dialog(at, pending.id)
    assert at.text_input(key=f"{prefix}_name").value == "Pia Pending"  # the deal's contact, prefilled
    assert at.text_input(key=f"{prefix}_email").value == "pia@pending-co.example"
    at.selectbox(key=f"{prefix}_language").select("sv")
    at.checkbox(key=f"{prefix}_agreed").check()
    at.button(key="board_move_confirm").click().run()
    assert not at.exception
    assert "Moved Pending Co from New to Newsletter subscription." in _messages(at)
    assert _deal(world, "Pending Co").stage == "newsletter"
    [email] = _emails(world)
    assert (email.to_address, email.language, email.kind) == ("pia@pending-co.example", "sv", "newsletter_confirm")
    assert "Newsletter: waiting for confirmation" in all_text(at)  # the card's marker


def test_without_the_contacts_agreement_nothing_moves_and_nothing_is_sent(app, world):
    pending = _deal(world, "Pending Co")
    at = _board(app)
    prefix = _to_newsletter_dialog(at, pending.id)
    at.text_input(key=f"{prefix}_email").input("not an address")
    at.checkbox(key=f"{prefix}_agreed").check()
    at.button(key="board_move_confirm").click().run()
    assert not at.exception
    assert "Contact email is not a valid email address" in _messages(at)  # the dialog stays open
    at.text_input(key=f"{prefix}_email").input("pia@pending-co.example")
    at.checkbox(key=f"{prefix}_agreed").uncheck()
    at.button(key="board_move_confirm").click().run()
    assert "Confirm that the contact agreed to the newsletter in your talk" in _messages(at)
    assert _deal(world, "Pending Co").stage == "new" and _emails(world) == []


def test_the_card_asks_later_and_shows_the_confirmation(app, world):
    pending = _deal(world, "Pending Co")
    with world.session() as s:
        deals.move_deal(s, _actor(s, world, "partner_user"), pending.id, stage="newsletter")
    at = _board(app)
    assert "Newsletter: no subscription asked for" in all_text(at)
    at.button(key=f"board_open_{pending.id}").click().run()
    assert "No newsletter subscription was asked for" in _messages(at)
    prefix = f"board_newsletter_{pending.id}"
    at.checkbox(key=f"{prefix}_agreed").check()
    at.button(key="board_newsletter_send").click().run()
    assert not at.exception
    assert "The confirmation email is on its way to the contact." in _messages(at)
    link = json.loads(_emails(world)[0].params)["link"]
    token = parse_qs(urlsplit(link).query)["token"][0]
    with world.session() as s:
        assert newsletter.confirm(s, token).state == "confirmed"
    again = _board(app)
    assert "Newsletter: confirmed" in all_text(again)
    again.button(key=f"board_open_{pending.id}").click().run()
    assert "Confirmed by the contact on" in _messages(again)
    history = again.dataframe[0].value
    assert list(history[history["What"] == "Newsletter subscription"]["To"]) == [
        "Waiting for confirmation", "Confirmed"]


def test_an_expired_request_is_said_on_the_card(app, world):
    pending = _deal(world, "Pending Co")
    with world.session() as s:
        deals.move_deal(s, _actor(s, world, "partner_user"), pending.id, stage="newsletter", subscription={
            "contact_name": "Pia Pending", "contact_email": "pia@pending-co.example", "language": "en",
            "contact_agreed": True})
        s.execute(sa.text("UPDATE newsletter_consent SET expires_at = :past"),
                  {"past": utcnow() - dt.timedelta(minutes=1)})
        s.commit()
    at = _board(app)
    assert "Newsletter: expired after 7 days" in all_text(at)


def test_the_pipeline_counts_the_stage_by_consent_and_staff_download_the_confirmed(app, world, downloads):
    pending = _deal(world, "Pending Co")
    with world.session() as s:
        partners.set_manager(s, _actor(s, world, "admin"), world.acme_id, world.user_ids["partner_manager"])
        deals.move_deal(s, _actor(s, world, "partner_user"), pending.id, stage="newsletter", subscription={
            "contact_name": "Pia Pending", "contact_email": "pia@pending-co.example", "language": "nl",
            "contact_agreed": True})
    token = parse_qs(urlsplit(json.loads(_emails(world)[0].params)["link"]).query)["token"][0]
    with world.session() as s:
        newsletter.confirm(s, token)
    at = app("partner_manager").run()
    at.switch_page("pages/pipeline.py").run()
    assert not at.exception
    shown = {m.label: m.value for m in at.metric}
    assert (shown["Confirmed"], shown["Waiting for confirmation"], shown["Not asked"]) == ("1", "0", "0")
    csv = downloads(at, "pipeline_newsletter_csv").decode("utf-8-sig").splitlines()
    assert csv[0] == "Email,Name,Language,Confirmed (UTC),Company,Partner"
    assert csv[1].startswith("pia@pending-co.example,Pia Pending,nl,") and csv[1].endswith(
        ",Pending Co,Acme Consulting")
    partner = app("partner_user").run()
    partner.switch_page("pages/pipeline.py").run()
    assert not partner.exception and not partner.get("download_button")  # the list is the vendor's
