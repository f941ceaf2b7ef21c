"""The large benchmark database (built once, then reused) and what every scenario needs to run."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Engine

from partner_model import clock, db, rules, users
from partner_model.models import AppState, Role, UserRead

DEFAULT_DATABASE = Path(__file__).parent / "large.db"


@dataclass(frozen=True)
class Context:
    engine: Engine
    today: dt.date  # the day the data was drawn around: states and 90-day counts are right for it
    staff: UserRead  # the seeded admin
    manager: UserRead  # a seeded partner manager (their home, "my partners")
    finance: UserRead  # the seeded finance user
    partner_user: UserRead  # a user of the biggest partner
    big_partner: int  # the partner with the most accounts: the heaviest partner filter
    recent_week: str  # the newest week finance has approved
    search: str  # a company-name fragment that matches a few hundred accounts


def ensure_database(path: Path | str, random_seed: int = 0, scale: str = "large") -> Engine:
    """The engine of `path` (a SQLite file) or of a database URL (PostgreSQL); seeds the program of `scale`
    (large, or xlarge on PostgreSQL) first when the database is empty."""
    from partner_model.seed import seed
    from partner_model.seed.bulk import is_empty

    engine = db.make_engine(str(path) if "://" in str(path) else f"sqlite:///{path}")
    db.migrate(engine)
    if is_empty(engine):
        print(f"Building the {scale} database at {path} (once; later runs reuse it) ...", flush=True)
        started = time.perf_counter()
        result = seed(engine, scale=scale, random_seed=random_seed, progress=True)
        print(f"Seeded {sum(result['counts'].values()):,} rows in {time.perf_counter() - started:.1f} s.", flush=True)
    return engine


def _scalar(engine: Engine, sql: str) -> object:
    with engine.connect() as conn:
        return conn.exec_driver_sql(sql).scalar_one()


def _user(engine: Engine, user_id: object) -> UserRead:
    with db.session(engine) as session:
        user = users.get_user(session, int(user_id))  # type: ignore[call-overload]
    if user is None:
        raise SystemExit("The benchmark database has no seeded users; delete it and run again.")
    return user


def context(engine: Engine) -> Context:
    with db.session(engine) as session:
        counted = session.get(AppState, "activity_counts_on")
    today = dt.date.fromisoformat(counted.value) if counted else clock.today()
    big_partner = _scalar(engine, "SELECT partner_id FROM customer WHERE partner_id IS NOT NULL "
                                  "GROUP BY partner_id ORDER BY count(*) DESC, partner_id LIMIT 1")
    partner_user = _scalar(engine, f"SELECT min(id) FROM \"user\" WHERE partner_id = {big_partner} "
                                   f"AND role = '{Role.partner_user.value}'")
    week = _scalar(engine, "SELECT max(week) FROM commission_week WHERE state = 'approved'")
    return Context(
        engine=engine, today=today,
        staff=_user(engine, _scalar(engine, f"SELECT min(id) FROM \"user\" WHERE role = '{Role.admin.value}'")),
        manager=_user(engine, _scalar(engine, f"SELECT min(id) FROM \"user\" WHERE role = "
                                              f"'{Role.partner_manager.value}'")),
        finance=_user(engine, _scalar(engine, f"SELECT min(id) FROM \"user\" WHERE role = '{Role.finance.value}'")),
        partner_user=_user(engine, partner_user), big_partner=int(big_partner),  # type: ignore[call-overload]
        recent_week=str(week or rules.iso_week(today)), search="nordvik",
    )

