"""Emails to people who are not users (a newsletter contact's double opt-in), in their language: the
contact_email outbox, sent by `send-mail` and the daily job beside the notifications, with the same SMTP settings,
claims and retry policy (partner_model/mailer.py). Every newsletter-related email carries the unsubscribe link.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import smtplib
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from partner_model import db, i18n, mailer
from partner_model.errors import N_
from partner_model.models import ContactEmail, MailState, utcnow

# Each kind's subject and text; {vendor} is VENDOR_NAME, the links are the one-time ones the row carries.
KINDS = {
    "newsletter_confirm": (
        N_("Please confirm your subscription to the {vendor} newsletter"),
        N_("Hello {name},\n\nYou agreed with {partner} to receive the {vendor} newsletter. Please confirm your "
           "subscription with this link within {days} days:\n\n{link}\n\nWithout your confirmation you are not "
           "subscribed: if you did not agree, ignore this email.")),
    "application_declined": (
        N_("Your application to the {vendor} partner program"),
        N_("Hello {name},\n\nThank you for applying with {firm} to the {vendor} partner program. We cannot accept "
           "the application now: {reason}")),
}
UNSUBSCRIBE = N_("To unsubscribe at any time, use this link: {unsubscribe}")
ONE_TIME = ("link", "unsubscribe")  # dropped from the row once sent: they live only in the email


def vendor_name() -> str:
    return os.environ.get("VENDOR_NAME", "").strip() or "Partner program"


def render(kind: str, params: dict[str, Any], language: str) -> tuple[str, str, str]:
    """(subject, text, HTML) of a contact email in `language` (English when unknown); the values are escaped in
    the HTML part."""
    gettext = i18n.translations(language if language in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE).gettext
    subject_template, body_template = KINDS[kind]
    values = {**params, "vendor": vendor_name()}
    subject = " ".join(gettext(subject_template).format(**values).split())  # one line: no header injection
    body = gettext(body_template).format(**values).strip()
    leave = gettext(UNSUBSCRIBE).format(**values) if params.get("unsubscribe") else ""
    text = f"{body}\n\n-- \n{leave}\n"
    escaped = {k: html.escape(str(v)) for k, v in values.items()}
    paragraphs = gettext(body_template).format(**{**escaped, "link": f'<a href="{escaped.get("link", "")}">'
                                                  f'{escaped.get("link", "")}</a>'}).strip().split("\n\n")
    markup = "".join(f"<p>{p}</p>" for p in paragraphs)
    if leave:
        url = escaped["unsubscribe"]
        line = html.escape(gettext(UNSUBSCRIBE)).replace("{unsubscribe}", f'<a href="{url}">{url}</a>')
        markup += f'<hr><p style="color:#666;font-size:small">{line}</p>'
    return subject, text, markup


def send_due(engine: Engine, *, now: dt.datetime | None = None, config: mailer.Settings | None = None,
             limit: int = 500) -> mailer.SendResult:
    """Send every contact email due now: claim, send, mark sent (its one-time links dropped); a failure is
    retried and given up as the notification emails are. Does nothing when email is off (no SMTP_URL)."""
    config = config or mailer.settings()
    now = now or utcnow()
    result = mailer.SendResult()
    if not config.enabled:
        return result
    c = ContactEmail.__table__.c
    due = [c.mail_state == MailState.pending.value, sa.or_(c.next_attempt_at.is_(None), c.next_attempt_at <= now),
           sa.or_(c.claimed_at.is_(None), c.claimed_at < now - mailer.STALE_CLAIM)]
    claimed = mailer.claim_rows(engine, ContactEmail.__table__, due, now, limit)
    if not claimed:
        return result
    try:
        client = mailer.connect(config)
    except (OSError, smtplib.SMTPException) as error:
        with db.session(engine) as s:
            for row_id in claimed:
                mailer.failed(s.get(ContactEmail, row_id), now, f"{type(error).__name__}: {error}", result)
            s.commit()
        return result
    with client, db.session(engine) as s:
        for row_id in claimed:
            row = s.get(ContactEmail, row_id)
            params = json.loads(row.params)
            try:
                subject, text, markup = render(row.kind, params, row.language)
                client.send_message(mailer.message(config, row.to_address, subject, text, markup))
            except (OSError, smtplib.SMTPException) as error:
                mailer.failed(row, now, f"{type(error).__name__}: {error}", result)
            else:
                row.mail_state, row.sent_at, row.claimed_at = MailState.sent, now, None
                row.params = json.dumps({k: v for k, v in params.items() if k not in ONE_TIME})
                result.sent += 1
            s.commit()
    return result

