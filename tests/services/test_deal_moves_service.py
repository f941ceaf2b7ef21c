"""deals.move_deal, add_note and history (PRODUCT.md section 3, issue 2 "Stages")."""

from __future__ import annotations

import pytest
from sqlmodel import select

from factories import counts
from partner_model import customers, deals
from partner_model.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationError
from partner_model.models import BillingOption, Customer, EventRead, NoteRead, Stage


def _unchanged(session, cast, deal, before_counts):  # type: ignore[no-untyped-def]
    """Nothing written: no new rows and the deal as it was."""
    assert counts(session) == before_counts
    now = deals.get_deal(session, cast.admin, deal.id)
    assert (now.stage, now.review_status, now.version, now.billing_option) == (
        deal.stage, deal.review_status, deal.version, deal.billing_option)


def _refused(session, cast, actor, deal, errors=ValidationError, **move):  # type: ignore[no-untyped-def]
    before = counts(session)
    with pytest.raises(errors) as err:
        deals.move_deal(session, actor, deal.id, **move)
    assert str(err.value).strip()
    _unchanged(session, cast, deal, before)
    return err.value


# --- open stages ------------------------------------------------------------------------------


def test_a_partner_moves_its_deal_through_the_open_stages_in_any_order(session, cast, make_deal):
    deal = make_deal(cast.acme_user)
    version = deal.version
    for stage in ("newsletter", "new", "trial", "newsletter", "new"):
        moved = deals.move_deal(session, cast.acme_user, deal.id, stage=stage)
        assert moved.stage == stage
        assert moved.version > version
        version = moved.version


def test_a_pending_deal_can_move_between_open_stages(session, cast, make_deal):
    deal = make_deal(cast.acme_user)
    assert deals.move_deal(session, cast.acme_user, deal.id, stage=Stage.newsletter).stage == Stage.newsletter


def test_an_unknown_stage_is_refused(session, cast, make_deal):
    deal = make_deal(cast.acme_user)
    err = _refused(session, cast, cast.acme_user, deal, stage="won")
    assert err.field == "stage"


def test_staff_move_any_partners_deal(session, cast, make_deal):
    deal = make_deal(cast.acme_user)
    assert deals.move_deal(session, cast.manager, deal.id, stage="newsletter").stage == "newsletter"


# --- closed won ------------------------------------------------------------------------------


@pytest.mark.parametrize("option", list(BillingOption))
def test_an_accepted_deal_with_a_billing_option_closes_won(session, cast, factory, option):
    deal = factory.accepted_deal(cast.acme_user, cast.manager)
    won = deals.move_deal(session, cast.acme_user, deal.id, stage="closed_won", billing_option=option.value)
    assert won.stage == "closed_won"
    assert won.billing_option == option
    assert won.won_on is not None


def test_a_pending_deal_cannot_close_won(session, cast, make_deal):
    deal = make_deal(cast.acme_user)
    err = _refused(session, cast, cast.acme_user, deal, stage="closed_won", billing_option="invoice")
    assert err.field == "review_status"


def test_closing_won_needs_a_billing_option(session, cast, factory):
    deal = factory.accepted_deal(cast.acme_user, cast.manager)
    err = _refused(session, cast, cast.acme_user, deal, stage="closed_won")
    assert err.field == "billing_option"


def test_an_unknown_billing_option_is_refused(session, cast, factory):
    deal = factory.accepted_deal(cast.acme_user, cast.manager)
    err = _refused(session, cast, cast.acme_user, deal, stage="closed_won", billing_option="cash")
    assert err.field == "billing_option"


# --- closed lost -----------------------------------------------------------------------------


@pytest.mark.parametrize("note", [None, "", "   "])
def test_closing_lost_needs_a_note(session, cast, make_deal, note):
    deal = make_deal(cast.acme_user)
    err = _refused(session, cast, cast.acme_user, deal, stage="closed_lost", note=note)
    assert err.field == "note"


def test_a_deal_closes_lost_with_a_note_kept_on_the_card(session, cast, make_deal):
    deal = make_deal(cast.acme_user)
    lost = deals.move_deal(session, cast.acme_user, deal.id, stage="closed_lost", note="No budget before 2027")
    assert lost.stage == "closed_lost"
    notes = deals.notes(session, cast.acme_user, deal.id)
    assert [n.body for n in notes] == ["No budget before 2027"]


# --- denied and closed deals ------------------------------------------------------------------


@pytest.mark.parametrize("target", list(Stage))
def test_a_denied_deal_does_not_move(session, cast, make_deal, target):
    deal = make_deal(cast.acme_user)
    deal = deals.review_deal(session, cast.manager, deal.id, accept=False, reason="invalid_lead")
    for actor in (cast.acme_user, cast.manager, cast.admin):
        _refused(session, cast, actor, deal, stage=target.value, billing_option="invoice", note="a note")


@pytest.mark.parametrize("closed", ["closed_won", "closed_lost"])
@pytest.mark.parametrize("target", ["new", "newsletter", "trial"])
def test_only_staff_reopen_a_closed_deal(session, cast, factory, closed, target):
    deal = factory.accepted_deal(cast.acme_user, cast.manager)
    deal = deals.move_deal(session, cast.acme_user, deal.id, stage=closed, billing_option="invoice",
                           note="Closing note")
    for partner_actor in (cast.acme_user, cast.acme_admin):
        _refused(session, cast, partner_actor, deal, stage=target)
    reopened = deals.move_deal(session, cast.manager, deal.id, stage=target, note="Reopened by staff.")
    assert reopened.stage == target


def test_a_partner_cannot_switch_a_won_deal_to_lost(session, cast, factory):
    deal = factory.won_deal(cast.acme_user, cast.manager)
    _refused(session, cast, cast.acme_user, deal, stage="closed_lost", note="Changed my mind")


def test_moving_to_the_same_stage_changes_nothing(session, cast, make_deal):
    deal = make_deal(cast.acme_user)
    before = counts(session)
    try:
        deals.move_deal(session, cast.acme_user, deal.id, stage="new")
    except ValidationError:
        _unchanged(session, cast, deal, before)
        return
    assert counts(session)["deal"] == before["deal"]


# --- trial ----------------------------------------------------------------------------------


def test_entering_trial_creates_a_trial_account_linked_to_the_deal_and_partner(session, cast, make_deal):
    deal = make_deal(cast.acme_user, domain="trial-now.fi", company_name="Trial Now Oy")
    moved = deals.move_deal(session, cast.acme_user, deal.id, stage="trial")
    assert moved.stage == "trial"
    assert moved.customer_id is not None
    account = customers.get_customer(session, cast.acme_user, moved.customer_id)
    assert account.domain == "trial-now.fi"
    assert account.partner_id == cast.acme.id
    assert account.state == "trial"
    frame, total = customers.customer_overview(session, cast.acme_user, search="trial-now.fi")
    assert list(frame["customer_id"]) == [moved.customer_id] and total == 1


def test_entering_trial_links_the_existing_trial_account(session, cast, make_deal, make_trial):
    trial = make_trial(cast.acme_user, domain="has-trial.se")
    deal = make_deal(cast.acme_user, domain="has-trial.se")
    before = counts(session)["customer"]
    moved = deals.move_deal(session, cast.acme_user, deal.id, stage="trial")
    assert moved.customer_id == trial.id
    assert counts(session)["customer"] == before


def test_entering_trial_twice_does_not_create_a_second_account(session, cast, make_deal):
    deal = make_deal(cast.acme_user, domain="twice.de")
    first = deals.move_deal(session, cast.acme_user, deal.id, stage="trial")
    deals.move_deal(session, cast.acme_user, deal.id, stage="newsletter")
    second = deals.move_deal(session, cast.acme_user, deal.id, stage="trial")
    assert second.customer_id == first.customer_id
    assert len(session.exec(select(Customer).where(Customer.domain == "twice.de")).all()) == 1


def test_a_refused_trial_move_writes_nothing_even_with_a_billing_option(session, cast, make_deal, make_trial):
    """The domain's account belongs to another partner: whatever the service decides, a refusal leaves no trace
    (no billing event, no half-changed deal) in the caller's session."""
    make_trial(cast.beta_user, domain="beta-owns.nl")
    deal = make_deal(cast.acme_user, domain="beta-owns.nl")
    before = counts(session)
    try:
        moved = deals.move_deal(session, cast.acme_user, deal.id, stage="trial", billing_option="via_partner")
    except DomainError:
        _unchanged(session, cast, deal, before)
    else:
        account = session.get(Customer, moved.customer_id)
        assert account.partner_id == cast.beta.id, "another partner's account must not be taken over"


# --- optimistic locking ------------------------------------------------------------------------


def test_a_move_with_a_stale_expected_version_is_a_conflict(session, cast, make_deal):
    deal = make_deal(cast.acme_user)
    moved = deals.move_deal(session, cast.acme_user, deal.id, stage="newsletter", expected_version=deal.version)
    before = counts(session)
    with pytest.raises(Conflict):
        deals.move_deal(session, cast.manager, deal.id, stage="trial", expected_version=deal.version)
    _unchanged(session, cast, moved, before)
    assert deals.move_deal(session, cast.manager, deal.id, stage="trial",
                           expected_version=moved.version).stage == "trial"


# --- other partners ---------------------------------------------------------------------------


def test_a_partner_cannot_move_another_partners_deal(session, cast, make_deal):
    deal = make_deal(cast.beta_user)
    _refused(session, cast, cast.acme_user, deal, errors=(NotFound, PermissionDenied), stage="newsletter")


def test_a_partner_cannot_see_another_partners_deal_or_its_history_or_notes(session, cast, make_deal):
    deal = make_deal(cast.beta_user)
    for call in (lambda: deals.history(session, cast.acme_user, deal.id),
                 lambda: deals.get_deal(session, cast.acme_user, deal.id),
                 lambda: deals.notes(session, cast.acme_user, deal.id)):
        with pytest.raises((NotFound, PermissionDenied)):
            call()
    before = counts(session)
    with pytest.raises((NotFound, PermissionDenied)):
        deals.add_note(session, cast.acme_user, deal.id, "Peeking")
    assert counts(session) == before


# --- notes and history -----------------------------------------------------------------------


def test_a_note_has_its_author_and_time(session, cast, make_deal):
    deal = make_deal(cast.acme_user)
    note = deals.add_note(session, cast.acme_user, deal.id, "Demo booked for Tuesday")
    assert isinstance(note, NoteRead)
    assert (note.body, note.author_id, note.deal_id) == ("Demo booked for Tuesday", cast.acme_user.id, deal.id)
    assert note.at is not None
    staff_note = deals.add_note(session, cast.manager, deal.id, "Looks good")
    assert staff_note.author_id == cast.manager.id


@pytest.mark.parametrize("body", ["", "   ", None])
def test_a_blank_note_is_refused(session, cast, make_deal, body):
    deal = make_deal(cast.acme_user)
    before = counts(session)
    with pytest.raises(ValidationError):
        deals.add_note(session, cast.acme_user, deal.id, body)
    assert counts(session) == before


def test_every_change_writes_an_event_with_who_what_when_from_and_to(session, cast, factory):
    deal = factory.deal(cast.acme_user)
    steps = [
        (cast.acme_user, lambda: None),  # the registration itself
        (cast.manager, lambda: deals.review_deal(session, cast.manager, deal.id, accept=True)),
        (cast.acme_user, lambda: deals.move_deal(session, cast.acme_user, deal.id, stage="newsletter")),
        (cast.acme_user, lambda: deals.add_note(session, cast.acme_user, deal.id, "Follow the newsletter")),
        (cast.acme_user, lambda: deals.move_deal(session, cast.acme_user, deal.id, stage="trial")),
        (cast.acme_user, lambda: deals.move_deal(session, cast.acme_user, deal.id, stage="closed_won",
                                                 billing_option="credit_card")),
        (cast.manager, lambda: deals.move_deal(session, cast.manager, deal.id, stage="trial",
                                               note="Reopened: a longer trial first.")),
    ]
    seen = 0
    for actor, step in steps:
        step()
        events = deals.history(session, cast.acme_user, deal.id)
        assert len(events) > seen, "each change adds at least one event"
        assert all(isinstance(e, EventRead) for e in events)
        new = events[seen:]
        assert all(e.actor_id == actor.id and e.at is not None and e.kind for e in new)
        seen = len(events)
    events = deals.history(session, cast.manager, deal.id)
    moves = [(e.from_value, e.to_value) for e in events if e.from_value in {s.value for s in Stage}
             and e.to_value in {s.value for s in Stage}]
    assert moves == [("new", "newsletter"), ("newsletter", "trial"), ("trial", "closed_won"),
                     ("closed_won", "trial")]
    billing = [e for e in events if e.to_value == "credit_card"]
    assert len(billing) == 1, "choosing the billing option is a billing change in the history"
    assert [e.at for e in events] == sorted(e.at for e in events)


def test_a_refused_move_writes_no_event(session, cast, make_deal):
    deal = make_deal(cast.acme_user)
    before = len(deals.history(session, cast.acme_user, deal.id))
    with pytest.raises(ValidationError):
        deals.move_deal(session, cast.acme_user, deal.id, stage="closed_lost")
    assert len(deals.history(session, cast.acme_user, deal.id)) == before


# --- concurrent writers ------------------------------------------------------------------------


def test_two_people_moving_the_same_deal_at_once_the_second_gets_a_conflict(engine, session, cast, make_deal):
    """Two requests, each with its own session, both read version v; the first moves the deal. The second
    then writes with expected_version=v: the row changed since it was read, so it must be a Conflict, not a
    silent overwrite of the first person's move."""
    from partner_model import db
    from partner_model.models import Deal

    deal = make_deal(cast.acme_user)
    with db.session(engine) as first, db.session(engine) as second:
        read_by_second = second.get(Deal, deal.id)  # the second request has read the deal (version v) ...
        deals.move_deal(first, cast.acme_user, deal.id, stage="newsletter", expected_version=deal.version)
        with pytest.raises(Conflict):  # ... and writes after the first one committed
            deals.move_deal(second, cast.manager, deal.id, stage="trial", expected_version=deal.version)
        assert read_by_second is not None  # held, as a request in flight holds what it read
    with db.session(engine) as fresh:
        assert deals.get_deal(fresh, cast.admin, deal.id).stage == "newsletter"


def test_two_reviewers_at_once_the_second_gets_a_conflict(engine, session, cast, make_deal):
    """Two reviewers open the same pending deal; the first accepts. The second's deny must be a Conflict
    (already reviewed), not a second review that overwrites the first."""
    from partner_model import db
    from partner_model.models import Deal

    deal = make_deal(cast.acme_user)
    with db.session(engine) as first, db.session(engine) as second:
        read_by_second = second.get(Deal, deal.id)
        deals.review_deal(first, cast.manager, deal.id, accept=True)
        with pytest.raises(Conflict):
            deals.review_deal(second, cast.admin, deal.id, accept=False, reason="duplicate")
        assert read_by_second is not None
    with db.session(engine) as fresh:
        assert deals.get_deal(fresh, cast.admin, deal.id).review_status == "accepted"
