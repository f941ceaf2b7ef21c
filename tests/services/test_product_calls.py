"""Issue 17, outbound: a trial created in the dashboard and an extension granted reach the product's endpoint as
signed JSON through the outbox: a local HTTP receiver checks each signature and answers 500 twice before 200; the
call is retried with back-off, confirmed, shown on the account; nothing is sent for a change that rolled back; a
replayed or tampered call fails the receiver's check (both databases)."""

from __future__ import annotations

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlmodel import select

from partner_model import customers, webhook
from partner_model.errors import AlreadyExists
from partner_model.models import ProductCall

SECRET = "shared-secret-for-tests"


class Receiver:
    """A real HTTP server on a free port: keeps each call whose signature checks, refuses the first `fail` ones."""

    def __init__(self, fail: int = 0) -> None:
        self.fail, self.calls, self.bad_signatures = fail, [], 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802  (the http.server name)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if not webhook.verify(SECRET, dict(self.headers), body):
                    receiver.bad_signatures += 1
                    self.send_response(401)
                elif receiver.fail > 0:
                    receiver.fail -= 1
                    self.send_response(500)
                else:
                    receiver.calls.append(json.loads(body))
                    self.send_response(200)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/partner-events"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()


@pytest.fixture
def receiver():  # type: ignore[no-untyped-def]
    made: list[Receiver] = []

    def make(fail: int = 0) -> Receiver:
        made.append(Receiver(fail))
        return made[-1]

    yield make
    for each in made:
        each.close()


def _config(receiver: Receiver) -> webhook.Settings:
    return webhook.Settings(url=receiver.url, secret=SECRET)


def test_a_trial_created_reaches_the_product_signed_after_two_refusals(engine, session, cast, receiver):
    product = receiver(fail=2)
    trial = customers.create_trial(session, cast.acme_user, company_name="Webhook Oy", domain="webhook-oy.example",
                                   framework="ISO 27001")
    now = dt.datetime.now(dt.UTC)
    first = webhook.send_due(engine, now=now, config=_config(product))
    assert (first.confirmed, first.retried) == (0, 1) and first.errors == ["HTTP 500"]
    assert webhook.send_due(engine, now=now, config=_config(product)).retried == 0  # not due before its back-off
    second = webhook.send_due(engine, now=now + dt.timedelta(minutes=1), config=_config(product))
    assert second.retried == 1
    third = webhook.send_due(engine, now=now + dt.timedelta(minutes=3), config=_config(product))
    assert third.confirmed == 1 and product.bad_signatures == 0
    [call] = product.calls
    assert call["type"] == "trial.created" and call["account"]["domain"] == "webhook-oy.example"
    assert call["account"]["id"] == trial.id and call["partner_id"] == cast.acme.id
    shown = webhook.calls_for(session, cast.acme_user, trial.id)
    assert [(c["kind"], c["state"], c["attempts"]) for c in shown] == [("trial.created", "confirmed", 2)]
    assert webhook.send_due(engine, now=now + dt.timedelta(minutes=10), config=_config(product)).confirmed == 0


def test_an_extension_granted_reaches_the_product_with_the_new_end(engine, session, cast, factory, receiver):
    product = receiver()
    trial = factory.trial(cast.acme_user)
    customers.request_extension(session, cast.acme_user, trial.id)
    granted = customers.grant_extension(session, cast.manager, trial.id)
    assert webhook.send_due(engine, config=_config(product)).confirmed == 2  # created, then extended
    assert [c["type"] for c in product.calls] == ["trial.created", "trial.extended"]
    assert product.calls[1]["trial_ends_on"] == granted.trial_ends_on.isoformat()


def test_nothing_is_sent_for_a_trial_that_was_refused(engine, session, cast, receiver):
    product = receiver()
    customers.create_trial(session, cast.acme_user, company_name="Once Oy", domain="once-oy.example",
                           framework="ISO 27001")
    with pytest.raises(AlreadyExists):
        customers.create_trial(session, cast.acme_user, company_name="Twice Oy", domain="once-oy.example",
                               framework="ISO 27001")
    assert len(session.exec(select(ProductCall)).all()) == 1
    webhook.send_due(engine, config=_config(product))
    assert [c["account"]["name"] for c in product.calls] == ["Once Oy"]


def test_without_a_url_the_calls_wait_and_a_failing_product_is_given_up_after_a_day(engine, session, cast, receiver):
    trial = customers.create_trial(session, cast.acme_user, company_name="Later Oy", domain="later-oy.example",
                                   framework="ISO 27001")
    assert webhook.send_due(engine, config=webhook.Settings(url=None, secret=SECRET)).confirmed == 0
    down = receiver(fail=1000)
    now = dt.datetime.now(dt.UTC)
    assert webhook.send_due(engine, now=now, config=_config(down)).retried == 1
    late = webhook.send_due(engine, now=now + dt.timedelta(days=1, minutes=1), config=_config(down))
    assert late.failed == 1
    [shown] = webhook.calls_for(session, cast.admin, trial.id)
    # signed with a timestamp a day ahead of the receiver's clock: refused as a replay (401), given up all the same
    assert shown["state"] == "failed" and shown["last_error"] == "HTTP 401"


def test_a_replayed_or_tampered_call_fails_the_check():
    body = b'{"type": "trial.created"}'
    now = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)
    stamp = int(now.timestamp())
    headers = {webhook.TIMESTAMP_HEADER: str(stamp), webhook.SIGNATURE_HEADER: webhook.sign(SECRET, stamp, body)}
    assert webhook.verify(SECRET, headers, body, now=now)
    assert not webhook.verify(SECRET, headers, body + b" ", now=now)  # tampered
    assert not webhook.verify("another secret", headers, body, now=now)
    assert not webhook.verify(SECRET, headers, body, now=now + dt.timedelta(minutes=6))  # replayed later
