"""Issue 20, the won deal's confirmation: a Closed won deal waits for its partner manager, who is told (inbox and
email) and confirms it or sends it back with a question the partner answers; commission lines of an unconfirmed
deal are marked in the weekly review and finance filters them; every step in the deal's history (both
databases)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from partner_model import commissions, deals, inbox_queries, partners, rules
from partner_model.errors import Conflict, PermissionDenied, ValidationError
from partner_model.models import MailState, Notification


def _won(session, cast, factory, **kwargs):  # type: ignore[no-untyped-def]
    partners.set_manager(session, cast.admin, cast.acme.id, cast.manager.id)
    deal = factory.accepted_deal(cast.acme_user, cast.manager, **kwargs)
    return deals.move_deal(session, cast.acme_user, deal.id, stage="closed_won", billing_option="invoice",
                           note="Signed the order form on Monday.")


def _notes(session, user, kind):  # type: ignore[no-untyped-def]
    return session.execute(sa.select(Notification).where(Notification.user_id == user.id,
                                                         Notification.kind == kind)).scalars().all()


def test_a_won_deal_waits_for_its_manager_who_is_told_by_inbox_and_email(session, cast, factory):
    won = _won(session, cast, factory, company_name="Winner Oy")
    assert won.confirmation == "waiting"
    told = _notes(session, cast.manager, "won_deal_to_confirm")
    assert len(told) == 1 and told[0].mail_state == MailState.pending  # an email at once, and the inbox row
    assert '"note": "Signed the order form on Monday."' in told[0].params and '"billing": "invoice"' in told[0].params
    frame, total = deals.won_deals_to_confirm(session, cast.manager, manager_id=cast.manager.id)
    assert total == 1 and list(frame["company_name"]) == ["Winner Oy"]
    assert frame.loc[0, "partner_note"] == "Signed the order form on Monday." and frame.loc[0, "billing_option"] \
        == "invoice"
    item = next(i for i in inbox_queries.manager_work(session, cast.manager, manager_id=cast.manager.id)
                if i.code == "won_deals_to_confirm")
    assert item.count == 1


def test_the_manager_confirms_and_it_is_in_the_history(session, cast, factory):
    won = _won(session, cast, factory)
    done = deals.confirm_won_deal(session, cast.manager, won.id, expected_version=won.version)
    assert done.confirmation == "confirmed" and done.confirmed_at is not None
    steps = [(e.kind, e.from_value, e.to_value) for e in deals.history(session, cast.manager, won.id)
             if e.kind == "confirmation"]
    assert steps == [("confirmation", None, "waiting"), ("confirmation", "waiting", "confirmed")]
    assert deals.won_deals_to_confirm(session, cast.manager)[1] == 0
    with pytest.raises(Conflict):  # confirmed once
        deals.confirm_won_deal(session, cast.manager, won.id)


def test_sent_back_with_a_question_the_partner_sees_and_answers(session, cast, factory):
    won = _won(session, cast, factory)
    back = deals.send_back_won_deal(session, cast.manager, won.id, "Which plan did they sign?",
                                    expected_version=won.version)
    assert back.confirmation == "sent_back" and back.confirmation_question == "Which plan did they sign?"
    seen = deals.get_deal(session, cast.acme_user, won.id)  # the partner sees the question on the deal
    assert seen.confirmation_question == "Which plan did they sign?"
    assert any(n.body == "Which plan did they sign?" for n in deals.notes(session, cast.acme_user, won.id))
    assert len(_notes(session, cast.acme_user, "won_deal_question")) == 1
    assert deals.won_deals_to_confirm(session, cast.manager)[1] == 0  # waits for the partner now
    assert deals.won_deals_to_confirm(session, cast.manager, include_sent_back=True)[1] == 1
    answered = deals.answer_won_question(session, cast.acme_user, won.id, "The annual Pro plan.",
                                         expected_version=back.version)
    assert answered.confirmation == "waiting" and answered.confirmation_question is None
    assert len(_notes(session, cast.manager, "won_deal_to_confirm")) == 2
    assert deals.confirm_won_deal(session, cast.manager, won.id).confirmation == "confirmed"


def test_who_may_confirm_send_back_and_answer(session, cast, factory):
    won = _won(session, cast, factory)
    for actor in (cast.acme_user, cast.finance):
        with pytest.raises(PermissionDenied):
            deals.confirm_won_deal(session, actor, won.id)
    with pytest.raises(PermissionDenied):
        deals.answer_won_question(session, cast.manager, won.id, "an answer")
    with pytest.raises(ValidationError) as err:  # no question, nothing sent back
        deals.send_back_won_deal(session, cast.manager, won.id, "   ")
    assert err.value.field == "question"
    with pytest.raises(Conflict):  # nothing was asked yet
        deals.answer_won_question(session, cast.acme_user, won.id, "an answer")
    deals.send_back_won_deal(session, cast.manager, won.id, "Which plan?")
    from partner_model.errors import NotFound

    with pytest.raises(NotFound):  # another partner's deal is unknown to them
        deals.answer_won_question(session, cast.beta_user, won.id, "an answer")
    with pytest.raises(ValidationError) as err:
        deals.answer_won_question(session, cast.acme_user, won.id, "")
    assert err.value.field == "answer"
    assert deals.get_deal(session, cast.manager, won.id).confirmation == "sent_back"


def test_a_decision_on_an_out_of_date_view_is_refused(session, cast, factory):
    won = _won(session, cast, factory)
    deals.set_value(session, cast.manager, won.id, "15000.00", expected_version=won.version)
    with pytest.raises(Conflict):
        deals.confirm_won_deal(session, cast.manager, won.id, expected_version=won.version)
    assert deals.get_deal(session, cast.manager, won.id).confirmation == "waiting"


def test_a_deal_not_won_is_not_confirmed_and_reopening_clears_it(session, cast, factory):
    deal = factory.accepted_deal(cast.acme_user, cast.manager)
    with pytest.raises(ValidationError) as err:
        deals.confirm_won_deal(session, cast.manager, deal.id)
    assert err.value.field == "stage"
    won = deals.move_deal(session, cast.acme_user, deal.id, stage="closed_won", billing_option="invoice")
    reopened = deals.move_deal(session, cast.manager, won.id, stage="trial", note="The order was cancelled.")
    assert reopened.confirmation is None
    won_again = deals.move_deal(session, cast.manager, won.id, stage="closed_won")
    assert won_again.confirmation == "waiting"


def test_the_weekly_review_marks_and_filters_unconfirmed_lines(session, cast, factory):
    waiting = _won(session, cast, factory, company_name="Waiting Oy")
    confirmed = _won(session, cast, factory, company_name="Confirmed Oy")
    deals.confirm_won_deal(session, cast.manager, confirmed.id)
    week = rules.iso_week(waiting.won_on)
    lines = commissions.week_lines(session, cast.finance, week)
    marked = dict(zip(lines["company_name"], lines["unconfirmed"], strict=True))
    assert marked == {"Waiting Oy": True, "Confirmed Oy": False}
    only = commissions.week_lines(session, cast.finance, week, unconfirmed_only=True)
    assert list(only["company_name"]) == ["Waiting Oy"]
