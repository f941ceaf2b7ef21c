"""The email sender: delivers the outbox (notifications whose mail waits) and the daily digests over SMTP.

Settings: `SMTP_URL` (`smtp://user:pass@host:587`, STARTTLS when the server offers it; `smtps://host:465` for TLS
from the start; no `SMTP_URL`: email is off), `MAIL_FROM` (the sender address), `APP_BASE_URL` (links in emails).
Every email is in its recipient's language, plain text plus a simple HTML part, and says why they get it with a
link to their preferences. Each row is claimed (an UPDATE that only one sender can win) before it is sent, so no
email goes twice; a failure is retried with back-off, and after a day the row gives up with the reason kept.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import smtplib
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from email.message import EmailMessage
from typing import Any
from urllib.parse import unquote, urlsplit

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from partner_model import db, i18n
from partner_model.errors import N_
from partner_model.models import MailState, Notification, User, utcnow
from partner_model.notifications import EVENTS

GIVE_UP_AFTER = dt.timedelta(days=1)
STALE_CLAIM = dt.timedelta(minutes=10)  # a sender that died while sending: its rows are claimed again after this
PAGE_PATHS = {"home": "", "review_queue": "review_queue", "deal_board": "deal_board", "customers": "customers",
              "commissions": "commissions", "inbox": "inbox", "billing": "billing", "admin": "admin",
              "pipeline": "pipeline"}
# The partner-facing words of a denial reason (an email cannot borrow the interface's labels).
REASON_WORDS = {"existing_customer": N_("the company is already our customer"),
                "invalid_lead": N_("we could not confirm the lead"),
                "duplicate": N_("another partner registered this customer first"),
                "other": N_("see the reviewer's note")}
# A billing option in an email (the same words as the interface's).
BILLING_WORDS = {"credit_card": N_("Credit card"), "invoice": N_("Invoice"), "via_partner": N_("Via partner")}
WHY = N_("You get this email because of your notification settings in the partner program: {link}")


@dataclass(frozen=True)
class Settings:
    smtp_url: str | None
    mail_from: str
    base_url: str

    @property
    def enabled(self) -> bool:
        return bool(self.smtp_url)


def settings() -> Settings:
    """SMTP_URL, MAIL_FROM and APP_BASE_URL from the environment."""
    return Settings(os.environ.get("SMTP_URL") or None, os.environ.get("MAIL_FROM") or "partners@localhost",
                    (os.environ.get("APP_BASE_URL") or "http://localhost:8501").rstrip("/"))


def link(config: Settings, page: str | None, query: str | None) -> str:
    path = PAGE_PATHS.get(page or "home", "")
    return f"{config.base_url}/{path}" + (f"?{query}" if query else "")


def _format(params: dict[str, Any], language: str, gettext: Callable[[str], str]) -> dict[str, Any]:
    formats = i18n.Formats(language)
    shown: dict[str, Any] = {}
    for key, value in params.items():
        if key == "reason" and value in REASON_WORDS:
            shown[key] = gettext(REASON_WORDS[value])
        elif key == "billing" and value in BILLING_WORDS:
            shown[key] = gettext(BILLING_WORDS[value])
        elif key == "value" and isinstance(params.get("currency"), str):  # an amount: in the reader's way
            try:
                shown[key] = formats.money(Decimal(str(value)), params["currency"])
            except (ArithmeticError, ValueError):
                shown[key] = value
        elif isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
            try:
                shown[key] = formats.date(dt.date.fromisoformat(value))
            except ValueError:
                shown[key] = value
        else:
            shown[key] = value
    return shown


def render(kind: str, params: dict[str, Any], language: str, config: Settings, *, page: str | None = None,
           query: str | None = None) -> tuple[str, str, str]:
    """(subject, plain text, HTML) of one notification in `language`, with its link and the why-line."""
    gettext = i18n.translations(language).gettext
    event = EVENTS[kind]
    target = link(config, page, query)
    values = _format({**params, "link": target}, language, gettext)
    subject = " ".join(gettext(event.subject).format(**values).split())  # one line: no header injection
    body = gettext(event.body).format(**values).strip()
    why = gettext(WHY).format(link=link(config, "inbox", None))
    text = f"{body}\n\n{target}\n\n-- \n{why}\n"
    markup = (f"<p>{html.escape(body)}</p><p><a href=\"{html.escape(target)}\">{html.escape(target)}</a></p>"
              f"<hr><p style=\"color:#666;font-size:small\">{html.escape(why)}</p>")
    return subject, text, markup


def message(config: Settings, to: str, subject: str, text: str, markup: str) -> EmailMessage:
    """An email with a text part and an HTML part."""
    email = EmailMessage()
    email["From"], email["To"], email["Subject"] = config.mail_from, to, subject
    email.set_content(text)
    email.add_alternative(f"<html><body>{markup}</body></html>", subtype="html")
    return email


def connect(config: Settings) -> smtplib.SMTP:
    """An SMTP connection for SMTP_URL: smtps:// is TLS from the start; smtp:// upgrades with STARTTLS when the
    server offers it; the URL's user and password log in."""
    parts = urlsplit(config.smtp_url or "")
    if parts.scheme == "smtps":
        client: smtplib.SMTP = smtplib.SMTP_SSL(parts.hostname or "localhost", parts.port or 465, timeout=30)
    else:
        client = smtplib.SMTP(parts.hostname or "localhost", parts.port or 25, timeout=30)
        client.ehlo()
        if client.has_extn("starttls"):
            client.starttls()
            client.ehlo()
    if parts.username:
        client.login(unquote(parts.username), unquote(parts.password or ""))
    return client


@dataclass
class SendResult:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def claim_rows(engine: Engine, table: sa.Table, due: list[Any], now: dt.datetime, limit: int) -> list[int]:
    """Claim up to `limit` rows of an outbox `table` that match `due` for this sender: one UPDATE per row that only
    one sender can win (its claimed_at set to `now`). The emails and the calls to the product both claim so."""
    claimed: list[int] = []
    with db.session(engine) as s:
        candidates = s.execute(sa.select(table.c.id).where(*due).order_by(table.c.id).limit(limit)).scalars().all()
        for row_id in candidates:
            won = s.execute(sa.update(table).where(table.c.id == row_id, *due).values(claimed_at=now))
            if won.rowcount == 1:
                claimed.append(row_id)
        s.commit()
    return claimed


def _claim(engine: Engine, states: list[MailState], now: dt.datetime, limit: int) -> list[int]:
    n = Notification.__table__.c
    due = [n.mail_state.in_([s.value for s in states]),
           sa.or_(n.claimed_at.is_(None), n.claimed_at < now - STALE_CLAIM)]
    if MailState.pending in states:
        due.append(sa.or_(n.next_attempt_at.is_(None), n.next_attempt_at <= now))
    return claim_rows(engine, Notification.__table__, due, now, limit)


def send_due(engine: Engine, *, now: dt.datetime | None = None, config: Settings | None = None,
             limit: int = 500) -> SendResult:
    """Send every email due now (the outbox): claim, send, mark sent; a failure is retried with back-off
    (1, 2, 4 ... minutes, at most an hour) and given up a day after the event, the reason kept in last_error.
    Does nothing when email is off (no SMTP_URL)."""
    config = config or settings()
    now = now or utcnow()
    result = SendResult()
    if not config.enabled:
        return result
    claimed = _claim(engine, [MailState.pending], now, limit)
    if not claimed:
        return result
    try:
        client = connect(config)
    except (OSError, smtplib.SMTPException) as error:
        _release(engine, claimed, now, f"{type(error).__name__}: {error}", result)
        return result
    with client, db.session(engine) as s:
        for row_id in claimed:
            row = s.get(Notification, row_id)
            user = s.get(User, row.user_id)
            try:
                subject, text, markup = render(row.kind, json.loads(row.params), _language(user), config,
                                               page=row.page, query=row.link)
                client.send_message(message(config, user.email, subject, text, markup))
            except (OSError, smtplib.SMTPException) as error:
                failed(row, now, f"{type(error).__name__}: {error}", result)
            else:
                row.mail_state, row.sent_at, row.claimed_at = MailState.sent, now, None
                if row.kind in ("invitation", "password_reset"):
                    row.link = None  # the one-time link lives only in the email
                result.sent += 1
            s.commit()
    return result


def _language(user: User) -> str:
    return user.language if user.language in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE


def next_attempt(created: dt.datetime, attempts: int, now: dt.datetime) -> dt.datetime | None:
    """When to try again after `attempts` failures (1, 2, 4 ... minutes, at most an hour), or None to give up: a
    day after the event. The outbox's one retry policy (emails and the calls to the product)."""
    created = created if created.tzinfo else created.replace(tzinfo=dt.UTC)
    if now - created >= GIVE_UP_AFTER:
        return None
    return now + min(dt.timedelta(minutes=2 ** (attempts - 1)), dt.timedelta(hours=1))


def record_failure(row: Any, now: dt.datetime, reason: str) -> bool:
    """Note a failed send on an outbox row (attempts, last_error, released claim, next attempt); False when it is
    given up (the caller marks its failed state)."""
    row.attempts += 1
    row.claimed_at = None
    row.last_error = reason[:500]
    retry = next_attempt(row.created_at, row.attempts, now)
    if retry is not None:
        row.next_attempt_at = retry
    return retry is not None


def failed(row: Any, now: dt.datetime, reason: str, result: SendResult) -> None:
    """A send that failed on an email outbox row (a notification or a contact email): retried later, or given up
    (its mail state failed); counted in `result`."""
    if record_failure(row, now, reason):
        result.retried += 1
    else:
        row.mail_state = MailState.failed
        result.failed += 1
    result.errors.append(reason)


def _release(engine: Engine, ids: list[int], now: dt.datetime, reason: str, result: SendResult) -> None:
    with db.session(engine) as s:
        for row_id in ids:
            failed(s.get(Notification, row_id), now, reason, result)
        s.commit()


def send_digests(engine: Engine, *, now: dt.datetime | None = None, config: Settings | None = None) -> SendResult:
    """One email per user gathering their notifications that wait for the daily digest; those are then
    "digested". A user whose digest fails keeps the rows for the next run."""
    config = config or settings()
    now = now or utcnow()
    result = SendResult()
    if not config.enabled:
        return result
    claimed = _claim(engine, [MailState.digest], now, 100_000)
    if not claimed:
        return result
    with db.session(engine) as s:
        rows = s.execute(sa.select(Notification).where(Notification.id.in_(claimed))
                         .order_by(Notification.user_id, Notification.created_at)).scalars().all()
        by_user: dict[int, list[Notification]] = {}
        for row in rows:
            by_user.setdefault(row.user_id, []).append(row)
        try:
            client = connect(config)
        except (OSError, smtplib.SMTPException) as error:
            for row in rows:
                row.claimed_at = None
            s.commit()
            result.errors.append(f"{type(error).__name__}: {error}")
            return result
        with client:
            for user_id, items in by_user.items():
                user = s.get(User, user_id)
                language = _language(user)
                gettext = i18n.translations(language).gettext
                parts = [render(r.kind, json.loads(r.params), language, config, page=r.page, query=r.link)
                         for r in items]
                subject = gettext(N_("Your daily digest from the partner program ({count})")).format(count=len(parts))
                text = "\n\n".join(f"* {p[0]}\n{p[1].split('-- ')[0].strip()}" for p in parts)
                why = gettext(WHY).format(link=link(config, "inbox", None))
                markup = "".join(f"<h3>{html.escape(p[0])}</h3>{p[2].split('<hr>')[0]}" for p in parts)
                try:
                    client.send_message(message(config, user.email, subject, f"{text}\n\n-- \n{why}\n",
                                                 f"{markup}<hr><p>{html.escape(why)}</p>"))
                except (OSError, smtplib.SMTPException) as error:
                    for row in items:
                        row.claimed_at = None
                    result.errors.append(f"{type(error).__name__}: {error}")
                    result.retried += 1
                else:
                    for row in items:
                        row.mail_state, row.sent_at, row.claimed_at = MailState.digested, now, None
                    result.sent += 1
                s.commit()
    return result
