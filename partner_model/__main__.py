"""Command line: python -m partner_model migrate | seed | create-user | ensure-demo | daily | send-mail | ingest |
backup | restore (--help).

Every command works on DATABASE_URL (default sqlite:///data/partners.db). Domain errors print their
message on stderr and exit with status 2; nothing is half-written.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from partner_model import db
from partner_model.errors import N_, DomainError, ValidationError
from partner_model.models import Partner, Role

SCALES = ("demo", "large", "xlarge")  # partner_model.seed.SCALES; not imported here so other commands start fast


def _where(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)


def cmd_migrate(_: argparse.Namespace) -> int:
    engine = db.make_engine()
    db.migrate(engine)
    print(f"Migrated {_where(engine)} to the newest schema.")
    return 0


def _print_seeded(result: dict[str, Any], seconds: float) -> None:
    print(f"Seeded the {result['scale']} program (random seed {result['random_seed']}, today {result['today']}) "
          f"in {seconds:.1f} s:")
    for table, count in result["counts"].items():
        print(f"  {table:<18}{count:>12,}")
    print("Demo users (every seeded user has the same password):")
    for user in result["users"]:
        partner = f"  ({user['partner']})" if user["partner"] else ""
        print(f"  {user['role']:<16} {user['email']:<44} {user['password']}{partner}")


def _seed(engine: Engine, scale: str, random_seed: int, today: dt.date | None, progress: bool) -> None:
    from partner_model.seed import seed  # numpy and the generators load only when seeding

    started = time.perf_counter()
    result = seed(engine, scale=scale, random_seed=random_seed, progress=progress, today=today)
    _print_seeded(result, time.perf_counter() - started)


def cmd_seed(args: argparse.Namespace) -> int:
    engine = db.make_engine()
    db.migrate(engine)
    _seed(engine, args.scale, args.random_seed, args.today, progress=not args.quiet)
    return 0


def cmd_ensure_demo(args: argparse.Namespace) -> int:
    """Migrate, and seed the demo on a database without partners (the first start of the app)."""
    engine = db.make_engine()
    db.migrate(engine)
    with engine.connect() as conn:
        partners = conn.execute(sa.select(sa.func.count()).select_from(Partner.__table__)).scalar_one()
    if partners:
        print(f"{_where(engine)} already has {partners} partners; not seeding.")
        return 0
    from partner_model.seed.bulk import is_empty

    if not is_empty(engine):  # e.g. an admin created before any partner: leave the real data alone
        print(f"{_where(engine)} has data but no partners; not seeding the demo.")
        return 0
    _seed(engine, "demo", args.random_seed, None, progress=not args.quiet)
    return 0


def _password(given: str | None) -> str:
    if given is not None:
        return given
    first = getpass.getpass("Password: ")
    if getpass.getpass("Password again: ") != first:
        raise ValidationError("password", N_("The passwords do not match."))
    return first


def cmd_create_user(args: argparse.Namespace) -> int:
    from partner_model import users

    engine = db.make_engine()
    with db.session(engine) as session:
        user = users.create_user(session, email=args.email, name=args.name, role=args.role,
                                 password=_password(args.password), partner_id=args.partner_id)
    print(f"Created user {user.id}: {user.email} ({user.role.value}).")
    return 0


def cmd_daily(args: argparse.Namespace) -> int:
    from partner_model import daily

    engine = db.make_engine()
    db.migrate(engine)
    result = daily.run(engine, today=args.today)
    if not result.ran:
        print(f"Another daily run holds the lock; nothing done for {result.day}.")
        return 0
    events = ", ".join(f"{kind} {count}" for kind, count in result.events.items()) or "none new"
    print(f"Daily job for {result.day}: events {events}; digests sent {result.digests}; emails sent {result.sent}; "
          f"old notifications deleted {result.purged}.")
    return 0


def cmd_send_mail(_: argparse.Namespace) -> int:
    from partner_model import contact_mail, mailer, webhook

    engine = db.make_engine()
    if not mailer.settings().enabled:
        print("Email is off: set SMTP_URL (e.g. smtp://user:pass@host:587) and MAIL_FROM.")
    else:
        result = mailer.send_due(engine)
        print(f"Emails: sent {result.sent}, retrying {result.retried}, given up {result.failed}.")
        contacts = contact_mail.send_due(engine)  # newsletter contacts' double opt-in
        print(f"Emails to contacts: sent {contacts.sent}, retrying {contacts.retried}, given up {contacts.failed}.")
        for error in result.errors[:5] + contacts.errors[:5]:
            print(f"  {error}", file=sys.stderr)
    if not webhook.settings().enabled:
        print("Calls to the product are off: set PRODUCT_WEBHOOK_URL and PRODUCT_WEBHOOK_SECRET.")
    else:
        calls = webhook.send_due(engine)
        print(f"Calls to the product: confirmed {calls.confirmed}, retrying {calls.retried}, given up {calls.failed}.")
        for error in calls.errors[:5]:
            print(f"  {error}", file=sys.stderr)
    return 0


def cmd_ingest(args: argparse.Namespace) -> int:
    from pathlib import Path

    from partner_model import feed_ingest

    path = Path(args.file)
    if not path.is_file():
        print(f"error: file: no such file: {path}", file=sys.stderr)
        return 2
    engine = db.make_engine()
    db.migrate(engine)
    started = time.perf_counter()
    result = feed_ingest.ingest(engine, path, kind=args.format, report=Path(args.report) if args.report else None,
                                progress=not args.quiet)
    seconds = time.perf_counter() - started
    total = result.applied + result.repeated + result.refused
    print(f"Read {total:,} events in {seconds:.1f} s ({total / seconds if seconds else 0:,.0f} a second): "
          f"applied {result.applied:,}, repeated {result.repeated:,}, refused {result.refused:,}.")
    if result.report is not None:
        print(f"The refused events and why: {result.report}")
    return 1 if result.refused else 0


def cmd_backup(args: argparse.Namespace) -> int:
    from pathlib import Path

    from partner_model import backups

    engine = db.make_engine()
    started = time.perf_counter()
    path = backups.backup(engine, Path(args.path))
    print(f"Backed up {_where(engine)} to {path} ({path.stat().st_size:,} bytes) in "
          f"{time.perf_counter() - started:.1f} s.")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from pathlib import Path

    from partner_model import backups

    engine = db.make_engine()
    backups.restore(engine, Path(args.path))
    db.migrate(engine)  # a backup of an older schema comes up to date
    print(f"Restored {args.path} into {_where(engine)}.")
    return 0


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date in the form YYYY-MM-DD: {text!r}") from None


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="python -m partner_model", description=__doc__.split("\n")[0])
    commands = main.add_subparsers(dest="command", required=True, metavar="command")
    commands.add_parser("migrate", help="upgrade the database to the newest schema").set_defaults(run=cmd_migrate)
    seed = commands.add_parser("seed", help="migrate, then fill an empty database with a partner program")
    seed.add_argument("--scale", choices=SCALES, default="demo")
    seed.add_argument("--random-seed", type=int, default=0, help="same seed, same data (default 0)")
    seed.add_argument("--today", type=_date, default=None, help="the day the data is drawn around (YYYY-MM-DD)")
    seed.add_argument("--quiet", action="store_true", help="no progress bar")
    seed.set_defaults(run=cmd_seed)
    demo = commands.add_parser("ensure-demo", help="migrate; seed the demo when the database has no partners")
    demo.add_argument("--random-seed", type=int, default=0)
    demo.add_argument("--quiet", action="store_true", help="no progress bar")
    demo.set_defaults(run=cmd_ensure_demo)
    user = commands.add_parser("create-user", help="create a user (the password is asked for unless given)")
    user.add_argument("--email", required=True)
    user.add_argument("--name", required=True)
    user.add_argument("--role", required=True, choices=[r.value for r in Role])
    user.add_argument("--partner-id", type=int, default=None, help="required for partner_user and partner_admin")
    user.add_argument("--password", default=None)
    user.set_defaults(run=cmd_create_user)
    daily = commands.add_parser("daily", help="the daily job: derived values, reminders, digests, emails")
    daily.add_argument("--today", type=_date, default=None, help="the business day to run for (YYYY-MM-DD)")
    daily.set_defaults(run=cmd_daily)
    commands.add_parser("send-mail", help="send the emails and the calls to the product due now (the outbox)"
                        ).set_defaults(run=cmd_send_mail)
    ingest = commands.add_parser("ingest", help="backfill product feed events from a JSON Lines or CSV file")
    ingest.add_argument("file", help="events, one per line (.jsonl) or one per row (.csv)")
    ingest.add_argument("--format", choices=["jsonl", "csv"], default=None, help="default: from the file's suffix")
    ingest.add_argument("--report", default=None, help="where the refused events go (default FILE.refused.csv)")
    ingest.add_argument("--quiet", action="store_true", help="no progress bar")
    ingest.set_defaults(run=cmd_ingest)
    backup = commands.add_parser("backup", help="back the database up to a new file (SQLite online backup; pg_dump)")
    backup.add_argument("path")
    backup.set_defaults(run=cmd_backup)
    restore = commands.add_parser("restore", help="restore a backup into an empty database (DATABASE_URL)")
    restore.add_argument("path")
    restore.set_defaults(run=cmd_restore)
    return main


def main(argv: Sequence[str] | None = None) -> int:
    from partner_model import logs

    args = parser().parse_args(argv)
    run: Callable[[argparse.Namespace], int] = args.run
    logs.configure()
    with logs.run():  # what the command logs (the daily job's summary) carries one run id
        return _run(run, args)


def _run(run: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    try:
        return run(args)
    except ValidationError as error:
        for each in error.errors:  # every bad field at once
            print(f"error: {each.field}: {each}", file=sys.stderr)
        return 2
    except DomainError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
