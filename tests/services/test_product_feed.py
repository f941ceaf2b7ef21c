"""Issue 17 (domain, first part): product-feed events applied to accounts: validation per event with index and
field, idempotency by event id, out-of-order facts never moving state backwards, atomic batches (both databases)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from partner_model import api_tokens, clock, customers, feed
from partner_model.errors import PermissionDenied, ValidationError
from partner_model.models import ActivityEvent, ApiToken, AttentionItem, Customer

T0 = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)


def _event(event_id: str, type_: str, external: str = "acc-1", domain: str = "feedcorp.fi", at=T0, **fields):  # type: ignore[no-untyped-def]
    return {"event_id": event_id, "type": type_, "account": {"external_id": external, "domain": domain},
            "occurred_at": at.isoformat(), **fields}


def _customer(session, external: str = "acc-1") -> Customer:  # type: ignore[no-untyped-def]
    session.expire_all()
    return session.exec(select(Customer).where(Customer.external_id == external)).one()


def test_a_batch_creates_an_account_and_sets_its_facts(session, cast):
    result = feed.apply_batch(session, [
        _event("e1", "account.created", name="Feedcorp Oy", framework="iso 27001"),
        _event("e2", "framework.progress", framework="ISO 27001", percent=40),
        _event("e3", "users.count", users=12),
        _event("e4", "activity", day="2026-11-20", count=3),
        _event("e5", "attention.opened", item_id="t-1", kind="overdue_tasks", detail="3 tasks overdue"),
    ])
    assert (result.applied, result.repeated, result.refused) == (5, 0, [])
    account = _customer(session)
    assert (account.name, account.framework, account.framework_progress, account.users, account.partner_id) == (
        "Feedcorp Oy", "ISO 27001", 40, 12, None)
    assert account.last_activity_on == dt.date(2026, 11, 20) and account.open_attention_items == 1
    feed.apply_batch(session, [_event("e6", "attention.resolved", item_id="t-1")])
    assert _customer(session).open_attention_items == 0


def test_a_facts_day_is_the_business_day_of_its_moment(session, cast):
    """A trial started at 23:30 UTC on 30 November started on 1 December in Helsinki, as every other day the
    product shows; an attention item opened then too."""
    late = dt.datetime(2026, 11, 30, 23, 30, tzinfo=dt.UTC)
    feed.apply_batch(session, [
        _event("d1", "account.created", external="acc-late", domain="latecorp.fi", at=late, name="Latecorp Oy"),
        _event("d2", "attention.opened", external="acc-late", domain="latecorp.fi", at=late, item_id="t-9",
               kind="overdue_tasks", detail="late")])
    account = _customer(session, "acc-late")
    assert account.trial_started_on == dt.date(2026, 12, 1) == clock.local_date(late)
    opened = session.exec(select(AttentionItem.opened_on).where(AttentionItem.customer_id == account.id)).all()
    assert opened == [dt.date(2026, 12, 1)]


def test_a_repeated_event_is_acknowledged_and_changes_nothing(session, cast):
    feed.apply_batch(session, [_event("e1", "account.created", name="Feedcorp Oy"),
                               _event("e2", "users.count", users=5)])
    again = feed.apply_batch(session, [_event("e2", "users.count", users=99)])
    assert (again.applied, again.repeated) == (0, 1)
    assert _customer(session).users == 5


def test_an_older_fact_never_overwrites_a_newer_one(session, cast):
    feed.apply_batch(session, [_event("e1", "account.created", name="Feedcorp Oy"),
                               _event("e2", "framework.progress", framework="NIS2", percent=70,
                                      at=T0 + dt.timedelta(hours=2)),
                               _event("e3", "framework.progress", framework="NIS2", percent=30,
                                      at=T0 + dt.timedelta(hours=1))])
    assert _customer(session).framework_progress == 70


def test_bad_events_are_refused_with_index_and_field_and_the_good_ones_apply(session, cast):
    result = feed.apply_batch(session, [
        _event("e1", "account.created", name="Feedcorp Oy"),
        _event("e2", "users.count", users=-3),
        _event("e3", "no.such.type"),
        _event("e4", "users.count", users=7, external="unknown"),
        {"event_id": "e5"},
    ])
    assert result.applied == 1
    assert {(r.index, r.field) for r in result.refused} >= {(1, "users"), (3, "account.external_id")}
    assert {r.index for r in result.refused} == {1, 2, 3, 4}


def test_an_atomic_batch_with_a_bad_event_applies_nothing(session, cast):
    result = feed.apply_batch(session, [_event("e1", "account.created", name="Feedcorp Oy"),
                                        _event("e2", "users.count", users="many")], atomic=True)
    assert result.applied == 0 and [r.index for r in result.refused] == [1]
    assert session.exec(select(Customer).where(Customer.external_id == "acc-1")).first() is None


def test_a_trial_the_dashboard_created_is_linked_to_the_products_account_by_domain(session, cast, factory):
    trial = factory.trial(cast.acme_user, domain="linked-corp.fi")
    feed.apply_batch(session, [_event("e0", "account.created", external="prod-9", domain="linked-corp.fi",
                                      name="Linked Corp")])
    account = _customer(session, "prod-9")
    assert account.id == trial.id and account.partner_id == cast.acme.id
    feed.apply_batch(session, [_event("e2", "users.count", external="prod-9", domain="linked-corp.fi", users=4)])
    assert customers.get_customer(session, cast.acme_user, trial.id).users == 4


@pytest.mark.parametrize("size", [feed.MAX_BATCH + 1])
def test_a_batch_holds_at_most_1000_events(size):
    with pytest.raises(Exception):  # noqa: B017  (pydantic: too many events)
        feed.Batch(events=[{}] * size)


def test_an_admin_creates_a_token_once_and_only_its_hash_is_kept(session, cast):
    created = api_tokens.create_token(session, cast.admin, "  Product EU  ")
    stored = session.get(ApiToken, created.id)
    assert created.name == "Product EU" and created.secret.startswith("ppf_")
    assert created.secret not in stored.token_hash and len(stored.token_hash) == 64
    assert api_tokens.authenticate(session, created.secret).id == created.id
    listed = api_tokens.list_tokens(session, cast.admin)
    assert list(listed["name"]) == ["Product EU"] and "token_hash" not in listed.columns
    with pytest.raises(PermissionDenied):
        api_tokens.create_token(session, cast.manager, "Nope")
    with pytest.raises(ValidationError) as blank:
        api_tokens.create_token(session, cast.admin, "   ")
    assert blank.value.field == "name"
    api_tokens.revoke_token(session, cast.admin, created.id)
    assert api_tokens.authenticate(session, created.secret) is None


def test_a_backfill_file_applies_its_events_repeats_nothing_and_reports_the_refused(engine, session, tmp_path):
    """Issue 17: `python -m partner_model ingest FILE` (JSON Lines or CSV): applied, repeated and refused counted;
    the refused written to a report with line, id, field and reason; a second run repeats everything."""
    import json

    from partner_model import feed_ingest

    at = "2026-11-30T10:00:00Z"
    account = {"external_id": "bf-1", "domain": "backfill-one.example"}
    lines = [json.dumps({"event_id": "bf-e1", "type": "account.created", "account": account, "occurred_at": at,
                         "name": "Backfill One Oy"}),
             json.dumps({"event_id": "bf-e2", "type": "users.count", "account": account, "occurred_at": at,
                         "users": 12}),
             "{not json",
             json.dumps({"event_id": "bf-e3", "type": "users.count", "account": account, "occurred_at": at,
                         "users": -4})]
    source = tmp_path / "events.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    first = feed_ingest.ingest(engine, source, progress=False)
    assert (first.applied, first.repeated, first.refused) == (2, 0, 2)
    report = first.report.read_text(encoding="utf-8").splitlines()
    assert report[0] == "line,event_id,field,message"
    assert [row.split(",")[:3] for row in report[1:]] == [["3", "", "line"], ["4", "bf-e3", "users"]]
    assert session.exec(select(Customer).where(Customer.external_id == "bf-1")).one().users == 12
    again = feed_ingest.ingest(engine, source, progress=False)
    assert (again.applied, again.repeated, again.refused) == (0, 2, 2)

    table = tmp_path / "events.csv"
    table.write_text("event_id,type,account.external_id,account.domain,occurred_at,users\n"
                     "bf-e4,users.count,bf-1,backfill-one.example,2026-11-30T11:00:00Z,15\n", encoding="utf-8")
    from_csv = feed_ingest.ingest(engine, table, progress=False)
    assert (from_csv.applied, from_csv.refused, from_csv.report) == (1, 0, None)
    session.expire_all()
    assert session.exec(select(Customer).where(Customer.external_id == "bf-1")).one().users == 15
    with pytest.raises(ValidationError) as wrong:
        feed_ingest.ingest(engine, tmp_path / "events.xml", progress=False)
    assert wrong.value.field == "format"


def test_the_ingest_command_prints_the_counts_and_fails_on_refused_events(engine, tmp_path, monkeypatch, capsys):
    from partner_model.__main__ import main

    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    source = tmp_path / "bad.jsonl"
    source.write_text('{"event_id": "x", "type": "nope"}\n', encoding="utf-8")
    assert main(["ingest", str(source), "--quiet"]) == 1
    out = capsys.readouterr().out
    assert "applied 0, repeated 0, refused 1." in out and "bad.jsonl.refused.csv" in out


def test_activity_from_the_feed_shows_in_the_90_day_count_at_once(session):
    """The overview's 90-day count is kept on the account and refreshed daily; the feed's activity recounts the
    accounts it touched, so the Customers page shows it before the next daily run."""
    today = clock.today()
    customers.refresh_day_caches(session, today)
    account = {"external_id": "act-1", "domain": "activity-one.example"}
    at = f"{today.isoformat()}T08:00:00Z"
    result = feed.apply_batch(session, [
        {"event_id": "act-e1", "type": "account.created", "account": account, "occurred_at": at, "name": "Act One"},
        {"event_id": "act-e2", "type": "activity", "account": account, "occurred_at": at, "day": today.isoformat(),
         "count": 12},
        {"event_id": "act-e3", "type": "activity", "account": account, "occurred_at": at,
         "day": (today - dt.timedelta(days=200)).isoformat(), "count": 5}])
    assert result.applied == 3
    session.expire_all()
    stored = session.exec(select(Customer).where(Customer.external_id == "act-1")).one()
    assert (stored.activities_90d, stored.last_activity_on) == (12, today)


def test_an_unlinked_account_is_hinted_in_review_and_staff_link_it_to_the_registering_partner(session, cast, factory):
    """Issue 17: an account the product created without a partner is "unlinked": staff see it, partners never; a
    registration of its domain is hinted as such (not as an existing customer to deny); staff link it to that
    partner, recorded in the deal's history and the audit log."""
    from partner_model import deals, users
    from partner_model.errors import Conflict

    at = "2026-11-30T08:00:00Z"
    feed.apply_batch(session, [{"event_id": "ul-1", "type": "account.created", "occurred_at": at,
                                "account": {"external_id": "ul-acc", "domain": "self-serve.example"},
                                "name": "Self Serve Oy"}])
    account = session.exec(select(Customer).where(Customer.external_id == "ul-acc")).one()
    assert account.partner_id is None
    deal = factory.deal(cast.acme_user, contact_email="sara@self-serve.example", company_name="Self Serve Oy")
    assert deals.review_hints(session, cast.manager, deal.id) == ["unlinked_account"]
    [detail] = deals.hint_details(session, cast.manager, deal.id)
    assert (detail["code"], detail["customer_id"], detail["partner_name"]) == ("unlinked_account", account.id, None)
    assert customers.customer_overview(session, cast.acme_user, search="self serve")[1] == 0  # never a partner's
    unlinked, total = customers.customer_overview(session, cast.manager, unlinked=True)
    assert total == 1 and list(unlinked["name"]) == ["Self Serve Oy"]
    with pytest.raises(PermissionDenied):
        customers.link_account(session, cast.acme_user, account.id, partner_id=cast.acme.id)
    with pytest.raises(ValidationError) as wrong:
        customers.link_account(session, cast.manager, account.id, partner_id=cast.beta.id, deal_id=deal.id)
    assert wrong.value.field == "deal_id"
    linked = customers.link_account(session, cast.manager, account.id, partner_id=cast.acme.id, deal_id=deal.id)
    assert linked.partner_id == cast.acme.id
    assert customers.customer_overview(session, cast.acme_user, search="self serve")[1] == 1
    assert "account_linked" in [e.kind for e in deals.history(session, cast.manager, deal.id)]
    assert "account_linked" in set(users.audit_log(session, cast.admin)["kind"])
    assert deals.review_hints(session, cast.manager, deal.id) == []  # the deal now points at its own account
    with pytest.raises(Conflict):
        customers.link_account(session, cast.manager, account.id, partner_id=cast.beta.id)


def test_a_days_activity_is_stored_as_one_row_with_its_count_and_charted_as_the_sum(session, cast):
    """A day's count arrives as one event: it is kept as one row (the backfill's speed depends on it), and the
    account's chart and 90-day count add the rows' counts up."""
    today = clock.today()
    customers.refresh_day_caches(session, today)
    at = T0.replace(year=today.year, month=today.month, day=today.day)
    feed.apply_batch(session, [
        _event("c1", "account.created", name="Countcorp", at=at),
        _event("c2", "activity", day=today.isoformat(), count=40, at=at),
        _event("c3", "activity", day=today.isoformat(), count=2, at=at),
        _event("c4", "activity", day=today.isoformat(), count=1, kind="login", at=at)])
    account = _customer(session)
    rows = session.exec(select(ActivityEvent).where(ActivityEvent.customer_id == account.id)).all()
    assert sorted((r.kind, r.activities) for r in rows) == [("login", 1), ("task", 42)]
    assert account.activities_90d == 43
    chart = customers.activity_by_day(session, cast.admin, account.id, today=today)
    assert int(chart["activities"].iloc[-1]) == 43 and int(chart["activities"].sum()) == 43


@pytest.mark.parametrize(("fields", "field", "words"), [
    ({"type": "framework.progress", "framework": "ISO\x0027001", "percent": 5}, "framework", "not allowed"),
    ({"type": "attention.opened", "item_id": "i-1", "kind": "overdue\x07"}, "kind", "not allowed"),
    ({"type": "activity", "day": "2026-11-20", "kind": "\u200b "}, "kind", "required"),
])
def test_product_text_with_control_characters_is_refused_by_field_not_a_crash(session, cast, fields, field, words):
    """Text from the product is shown to staff: it passes the same checks as typed text (before, a control
    character in a framework reached rules.framework inside the write and ended in a server error)."""
    feed.apply_batch(session, [_event("t1", "account.created", name="Textcorp")])
    fields = dict(fields)
    result = feed.apply_batch(session, [_event("t2", fields.pop("type"), **fields)])
    assert result.applied == 0 and [(r.index, r.field) for r in result.refused] == [(0, field)]
    assert words in result.refused[0].message


def test_a_company_name_is_trimmed_and_a_blank_one_refused(session, cast):
    result = feed.apply_batch(session, [_event("n1", "account.created", name="  Trimcorp Oy \u200b"),
                                        _event("n2", "account.created", external="acc-2", domain="blank.fi",
                                               name="\u200b ")])
    assert result.applied == 1 and [(r.index, r.field) for r in result.refused] == [(1, "name")]
    assert _customer(session).name == "Trimcorp Oy"


def test_a_domain_another_product_account_holds_is_refused_and_the_rest_applies(session, cast):
    """Two product accounts cannot share a domain (one company, one account): the second account.created is
    refused by field (before, the insert broke the unique index and the whole batch failed)."""
    feed.apply_batch(session, [_event("d1", "account.created", name="First Oy", domain="shared.fi")])
    result = feed.apply_batch(session, [
        _event("d2", "account.created", external="acc-2", domain="www.Shared.fi", name="Second Oy"),
        _event("d3", "account.created", external="acc-3", domain="third.fi", name="Third Oy"),
        _event("d4", "account.created", external="acc-4", domain="third.fi", name="Fourth Oy")])
    assert result.applied == 1 and [(r.index, r.field) for r in result.refused] == [(0, "account.domain"),
                                                                                    (2, "account.domain")]
    assert _customer(session, "acc-3").name == "Third Oy"
