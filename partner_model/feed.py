"""The product feed applied: account facts from the vendor's product change the accounts (the API and the file
backfill call apply_batch).

Each event is validated on its own (feed_schema); a bad one is reported with its index, field and message and the
good ones of the same batch are applied, unless the batch is atomic. A repeated event id is acknowledged and
changes nothing. An older fact never overwrites a newer one: each account keeps when each kind of fact was last set
(`feed_*_at`). A batch reads its accounts once, changes them as plain rows and writes them back in a few statements
(one per kind of change), so a million events backfill in about a minute.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from partner_model import clock, customers, db, identity, rules
from partner_model.feed_schema import (
    EVENT,
    MAX_ACTIVITY_COUNT,
    MAX_BATCH,
    Batch,
    BatchResult,
    FeedEventIn,
    Refusal,
    openapi_schema,
    parse,
    parse_line,
)
from partner_model.models import ActivityEvent, AttentionItem, Customer, FeedEvent, Partner, utcnow

CUSTOMER = Customer.__table__
C = CUSTOMER.c
ITEM = AttentionItem.__table__
# What the feed reads and changes of an account.
_READ = (C.id, C.external_id, C.domain, C.framework, C.framework_progress, C.users, C.trial_ends_on,
         C.subscription_started_on, C.last_activity_on, C.open_attention_items, C.feed_progress_at, C.feed_users_at,
         C.feed_trial_at, C.feed_subscription_at)
_SQLITE_MAX_PARAMETERS = 32_766  # SQLite 3.32 and later
# A new account's columns that the ORM would default (a COPY takes only what it is given).
_NEW_DEFAULTS = {"currency": "EUR", "activities_90d": 0, "derived_attention": 0, "version": 1}


class _Account:
    """An account's row as the batch reads and changes it; `changed` names the columns to write back (a new
    account is inserted whole)."""

    __slots__ = ("changed", "new", "row")

    def __init__(self, row: dict[str, Any], *, new: bool = False) -> None:
        self.row = row
        self.new = new
        self.changed: set[str] = set()

    def set(self, column: str, value: Any) -> None:
        if self.row.get(column) != value:
            self.row[column] = value
            self.changed.add(column)


@dataclass
class _Batch:
    """What a batch gathers as it goes, written at its end: the accounts it read or made, the attention items
    opened and resolved, the day counts of activity and the applied event ids."""

    accounts: dict[str, _Account]  # by the product's external id
    by_domain: dict[str, _Account]  # the other accounts holding the batch's domains (a partner's trial to link)
    partners: set[int]  # the partner ids of the batch's account.created that exist
    open_items: dict[tuple[int, str], int]  # (account id, item's external id) -> an open attention_item id
    touched: dict[int, _Account] = field(default_factory=dict)
    items: list[tuple[_Account, dict[str, Any]]] = field(default_factory=list)  # opened in this batch
    opened: dict[tuple[int, str], dict[str, Any]] = field(default_factory=dict)  # the last of each id, to resolve
    resolved: list[dict[str, Any]] = field(default_factory=list)
    activity: dict[tuple[int, dt.date, str], list[Any]] = field(default_factory=dict)
    received: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Parsed:
    """A batch validated: its good events with their index in the batch, and the refusals of the bad ones."""

    events: list[tuple[int, Any]]
    refused: list[Refusal]


def parse_batch(events: list[object], *, lines: bool = False) -> Parsed:
    """Validate each event of a batch on its own; with `lines` each is a line of JSON Lines text (parse_line)."""
    parsed = Parsed(events=[], refused=[])
    check = parse_line if lines else parse
    for index, raw in enumerate(events):
        event, refusals = check(index, raw)  # type: ignore[arg-type]
        parsed.refused += refusals
        if event is not None:
            parsed.events.append((index, event))
    return parsed


def apply_batch(session: Session, events: list[object] | Parsed, *, atomic: bool = False) -> BatchResult:
    """Validate and apply a batch (the API and the file backfill call this; a Parsed batch is already
    validated); one commit. Repeated event ids are acknowledged and change nothing; bad events are refused with
    their index, field and message, and with `atomic` nothing of the batch is applied then. Raises nothing for
    bad events."""
    checked = events if isinstance(events, Parsed) else parse_batch(events)
    parsed, refused = checked.events, list(checked.refused)
    if atomic and refused:
        return BatchResult(refused=refused)
    seen = set(session.execute(sa.select(FeedEvent.event_id).where(db.one_of(
        session, FeedEvent.event_id, [e.event_id for _, e in parsed]))).scalars()) if parsed else set()
    batch = _read(session, [e for _, e in parsed if e.event_id not in seen])
    applied = repeated = 0
    now = utcnow()
    for index, event in parsed:
        if event.event_id in seen:
            repeated += 1
            continue
        seen.add(event.event_id)
        problem = _apply(event, batch)
        if problem is not None:
            refused.append(Refusal(index=index, field=problem[0], message=problem[1]))
            if atomic:
                session.rollback()
                return BatchResult(refused=refused)
            continue
        batch.received.append({"event_id": event.event_id, "type": event.type, "received_at": now})
        applied += 1
    _write(session, batch)
    session.commit()
    _GROWTH.note(session, applied)
    return BatchResult(applied=applied, repeated=repeated, refused=sorted(refused, key=lambda r: r.index))


def _read(session: Session, events: list[Any]) -> _Batch:
    """The batch's accounts, read at once: by external id, then the others holding the batch's domains."""
    def rows(query: sa.Select[Any]) -> list[_Account]:
        return [_Account(dict(row._mapping)) for row in session.execute(query)]

    def by(column: sa.Column[Any], values: set[Any]) -> dict[Any, _Account]:
        if not values:
            return {}
        return {a.row[column.name]: a for a in rows(sa.select(*_READ).where(db.one_of(session, column, values)))}

    accounts = by(C.external_id, {e.account.external_id for e in events})
    by_domain = by(C.domain, {identity.normalise_domain(e.account.domain) for e in events
                              if e.account.external_id not in accounts})
    wanted = {e.partner_id for e in events if e.type == "account.created" and e.partner_id is not None}
    partners = set(session.execute(sa.select(Partner.id).where(db.one_of(session, Partner.id, wanted))).scalars()) \
        if wanted else set()
    items = {e.item_id for e in events if e.type == "attention.resolved"}
    ids = [a.row["id"] for a in accounts.values()] + [a.row["id"] for a in by_domain.values()]
    open_items: dict[tuple[int, str], int] = {}
    if items and ids:
        for row in session.execute(sa.select(ITEM.c.id, ITEM.c.customer_id, ITEM.c.external_id).where(
                db.one_of(session, ITEM.c.customer_id, ids), db.one_of(session, ITEM.c.external_id, items),
                ITEM.c.resolved_on.is_(None))
                .order_by(ITEM.c.id)):
            open_items.setdefault((row.customer_id, row.external_id), row.id)
    return _Batch(accounts=accounts, by_domain=by_domain, partners=partners, open_items=open_items)


def _account(event: Any, batch: _Batch) -> _Account | None:
    found = batch.accounts.get(event.account.external_id)
    if found is None:  # an account the dashboard created (a partner's trial): linked by its domain
        found = batch.by_domain.get(identity.normalise_domain(event.account.domain))
        if found is None or found.row["external_id"] is not None:  # another product account holds the domain
            return None
        found.set("external_id", event.account.external_id)
        batch.accounts[event.account.external_id] = found
    return found


def _newer(current: dt.datetime | None, moment: dt.datetime) -> bool:
    if current is None:
        return True
    current = current if current.tzinfo else current.replace(tzinfo=dt.UTC)
    return moment >= current


def _apply(event: Any, batch: _Batch) -> tuple[str, str] | None:
    """Apply one valid event to the batch's rows; (field, message) when the account state refuses it."""
    account = _account(event, batch)
    if event.type == "account.created":
        if account is None:
            made = _create(event, batch)
            if isinstance(made, tuple):
                return made
            account = made
        batch.touched[id(account)] = account
        return None
    if account is None:
        return "account.external_id", "unknown account: send account.created first"
    batch.touched[id(account)] = account
    at, row = event.occurred_at, account.row
    if event.type == "trial.extended":
        if _newer(row["feed_trial_at"], at):
            account.set("trial_ends_on", event.trial_ends_on)
            account.set("feed_trial_at", at)
    elif event.type in ("subscription.started", "subscription.ended"):
        if _newer(row["feed_subscription_at"], at):
            account.set("subscription_started_on", event.started_on if event.type == "subscription.started" else None)
            account.set("feed_subscription_at", at)
    elif event.type == "framework.progress":
        if _newer(row["feed_progress_at"], at):
            account.set("framework", event.framework)
            account.set("framework_progress", event.percent)
            account.set("feed_progress_at", at)
    elif event.type == "users.count":
        if _newer(row["feed_users_at"], at):
            account.set("users", event.users)
            account.set("feed_users_at", at)
    elif event.type == "activity":
        batch.activity.setdefault((id(account), event.day, event.kind), [account, 0])[1] += event.count
        if row["last_activity_on"] is None or event.day > row["last_activity_on"]:
            account.set("last_activity_on", event.day)
    elif event.type == "attention.opened":
        item = {"kind": event.kind, "detail": event.detail, "opened_on": clock.local_date(at), "resolved_on": None,
                "external_id": event.item_id}
        batch.items.append((account, item))
        batch.opened[(id(account), event.item_id)] = item
        account.set("open_attention_items", row["open_attention_items"] + 1)
    elif event.type == "attention.resolved":
        _resolve(event, account, batch)
    return None


def _resolve(event: Any, account: _Account, batch: _Batch) -> None:
    """Resolve the account's open item of that id: one opened in this batch, else one stored (unknown: nothing)."""
    pending = batch.opened.get((id(account), event.item_id))
    if pending is not None and pending["resolved_on"] is None:
        pending["resolved_on"] = clock.local_date(event.occurred_at)
    else:
        item_id = batch.open_items.pop((account.row.get("id"), event.item_id), None)  # type: ignore[arg-type]
        if item_id is None:
            return
        batch.resolved.append({"item": item_id, "day": clock.local_date(event.occurred_at)})
    account.set("open_attention_items", max(0, account.row["open_attention_items"] - 1))


def _create(event: Any, batch: _Batch) -> _Account | tuple[str, str]:
    domain = identity.normalise_domain(event.account.domain)
    if domain in batch.by_domain:
        return "account.domain", "another account of the product already has this domain"
    if event.partner_id is not None and event.partner_id not in batch.partners:
        return "partner_id", "no partner has this id"
    started = clock.local_date(event.occurred_at)
    account = _Account({
        "id": None, "name": event.name, "domain": domain, "external_id": event.account.external_id,
        "partner_id": event.partner_id, "framework": event.framework,
        "framework_progress": 0, "users": 1, "trial_started_on": started,
        "trial_ends_on": event.trial_ends_on or rules.trial_end(started), "subscription_started_on": None,
        "last_activity_on": None, "open_attention_items": 0, "feed_progress_at": None, "feed_users_at": None,
        "feed_trial_at": event.occurred_at, "feed_subscription_at": None}, new=True)
    batch.accounts[event.account.external_id] = account
    batch.by_domain[domain] = account  # type: ignore[index]
    return account


def _write(session: Session, batch: _Batch) -> None:
    """The batch's changes in a few statements: new accounts (their ids back), changed columns grouped by which
    changed, attention items, a day's activity as one row, the applied event ids; then the accounts' counts and
    derived state."""
    made = {a.row["external_id"]: a for a in batch.touched.values() if a.new}
    if made:  # inserted in bulk, then their ids read back by external id (unique): no row-by-row RETURNING
        now = utcnow()
        _insert_rows(session, CUSTOMER, [{**{k: v for k, v in a.row.items() if k != "id"}, **_NEW_DEFAULTS,
                                          "created_at": now} for a in made.values()])
        for row in session.execute(sa.select(C.id, C.external_id).where(db.one_of(session, C.external_id, made))):
            made[row.external_id].row["id"] = row.id
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
    for account in batch.touched.values():
        if not account.new and account.changed:
            columns = tuple(sorted(account.changed))
            groups[columns].append({"key": account.row["id"], **{f"v_{c}": account.row[c] for c in columns}})
    for columns, rows in groups.items():
        session.execute(CUSTOMER.update().where(C.id == sa.bindparam("key")).values(
            {c: sa.bindparam(f"v_{c}") for c in columns}), rows)
    _insert_rows(session, ITEM, [{"customer_id": a.row["id"], **item} for a, item in batch.items])
    if batch.resolved:
        session.execute(ITEM.update().where(ITEM.c.id == sa.bindparam("item")).values(
            resolved_on=sa.bindparam("day")), batch.resolved)
    _insert_rows(session, ActivityEvent.__table__, [
        {"customer_id": a.row["id"], "occurred_on": day, "kind": kind, "activities": count}
        for (__, day, kind), (a, count) in batch.activity.items()])
    _insert_rows(session, FeedEvent.__table__, batch.received)
    customers.recount_activities(session, {a.row["id"] for a, __ in batch.activity.values()})
    customers.rederive_many(session, {a.row["id"] for a in batch.touched.values()})
    for account in batch.touched.values():  # what the session holds of them is read again on next use
        held = session.identity_map.get(session.identity_key(Customer, account.row["id"]))  # type: ignore[arg-type]
        if held is not None:
            session.expire(held)


class _Growth:
    """Events this process applied; the feed's tables are re-analyzed each time that count doubles (from 1,000),
    whether a backfill or the API applied them: plans made while the tables were small stay until then, and
    autovacuum may be off or behind."""

    def __init__(self) -> None:
        self.applied = 0
        self.next = 1000
        self.lock = threading.Lock()

    def note(self, session: Session, applied: int) -> None:
        with self.lock:
            self.applied += applied
            due = self.applied >= self.next
            if due:
                self.next = 2 * max(self.next, self.applied)
        if due:
            refresh_statistics(session)


_GROWTH = _Growth()


def refresh_statistics(session: Session) -> None:
    """PostgreSQL: re-analyze the tables the feed fills. A backfill into a young database grows them a
    thousandfold; plans made while they were nearly empty (the foreign-key checks', psycopg's prepared statements')
    scan whole tables, and new statistics make the server plan them again. SQLite: nothing to do."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("ANALYZE customer, activity_event, attention_item, feed_event"))
        session.commit()


def _insert_rows(session: Session, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """Many rows at once, in the session's transaction: PostgreSQL's COPY (its driver would send an executemany
    as one statement per row); on SQLite multi-row INSERTs with each value converted by its column's own type
    (the general path builds a parameter dictionary per row, a third of a backfill's time; and a statement per
    row would run the search index's trigger as a statement of its own each time, five times slower)."""
    if not rows:
        return
    dialect = session.get_bind().dialect
    columns = list(rows[0])
    cursor = session.connection().connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    names = ", ".join(f'"{c}"' for c in columns)
    if dialect.name != "postgresql":
        convert = [table.c[c].type.bind_processor(dialect) for c in columns]
        values = [v if f is None else f(v) for row in rows
                  for f, v in zip(convert, (row[c] for c in columns), strict=True)]
        per_row = "(" + ", ".join("?" * len(columns)) + ")"
        step = _SQLITE_MAX_PARAMETERS // len(columns)
        for first in range(0, len(rows), step):
            count = min(step, len(rows) - first)
            cursor.execute(f'INSERT INTO "{table.name}" ({names}) VALUES {", ".join([per_row] * count)}',
                           values[first * len(columns):(first + count) * len(columns)])
        return
    with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([row[c] for c in columns])


__all__ = ["EVENT", "MAX_ACTIVITY_COUNT", "MAX_BATCH", "Batch", "BatchResult", "FeedEventIn", "Parsed", "Refusal",
           "apply_batch", "openapi_schema", "parse", "parse_batch", "refresh_statistics"]
