"""deals.review_deal, review_hints and review_queue (PRODUCT.md section 2, issue 2 "Review")."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from factories import counts
from partner_model import clock, deals
from partner_model.errors import Conflict, NotFound, PermissionDenied, ValidationError
from partner_model.models import DenialReason, ReviewStatus


def _ids(frame: pd.DataFrame) -> list[int]:
    column = "deal_id" if "deal_id" in frame.columns else "id"
    return [int(v) for v in frame[column]]


# --- review ------------------------------------------------------------------------------------


@pytest.mark.parametrize("reviewer", ["manager", "admin"])
def test_a_partner_manager_or_admin_accepts_a_pending_deal(session, cast, make_deal, reviewer):
    deal = make_deal(cast.acme_user)
    reviewed = deals.review_deal(session, getattr(cast, reviewer), deal.id, accept=True)
    assert reviewed.review_status == ReviewStatus.accepted and reviewed.review_status == "accepted"
    assert reviewed.version > deal.version
    assert reviewed.stage == deal.stage


@pytest.mark.parametrize("reason", list(DenialReason))
def test_a_deal_is_denied_with_a_reason(session, cast, make_deal, reason):
    deal = make_deal(cast.acme_user)
    denied = deals.review_deal(session, cast.manager, deal.id, accept=False, reason=reason.value)
    assert denied.review_status == "denied"
    assert deals.get_deal(session, cast.manager, deal.id).review_status == ReviewStatus.denied


def test_denial_reason_may_be_given_as_the_enum(session, cast, make_deal):
    deal = make_deal(cast.acme_user)
    assert deals.review_deal(session, cast.manager, deal.id, accept=False,
                             reason=DenialReason.duplicate).review_status == "denied"


@pytest.mark.parametrize("reason", [None, "", "   ", "because"])
def test_deny_needs_a_valid_reason_and_nothing_is_written(session, cast, make_deal, reason):
    deal = make_deal(cast.acme_user)
    before = counts(session)
    with pytest.raises(ValidationError) as err:
        deals.review_deal(session, cast.manager, deal.id, accept=False, reason=reason)
    assert err.value.field == "reason"
    assert counts(session) == before
    assert deals.get_deal(session, cast.manager, deal.id).review_status == "pending"


@pytest.mark.parametrize("role", ["partner_user", "partner_admin", "finance"])
def test_only_partner_managers_and_admins_review(session, cast, make_deal, make_user, role):
    deal = make_deal(cast.acme_user)
    actor = make_user(role=role, partner=cast.acme)
    before = counts(session)
    with pytest.raises(PermissionDenied):
        deals.review_deal(session, actor, deal.id, accept=True)
    assert counts(session) == before
    after = deals.get_deal(session, cast.manager, deal.id)
    assert (after.review_status, after.version) == ("pending", deal.version)


@pytest.mark.parametrize(("first", "second"), [(True, True), (True, False), (False, True), (False, False)])
def test_a_second_review_is_a_conflict(session, cast, make_deal, first, second):
    deal = make_deal(cast.acme_user)
    done = deals.review_deal(session, cast.manager, deal.id, accept=first, reason=None if first else "invalid_lead")
    before = counts(session)
    with pytest.raises(Conflict):
        deals.review_deal(session, cast.admin, deal.id, accept=second, reason=None if second else "other")
    assert counts(session) == before
    after = deals.get_deal(session, cast.manager, deal.id)
    assert (after.review_status, after.version) == (done.review_status, done.version)


def test_review_with_a_stale_expected_version_is_a_conflict(session, cast, make_deal):
    deal = make_deal(cast.acme_user)
    deals.add_note(session, cast.acme_user, deal.id, "Called them")  # may or may not bump the version
    moved = deals.move_deal(session, cast.acme_user, deal.id, stage="newsletter")  # a change: the version moves
    assert moved.version != deal.version
    before = counts(session)
    with pytest.raises(Conflict):
        deals.review_deal(session, cast.manager, deal.id, accept=True, expected_version=deal.version)
    assert counts(session) == before
    assert deals.get_deal(session, cast.manager, deal.id).review_status == "pending"
    ok = deals.review_deal(session, cast.manager, deal.id, accept=True, expected_version=moved.version)
    assert ok.review_status == "accepted"


def test_a_review_is_written_to_the_history(session, cast, make_deal):
    deal = make_deal(cast.acme_user)
    before = deals.history(session, cast.acme_user, deal.id)
    deals.review_deal(session, cast.manager, deal.id, accept=False, reason="existing_customer")
    after = deals.history(session, cast.acme_user, deal.id)
    new = after[len(before):]
    assert new, "the review must add an event"
    review = new[0]
    assert review.actor_id == cast.manager.id and review.at is not None
    assert "pending" in (review.from_value or "")
    assert "denied" in (review.to_value or "")


def test_reviewing_a_deal_that_does_not_exist_is_not_found(session, cast):
    with pytest.raises(NotFound):
        deals.review_deal(session, cast.manager, 999_999, accept=True)


# --- review hints ------------------------------------------------------------------------------


def test_a_plain_new_deal_has_no_hints(session, cast, make_deal):
    deal = make_deal(cast.acme_user)
    assert deals.review_hints(session, cast.manager, deal.id) == []


def test_hint_existing_customer_when_the_domain_has_an_account(session, cast, make_deal, make_trial):
    make_trial(cast.beta_user, domain="already-customer.fi")
    deal = make_deal(cast.acme_user, domain="already-customer.fi")
    assert "existing_customer" in deals.review_hints(session, cast.manager, deal.id)


def test_hint_other_partner_open_deal_when_another_partner_has_an_accepted_open_deal(session, cast, factory):
    factory.accepted_deal(cast.beta_user, cast.manager, domain="contested.se")
    deal = factory.deal(cast.acme_user, domain="contested.se")
    hints = deals.review_hints(session, cast.manager, deal.id)
    assert "other_partner_open_deal" in hints
    assert "registered_before" not in hints  # another partner registered it, not this one


def test_no_other_partner_hint_for_a_denied_or_lost_deal_or_the_same_partner(session, cast, factory):
    denied = factory.deal(cast.beta_user, domain="quiet.se")
    deals.review_deal(session, cast.manager, denied.id, accept=False, reason="invalid_lead")
    lost = factory.accepted_deal(cast.beta_user, cast.manager, domain="quiet.se")
    deals.move_deal(session, cast.beta_user, lost.id, stage="closed_lost", note="No budget this year")
    deal = factory.deal(cast.acme_user, domain="quiet.se")
    assert "other_partner_open_deal" not in deals.review_hints(session, cast.manager, deal.id)


@pytest.mark.parametrize("free", ["gmail.com", "outlook.com", "hotmail.com", "yahoo.com"])
def test_hint_free_mail_for_a_free_mail_domain(session, cast, make_deal, free):
    deal = make_deal(cast.acme_user, contact_email=f"someone@{free}", customer_domain=f"firm-of-someone-{free}")
    assert "free_mail" in deals.review_hints(session, cast.manager, deal.id)


def test_hint_registered_before_when_the_same_partner_registered_the_domain_earlier(session, cast, make_deal):
    first = make_deal(cast.acme_user, domain="again.nl")
    second = make_deal(cast.acme_user, domain="again.nl")
    assert "registered_before" not in deals.review_hints(session, cast.manager, first.id)
    assert "registered_before" in deals.review_hints(session, cast.manager, second.id)


def test_hints_are_codes_from_the_contract(session, cast, factory):
    factory.accepted_deal(cast.beta_user, cast.manager, contact_email="x@gmail.com", customer_domain="samecorp.fi")
    factory.deal(cast.acme_user, contact_email="y@gmail.com", customer_domain="samecorp.fi")
    deal = factory.deal(cast.acme_user, contact_email="z@gmail.com", customer_domain="samecorp.fi")
    hints = deals.review_hints(session, cast.manager, deal.id)
    assert set(hints) <= {"existing_customer", "other_partner_open_deal", "free_mail", "registered_before"}
    assert {"other_partner_open_deal", "free_mail", "registered_before"} <= set(hints)
    assert len(hints) == len(set(hints))


def test_a_partner_cannot_read_hints_about_another_partners_deal(session, cast, make_deal):
    deal = make_deal(cast.beta_user)
    with pytest.raises((PermissionDenied, NotFound)):
        deals.review_hints(session, cast.acme_user, deal.id)


# --- review queue ------------------------------------------------------------------------------


def test_the_review_queue_lists_pending_deals_oldest_first(session, cast, make_deal):
    today = clock.today()
    middle = make_deal(cast.acme_user, today=today - dt.timedelta(days=2))
    newest = make_deal(cast.beta_user, today=today)
    oldest = make_deal(cast.acme_user, today=today - dt.timedelta(days=5))
    accepted = make_deal(cast.acme_user, today=today - dt.timedelta(days=9))
    deals.review_deal(session, cast.manager, accepted.id, accept=True)
    denied = make_deal(cast.beta_user, today=today - dt.timedelta(days=9))
    deals.review_deal(session, cast.manager, denied.id, accept=False, reason="other")
    frame, total = deals.review_queue(session, cast.manager)
    assert isinstance(frame, pd.DataFrame)
    assert _ids(frame) == [oldest.id, middle.id, newest.id]
    assert total == 3


def test_the_review_queue_pages_with_a_full_total(session, cast, make_deal):
    today = clock.today()
    made = [make_deal(cast.acme_user, today=today - dt.timedelta(days=10 - i)) for i in range(5)]
    first, total = deals.review_queue(session, cast.admin, limit=2, offset=0)
    rest, total2 = deals.review_queue(session, cast.admin, limit=10, offset=2)
    assert total == total2 == 5
    assert _ids(first) + _ids(rest) == [d.id for d in made]


def test_a_reviewed_deal_leaves_the_queue(session, cast, make_deal):
    deal = make_deal(cast.acme_user)
    assert _ids(deals.review_queue(session, cast.manager)[0]) == [deal.id]
    deals.review_deal(session, cast.manager, deal.id, accept=True)
    frame, total = deals.review_queue(session, cast.manager)
    assert frame.empty and total == 0


def test_a_partner_never_sees_another_partners_deals_in_the_review_queue(session, cast, make_deal):
    make_deal(cast.beta_user)
    mine = make_deal(cast.acme_user)
    try:
        frame, total = deals.review_queue(session, cast.acme_user)
    except PermissionDenied:
        return
    assert _ids(frame) == [mine.id] and total == 1
