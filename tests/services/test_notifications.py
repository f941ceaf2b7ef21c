"""Issue 16: notifications written with the change (a transactional outbox), sent over a real SMTP server
(aiosmtpd on a free local port) in each recipient's language, retried, never twice; the daily job raises the
date-driven reminders once a day and only one run works at a time (both databases)."""

from __future__ import annotations

import datetime as dt
import threading
import time
from email.message import Message

import pytest
import sqlalchemy as sa

from partner_model import clock, commissions, customers, daily, db, deals, mailer, notifications, rules, team, users
from partner_model.errors import ValidationError
from partner_model.models import MailState, Notification, User


def _body(message: Message) -> str:
    plain = message.get_body(preferencelist=("plain",))
    return plain.get_content() if plain is not None else ""


def _rows(session, **where) -> list[Notification]:  # type: ignore[no-untyped-def]
    query = sa.select(Notification).where(*(getattr(Notification, k) == v for k, v in where.items()))
    return list(session.execute(query.order_by(Notification.id)).scalars())


def test_a_decision_reaches_the_partners_users_at_once_in_their_language(engine, session, cast, factory, smtp):
    users.set_language(session, cast.acme_user, "fi")
    deal = factory.deal(cast.acme_user, contact_email="kaisa@kestrel.fi", company_name="Kestrel Oy")
    deals.review_deal(session, cast.manager, deal.id, accept=True)
    result = mailer.send_due(engine)
    assert result.sent >= 2
    finnish = smtp.to(cast.acme_user.email)
    assert [m["Subject"] for m in finnish] == ["Rekisteröinti hyväksytty: Kestrel Oy"]
    assert "https://dashboard.vendor.example/deal_board?deal=" in _body(finnish[0])
    assert "https://dashboard.vendor.example/inbox" in _body(finnish[0]), "why, and where the preferences are"
    english = smtp.to(cast.acme_admin.email)
    assert [m["Subject"] for m in english] == ["Registration accepted: Kestrel Oy"]
    assert {p.get_content_type() for p in english[0].walk()} >= {"text/plain", "text/html"}
    assert mailer.send_due(engine).sent == 0, "sent once"


def test_a_denial_says_the_reason_in_words_for_the_partner_and_the_note(engine, session, cast, factory, smtp):
    deal = factory.deal(cast.acme_user, company_name="Nope Oy")
    deals.review_deal(session, cast.manager, deal.id, accept=False, reason="duplicate", note="Beta was first.")
    mailer.send_due(engine)
    body = _body(smtp.to(cast.acme_user.email)[0])
    assert "another partner registered this customer first" in body and "Beta was first." in body


def test_a_registration_waits_in_the_managers_inbox_and_daily_digest(engine, session, cast, factory, smtp):
    deal = factory.deal(cast.acme_user, company_name="Digest Oy")
    waiting = _rows(session, user_id=cast.manager.id, kind="registration_submitted")
    assert len(waiting) == 0, "the partner has no manager: its admins hear of it"
    admins = _rows(session, kind="registration_submitted")
    assert {r.user_id for r in admins} == {cast.admin.id}
    frame, total = notifications.inbox(session, cast.admin)
    assert total == 1 and frame.iloc[0]["link"] == f"deal={deal.id}" and notifications.unread_count(session,
                                                                                                     cast.admin) == 1
    assert mailer.send_due(engine).sent == 0, "a digest, not at once"
    assert mailer.send_digests(engine).sent == 1
    assert "Digest Oy" in _body(smtp.to(cast.admin.email)[0])
    notifications.mark_read(session, cast.admin)
    assert notifications.unread_count(session, cast.admin) == 0


def test_nothing_is_written_or_sent_for_a_change_that_rolled_back(engine, session, cast, smtp):
    with pytest.raises(ValidationError):
        deals.register_deal(session, cast.acme_user, contact_name="", contact_email="x@rolled-back.fi",
                            company_name="Rolled Back Oy", annual_value="1")
    assert _rows(session) == []
    assert mailer.send_due(engine).sent == 0 and smtp.messages == []


def test_a_refused_delivery_is_retried_with_back_off_and_given_up_after_a_day(engine, session, cast, factory, smtp):
    deal = factory.deal(cast.acme_user)
    deals.review_deal(session, cast.manager, deal.id, accept=True)
    smtp.refuse = 10
    first = mailer.send_due(engine)
    assert first.sent == 0 and first.retried == 2 and "451" in first.errors[0]
    row = _rows(session, user_id=cast.acme_user.id)[0]
    session.refresh(row)
    assert row.attempts == 1 and row.next_attempt_at > row.created_at and row.mail_state == MailState.pending
    assert mailer.send_due(engine).sent == 0, "not due yet"
    smtp.refuse = 0
    later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5)
    assert mailer.send_due(engine, now=later).sent == 2
    other = factory.deal(cast.beta_user)
    deals.review_deal(session, cast.manager, other.id, accept=True)
    smtp.refuse = 10
    gave_up = mailer.send_due(engine, now=dt.datetime.now(dt.UTC) + dt.timedelta(days=1, minutes=1))
    assert gave_up.failed == 1
    failed = _rows(session, user_id=cast.beta_user.id)[0]
    session.refresh(failed)
    assert failed.mail_state == MailState.failed and "451" in failed.last_error


def test_the_outbox_is_claimed_so_two_senders_send_each_email_once(engine, session, cast, factory, smtp):
    for _ in range(5):
        deal = factory.deal(cast.acme_user)
        deals.review_deal(session, cast.manager, deal.id, accept=True)
    results: list[int] = []
    threads = [threading.Thread(target=lambda: results.append(mailer.send_due(engine).sent)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sum(results) == 10 and len(smtp.messages) == 10


def test_an_invitation_sends_its_one_time_link_once_and_forgets_it(engine, session, cast, smtp):
    invited, token = team.invite(session, cast.acme_admin, email="new.one@acme.example", name="New One")
    mailer.send_due(engine)
    body = _body(smtp.to("new.one@acme.example")[0])
    assert f"https://dashboard.vendor.example/?invite={token}" in body
    row = _rows(session, user_id=invited.id)[0]
    session.refresh(row)
    assert row.link is None, "the link lives only in the email"


def test_events_of_extensions_reopening_reversals_and_weeks_reach_their_people(engine, session, cast, factory, smtp):
    trial = factory.trial(cast.acme_user)
    customers.request_extension(session, cast.acme_user, trial.id)
    customers.grant_extension(session, cast.admin, trial.id)
    won = factory.won_deal(cast.acme_user, cast.manager, billing_option="invoice")
    commissions.approve_week(session, cast.finance, rules.iso_week(won.won_on))
    commissions.reverse_deal(session, cast.finance, won.id)
    kinds = {(r.user_id, r.kind) for r in _rows(session)}
    assert (cast.admin.id, "extension_requested") in kinds
    assert {(cast.acme_user.id, "extension_granted"), (cast.acme_admin.id, "extension_granted")} <= kinds
    assert {(cast.acme_admin.id, "week_approved"), (cast.acme_admin.id, "commission_reversed")} <= kinds
    assert (cast.acme_user.id, "week_approved") not in kinds, "statements go to the partner's admins"


def test_each_user_chooses_the_channel_per_event(engine, session, cast, factory, smtp):
    notifications.set_preferences(session, cast.acme_user, {"registration_accepted": "in_app"})
    deal = factory.deal(cast.acme_user)
    deals.review_deal(session, cast.manager, deal.id, accept=True)
    mailer.send_due(engine)
    assert smtp.to(cast.acme_user.email) == [] and len(smtp.to(cast.acme_admin.email)) == 1
    assert notifications.preferences(session, cast.acme_user)["registration_accepted"] == "in_app"
    with pytest.raises(ValidationError):
        notifications.set_preferences(session, cast.acme_user, {"week_waiting": "email_now"})


def test_the_daily_job_twice_in_one_day_reminds_once(engine, session, cast, factory, smtp):
    today = clock.today()
    factory.trial(cast.acme_user, today=today - dt.timedelta(days=10))  # ends in 4 days
    first = daily.run(engine)
    assert first.ran and first.events.get("trial_ending") == 2  # the partner's user and admin
    assert first.digests == 2
    again = daily.run(engine)
    assert again.ran and again.events == {} and again.digests == 0 and again.sent == 0
    assert len(smtp.messages) == 2
    with db.session(engine) as s:
        assert daily.ran_today(s)


def test_the_daily_reminders_of_many_partners_are_written_in_one_batch_each_once(engine, session, cast, factory):
    """Issue 16's speed: the daily job raises thousands of reminders through notify_many (a few queries, one
    batch); each reaches the right partner's users once, and an event listed twice in one batch is written once."""
    today = clock.today()
    acme = factory.trial(cast.acme_user, today=today - dt.timedelta(days=10))
    beta = factory.trial(cast.beta_user, today=today - dt.timedelta(days=11))
    result = daily.run(engine, send=False)
    assert result.events.get("trial_ending") == 3  # Acme's user and admin, Beta's user
    with db.session(engine) as s:
        rows = s.execute(sa.select(Notification.user_id, Notification.link).where(
            Notification.kind == "trial_ending")).all()
    assert sorted(rows) == sorted([(cast.acme_user.id, f"customer={acme.id}"),
                                   (cast.acme_admin.id, f"customer={acme.id}"),
                                   (cast.beta_user.id, f"customer={beta.id}")])
    twice = notifications.Event([session.get(User, cast.acme_user.id)], {"company": "X", "ends": today},
                                page="customers", dedupe="trial_ending:test")
    assert notifications.notify_many(session, "trial_ending", [twice, twice]) == 1
    session.commit()
    assert notifications.notify_many(session, "trial_ending", [twice]) == 0


def test_two_daily_jobs_at_once_do_the_work_once(engine, cast, factory, monkeypatch, smtp):
    factory.trial(cast.acme_user, today=clock.today() - dt.timedelta(days=10))
    slow = daily.raise_events

    def widened(session, today):  # type: ignore[no-untyped-def]
        time.sleep(0.8)
        return slow(session, today)

    monkeypatch.setattr(daily, "raise_events", widened)
    results: list[daily.DailyResult] = []
    threads = [threading.Thread(target=lambda: results.append(daily.run(engine))) for _ in range(2)]
    for thread in threads:
        thread.start()
        time.sleep(0.1)
    for thread in threads:
        thread.join(30)
    assert sorted(r.ran for r in results) == [False, True]
    with db.session(engine) as s:
        assert len(_rows(s, kind="trial_ending")) == 2


def test_without_smtp_url_email_is_off_and_nothing_is_lost(engine, session, cast, factory, monkeypatch):
    monkeypatch.delenv("SMTP_URL", raising=False)
    deal = factory.deal(cast.acme_user)
    deals.review_deal(session, cast.manager, deal.id, accept=True)
    assert not mailer.settings().enabled and mailer.send_due(engine).sent == 0
    assert {r.mail_state for r in _rows(session, kind="registration_accepted")} == {MailState.pending}


def test_a_password_reset_link_goes_to_that_person_once_and_sets_the_password(engine, session, cast, smtp):
    token = team.send_reset_link(session, cast.admin, cast.acme_user.id)
    mailer.send_due(engine)
    body = _body(smtp.to(cast.acme_user.email)[0])
    assert f"?invite={token}" in body and cast.admin.name in body
    team.accept_invitation(session, token, "violet kettle harbour mosaic")
    assert users.sign_in(session, email=cast.acme_user.email, password="violet kettle harbour mosaic")
    with pytest.raises(Exception):  # noqa: B017  (NotFound: another partner's user)
        team.send_reset_link(session, cast.acme_admin, cast.beta_user.id)


def test_the_demo_program_with_a_local_smtp_server_tells_each_role_in_its_language(tmp_path, monkeypatch, smtp):
    """The daily job on the seeded demo program: managers hear of overdue registrations, partners of trials and
    protections ending, finance of weeks waiting; each in the user's own language."""
    from partner_model.seed import seed

    engine = db.make_engine(f"sqlite:///{tmp_path / 'demo.db'}")
    db.migrate(engine)
    seed(engine, "demo", progress=False)
    result = daily.run(engine)
    assert result.ran and result.events.get("registration_overdue") and result.events.get("week_waiting")
    assert result.events.get("trial_ending")
    with db.session(engine) as s:
        roles = dict(s.execute(sa.text('SELECT email, role FROM "user"')).all())
        languages = dict(s.execute(sa.text('SELECT email, language FROM "user"')).all())
    received = {}
    for message in smtp.messages:
        received.setdefault(roles[message["X-Rcpt"]], []).append(message)
    assert {"partner_manager", "finance", "partner_user", "partner_admin"} <= set(received)
    finnish = [m for m in smtp.messages if languages.get(m["X-Rcpt"]) == "fi"]
    assert finnish and all("the partner program" not in _body(m) for m in finnish), "in the user's language"
    engine.dispose()
