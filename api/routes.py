"""The routes: POST /api/v1/events (a Bearer token; a batch of up to 1,000 events, applied by feed.apply_batch),
GET /api/v1/openapi.json, GET /healthz (the process answers), GET /readyz (the database answers and is at the
newest migration) and GET /metrics (Prometheus text format, partner_model.metrics).

Every answer is JSON. Refusals: 401 without a live token (nothing is written), 413 for a body over 5 MB, 415 for
a body not sent as JSON, 422 for a batch that is not one (a bad event inside a good batch is reported in the 200
answer, with its index, field and message), 429 past the token's rate (with Retry-After).
"""

from __future__ import annotations

import functools
import json
import os
import threading
import time
from typing import Any

from pydantic import ValidationError as PydanticError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from api.openapi import document
from partner_model import api_tokens, db, feed, logs, metrics

MAX_BODY = 5 * 1024 * 1024
RATE_PER_SECOND = float(os.environ.get("API_RATE_PER_SECOND", "20"))  # requests a token may make, sustained
RATE_BURST = float(os.environ.get("API_RATE_BURST", "40"))  # ... and at once after a pause


class TokenBuckets:
    """A token bucket per API token: RATE_BURST requests at once, then RATE_PER_SECOND. In memory, per process."""

    def __init__(self, rate: float, burst: float) -> None:
        self.rate, self.burst = rate, burst
        self._state: dict[int, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: int, now: float | None = None) -> float:
        """0 when a request may go now (one taken), else the seconds until one may."""
        now = time.monotonic() if now is None else now
        with self._lock:
            level, since = self._state.get(key, (self.burst, now))
            level = min(self.burst, level + (now - since) * self.rate)
            if level >= 1:
                self._state[key] = (level - 1, now)
                return 0.0
            self._state[key] = (level, now)
            return (1 - level) / self.rate


BUCKETS = TokenBuckets(RATE_PER_SECOND, RATE_BURST)
logs.configure()
LOG = logs.get("api")


@functools.lru_cache(maxsize=4)
def _engine(url: str) -> Any:
    engine = db.make_engine(url)
    db.migrate(engine)  # a no-op at head; the API may be called before any page ran after a deploy
    return engine


def _error(status: int, message: str, **more: Any) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else {}
    if "retry_after" in more:
        headers["Retry-After"] = str(more.pop("retry_after"))
    return JSONResponse({"error": message, **more}, status_code=status, headers=headers)


async def _body(request: Request) -> bytes | None:
    """The request body, or None once it passes MAX_BODY (read no further)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        return None
    received = bytearray()
    async for chunk in request.stream():
        received += chunk
        if len(received) > MAX_BODY:
            return None
    return bytes(received)


def _authenticate(secret: str) -> int | None:
    with db.session(_engine(db.database_url())) as s:
        token = api_tokens.authenticate(s, secret)
        return None if token is None else int(token.id)  # type: ignore[arg-type]


def _apply(batch: feed.Batch) -> feed.BatchResult:
    with db.session(_engine(db.database_url())) as s:
        result = feed.apply_batch(s, list(batch.events), atomic=batch.atomic)
    metrics.feed_batch(result.applied, result.repeated, len(result.refused))
    LOG.info("feed batch", extra={"applied": result.applied, "repeated": result.repeated,
                                  "refused": len(result.refused)})
    return result


async def post_events(request: Request) -> JSONResponse:
    with logs.run(request.headers.get("x-request-id")):
        answer = await _post_events(request)
        LOG.info("POST /api/v1/events", extra={"status": answer.status_code})
        return answer


async def _post_events(request: Request) -> JSONResponse:
    scheme, __, secret = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return _error(401, "Send an API token: Authorization: Bearer <token>.")
    token_id = await run_in_threadpool(_authenticate, secret.strip())
    if token_id is None:
        return _error(401, "This API token is unknown or revoked.")
    wait = BUCKETS.take(token_id)
    if wait:
        return _error(429, "Too many requests for this token; wait and send again.", retry_after=max(1, round(wait)))
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != "application/json":
        return _error(415, "Send the batch as JSON (Content-Type: application/json).")
    body = await _body(request)
    if body is None:
        return _error(413, f"The body is over {MAX_BODY // (1024 * 1024)} MB; send smaller batches.")
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as problem:
        return _error(422, f"The body is not JSON: {problem}.")
    try:
        batch = feed.Batch.model_validate(payload)
    except PydanticError as problem:
        return _error(422, "The body is not a batch of events.", errors=[
            {"field": ".".join(str(p) for p in issue["loc"]) or "body", "message": issue["msg"]}
            for issue in problem.errors()])
    result = await run_in_threadpool(_apply, batch)
    return JSONResponse(result.model_dump(mode="json"))


async def openapi_json(request: Request) -> JSONResponse:
    return JSONResponse(document())


async def metrics_text(request: Request) -> Response:
    body = await run_in_threadpool(metrics.exposition, _engine(db.database_url()))
    return Response(body, media_type=metrics.CONTENT_TYPE)


async def healthz(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


def _ready() -> tuple[bool, str]:
    try:
        engine = db.make_engine()
        try:
            return (True, "ok") if db.at_head(engine) else (False, "the database is not at the newest migration")
        finally:
            engine.dispose()
    except Exception as problem:  # noqa: BLE001  (any failure to reach the database is "not ready")
        return False, f"the database cannot be reached: {type(problem).__name__}"


async def readyz(request: Request) -> JSONResponse:
    ready, detail = await run_in_threadpool(_ready)
    return JSONResponse({"status": "ok" if ready else "unavailable", "detail": detail},
                        status_code=200 if ready else 503)


ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"]


def _only(method: str, handler: Any) -> Any:
    """The route answers `method`; any other method gets 405 naming it in Allow (not Streamlit's HTML page)."""
    async def endpoint(request: Request) -> JSONResponse:
        if request.method != method:
            return JSONResponse({"error": f"Use {method} here."}, status_code=405, headers={"Allow": method})
        return await handler(request)

    return endpoint


ROUTES = [Route(path, _only(method, handler), methods=ALL_METHODS) for path, method, handler in (
    ("/api/v1/events", "POST", post_events),
    ("/api/v1/openapi.json", "GET", openapi_json),
    ("/healthz", "GET", healthz),
    ("/readyz", "GET", readyz),
    ("/metrics", "GET", metrics_text),
)]
