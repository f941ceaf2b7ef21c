"""The product feed: account facts arrive from the vendor's product as events, and are applied to the accounts.

An event has an `event_id` (a repeated id is acknowledged and changes nothing), a `type`, the account (the
product's `external_id` and its `domain`), an `occurred_at` instant and its fields. The pydantic models below
validate each event and are the API's schema. A bad event is reported with its index, field and message; the good
ones of the same batch are applied, unless the batch is atomic. An older fact never overwrites a newer one: each
account keeps when each kind of fact was last set (`feed_*_at`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter
from pydantic import ValidationError as PydanticError
from sqlmodel import Session, select

from partner_model import customers, identity, rules
from partner_model.models import ActivityEvent, AttentionItem, Customer, FeedEvent, Partner, utcnow

MAX_BATCH = 1000
MAX_ACTIVITY_COUNT = 1000


class Account(BaseModel):
    model_config = ConfigDict(extra="forbid")
    external_id: str = Field(min_length=1, max_length=100, description="the product's id of the account")
    domain: str = Field(min_length=3, max_length=253, description="the customer's company domain")


class _Event(BaseModel):
    model_config = ConfigDict(extra="forbid")
    event_id: str = Field(min_length=1, max_length=100, description="unique per event: a repeat changes nothing")
    account: Account
    occurred_at: dt.datetime = Field(description="when it happened in the product (with a time zone)")


class AccountCreated(_Event):
    type: Literal["account.created"]
    name: str = Field(min_length=1, max_length=200)
    framework: str = Field(default=rules.FRAMEWORKS[0], min_length=1, max_length=80)
    trial_ends_on: dt.date | None = None
    partner_id: int | None = Field(default=None, description="the partner the trial was created for, if any")


class TrialExtended(_Event):
    type: Literal["trial.extended"]
    trial_ends_on: dt.date


class SubscriptionStarted(_Event):
    type: Literal["subscription.started"]
    started_on: dt.date


class SubscriptionEnded(_Event):
    type: Literal["subscription.ended"]
    ended_on: dt.date


class FrameworkProgress(_Event):
    type: Literal["framework.progress"]
    framework: str = Field(min_length=1, max_length=80)
    percent: int = Field(ge=0, le=100)


class UsersCount(_Event):
    type: Literal["users.count"]
    users: int = Field(ge=0, le=1_000_000)


class Activity(_Event):
    type: Literal["activity"]
    day: dt.date
    count: int = Field(default=1, ge=1, le=MAX_ACTIVITY_COUNT)
    kind: str = Field(default="task", min_length=1, max_length=40)


class AttentionOpened(_Event):
    type: Literal["attention.opened"]
    item_id: str = Field(min_length=1, max_length=100)
    kind: str = Field(min_length=1, max_length=40)
    detail: str = Field(default="", max_length=500)


class AttentionResolved(_Event):
    type: Literal["attention.resolved"]
    item_id: str = Field(min_length=1, max_length=100)


FeedEventIn = Annotated[
    AccountCreated | TrialExtended | SubscriptionStarted | SubscriptionEnded | FrameworkProgress | UsersCount
    | Activity | AttentionOpened | AttentionResolved,
    Field(discriminator="type"),
]
EVENT = TypeAdapter(FeedEventIn)


class Batch(BaseModel):
    """A batch for POST /api/v1/events: up to 1,000 events (each validated on its own). Strict: `atomic` is a
    JSON boolean, never 0 or "yes"."""

    model_config = ConfigDict(extra="forbid", strict=True)
    events: list[dict[str, Any]] = Field(max_length=MAX_BATCH)
    atomic: bool = Field(default=False, description="refuse the whole batch when any event is bad")


class Refusal(BaseModel):
    index: int
    field: str
    message: str


class BatchResult(BaseModel):
    applied: int = 0
    repeated: int = 0
    refused: list[Refusal] = []


@dataclass
class _Outcome:
    applied: int = 0
    repeated: int = 0
    refused: list[Refusal] = field(default_factory=list)


def parse(index: int, raw: object) -> tuple[Any | None, list[Refusal]]:
    """The validated event, or the refusals naming its fields (index, dotted field, message)."""
    try:
        event = EVENT.validate_python(raw)
    except PydanticError as error:
        return None, [Refusal(index=index, field=".".join(str(p) for p in issue["loc"][1:] or issue["loc"]) or "event",
                              message=issue["msg"]) for issue in error.errors()]
    if event.occurred_at.tzinfo is None:
        return None, [Refusal(index=index, field="occurred_at", message="needs a time zone, e.g. 2026-11-30T10:00Z")]
    if identity.normalise_domain(event.account.domain) is None:
        return None, [Refusal(index=index, field="account.domain", message="not a domain name such as example.com")]
    return event, []


def apply_batch(session: Session, events: list[object], *, atomic: bool = False) -> BatchResult:
    """Validate and apply a batch (the API and the file backfill call this); one commit. Repeated event ids are
    acknowledged and change nothing; bad events are refused with their index, field and message, and with
    `atomic` nothing of the batch is applied then. Raises nothing for bad events."""
    outcome = _Outcome()
    parsed = []
    for index, raw in enumerate(events):
        event, refusals = parse(index, raw)
        outcome.refused += refusals
        if event is not None:
            parsed.append((index, event))
    if atomic and outcome.refused:
        return BatchResult(refused=outcome.refused)
    seen = set(session.execute(sa.select(FeedEvent.event_id).where(
        FeedEvent.event_id.in_([e.event_id for _, e in parsed]))).scalars()) if parsed else set()
    # The batch's accounts read at once; nothing flushed per event (the rows go in together at the end)
    batch = _Batch(accounts={c.external_id: c for c in session.execute(select(Customer).where(
        Customer.external_id.in_({e.account.external_id for _, e in parsed}))).scalars()} if parsed else {})
    unknown = {identity.normalise_domain(e.account.domain) for _, e in parsed
               if e.account.external_id not in batch.accounts}
    batch.by_domain = {c.domain: c for c in session.execute(select(Customer).where(
        Customer.domain.in_(unknown))).scalars()} if unknown else {}
    with session.no_autoflush:
        for index, event in parsed:
            if event.event_id in seen:
                outcome.repeated += 1
                continue
            seen.add(event.event_id)
            problem = _apply(session, event, batch)
            if problem is not None:
                outcome.refused.append(Refusal(index=index, field=problem[0], message=problem[1]))
                if atomic:
                    session.rollback()
                    return BatchResult(refused=outcome.refused)
                continue
            batch.received.append({"event_id": event.event_id, "type": event.type, "received_at": utcnow()})
            outcome.applied += 1
    session.flush()  # the new accounts (with their ids) and every change, in one go
    if batch.activity:
        _insert_rows(session, ActivityEvent.__table__, [
            {"customer_id": customer.id, "occurred_on": day, "kind": kind}
            for customer, day, kind, count in batch.activity for __ in range(count)])
        customers.recount_activities(session, {int(c.id) for c, *__ in batch.activity})  # type: ignore[arg-type]
    if batch.received:
        _insert_rows(session, FeedEvent.__table__, batch.received)
    customers.rederive_many(session, {int(c.id) for c in batch.touched})  # type: ignore[arg-type]
    session.commit()
    return BatchResult(applied=outcome.applied, repeated=outcome.repeated,
                       refused=sorted(outcome.refused, key=lambda r: r.index))


def _insert_rows(session: Session, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """Many rows at once, in the session's transaction: PostgreSQL's COPY (its driver would send an executemany
    as one statement per row), else one executemany."""
    if not rows:
        return
    if session.get_bind().dialect.name != "postgresql":
        session.execute(table.insert(), rows)
        return
    columns = list(rows[0])
    cursor = session.connection().connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    names = ", ".join(f'"{c}"' for c in columns)
    with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([row[c] for c in columns])


@dataclass
class _Batch:
    """What a batch gathers as it goes: its accounts by external id, the accounts it touched, and the rows
    written in bulk at its end (activity events, the applied event ids)."""

    accounts: dict[str | None, Customer]
    by_domain: dict[str | None, Customer] = field(default_factory=dict)  # the others' domains, for linking
    touched: list[Customer] = field(default_factory=list)  # new accounts get their ids at the batch's one flush
    activity: list[tuple[Customer, dt.date, str, int]] = field(default_factory=list)
    received: list[dict[str, Any]] = field(default_factory=list)


def _account(session: Session, event: Any, batch: _Batch) -> Customer | None:
    found = batch.accounts.get(event.account.external_id)
    if found is None:  # an account the dashboard created (a partner's trial): linked by its domain
        found = batch.by_domain.get(identity.normalise_domain(event.account.domain))
        if found is None or found.external_id is not None:  # another product account holds the domain
            return None
        found.external_id = event.account.external_id
        batch.accounts[found.external_id] = found
    return found


def _newer(current: dt.datetime | None, moment: dt.datetime) -> bool:
    if current is None:
        return True
    current = current if current.tzinfo else current.replace(tzinfo=dt.UTC)
    return moment >= current


def _apply(session: Session, event: Any, batch: _Batch) -> tuple[str, str] | None:
    """Apply one valid event; (field, message) when the account state refuses it."""
    customer = _account(session, event, batch)
    if event.type == "account.created":
        if customer is None:
            customer = _create(session, event)
            if isinstance(customer, tuple):
                return customer
            batch.accounts[customer.external_id] = customer
        batch.touched.append(customer)
        return None
    if customer is None:
        return "account.external_id", "unknown account: send account.created first"
    batch.touched.append(customer)
    at = event.occurred_at
    if event.type == "trial.extended":
        if _newer(customer.feed_trial_at, at):
            customer.trial_ends_on, customer.feed_trial_at = event.trial_ends_on, at
    elif event.type == "subscription.started":
        if _newer(customer.feed_subscription_at, at):
            customer.subscription_started_on, customer.feed_subscription_at = event.started_on, at
    elif event.type == "subscription.ended":
        if _newer(customer.feed_subscription_at, at):
            customer.subscription_started_on, customer.feed_subscription_at = None, at
    elif event.type == "framework.progress":
        if _newer(customer.feed_progress_at, at):
            customer.framework = rules.framework(event.framework) or customer.framework
            customer.framework_progress, customer.feed_progress_at = event.percent, at
    elif event.type == "users.count":
        if _newer(customer.feed_users_at, at):
            customer.users, customer.feed_users_at = event.users, at
    elif event.type == "activity":
        batch.activity.append((customer, event.day, event.kind, event.count))
        if customer.last_activity_on is None or event.day > customer.last_activity_on:
            customer.last_activity_on = event.day
    elif event.type == "attention.opened":
        if customer.id is None:  # created in this batch: its id first
            session.flush()
        session.add(AttentionItem(customer_id=customer.id, kind=event.kind, detail=event.detail,
                                  opened_on=at.date(), external_id=event.item_id))
        customer.open_attention_items += 1
    elif event.type == "attention.resolved":
        if customer.id is None:
            session.flush()
        item = session.execute(select(AttentionItem).where(AttentionItem.customer_id == customer.id,
                                                           AttentionItem.external_id == event.item_id,
                                                           AttentionItem.resolved_on.is_(None))).scalar()
        if item is not None:
            item.resolved_on = at.date()
            customer.open_attention_items = max(0, customer.open_attention_items - 1)
    return None


def _create(session: Session, event: AccountCreated) -> Customer | tuple[str, str]:
    domain = identity.normalise_domain(event.account.domain)
    if event.partner_id is not None and session.get(Partner, event.partner_id) is None:
        return "partner_id", "no partner has this id"
    started = event.occurred_at.date()
    customer = Customer(name=event.name.strip(), domain=domain, external_id=event.account.external_id,
                        partner_id=event.partner_id, framework=rules.framework(event.framework) or event.framework,
                        trial_started_on=started, trial_ends_on=event.trial_ends_on or rules.trial_end(started),
                        feed_trial_at=event.occurred_at)
    session.add(customer)
    return customer


def openapi_schema() -> dict[str, Any]:
    """The JSON schemas of a batch, an event and a batch's answer (the API's OpenAPI document uses them)."""
    return {"Batch": Batch.model_json_schema(), "Event": EVENT.json_schema(),
            "BatchResult": BatchResult.model_json_schema()}
