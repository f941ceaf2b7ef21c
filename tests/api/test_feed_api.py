"""Issue 17: the product feed's HTTP API, through real HTTP against the running app (st.App routes): tokens,
batches (good events applied, bad ones reported by index, field and message), idempotency, ordering, atomic
batches, the refusals (401, 413, 415, 422, 429), the health checks, and schemathesis over the OpenAPI document.
"""

from __future__ import annotations

import uuid

import httpx
import schemathesis
from hypothesis import HealthCheck, settings
from sqlmodel import select

from api.openapi import document
from api.routes import TokenBuckets
from partner_model import api_tokens, db, users
from partner_model.models import ApiToken, Customer

AT = "2026-11-30T10:00:00Z"


def _id() -> str:
    return uuid.uuid4().hex


def _created(external: str, domain: str, name: str = "Feedco Oy", **more: object) -> dict:
    return {"event_id": _id(), "type": "account.created", "account": {"external_id": external, "domain": domain},
            "occurred_at": AT, "name": name, "framework": "ISO 27001", "trial_ends_on": "2026-12-14", **more}


def _event(external: str, domain: str, event_type: str, at: str = AT, **fields: object) -> dict:
    return {"event_id": _id(), "type": event_type, "account": {"external_id": external, "domain": domain},
            "occurred_at": at, **fields}


def _post(api, body: object, **headers: str) -> httpx.Response:  # type: ignore[no-untyped-def]
    return httpx.post(f"{api.url}/api/v1/events", json=body, headers={**api.auth, **headers}, timeout=30)


def _account(api, external: str) -> Customer | None:  # type: ignore[no-untyped-def]
    engine = db.make_engine(f"sqlite:///{api.database}")
    try:
        with db.session(engine) as s:
            return s.exec(select(Customer).where(Customer.external_id == external)).one_or_none()
    finally:
        engine.dispose()


def test_the_health_checks_answer_json(api):
    assert httpx.get(f"{api.url}/healthz").json() == {"status": "ok"}
    ready = httpx.get(f"{api.url}/readyz")
    assert ready.status_code == 200 and ready.json()["status"] == "ok"
    assert httpx.get(f"{api.url}/api/v1/openapi.json").json()["openapi"] == "3.1.0"


def test_a_batch_applies_the_good_events_and_names_the_bad_ones(api):
    external, domain = _id(), f"feed-{_id()[:8]}.example"
    answer = _post(api, {"events": [
        _created(external, domain),
        _event(external, domain, "users.count", users=7),
        _event(external, domain, "framework.progress", framework="ISO 27001", percent=40),
        _event(external, domain, "activity", day="2026-11-29", count=3),
        _event(external, domain, "attention.opened", item_id="inv-1", kind="payment_failed", detail="Card declined"),
        _event(external, domain, "users.count", users=-1),
        {"type": "nope"},
    ]})
    assert answer.status_code == 200, answer.text
    result = answer.json()
    assert (result["applied"], result["repeated"]) == (5, 0)
    assert [(r["index"], r["field"]) for r in result["refused"]][:1] == [(5, "users")]
    assert {r["index"] for r in result["refused"]} == {5, 6}
    account = _account(api, external)
    assert account is not None and account.domain == domain
    assert (account.users, account.framework_progress, account.open_attention_items) == (7, 40, 1)


def test_a_repeated_event_is_acknowledged_and_changes_nothing(api):
    external, domain = _id(), f"again-{_id()[:8]}.example"
    batch = {"events": [_created(external, domain), _event(external, domain, "users.count", users=3)]}
    assert _post(api, batch).json()["applied"] == 2
    again = _post(api, batch).json()
    assert (again["applied"], again["repeated"], again["refused"]) == (0, 2, [])


def test_an_older_fact_never_overwrites_a_newer_one(api):
    external, domain = _id(), f"order-{_id()[:8]}.example"
    _post(api, {"events": [_created(external, domain),
                           _event(external, domain, "framework.progress", at="2026-11-30T12:00:00Z",
                                  framework="ISO 27001", percent=70)]})
    late = _post(api, {"events": [_event(external, domain, "framework.progress", at="2026-11-30T09:00:00Z",
                                         framework="ISO 27001", percent=20)]}).json()
    assert late["refused"] == []
    assert _account(api, external).framework_progress == 70


def test_an_atomic_batch_with_one_bad_event_applies_nothing(api):
    external, domain = _id(), f"atomic-{_id()[:8]}.example"
    answer = _post(api, {"atomic": True, "events": [_created(external, domain),
                                                    _event(external, domain, "users.count", users="many")]}).json()
    assert answer["applied"] == 0 and [r["index"] for r in answer["refused"]] == [1]
    assert _account(api, external) is None


def test_without_a_live_token_nothing_is_written(api):
    external, domain = _id(), f"nobody-{_id()[:8]}.example"
    batch = {"events": [_created(external, domain)]}
    for headers in ({}, {"Authorization": "Bearer ppf_not-a-real-token"}, {"Authorization": "Basic abc"}):
        answer = httpx.post(f"{api.url}/api/v1/events", json=batch, headers=headers)
        assert answer.status_code == 401 and answer.headers["www-authenticate"] == "Bearer"
    engine = db.make_engine(f"sqlite:///{api.database}")
    with db.session(engine) as s:
        revoked = api_tokens.create_token(s, users.get_user(s, api.admin_id), "Soon revoked")
        api_tokens.revoke_token(s, users.get_user(s, api.admin_id), revoked.id)
    engine.dispose()
    answer = httpx.post(f"{api.url}/api/v1/events", json=batch, headers={"Authorization": f"Bearer {revoked.secret}"})
    assert answer.status_code == 401
    assert _account(api, external) is None


def test_a_token_notes_its_last_use(api):
    _post(api, {"events": []})
    engine = db.make_engine(f"sqlite:///{api.database}")
    with db.session(engine) as s:
        used = s.exec(select(ApiToken).where(ApiToken.name == "Product (tests)")).one().last_used_at
    engine.dispose()
    assert used is not None


def test_big_bodies_other_media_and_non_batches_are_refused(api):
    too_big = httpx.post(f"{api.url}/api/v1/events", content=b"[" + b" " * (5 * 1024 * 1024) + b"]",
                         headers={**api.auth, "Content-Type": "application/json"})
    assert too_big.status_code == 413
    text = httpx.post(f"{api.url}/api/v1/events", content=b"hello", headers={**api.auth, "Content-Type": "text/plain"})
    assert text.status_code == 415
    not_json = httpx.post(f"{api.url}/api/v1/events", content=b"{", headers={**api.auth,
                                                                             "Content-Type": "application/json"})
    assert not_json.status_code == 422 and "not JSON" in not_json.json()["error"]
    over = _post(api, {"events": [{}] * 1001})
    assert over.status_code == 422 and over.json()["errors"][0]["field"] == "events"


def test_past_its_rate_a_token_is_told_when_to_come_back(slow_api):
    answers = [_post(slow_api, {"events": []}) for __ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert int(answers[2].headers["retry-after"]) >= 1


def test_metrics_count_feed_events_and_read_the_outbox_depth(api):
    """Issue 19: /metrics in the Prometheus text format: the feed's events by outcome, write-service calls, and the
    outboxes' depth read from the database at the scrape."""
    from prometheus_client.parser import text_string_to_metric_families

    external, domain = _id(), f"metrics-{_id()[:8]}.example"
    _post(api, {"events": [_created(external, domain), _event(external, domain, "users.count", users=-1)]})
    answer = httpx.get(f"{api.url}/metrics")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/plain")
    samples = {(s.name, tuple(sorted(s.labels.items()))): s.value
               for family in text_string_to_metric_families(answer.text) for s in family.samples}
    assert samples[("partner_feed_events_total", (("outcome", "applied"),))] >= 1
    assert samples[("partner_feed_events_total", (("outcome", "refused"),))] >= 1
    assert ("partner_outbox_depth", (("outbox", "email"), ("state", "pending"))) in samples
    assert ("partner_outbox_depth", (("outbox", "product_call"), ("state", "failed"))) in samples


def test_each_request_logs_one_json_line_with_its_request_id(api):
    """Issue 19: the API's log lines are JSON objects carrying the request's id (X-Request-Id when sent)."""
    import json

    _post(api, {"events": []}, **{"X-Request-Id": "trace-me-123"})
    lines = [json.loads(line) for line in (api.database.parent / "streamlit.log").read_text().splitlines()
             if line.startswith("{")]
    mine = [line for line in lines if line.get("run_id") == "trace-me-123"]
    assert {line["message"] for line in mine} == {"feed batch", "POST /api/v1/events"}
    assert next(line for line in mine if line["message"] == "POST /api/v1/events")["status"] == 200


def test_the_token_bucket_refills_at_its_rate():
    buckets = TokenBuckets(rate=2.0, burst=2.0)
    assert [buckets.take(1, now=0.0) for __ in range(3)] == [0.0, 0.0, 0.5]
    assert buckets.take(1, now=0.5) == 0.0  # one more after half a second
    assert buckets.take(2, now=0.5) == 0.0  # another token has its own bucket


# --- schemathesis: every generated request gets a documented answer, never a 5xx ------------------------------

schema = schemathesis.openapi.from_dict(document())


@schema.parametrize()
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_generated_request_gets_a_documented_answer_and_never_a_server_error(case, api):
    case.call_and_validate(base_url=api.url, headers=api.auth)


def test_the_document_names_every_route_and_event_kind():
    paths = document()["paths"]
    assert set(paths) == {"/api/v1/events", "/api/v1/openapi.json", "/healthz", "/readyz", "/metrics"}
    kinds = {item["properties"]["type"]["const"] for item in document()["components"]["schemas"].values()
             if "const" in item.get("properties", {}).get("type", {})}
    assert kinds == {"account.created", "trial.extended", "subscription.started", "subscription.ended",
                     "framework.progress", "users.count", "activity", "attention.opened", "attention.resolved"}
