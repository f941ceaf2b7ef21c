"""The product feed's speed: events a second through the file backfill (`python -m partner_model ingest`) and
through the HTTP API (batches of 1,000 against the running app), each into a fresh SQLite file or PostgreSQL
database. `python -m benchmarks --feed 50000 [--database-url postgresql://.../feed_bench]`."""

from __future__ import annotations

import json
import random
import tempfile
import time
from pathlib import Path

import httpx
import sqlalchemy as sa

from partner_model import api_tokens, db, feed_ingest, users

KINDS = ("users.count", "framework.progress", "activity")


def events(count: int, prefix: str, seed: int = 1) -> list[dict]:
    """`count` events: an account.created, then four facts about it, and so on (a product's typical mix)."""
    rng = random.Random(seed)
    made: list[dict] = []
    account = 0
    while len(made) < count:
        who = {"external_id": f"{prefix}-{account}", "domain": f"{prefix}-customer-{account}.example"}
        made.append({"event_id": f"{prefix}-e{len(made)}", "type": "account.created", "account": who,
                     "occurred_at": "2026-11-01T10:00:00Z", "name": f"Customer {account} Oy"})
        for day in range(2, 6):
            kind = rng.choice(KINDS)
            fact = {"event_id": f"{prefix}-e{len(made)}", "type": kind, "account": who,
                    "occurred_at": f"2026-11-{day:02d}T10:00:00Z"}
            fact.update({"users.count": {"users": rng.randint(1, 50)},
                         "framework.progress": {"framework": "ISO 27001", "percent": rng.randint(0, 100)},
                         "activity": {"day": f"2026-11-{day:02d}", "count": rng.randint(1, 20)}}[kind])
            made.append(fact)
        account += 1
    return made[:count]


def _fresh(url: str | None, folder: Path, name: str) -> str:
    if url is None:
        return f"sqlite:///{folder / name}.db"
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    base = url.rsplit("/", 1)[0]
    with engine.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine.dispose()
    return f"{base}/{name}"


def run(count: int, database_url: str | None = None) -> dict[str, float]:
    """Events a second for the backfill and for the API (each into its own fresh database)."""
    from tests.app_server import running_app

    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        source = folder / "events.jsonl"
        source.write_text("\n".join(json.dumps(e) for e in events(count, "file")) + "\n", encoding="utf-8")
        engine = db.make_engine(_fresh(database_url, folder, "feed_bench_file"))
        db.migrate(engine)
        started = time.perf_counter()
        feed_ingest.ingest(engine, source, progress=False)
        results["backfill from JSON Lines"] = count / (time.perf_counter() - started)
        engine.dispose()

        url = _fresh(database_url, folder, "feed_bench_api")
        engine = db.make_engine(url)
        db.migrate(engine)
        with db.session(engine) as s:
            admin = users.create_user(s, email="bench@vendor.example", name="Bench", role="admin",
                                      password="correct horse battery staple 42")
            token = api_tokens.create_token(s, users.get_user(s, admin.id), "benchmark").secret
        engine.dispose()
        batch = events(count, "api")
        with running_app(url, folder / "app.log", {"API_RATE_PER_SECOND": "100000", "API_RATE_BURST": "100000"}
                         ) as base, httpx.Client(timeout=120) as client:
            started = time.perf_counter()
            for first in range(0, count, 1000):
                answer = client.post(f"{base}/api/v1/events", json={"events": batch[first:first + 1000]},
                                     headers={"Authorization": f"Bearer {token}"})
                answer.raise_for_status()
            results["HTTP API, batches of 1,000"] = count / (time.perf_counter() - started)
    return results
