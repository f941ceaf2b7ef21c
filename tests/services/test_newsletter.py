"""Issue 20, the Newsletter subscription with a provable consent: asked for when a deal enters the stage (or
later), a double opt-in email in the contact's language through the contact outbox and a real SMTP server, the
one-time link confirms within 7 days, unsubscribe is recorded, every step is in the deal's history, and the
confirmed subscriptions export as CSV (both databases)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
import sqlalchemy as sa

from partner_model import contact_mail, deals, newsletter, newsletter_queries, partners
from partner_model.errors import Conflict, NotFound, PermissionDenied, ValidationError
from partner_model.models import ContactEmail, MailState, NewsletterConsent, utcnow
from tests.smtp_inbox import body

SUBSCRIPTION = {"contact_name": "Kaisa Kestrel", "contact_email": "kaisa@kestrel.fi", "language": "fi",
                "contact_agreed": True}


def _to_newsletter(session, cast, factory, **subscription):  # type: ignore[no-untyped-def]
    deal = factory.accepted_deal(cast.acme_user, cast.manager, company_name="Kestrel Oy")
    return deals.move_deal(session, cast.acme_user, deal.id, stage="newsletter",
                           subscription={**SUBSCRIPTION, **subscription})


def _token(message, kind: str) -> str:  # type: ignore[no-untyped-def]
    return re.search(rf"/newsletter/{kind}\?token=([\w-]+)", body(message)).group(1)  # type: ignore[union-attr]


def test_entering_the_stage_sends_a_double_opt_in_in_the_contacts_language(engine, session, cast, factory, smtp):
    moved = _to_newsletter(session, cast, factory)
    consent = newsletter.consent_for_deal(session, cast.acme_user, moved.id)
    assert consent.state == "waiting" and consent.requested_by == cast.acme_user.id
    assert consent.expires_at - consent.requested_at == dt.timedelta(days=7)
    assert contact_mail.send_due(engine).sent == 1
    [message] = smtp.to("kaisa@kestrel.fi")
    assert "uutiskirje" in message["Subject"].lower()  # Finnish
    text = body(message)
    assert "Kaisa Kestrel" in text and "https://dashboard.vendor.example/newsletter/confirm?token=" in text
    assert "https://dashboard.vendor.example/newsletter/unsubscribe?token=" in text  # in every such email
    stored = session.execute(sa.select(ContactEmail)).scalar_one()
    assert stored.mail_state == MailState.sent and "token" not in stored.params  # the links live only in the email
    row = session.execute(sa.select(NewsletterConsent)).scalar_one()
    assert _token(message, "confirm") not in (row.confirm_hash, row.unsubscribe_hash)  # kept hashed only


def test_the_link_confirms_once_within_7_days_and_the_history_says_so(engine, session, cast, factory, smtp):
    moved = _to_newsletter(session, cast, factory)
    contact_mail.send_due(engine)
    token = _token(smtp.to("kaisa@kestrel.fi")[0], "confirm")
    assert newsletter.peek(session, "confirm", token).state == "waiting"  # the page before the button
    done = newsletter.confirm(session, token)
    assert done.state == "confirmed" and done.link_used_at == done.confirmed_at
    again = newsletter.confirm(session, token)
    assert again.confirmed_at == done.confirmed_at  # used again: nothing changes
    steps = [(e.from_value, e.to_value) for e in deals.history(session, cast.manager, moved.id)
             if e.kind == "newsletter"]
    assert steps == [(None, "waiting"), ("waiting", "confirmed")]
    assert newsletter_queries.stage_summary(session, cast.manager)["confirmed"] == 1


def test_a_link_used_after_7_days_is_recorded_but_does_not_confirm(engine, session, cast, factory, smtp):
    moved = _to_newsletter(session, cast, factory)
    contact_mail.send_due(engine)
    token = _token(smtp.to("kaisa@kestrel.fi")[0], "confirm")
    late = utcnow() + dt.timedelta(days=7, minutes=1)
    used = newsletter.confirm(session, token, now=late)
    assert used.state == "expired" and used.confirmed_at is None and used.link_used_at is not None
    assert newsletter_queries.stage_summary(session, cast.manager, now=late)["expired"] == 1
    again = deals.get_deal(session, cast.acme_user, moved.id)  # asked again: a new link, the old one replaced
    newsletter.request_subscription(session, cast.acme_user, moved.id, expected_version=again.version,
                                    **SUBSCRIPTION)
    assert newsletter.peek(session, "confirm", token).state == "replaced"


def test_unsubscribe_is_recorded(engine, session, cast, factory, smtp):
    moved = _to_newsletter(session, cast, factory)
    contact_mail.send_due(engine)
    message = smtp.to("kaisa@kestrel.fi")[0]
    newsletter.confirm(session, _token(message, "confirm"))
    left = newsletter.unsubscribe(session, _token(message, "unsubscribe"))
    assert left.state == "unsubscribed" and left.unsubscribed_at is not None
    assert [e.to_value for e in deals.history(session, cast.manager, moved.id) if e.kind == "newsletter"][-1] \
        == "unsubscribed"
    assert newsletter_queries.confirmed_subscriptions(session, cast.manager)[1] == 0


@pytest.mark.parametrize(("field", "value"), [
    ("contact_name", "  "), ("contact_email", "not an address"), ("language", "xx"), ("contact_agreed", False)])
def test_a_bad_subscription_names_its_field_and_nothing_moves_or_is_sent(session, cast, factory, field, value):
    deal = factory.accepted_deal(cast.acme_user, cast.manager)
    with pytest.raises(ValidationError) as err:
        deals.move_deal(session, cast.acme_user, deal.id, stage="newsletter", subscription={**SUBSCRIPTION,
                                                                                          field: value})
    assert err.value.field == field
    assert deals.get_deal(session, cast.acme_user, deal.id).stage == "new"
    assert session.execute(sa.select(sa.func.count()).select_from(ContactEmail)).scalar_one() == 0


def test_the_rules_around_asking(session, cast, factory):
    deal = factory.accepted_deal(cast.acme_user, cast.manager)
    with pytest.raises(ValidationError) as err:  # only when entering Newsletter
        deals.move_deal(session, cast.acme_user, deal.id, stage="trial", subscription=SUBSCRIPTION)
    assert err.value.field == "subscription"
    with pytest.raises(ValidationError) as err:  # asked later: the deal must be in the stage
        newsletter.request_subscription(session, cast.acme_user, deal.id, **SUBSCRIPTION)
    assert err.value.field == "stage"
    moved = deals.move_deal(session, cast.acme_user, deal.id, stage="newsletter")  # without asking: allowed
    assert newsletter.consent_for_deal(session, cast.acme_user, moved.id) is None
    assert newsletter_queries.stage_summary(session, cast.acme_user)["none"] == 1
    with pytest.raises(NotFound):
        newsletter.request_subscription(session, cast.beta_user, deal.id, **SUBSCRIPTION)
    with pytest.raises(PermissionDenied):
        newsletter.request_subscription(session, cast.finance, deal.id, **SUBSCRIPTION)
    with pytest.raises(Conflict):  # asked on an out-of-date view
        newsletter.request_subscription(session, cast.acme_user, deal.id, expected_version=moved.version - 1,
                                        **SUBSCRIPTION)
    with pytest.raises(NotFound):
        newsletter.confirm(session, "x" * 43)


def test_a_confirmed_address_is_not_asked_twice(session, cast, factory, smtp, engine):
    moved = _to_newsletter(session, cast, factory)
    contact_mail.send_due(engine)
    newsletter.confirm(session, _token(smtp.to("kaisa@kestrel.fi")[0], "confirm"))
    with pytest.raises(Conflict):
        newsletter.request_subscription(session, cast.acme_user, moved.id, **SUBSCRIPTION)


def test_the_confirmed_subscriptions_export_as_csv_safe_for_a_spreadsheet(engine, session, cast, factory, smtp):
    partners.set_manager(session, cast.admin, cast.acme.id, cast.manager.id)
    _to_newsletter(session, cast, factory, contact_name="=HYPERLINK(\"x\")")
    contact_mail.send_due(engine)
    newsletter.confirm(session, _token(smtp.to("kaisa@kestrel.fi")[0], "confirm"))
    rows = list(csv.reader(io.StringIO(newsletter_queries.subscriptions_csv(session, cast.manager)
                                       .decode("utf-8-sig"))))
    assert rows[0] == ["Email", "Name", "Language", "Confirmed (UTC)", "Company", "Partner"]
    assert rows[1][:3] == ["kaisa@kestrel.fi", "'=HYPERLINK(\"x\")", "fi"] and rows[1][4:] == [
        "Kestrel Oy", cast.acme.name]
    with pytest.raises(PermissionDenied):
        newsletter_queries.subscriptions_csv(session, cast.acme_user)


def test_the_stage_summary_counts_each_partners_own_and_a_managers_partners(session, cast, factory):
    partners.set_manager(session, cast.admin, cast.acme.id, cast.manager.id)
    _to_newsletter(session, cast, factory)  # Acme: asked, waiting
    beta = factory.accepted_deal(cast.beta_user, cast.manager)
    deals.move_deal(session, cast.beta_user, beta.id, stage="newsletter")  # Beta: never asked
    denied = factory.deal(cast.beta_user)
    deals.review_deal(session, cast.manager, denied.id, accept=False, reason="duplicate")
    assert newsletter_queries.stage_summary(session, cast.acme_user) == {
        "confirmed": 0, "waiting": 1, "expired": 0, "unsubscribed": 0, "none": 0}
    assert newsletter_queries.stage_summary(session, cast.beta_user)["none"] == 1
    everyone = newsletter_queries.stage_summary(session, cast.admin)
    assert (everyone["waiting"], everyone["none"]) == (1, 1)
    mine = newsletter_queries.stage_summary(session, cast.manager, manager_id=cast.manager.id)
    assert (mine["waiting"], mine["none"]) == (1, 0)
    with pytest.raises(PermissionDenied):
        newsletter_queries.stage_summary(session, cast.acme_user, partner_id=cast.beta.id)


def test_a_refused_contact_email_is_retried_later_and_sent_once(engine, session, cast, factory, smtp):
    _to_newsletter(session, cast, factory)
    smtp.refuse = 1  # the server answers 451 once
    first = contact_mail.send_due(engine)
    assert (first.sent, first.retried) == (0, 1)
    row = session.execute(sa.select(ContactEmail)).scalar_one()
    session.refresh(row)
    assert row.mail_state == MailState.pending and row.attempts == 1 and "451" in row.last_error
    assert contact_mail.send_due(engine).sent == 0  # not due yet: it waits a minute
    later = contact_mail.send_due(engine, now=utcnow() + dt.timedelta(minutes=2))
    assert later.sent == 1 and len(smtp.to("kaisa@kestrel.fi")) == 1
    assert contact_mail.send_due(engine, now=utcnow() + dt.timedelta(minutes=5)).sent == 0  # never twice
