"""The review queue page (AppTest): the queue, hints as badges, accept, deny with every reason, conflicts,
bulk accept, paging, the partner filter, history, and who may open it.

The page world (tests/pages/conftest.py) has one pending deal, "Pending Co" of Acme; tests add more through
the services.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest
from pages_helpers import main_text, shown, shows_no_data

from pages.components.deals.review_labels import DENIAL_REASON_LABELS, HINTS
from partner_model import clock, deals, i18n, users
from partner_model.models import DenialReason

if TYPE_CHECKING:  # imported by name only when type checking: tests/e2e has a conftest module too
    from conftest import World

PAGE = "pages/review_queue.py"
TODAY = clock.today()


def _actor(s, world: World, role: str):  # type: ignore[no-untyped-def]
    return users.get_user(s, world.user_ids[role])


def _register(world: World, company: str, email: str, role: str = "partner_user", **kwargs) -> int:
    with world.session() as s:
        return deals.register_deal(s, _actor(s, world, role), contact_name="Carl Contact", contact_email=email,
                                   company_name=company, annual_value="5000", **kwargs).id


def _deal(world: World, deal_id: int):  # type: ignore[no-untyped-def]
    with world.session() as s:
        return deals.get_deal(s, _actor(s, world, "admin"), deal_id)


def _pending_id(world: World, company: str = "Pending Co") -> int:
    with world.session() as s:
        frame, _ = deals.review_queue(s, _actor(s, world, "admin"), limit=200)
    return int(frame.loc[frame["company_name"] == company, "deal_id"].iloc[0])


def _open(app, role: str = "partner_manager"):  # type: ignore[no-untyped-def]
    at = app(role).run()
    return at.switch_page(PAGE).run()


def _choose(at, deal_id: int):  # type: ignore[no-untyped-def]
    return at.selectbox(key="review_deal").select(deal_id).run()


def _badges(at) -> list[str]:  # type: ignore[no-untyped-def]
    return [m.value for m in at.main.markdown if "-badge[" in m.value]


# --- the queue -----------------------------------------------------------------------------------------


def test_partner_manager_sees_pending_deals_oldest_first_with_their_age(app, world):
    _register(world, "Older Oy", "olli@older-oy.example", today=TODAY - dt.timedelta(days=1))
    _register(world, "Newest AB", "nina@newest-ab.example")
    at = _open(app)
    assert not at.exception
    table = at.dataframe[0].value
    assert table["Company"].tolist()[0] == "Older Oy"
    assert set(table["Company"]) == {"Older Oy", "Pending Co", "Newest AB"}
    assert table["Company"].tolist()[-1] == "Newest AB"
    assert table.loc[table["Company"] == "Older Oy", "Waiting"].iloc[0].startswith("1 day (")
    assert "3 deals waiting for review" in main_text(at)


def test_a_deal_waiting_more_than_two_business_days_is_marked_overdue(app, world):
    _register(world, "Slow Start GmbH", "sue@slow-start.example", today=TODAY - dt.timedelta(days=10))
    at = _open(app)
    assert not at.exception
    table = at.dataframe[0].value.set_index("Company")
    assert table.loc["Slow Start GmbH", "Overdue"] == "⚠ Overdue"
    assert table.loc["Pending Co", "Overdue"] == ""
    at = _choose(at, _pending_id(world, "Slow Start GmbH"))
    assert any("Overdue: waiting more than 2 business days" in b for b in _badges(at))


def test_an_empty_queue_says_so(app, world):
    with world.session() as s:
        deals.review_deal(s, _actor(s, world, "admin"), _pending_id(world), accept=True)
    at = _open(app)
    assert not at.exception
    assert [i.value for i in at.info] == ["No deals are waiting for review."]
    assert not at.dataframe


def test_the_partner_filter_shows_only_that_partners_deals(app, world):
    _register(world, "Beta Prospect", "bo@beta-prospect.example", role="beta_admin")
    at = _open(app)
    assert set(at.dataframe[0].value["Company"]) == {"Pending Co", "Beta Prospect"}
    at = at.selectbox(key="review_partner").select(world.beta_id).run()
    assert not at.exception
    assert at.dataframe[0].value["Company"].tolist() == ["Beta Prospect"]


def test_the_queue_shows_fifty_deals_a_page(app, world):
    with world.session() as s:
        alice = _actor(s, world, "partner_user")
        for i in range(53):
            deals.register_deal(s, alice, contact_name="Carl Contact", contact_email=f"c@bulk-{i:02d}.example",
                                company_name=f"Bulk {i:02d} AB", annual_value="1000")
    at = _open(app)
    assert not at.exception
    assert len(at.dataframe[0].value) == 50
    assert "54 deals waiting for review" in main_text(at)
    at = at.pagination(key="review_page").set_value(2).run()
    assert not at.exception
    assert at.dataframe[0].value["Company"].tolist() == ["Bulk 49 AB", "Bulk 50 AB", "Bulk 51 AB", "Bulk 52 AB"]
    assert "showing 51–54" in main_text(at)


# --- hints ---------------------------------------------------------------------------------------------


def test_review_hints_show_as_badges_with_their_meaning_in_words(app, world):
    with world.session() as s:  # Acme's accepted, open deal on shared-domain.example protects it from Beta
        shared = deals.register_deal(s, _actor(s, world, "partner_user"), contact_name="Sam Shared",
                                     contact_email="sam@shared-domain.example", company_name="Shared Ltd",
                                     annual_value="100")
        deals.review_deal(s, _actor(s, world, "admin"), shared.id, accept=True)
    cases = {
        "existing_customer": _register(world, "Nordic Again", "nils@nordic-retail.example"),
        "other_partner_open_deal": _register(world, "Shared Ltd", "sara@shared-domain.example", role="beta_admin"),
        "free_mail": _register(world, "Gmail Person", "someone@gmail.com", customer_domain="gmail-person.example"),
        "registered_before": _register(world, "Pending Co Again", "pia2@pending-co.example"),
    }
    at = _open(app)
    table = at.dataframe[0].value
    assert table.loc[table["Company"] == "Gmail Person", "Hints"].iloc[0] == ["Free mail"]
    for code, deal_id in cases.items():
        at = _choose(at, deal_id)
        assert not at.exception
        badges = _badges(at)
        assert any(HINTS[code].meaning in b and f":{HINTS[code].color}-badge[" in b for b in badges), (code, badges)
    at = _choose(at, _pending_id(world))
    assert any("No hints" in b for b in _badges(at))


# --- accept and deny -----------------------------------------------------------------------------------


def test_accepting_a_deal_records_it_and_takes_it_off_the_queue(app, world):
    deal_id = _pending_id(world)
    at = _choose(_open(app), deal_id)
    at = at.button(key="review_accept").click().run()
    assert not at.exception
    assert [shown(s.value) for s in at.success] == [
        f"Accepted deal #{deal_id} Pending Co (pending-co.example, Acme Consulting): the registration is protected "
        "for 90 days."]
    assert [i.value for i in at.info] == ["No deals are waiting for review."]
    deal = _deal(world, deal_id)
    assert deal.review_status == "accepted"
    assert deal.protected_until == TODAY + dt.timedelta(days=90)


@pytest.mark.parametrize("reason", list(DenialReason))
def test_denying_with_each_reason_shows_and_records_the_reason(app, world, reason):
    deal_id = _pending_id(world)
    at = _choose(_open(app), deal_id)
    at.selectbox(key="review_reason").select(reason)
    at.text_area(key="review_note").input("Checked with sales.")
    at = at.button(key="review_deny").click().run()
    assert not at.exception
    words = DENIAL_REASON_LABELS[reason]
    assert [shown(s.value) for s in at.success] == [
        f"Denied deal #{deal_id} Pending Co (pending-co.example, Acme Consulting): {words}. The partner sees the "
        "reason."]
    with world.session() as s:  # the partner reads the reason and the note on its own deal
        alice = _actor(s, world, "partner_user")
        seen = deals.get_deal(s, alice, deal_id)
        notes = [n.body for n in deals.notes(s, alice, deal_id)]
        history = deals.history(s, alice, deal_id)
    assert (seen.review_status, seen.denial_reason) == ("denied", reason)
    assert "Checked with sales." in notes
    assert any(e.kind == "reviewed" and e.to_value == f"denied: {reason.value}" for e in history)


def test_denying_without_a_reason_is_refused_and_writes_nothing(app, world):
    deal_id = _pending_id(world)
    at = _choose(_open(app), deal_id)
    at = at.button(key="review_deny").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == ["Choose why the deal is denied."]
    assert _deal(world, deal_id).review_status == "pending"
    assert at.selectbox(key="review_deal").value == deal_id  # still chosen, to pick a reason


def test_a_second_review_gives_the_conflict_message(app, world):
    deal_id = _pending_id(world)
    at = _choose(_open(app), deal_id)
    with world.session() as s:  # another reviewer decides first
        deals.review_deal(s, _actor(s, world, "admin"), deal_id, accept=False, reason="invalid_lead")
    at = at.button(key="review_accept").click().run()
    assert not at.exception
    # Someone else reviewed it first: the service's Conflict message, as written.
    assert [e.value for e in at.error] == ["This deal was already reviewed: it is denied."]
    assert _deal(world, deal_id).review_status == "denied"
    assert [i.value for i in at.info] == ["No deals are waiting for review."]  # gone from the queue


def test_the_history_of_the_chosen_deal_is_shown_beside_it(app, world):
    deal_id = _register(world, "Noted Oy", "nea@noted-oy.example", note="Met them at the fair.")
    at = _choose(_open(app), deal_id)
    assert not at.exception
    text = "\n".join(m.value for m in at.main.markdown)
    assert "**History**" in text
    assert "Registered \\(stage New, Pending\\)" in text
    assert "Note\\: Met them at the fair\\." in text
    assert "Partner User" in text  # who registered it


# --- several at once -----------------------------------------------------------------------------------


def test_accept_all_without_hints_accepts_the_hint_free_deals_after_a_confirmation(app, world):
    clean = _register(world, "Clean Cut AB", "cc@clean-cut.example")
    hinted = _register(world, "Gmail Person", "someone@gmail.com", customer_domain="gmail-person.example")
    at = _open(app)
    assert at.button(key="review_bulk").label == "Accept all 2 without hints"
    at = at.button(key="review_bulk").click().run()
    assert not at.exception
    assert at.warning[0].value == "Accept 2 deals without hints? Pending Co, Clean Cut AB"
    assert _deal(world, clean).review_status == "pending"  # nothing yet: it asks first
    at = at.button(key="review_bulk_confirm").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["Accepted 2 deals without hints: Pending Co, Clean Cut AB."]
    assert _deal(world, clean).review_status == "accepted"
    assert _deal(world, _pending_id(world, "Gmail Person")).review_status == "pending"
    assert at.dataframe[0].value["Company"].tolist() == ["Gmail Person"]
    assert at.button(key="review_bulk").disabled
    assert hinted


def test_cancelling_accept_all_changes_nothing(app, world):
    at = _open(app).button(key="review_bulk").click().run()
    at = at.button(key="review_bulk_cancel").click().run()
    assert not at.exception
    assert not at.warning
    assert _deal(world, _pending_id(world)).review_status == "pending"


def test_accept_all_re_checks_each_deal_and_reports_the_one_reviewed_meanwhile(app, world):
    clean = _register(world, "Clean Cut AB", "cc@clean-cut.example")
    at = _open(app).button(key="review_bulk").click().run()
    denied = _pending_id(world)
    with world.session() as s:
        deals.review_deal(s, _actor(s, world, "admin"), denied, accept=False, reason="other")
    at = at.button(key="review_bulk_confirm").click().run()
    assert not at.exception
    assert _deal(world, clean).review_status == "accepted"
    assert _deal(world, denied).review_status == "denied", "the decision made meanwhile stands"
    assert [w.value for w in at.warning] == [
        f"Accepted 1 deal without hints: Clean Cut AB. 1 deal was left for review, as it changed meanwhile: "
        f"#{denied} Pending Co."]


def test_accept_all_skips_a_deal_whose_customer_another_partner_got_protected_meanwhile(app, world):
    """Issue 12, case 6: the bulk accept did not re-check, so two partners were both protected for samecorp.fi."""
    ours = _register(world, "Samecorp", "a@samecorp.fi")
    at = _open(app).button(key="review_bulk").click().run()
    theirs = _register(world, "Samecorp Oy", "b@samecorp.fi", role="beta_admin")
    with world.session() as s:
        deals.review_deal(s, _actor(s, world, "admin"), theirs, accept=True)
    at = at.button(key="review_bulk_confirm").click().run()
    assert not at.exception
    assert _deal(world, ours).review_status == "pending", "skipped: samecorp.fi is Beta's now"
    assert f"#{ours} Samecorp" in at.warning[0].value


# --- who may open it -----------------------------------------------------------------------------------


def test_an_admin_reviews_too(app, world):
    at = _choose(_open(app, "admin"), _pending_id(world))
    at = at.button(key="review_accept").click().run()
    assert not at.exception
    assert at.success


@pytest.mark.parametrize("role", ["partner_user", "partner_admin", "finance"])
def test_a_partner_user_cannot_open_the_review_queue(app, role):
    at = _open(app, role)
    assert not at.exception
    assert any("not allowed" in e.value for e in at.error)
    assert shows_no_data(at)
    assert not at.main.button


@pytest.mark.parametrize("language", ["fi", "de"])
def test_the_queue_works_in_another_language(app, world, language):
    _register(world, "Gmail Person", "someone@gmail.com", customer_domain="gmail-person.example")
    at = app("partner_manager")
    at.session_state["language"] = language
    at = at.run().switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    words = i18n.translations(language).gettext
    values = at.dataframe[0].value[words("Value")]  # the Value column, under its name in the language
    assert i18n.Formats(language).money(Decimal("5000"), "EUR") in set(values)
    assert at.title[0].value == words("Review queue")
    template = words("#{id} {company} · {domain} · {value} · {partner} · waiting {days} d")
    deal_id = _pending_id(world, "Gmail Person")
    assert template.format(id=deal_id, company="Gmail Person", domain="gmail-person.example",
                           value=i18n.Formats(language).money(Decimal("5000"), "EUR"), partner="Acme Consulting",
                           days=0) in at.selectbox(key="review_deal").options
    at = _choose(at, deal_id)
    assert not at.exception
    assert at.selectbox(key="review_deal").value == deal_id
    assert words(DENIAL_REASON_LABELS[DenialReason.duplicate]) in at.selectbox(key="review_reason").options
    at.selectbox(key="review_reason").select(DenialReason.duplicate)
    at = at.button(key="review_deny").click().run()
    assert not at.exception
    assert at.success
    assert _deal(world, deal_id).review_status == "denied"
    assert _deal(world, deal_id).denial_reason == "duplicate"
    at = at.button(key="review_bulk").click().run()
    at = at.button(key="review_bulk_confirm").click().run()
    assert not at.exception
    assert at.success


def test_two_deals_of_one_company_are_told_apart_and_a_denial_lands_on_the_one_chosen(app, world):
    """Issue 12, case 1: both "Skarvik Shipping AS" rows had one label; choosing the second opened the first, and
    the denial landed on the other deal."""
    gmail = _register(world, "Skarvik Shipping AS", "ola@gmail.com", customer_domain="skarvik-shipping.no")
    own = _register(world, "Skarvik Shipping AS", "ola@skarvik-shipping.no")
    with world.session() as s:
        deals.move_deal(s, _actor(s, world, "partner_user"), own, stage="newsletter")  # a different version
    at = _open(app)
    options = at.selectbox(key="review_deal").options
    assert len(options) == len(set(options)), "every option says which deal it is"
    at = _choose(at, gmail)
    assert at.selectbox(key="review_deal").value == gmail
    assert f"#{gmail}" in " ".join(m.value for m in at.main.markdown)
    at = at.button(key="review_deny").click().run()  # without a reason: refused, nothing written
    assert not at.exception and at.error
    at.selectbox(key="review_reason").select(DenialReason.invalid_lead)
    at = at.button(key="review_deny").click().run()
    assert not at.exception
    assert _deal(world, gmail).review_status == "denied"
    assert _deal(world, own).review_status == "pending", "the other deal is untouched"
    assert f"Denied deal #{gmail} Skarvik Shipping AS (skarvik-shipping.no" in shown(at.success[0].value)
