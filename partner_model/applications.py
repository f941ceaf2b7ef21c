"""Applications to become a partner: a consulting firm applies on the public page (no sign-in); admins accept it
(the partner is created with its first partner admin, invited by a one-time link) or decline it with a reason that
is emailed to the applicant. Every step is audited.

Abuse limits, all here so every caller gets them: a honeypot field (filled: the application is dropped without a
word), the contact's email must be at the firm's domain and not free mail, at most DAILY_PER_EMAIL applications an
address a day (counted in the database) and HOURLY_PER_CLIENT a client an hour (the caller's network address, kept
in this process's memory only, never stored), one waiting application per domain, none for a partner's domain.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections import defaultdict, deque
from collections.abc import Sequence

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session

from partner_model import bank_details, i18n, identity, notifications, partners, rules, team
from partner_model.access import Actor, audit, require_role, row_id, write_service
from partner_model.errors import N_, Conflict, FieldChecks, NotFound, ValidationError
from partner_model.models import (
    ApplicationRead,
    ApplicationState,
    ContactEmail,
    MailState,
    Partner,
    PartnerApplication,
    PartnerRead,
    Role,
    Tier,
    User,
    UserRead,
    utcnow,
)

A = PartnerApplication.__table__.c
DAILY_PER_EMAIL = 3
HOURLY_PER_CLIENT = 5
REVIEW_ROLES = {Role.admin}  # accepting creates a partner: an admin's decision
LIST_COLUMNS = ["id", "firm_name", "domain", "country", "contact_name", "contact_email", "frameworks",
                "submitted_at", "state", "version"]


class _ClientWindow:
    """Submissions per client address in the last hour, in memory only (a sliding window per address)."""

    def __init__(self) -> None:
        self.seen: dict[str, deque[dt.datetime]] = defaultdict(deque)
        self.lock = threading.Lock()

    def take(self, client: str, now: dt.datetime) -> bool:
        with self.lock:
            times = self.seen[client]
            while times and now - times[0] > dt.timedelta(hours=1):
                times.popleft()
            if len(times) >= HOURLY_PER_CLIENT:
                return False
            times.append(now)
            return True


_CLIENTS = _ClientWindow()


def read(row: PartnerApplication) -> ApplicationRead:
    data = row.model_dump()
    data["frameworks"] = [f for f in row.frameworks.split("; ") if f]
    return ApplicationRead.model_validate(data)


def _frameworks(value: object) -> list[str]:
    chosen = list(value) if isinstance(value, list | tuple) else []
    if not chosen or any(f not in rules.FRAMEWORKS for f in chosen):
        raise ValidationError("frameworks", N_("Choose the frameworks you work with."))
    return [f for f in rules.FRAMEWORKS if f in chosen]


def _email_at(value: object, domain: str | None) -> str:
    """The contact's address: valid, not free mail, at the firm's domain or one of its subdomains."""
    address, at = identity.email(value, "contact_email", N_("Your email"))
    if identity.is_free_mail(at):
        raise ValidationError("contact_email", N_("Use your work email at the firm's domain, not a free-mail "
                                                  "address."))
    if domain is not None and domain not in identity.parent_domains(at):
        raise ValidationError("contact_email", N_("Your email must be at the firm's domain {domain}."),
                              domain=domain)
    return address


@write_service
def submit(session: Session, *, firm_name: object, domain: object, country: object, contact_name: object,
           contact_email: object, description: object, frameworks: Sequence[str] | object,
           consent_to_contact: object, language: object = "en", website: object = "", client: str | None = None,
           now: dt.datetime | None = None) -> ApplicationRead | None:
    """A firm's application from the public page. `website` is the honeypot (a person leaves it empty; filled,
    nothing is written and None returned, as if it went through). `client` is the caller's network address (the
    hourly limit; not stored). Admins are notified.

    Raises ValidationError (every bad field at once: firm_name, domain, country, contact_name, contact_email,
    description, frameworks, consent_to_contact), Conflict (too many applications, one waiting already, or already
    a partner).
    """
    now = now or utcnow()
    if isinstance(website, str) and website.strip():
        return None
    checks = FieldChecks()
    name = checks.run(rules.clean_text, firm_name, "firm_name", N_("Firm name"))
    domain_text = checks.run(identity.domain, domain, "domain", N_("Firm domain"))
    code = checks.run(_country, country)
    person = checks.run(rules.clean_text, contact_name, "contact_name", N_("Your name"))
    address = checks.run(_email_at, contact_email, domain_text)
    about = checks.run(rules.clean_text, description, "description", N_("What your firm does"), max_length=2000)
    chosen = checks.run(_frameworks, frameworks)
    if consent_to_contact is not True:
        checks.run(_no_consent)
    checks.raise_any()
    if client is not None and not _CLIENTS.take(client, now):
        raise Conflict(N_("Too many applications from your network in the last hour: try again later."))
    recent = session.execute(sa.select(sa.func.count()).where(
        A.contact_email == address, A.submitted_at >= now - dt.timedelta(days=1))).scalar_one()
    if recent >= DAILY_PER_EMAIL:
        raise Conflict(N_("Too many applications from {email} today: try again tomorrow."), email=address)
    if session.execute(sa.select(Partner.id).where(Partner.domain == domain_text)).first() is not None:
        raise Conflict(N_("{domain} is already a partner: ask your partner admin for an account."),
                       domain=domain_text)
    if session.execute(sa.select(A.id).where(A.domain == domain_text,
                                             A.state == ApplicationState.submitted.value)).first() is not None:
        raise Conflict(N_("An application for {domain} already waits for our review."), domain=domain_text)
    row = PartnerApplication(firm_name=name, domain=domain_text, country=code, contact_name=person,
                             contact_email=address, description=about, frameworks="; ".join(chosen),
                             consent_to_contact=True, submitted_at=now,
                             language=language if language in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE)
    session.add(row)
    session.flush()
    audit(session, "application_submitted", subject=domain_text, detail=f"{name}, {address}", at=now)
    admins = list(session.execute(sa.select(User).where(User.role == Role.admin, User.active)).scalars())
    notifications.notify(session, "application_submitted", admins, page="admin", link="tab=applications",
                         firm=name, domain=domain_text)
    session.commit()
    return read(row)


def _country(value: object) -> str:
    code = bank_details.country(value)
    if code is None:
        raise ValidationError("country", N_("Choose your country."))
    return code


def _no_consent() -> None:
    raise ValidationError("consent_to_contact", N_("Agree to be contacted about your application: we cannot "
                                                   "review it otherwise."))


def _waiting(session: Session, application_id: object, expected_version: int | None) -> PartnerApplication:
    row = session.get(PartnerApplication, row_id(application_id, "Application"), populate_existing=True)
    if row is None:
        raise NotFound(N_("Application not found."))
    if row.state != ApplicationState.submitted:
        raise Conflict(N_("This application was already decided."))
    if expected_version is not None and row.version != expected_version:
        raise Conflict(N_("This application changed since you opened it: reload and try again."))
    return row


@write_service
def accept(session: Session, actor: Actor, application_id: int, *, tier: Tier | str = Tier.registered,
           expected_version: int | None = None, now: dt.datetime | None = None
           ) -> tuple[PartnerRead, UserRead, str]:
    """Accept an application: the partner is created (name, domain, the tier's commission rate) with the applicant
    as its first partner admin, who gets a one-time invitation link (valid 7 days) by email. Returns the partner,
    the user and the link's token (shown once, for when email is off). Audited.

    Raises PermissionDenied (not an admin), NotFound, ValidationError (tier), Conflict (decided already, changed
    since `expected_version`, the domain or the email taken meanwhile).
    """
    require_role(actor, REVIEW_ROLES, "create partners")
    chosen = rules.choice(Tier, tier, "tier", N_("Tier"))
    row = _waiting(session, application_id, expected_version)
    now = now or utcnow()
    partner = partners.new_partner(session, row.firm_name, row.domain, chosen, None, actor)
    user, token = team.invited_user_row(session, actor, int(partner.id),  # type: ignore[arg-type]
                                        row.contact_email, row.contact_name, Role.partner_admin, now)
    if row.language in i18n.LANGUAGES:
        user.language = row.language
    row.state, row.decided_by, row.decided_at, row.partner_id = ApplicationState.accepted, actor.id, now, partner.id
    row.version += 1
    audit(session, "application_accepted", actor_id=actor.id, subject=row.domain, detail=row.contact_email, at=now)
    session.commit()
    return partners.read(partner), UserRead.model_validate(user, from_attributes=True), token


@write_service
def decline(session: Session, actor: Actor, application_id: int, reason: str, *,
            expected_version: int | None = None, now: dt.datetime | None = None) -> ApplicationRead:
    """Decline an application with a reason, emailed to the applicant in their language. Audited.

    Raises PermissionDenied, NotFound, ValidationError (reason), Conflict (decided already or changed).
    """
    require_role(actor, REVIEW_ROLES, "create partners")
    text = rules.clean_text(reason, "reason", N_("Reason"), max_length=1000)
    row = _waiting(session, application_id, expected_version)
    now = now or utcnow()
    row.state, row.decided_by, row.decided_at, row.decline_reason = ApplicationState.declined, actor.id, now, text
    row.version += 1
    session.add(ContactEmail(kind="application_declined", to_address=row.contact_email, language=row.language,
                             created_at=now, mail_state=MailState.pending, next_attempt_at=now,
                             params=json.dumps({"name": row.contact_name, "firm": row.firm_name, "reason": text})))
    audit(session, "application_declined", actor_id=actor.id, subject=row.domain, detail=text, at=now)
    session.commit()
    return read(row)


def list_applications(session: Session, actor: Actor, *, state: ApplicationState | str | None = "submitted",
                      limit: int = 50, offset: int = 0) -> tuple[pd.DataFrame, int]:
    """Applications, oldest first, in one state (None: all), paged in SQL, and how many in all. Columns:
    LIST_COLUMNS (frameworks as a list). Raises PermissionDenied, ValidationError (state)."""
    require_role(actor, REVIEW_ROLES, "create partners")
    where = [] if state is None else [A.state == rules.choice(ApplicationState, state, "state", N_("State")).value]
    total = int(session.execute(sa.select(sa.func.count()).select_from(PartnerApplication.__table__)
                                .where(*where)).scalar_one())
    rows = session.execute(sa.select(*(A[c] for c in LIST_COLUMNS)).where(*where)
                           .order_by(A.submitted_at, A.id)
                           .limit(rules.count_bound(limit, "limit", N_("Page size")))
                           .offset(rules.count_bound(offset, "offset", N_("Offset")))).mappings().all()
    frame = pd.DataFrame([dict(r) for r in rows], columns=LIST_COLUMNS)
    frame["frameworks"] = [[f for f in v.split("; ") if f] for v in frame["frameworks"]]
    frame["state"] = frame["state"].map(lambda v: getattr(v, "value", v))
    return frame, total


def get_application(session: Session, actor: Actor, application_id: object) -> ApplicationRead:
    """One application as it was sent, and its review. Raises PermissionDenied, NotFound."""
    require_role(actor, REVIEW_ROLES, "create partners")
    row = session.get(PartnerApplication, row_id(application_id, "Application"))
    if row is None:
        raise NotFound(N_("Application not found."))
    return read(row)


def waiting_count(session: Session, actor: Actor) -> int:
    """Applications waiting for review (the admin's home). Raises PermissionDenied."""
    require_role(actor, REVIEW_ROLES, "create partners")
    return int(session.execute(sa.select(sa.func.count()).where(
        A.state == ApplicationState.submitted.value)).scalar_one())
