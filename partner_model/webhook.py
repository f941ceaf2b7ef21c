"""Calls to the product: a trial created in the dashboard and an extension granted are POSTed to
PRODUCT_WEBHOOK_URL as JSON, signed, so the customer's real trial is created or extended in the product.

queue() writes the call in the decision's own transaction (never lost, never sent for a change that rolled back);
send_due() (the `send-mail` command and the daily job run it, as for the emails) claims the due calls, sends them
and marks them confirmed on a 2xx answer, else retries with the outbox's back-off and gives up after a day.

The signature: `X-Partner-Signature: sha256=<hex>`, the HMAC-SHA256 with PRODUCT_WEBHOOK_SECRET of
`<timestamp>.<body>`, where `<timestamp>` is the `X-Partner-Timestamp` header (Unix seconds); a receiver refuses a
timestamp more than 5 minutes old, so a recorded call cannot be replayed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
from dataclasses import dataclass, field
from typing import Any

import httpx
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from partner_model import db, mailer
from partner_model.access import Actor
from partner_model.customer_queries import _customer_for
from partner_model.models import CallState, Customer, ProductCall, utcnow

SIGNATURE_HEADER = "X-Partner-Signature"
TIMESTAMP_HEADER = "X-Partner-Timestamp"
REPLAY_WINDOW = dt.timedelta(minutes=5)
TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True)
class Settings:
    url: str | None
    secret: str

    @property
    def enabled(self) -> bool:
        return bool(self.url)


def settings() -> Settings:
    """PRODUCT_WEBHOOK_URL (unset: calls wait in the outbox) and PRODUCT_WEBHOOK_SECRET (the shared HMAC key)."""
    return Settings(url=os.environ.get("PRODUCT_WEBHOOK_URL") or None,
                    secret=os.environ.get("PRODUCT_WEBHOOK_SECRET", ""))


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The signature header's value for `body` sent at `timestamp` (Unix seconds)."""
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify(secret: str, headers: dict[str, str], body: bytes, *, now: dt.datetime | None = None) -> bool:
    """What a receiver checks: the signature matches and the timestamp is within REPLAY_WINDOW of `now`."""
    lowered = {k.lower(): v for k, v in headers.items()}
    stamp = lowered.get(TIMESTAMP_HEADER.lower(), "")
    if not stamp.isdigit():
        return False
    moment = dt.datetime.fromtimestamp(int(stamp), dt.UTC)
    if abs((now or utcnow()) - moment) > REPLAY_WINDOW:
        return False
    return hmac.compare_digest(lowered.get(SIGNATURE_HEADER.lower(), ""), sign(secret, int(stamp), body))


def queue(session: Session, kind: str, customer: Customer) -> None:
    """Write the call telling the product of `kind` ("trial.created", "trial.extended") for this account, in the
    caller's transaction (the caller commits)."""
    session.flush()  # the account's id, for a trial created just now
    body = {"type": kind, "account": {"id": customer.id, "external_id": customer.external_id,
                                      "domain": customer.domain, "name": customer.name},
            "partner_id": customer.partner_id, "framework": customer.framework,
            "trial_ends_on": customer.trial_ends_on.isoformat() if customer.trial_ends_on else None,
            "at": utcnow().isoformat()}
    session.add(ProductCall(customer_id=customer.id, kind=kind, body=json.dumps(body, sort_keys=True)))  # type: ignore[arg-type]


@dataclass
class CallResult:
    confirmed: int = 0
    retried: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def _claim(engine: Engine, now: dt.datetime, limit: int) -> list[int]:
    c = ProductCall.__table__.c
    due = [c.state == CallState.pending.value, sa.or_(c.next_attempt_at.is_(None), c.next_attempt_at <= now),
           sa.or_(c.claimed_at.is_(None), c.claimed_at < now - mailer.STALE_CLAIM)]
    return mailer.claim_rows(engine, ProductCall.__table__, due, now, limit)


def send_due(engine: Engine, *, now: dt.datetime | None = None, config: Settings | None = None,
             limit: int = 500, client: httpx.Client | None = None) -> CallResult:
    """Send every call due now; nothing when PRODUCT_WEBHOOK_URL is unset (the calls wait)."""
    config = config or settings()
    now = now or utcnow()
    result = CallResult()
    if not config.enabled:
        return result
    claimed = _claim(engine, now, limit)
    if not claimed:
        return result
    with (client or httpx.Client(timeout=TIMEOUT_SECONDS)) as http, db.session(engine) as s:
        for row_id in claimed:
            call = s.get(ProductCall, row_id)
            body = call.body.encode("utf-8")  # type: ignore[union-attr]
            stamp = int(now.timestamp())
            try:
                answer = http.post(config.url, content=body, headers={  # type: ignore[arg-type]
                    "Content-Type": "application/json", TIMESTAMP_HEADER: str(stamp),
                    SIGNATURE_HEADER: sign(config.secret, stamp, body), "X-Partner-Call": str(row_id)})
                problem = None if 200 <= answer.status_code < 300 else f"HTTP {answer.status_code}"
            except httpx.HTTPError as error:
                problem = f"{type(error).__name__}: {error}"
            _record(call, now, problem, result)  # type: ignore[arg-type]
            s.commit()
    return result


def _record(call: ProductCall, now: dt.datetime, problem: str | None, result: CallResult) -> None:
    call.claimed_at = None
    if problem is None:
        call.state, call.confirmed_at = CallState.confirmed, now
        result.confirmed += 1
        return
    if mailer.record_failure(call, now, problem):
        result.retried += 1
    else:
        call.state = CallState.failed
        result.failed += 1
    result.errors.append(problem)


def calls_for(session: Session, actor: Actor, customer_id: int) -> list[dict[str, Any]]:
    """What the product was told about this account, newest first: kind, state (pending, confirmed, failed),
    created_at, confirmed_at, attempts, last_error. Whoever may see the account may see these."""
    _customer_for(session, actor, customer_id)
    c = ProductCall.__table__.c
    rows = session.execute(sa.select(c.kind, c.state, c.created_at, c.confirmed_at, c.attempts, c.last_error)
                           .where(c.customer_id == customer_id).order_by(c.id.desc())).mappings().all()
    return [{**row, "state": getattr(row["state"], "value", row["state"])} for row in rows]
