"""Notifications: who learns of what, in the app and by email, written where the change is written.

Each service that causes an event calls `notify` before its commit, so the notification rows (the inbox items
and the email outbox) are part of the change's own transaction: never lost, never sent for a change that rolled
back. `mailer` sends the outbox; `daily` raises the date-driven events once a day (dedupe keys make that
idempotent) and builds the digests.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session, select

from partner_model import rules
from partner_model.access import Actor, write_service
from partner_model.errors import N_, ValidationError
from partner_model.models import (
    Channel,
    MailState,
    Notification,
    NotificationPreference,
    Partner,
    Role,
    User,
    utcnow,
)

KEEP_DAYS = 180
PARTNER_ROLES, ALL_ROLES = frozenset(rules.PARTNER_ROLES), frozenset(Role)


@dataclass(frozen=True)
class Event:
    """A kind of event: its subject and text (N_ templates with named parameters), who may receive it, and the
    channel each role gets until a user chooses."""

    subject: str
    body: str
    roles: frozenset[Role]
    default: dict[Role, Channel]
    chooseable: bool = True  # False: always by email at once (a one-time link for that person)


def _default(channel: Channel, roles: frozenset[Role]) -> dict[Role, Channel]:
    return dict.fromkeys(roles, channel)


MANAGERS = frozenset({Role.partner_manager, Role.admin})
FINANCE = frozenset({Role.finance, Role.admin})
PARTNER_ADMINS = frozenset({Role.partner_admin})

EVENTS: dict[str, Event] = {
    "registration_submitted": Event(
        N_("New registration: {company}"), N_("{partner} registered {company} ({domain}). It waits for your review."),
        MANAGERS, _default(Channel.digest, MANAGERS)),
    "registration_overdue": Event(
        N_("Registrations overdue: {count}"),
        N_("{count} registrations of your partners have waited more than 2 business days for review; the oldest "
           "since {oldest}."), MANAGERS, _default(Channel.email_now, MANAGERS)),
    "registration_accepted": Event(
        N_("Registration accepted: {company}"),
        N_("Your registration of {company} ({domain}) was accepted. It is protected until {until}."),
        PARTNER_ROLES, _default(Channel.email_now, PARTNER_ROLES)),
    "registration_denied": Event(
        N_("Registration denied: {company}"),
        N_("Your registration of {company} ({domain}) was denied: {reason}. {note}"),
        PARTNER_ROLES, _default(Channel.email_now, PARTNER_ROLES)),
    "protection_ending": Event(
        N_("Protection ends soon: {company}"),
        N_("The protection of your registration of {company} ends on {until}."),
        PARTNER_ROLES, _default(Channel.digest, PARTNER_ROLES)),
    "protection_ended": Event(
        N_("Protection ended: {company}"),
        N_("The protection of your registration of {company} ended on {until}."),
        PARTNER_ROLES, _default(Channel.digest, PARTNER_ROLES)),
    "trial_ending": Event(
        N_("Trial ends soon: {company}"), N_("The trial of {company} ends on {ends}."),
        PARTNER_ROLES, _default(Channel.digest, PARTNER_ROLES)),
    "trial_ended": Event(
        N_("Trial ended: {company}"), N_("The trial of {company} ended on {ends} without a subscription."),
        PARTNER_ROLES, _default(Channel.digest, PARTNER_ROLES)),
    "extension_requested": Event(
        N_("Extension requested: {company}"),
        N_("{partner} asks for the 30-day extension of the trial of {company}."),
        MANAGERS, _default(Channel.email_now, MANAGERS)),
    "extension_granted": Event(
        N_("Extension granted: {company}"), N_("The trial of {company} was extended by 30 days, to {ends}."),
        PARTNER_ROLES, _default(Channel.email_now, PARTNER_ROLES)),
    "extension_declined": Event(
        N_("Extension declined: {company}"), N_("The extension of the trial of {company} was declined: {reason}"),
        PARTNER_ROLES, _default(Channel.email_now, PARTNER_ROLES)),
    "deal_reopened": Event(
        N_("Won deal reopened: {company}"),
        N_("Vendor staff reopened your won deal {company}; its commission is reversed. Their note: {note}"),
        PARTNER_ADMINS, _default(Channel.email_now, PARTNER_ADMINS)),
    "won_deal_to_confirm": Event(
        N_("Won deal to confirm: {company}"),
        N_("{partner} won {company}: {value}, billing option {billing}. The partner's note: {note} "
           "Confirm the deal, or send it back with a question, on your home page."),
        MANAGERS, _default(Channel.email_now, MANAGERS)),
    "won_deal_question": Event(
        N_("Question on your won deal: {company}"),
        N_("Your partner manager asks before confirming the won deal {company}: {question} Answer on the deal's "
           "card."), PARTNER_ROLES, _default(Channel.email_now, PARTNER_ROLES)),
    "commission_reversed": Event(
        N_("Commission reversed: {company}"),
        N_("The commission on {company} was reversed (the customer was refunded in the first year)."),
        PARTNER_ADMINS, _default(Channel.email_now, PARTNER_ADMINS)),
    "week_waiting": Event(
        N_("Week {week} waits for approval"),
        N_("Week {week} has {count} commission lines and was not approved by {due}."),
        FINANCE, _default(Channel.email_now, FINANCE)),
    "week_approved": Event(
        N_("Your statement for week {week} is ready"),
        N_("Finance approved week {week}: your commission statement is ready on the Commissions page."),
        PARTNER_ADMINS, _default(Channel.email_now, PARTNER_ADMINS)),
    "application_submitted": Event(
        N_("Partner application: {firm}"),
        N_("{firm} ({domain}) applied to become a partner. Review the application on the Admin page."),
        frozenset({Role.admin}), _default(Channel.email_now, frozenset({Role.admin}))),
    "invitation": Event(
        N_("You are invited to the partner program"),
        N_("{inviter} invited you to {partner}'s users of the partner program. Set your password with this "
           "link within 7 days: {link}"), PARTNER_ROLES, _default(Channel.email_now, PARTNER_ROLES),
        chooseable=False),
    "password_reset": Event(
        N_("Set a new password for the partner program"),
        N_("{inviter} sent you a link to set a new password. It works once, within 7 days: {link}"),
        ALL_ROLES, _default(Channel.email_now, ALL_ROLES), chooseable=False),
}
CHANNEL_LABELS = {Channel.in_app: N_("In the app only"), Channel.email_now: N_("Email at once"),
                  Channel.digest: N_("Daily email digest")}
NOTIFICATION_COLUMNS = ("id", "kind", "params", "page", "link", "created_at", "read_at")


def _json(params: dict[str, Any]) -> str:
    return json.dumps({k: v.isoformat() if isinstance(v, dt.date) else v for k, v in params.items()},
                      default=str)[:4000]


def _channels(session: Session, users: list[User], kind: str) -> dict[int, Channel]:
    chosen = dict(session.execute(sa.select(NotificationPreference.user_id, NotificationPreference.channel).where(
        NotificationPreference.kind == kind,
        NotificationPreference.user_id.in_([u.id for u in users]))).all()) if users else {}
    event = EVENTS[kind]
    result = {}
    for user in users:
        channel = chosen.get(user.id) if event.chooseable else None
        result[user.id] = Channel(getattr(channel, "value", channel)) if channel else event.default.get(
            user.role, Channel.in_app)
    return result


@dataclass(frozen=True)
class Event:
    """One occurrence of a kind of event for notify_many: who hears of it, where it links, its dedupe key."""

    recipients: list[User]
    params: dict[str, Any]
    page: str | None = None
    link: str | None = None
    dedupe: str | None = None


def notify(session: Session, kind: str, recipients: list[User], *, page: str | None = None,
           link: str | None = None, dedupe: str | None = None, **params: Any) -> int:
    """Add one notification per active recipient whose role may receive `kind`, in the caller's transaction (the
    caller commits). Each row's mail state follows the recipient's channel. `dedupe` (with the user id appended)
    makes a date-driven event once only. Returns how many rows were added."""
    return notify_many(session, kind, [Event(recipients, params, page, link, dedupe)])


def notify_many(session: Session, kind: str, events: list[Event]) -> int:
    """notify for many events of one kind at once (the daily job's reminders): the dedupe keys are looked up and
    the recipients' channels read in a few queries, and the rows written in one batch. Returns rows added."""
    event_kind = EVENTS[kind]
    planned = [(event, user) for event in events for user in event.recipients
               if user.active and user.role in event_kind.roles]
    keys = [f"{event.dedupe}:{user.id}" for event, user in planned if event.dedupe is not None]
    seen: set[str] = set()
    for start in range(0, len(keys), 900):  # bound the IN list
        seen.update(session.execute(sa.select(Notification.dedupe_key).where(
            Notification.dedupe_key.in_(keys[start:start + 900]))).scalars())
    wanted, keys_added = [], set()
    for event, user in planned:
        key = f"{event.dedupe}:{user.id}" if event.dedupe is not None else None
        if key is not None and (key in seen or key in keys_added):
            continue
        if key is not None:
            keys_added.add(key)
        wanted.append((event, user, key))
    users = list({user.id: user for __, user, __ in wanted}.values())
    channels: dict[int, Channel] = {}
    for start in range(0, len(users), 900):
        channels.update(_channels(session, users[start:start + 900], kind))
    now = utcnow()
    state = {Channel.in_app: MailState.none, Channel.email_now: MailState.pending, Channel.digest: MailState.digest}
    session.add_all([Notification(
        user_id=user.id, kind=kind, params=_json(event.params), page=event.page, link=event.link, created_at=now,
        dedupe_key=key, mail_state=state[channels[user.id]],
        next_attempt_at=now if state[channels[user.id]] == MailState.pending else None)
        for event, user, key in wanted])
    return len(wanted)


# --- who receives -------------------------------------------------------------------------------------------


def partner_users(session: Session, partner_id: int, *, admins_only: bool = False) -> list[User]:
    """The active users of a partner (or its partner admins)."""
    roles = [Role.partner_admin] if admins_only else [Role.partner_user, Role.partner_admin]
    return list(session.exec(select(User).where(User.partner_id == partner_id, User.active, User.role.in_(roles))))


def partner_users_of(session: Session, partner_ids: list[int]) -> dict[int, list[User]]:
    """partner_users for many partners at once: {partner id: its active partner users and partner admins}."""
    found: dict[int, list[User]] = {p: [] for p in partner_ids}
    ids = sorted(set(partner_ids))
    for start in range(0, len(ids), 900):
        for user in session.exec(select(User).where(User.partner_id.in_(ids[start:start + 900]), User.active,
                                                    User.role.in_([Role.partner_user, Role.partner_admin]))):
            found[user.partner_id].append(user)  # type: ignore[index]
    return found


def manager_of(session: Session, partner_id: int) -> list[User]:
    """The partner's manager; when it has none, every active admin (somebody must learn of it)."""
    partner = session.get(Partner, partner_id)
    manager = session.get(User, partner.manager_id) if partner is not None and partner.manager_id else None
    if manager is not None and manager.active:
        return [manager]
    return list(session.exec(select(User).where(User.role == Role.admin, User.active)))


def finance_users(session: Session) -> list[User]:
    return list(session.exec(select(User).where(User.role == Role.finance, User.active)))


# --- the inbox ------------------------------------------------------------------------------------------------


def inbox(session: Session, actor: Actor, *, unread_only: bool = False, limit: int = 50, offset: int = 0
          ) -> tuple[pd.DataFrame, int]:
    """The actor's notifications, newest first (kept 180 days), paged in SQL, and how many match in all.
    Columns: id, kind, params (dict), page, link, created_at, read_at."""
    filters = [Notification.user_id == actor.id,
               Notification.created_at >= utcnow() - dt.timedelta(days=KEEP_DAYS)]
    if unread_only:
        filters.append(Notification.read_at.is_(None))
    total = int(session.execute(sa.select(sa.func.count()).select_from(Notification).where(*filters)).scalar_one())
    rows = session.execute(sa.select(*(getattr(Notification, c) for c in NOTIFICATION_COLUMNS)).where(*filters)
                           .order_by(Notification.created_at.desc(), Notification.id.desc())
                           .limit(rules.count_bound(limit, "limit", N_("Page size")))
                           .offset(rules.count_bound(offset, "offset", N_("Offset")))).mappings().all()
    frame = pd.DataFrame([dict(r) for r in rows], columns=list(NOTIFICATION_COLUMNS))
    frame["params"] = [json.loads(p) for p in frame["params"]]
    return frame, total


def unread_count(session: Session, actor: Actor) -> int:
    """How many of the actor's notifications are unread (the sidebar's bell)."""
    return int(session.execute(sa.select(sa.func.count()).select_from(Notification).where(
        Notification.user_id == actor.id, Notification.read_at.is_(None),
        Notification.created_at >= utcnow() - dt.timedelta(days=KEEP_DAYS))).scalar_one())


@write_service
def mark_read(session: Session, actor: Actor, notification_ids: list[int] | None = None) -> int:
    """Mark the actor's notifications read (all of them when `notification_ids` is None); returns how many."""
    query = sa.update(Notification).where(Notification.user_id == actor.id, Notification.read_at.is_(None))
    if notification_ids is not None:
        query = query.where(Notification.id.in_([i for i in notification_ids if isinstance(i, int)]))
    count = session.execute(query.values(read_at=utcnow())).rowcount
    session.commit()
    return int(count or 0)


# --- preferences ----------------------------------------------------------------------------------------------


def preferences(session: Session, actor: Actor) -> dict[str, Channel]:
    """The actor's channel per kind of event they may receive and choose (their choice, else the role's default)."""
    kinds = [k for k, e in EVENTS.items() if actor.role in e.roles and e.chooseable]
    chosen = dict(session.execute(sa.select(NotificationPreference.kind, NotificationPreference.channel).where(
        NotificationPreference.user_id == actor.id)).all())
    return {k: Channel(getattr(chosen[k], "value", chosen[k])) if k in chosen else EVENTS[k].default[actor.role]
            for k in kinds}


@write_service
def set_preferences(session: Session, actor: Actor, choices: dict[str, Channel | str]) -> dict[str, Channel]:
    """Store the actor's channel for each kind given. Raises ValidationError (kind, channel)."""
    allowed = {k for k, e in EVENTS.items() if actor.role in e.roles and e.chooseable}
    for kind, channel in choices.items():
        if kind not in allowed:
            raise ValidationError("kind", N_("Unknown notification: {name}."), name=str(kind))
        value = rules.choice(Channel, channel, "channel", N_("Channel"))
        row = session.get(NotificationPreference, (actor.id, kind))
        if row is None:
            session.add(NotificationPreference(user_id=actor.id, kind=kind, channel=value))
        else:
            row.channel = value
    session.commit()
    return preferences(session, actor)


def purge(session: Session, *, now: dt.datetime | None = None) -> int:
    """Delete notifications older than 180 days (the daily job); the caller commits. Returns how many."""
    cutoff = (now or utcnow()) - dt.timedelta(days=KEEP_DAYS)
    return int(session.execute(sa.delete(Notification).where(Notification.created_at < cutoff)).rowcount or 0)


