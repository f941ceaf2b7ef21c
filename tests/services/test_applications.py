"""Issue 20, applications to become a partner: a firm applies without signing in (every bad field named at once,
the honeypot, the work email at the firm's domain and not free mail, limits per address and per client, one
waiting application a domain); an admin accepts (the partner and its first partner admin, invited by a one-time
link that signs them in) or declines with a reason emailed in the applicant's language; every step audited (both
databases)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import sqlalchemy as sa

from partner_model import applications, contact_mail, inbox_queries, team
from partner_model.errors import Conflict, NotFound, PermissionDenied, ValidationError
from partner_model.models import AuditEvent, Notification, PartnerApplication, Role, User, utcnow
from tests.smtp_inbox import body

FORM = {"firm_name": "Kestrel Security Oy", "domain": "kestrel-security.fi", "country": "FI",
        "contact_name": "Kaisa Kestrel", "contact_email": "kaisa@kestrel-security.fi",
        "description": "ISO 27001 audits and NIS2 readiness for Finnish industry.",
        "frameworks": ["NIS2", "ISO 27001"], "consent_to_contact": True, "language": "fi"}


def _audited(session, kind: str) -> list[str]:  # type: ignore[no-untyped-def]
    return list(session.execute(sa.select(AuditEvent.subject).where(AuditEvent.kind == kind)).scalars())


def test_a_firm_applies_and_the_admins_hear_of_it(session, cast):
    sent = applications.submit(session, **FORM)
    assert sent.state == "submitted" and sent.frameworks == ["ISO 27001", "NIS2"]  # in the product's order
    assert _audited(session, "application_submitted") == ["kestrel-security.fi"]
    told = session.execute(sa.select(Notification.user_id).where(Notification.kind == "application_submitted")
                           ).scalars().all()
    assert told == [cast.admin.id]
    item = next(i for i in inbox_queries.admin_work(session, cast.admin) if i.code == "applications_waiting")
    assert (item.count, item.filters) == (1, {"tab": "applications"})


def test_every_bad_field_is_named_at_once_and_nothing_is_written(session):
    with pytest.raises(ValidationError) as err:
        applications.submit(session, **{**FORM, "firm_name": " ", "domain": "not a domain", "country": "XX",
                                        "description": "", "frameworks": [], "consent_to_contact": False})
    assert {e.field for e in err.value.errors} == {"firm_name", "domain", "country", "description", "frameworks",
                                                   "consent_to_contact"}
    assert session.execute(sa.select(sa.func.count()).select_from(PartnerApplication)).scalar_one() == 0


@pytest.mark.parametrize("address", ["kaisa@gmail.com", "kaisa@other-firm.fi", "not an address"])
def test_the_email_must_be_a_work_address_at_the_firms_domain(session, address):
    with pytest.raises(ValidationError) as err:
        applications.submit(session, **{**FORM, "contact_email": address})
    assert err.value.field == "contact_email"


def test_a_subdomain_address_of_the_firm_is_its_own(session):
    assert applications.submit(session, **{**FORM, "contact_email": "kaisa@helsinki.kestrel-security.fi"})


def test_the_honeypot_drops_the_application_silently(session):
    assert applications.submit(session, **FORM, website="http://spam.example") is None
    assert session.execute(sa.select(sa.func.count()).select_from(PartnerApplication)).scalar_one() == 0


def test_limits_per_address_per_client_and_per_domain(session, cast):
    first = applications.submit(session, **FORM)
    with pytest.raises(Conflict):  # one waiting application a domain
        applications.submit(session, **FORM)
    applications.decline(session, cast.admin, first.id, "Not now.")
    for __ in range(applications.DAILY_PER_EMAIL - 1):  # declined ones free the domain; the address keeps count
        again = applications.submit(session, **FORM)
        applications.decline(session, cast.admin, again.id, "Not now.")
    with pytest.raises(Conflict) as err:
        applications.submit(session, **FORM)
    assert err.value.params == {"email": "kaisa@kestrel-security.fi"}
    client = f"198.51.100.7#{uuid.uuid4()}"  # each run its own key: the window lives in this process
    for n in range(applications.HOURLY_PER_CLIENT):
        applications.submit(session, **{**FORM, "domain": f"c{n}.example-firm.fi",
                                        "contact_email": f"x@c{n}.example-firm.fi"}, client=client)
    with pytest.raises(Conflict):
        applications.submit(session, **{**FORM, "domain": "c99.example-firm.fi",
                                        "contact_email": "x@c99.example-firm.fi"}, client=client)


def test_an_admin_accepts_the_partner_and_its_admin_signs_in_by_the_invitation(session, cast):
    sent = applications.submit(session, **FORM)
    partner, invited, token = applications.accept(session, cast.admin, sent.id, tier="silver",
                                                  expected_version=sent.version)
    assert (partner.name, partner.domain, partner.tier) == ("Kestrel Security Oy", "kestrel-security.fi", "silver")
    assert (invited.role, invited.partner_id, invited.email) == (Role.partner_admin, partner.id,
                                                                 "kaisa@kestrel-security.fi")
    user = session.get(User, invited.id)
    assert user.language == "fi"
    assert session.execute(sa.select(Notification.kind).where(Notification.user_id == invited.id)).scalars().all() \
        == ["invitation"]
    signed_in = team.accept_invitation(session, token, "a long and new password 42")
    assert signed_in.id == invited.id
    assert applications.get_application(session, cast.admin, sent.id).partner_id == partner.id
    assert _audited(session, "application_accepted") == ["kestrel-security.fi"]
    with pytest.raises(Conflict):
        applications.submit(session, **{**FORM, "contact_email": "other@kestrel-security.fi"})  # a partner now


def test_decline_needs_a_reason_and_emails_it_in_the_applicants_language(engine, session, cast, smtp):
    sent = applications.submit(session, **FORM)
    with pytest.raises(ValidationError) as err:
        applications.decline(session, cast.admin, sent.id, " ")
    assert err.value.field == "reason"
    declined = applications.decline(session, cast.admin, sent.id, "We work with Finnish partners next year.")
    assert declined.state == "declined"
    assert contact_mail.send_due(engine).sent == 1
    [message] = smtp.to("kaisa@kestrel-security.fi")
    assert "kumppaniohjelmaan" in message["Subject"] and "We work with Finnish partners next year." in body(message)
    assert _audited(session, "application_declined") == ["kestrel-security.fi"]
    with pytest.raises(Conflict):
        applications.accept(session, cast.admin, sent.id)


def test_only_admins_review_and_out_of_date_reviews_are_refused(session, cast):
    sent = applications.submit(session, **FORM)
    for actor in (cast.manager, cast.finance, cast.acme_admin):
        with pytest.raises(PermissionDenied):
            applications.accept(session, actor, sent.id)
    with pytest.raises(NotFound):
        applications.accept(session, cast.admin, 999999)
    with pytest.raises(Conflict):
        applications.accept(session, cast.admin, sent.id, expected_version=sent.version + 1)
    frame, total = applications.list_applications(session, cast.admin)
    assert total == 1 and list(frame["firm_name"]) == ["Kestrel Security Oy"]
    assert utcnow() - frame.loc[0, "submitted_at"].replace(tzinfo=dt.UTC) < dt.timedelta(minutes=5)
