"""One protected registration per customer: which registration holds a customer's domain, and the lock that
makes two reviewers racing on one domain end with exactly one acceptance.

A customer is one company domain with its subdomains (identity.parent_domains); free-mail domains never
identify a customer, so they are never protected.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlmodel import Session

from partner_model import db, identity
from partner_model.errors import N_, Conflict
from partner_model.models import Deal, Partner, ReviewStatus, Stage

D = Deal.__table__.c
HELD_BY_OTHER = N_("{domain} is already protected for {partner}: deal {deal} ({company}), accepted, protected until "
                   "{until}. Deny this registration as a duplicate instead.")


def lock_customer(session: Session, domain: str) -> None:
    """Serialize every decision about one customer (the domain and its parents) until this transaction ends."""
    db.serialize(session, "registration:" + identity.parent_domains(domain)[-1])


def holder(session: Session, domain: str, partner_id: int, today: dt.date, *, exclude_deal_id: int | None = None
           ) -> dict | None:
    """Another partner's accepted, unexpired, not lost registration for the customer at `domain` (or a domain it
    is a subdomain of), as a dict (deal_id, partner_name, company_name, protected_until); None when none holds it.
    """
    if identity.is_free_mail(domain):
        return None
    p = Partner.__table__.c
    query = sa.select(D.id.label("deal_id"), p.name.label("partner_name"), D.company_name, D.protected_until,
                      D.customer_domain).join(Partner.__table__, p.id == D.partner_id).where(
        D.customer_domain.in_(identity.parent_domains(domain)), D.partner_id != partner_id,
        D.review_status == ReviewStatus.accepted.value, D.stage != Stage.closed_lost.value,
        D.protected_until >= today)
    if exclude_deal_id is not None:
        query = query.where(D.id != exclude_deal_id)
    row = session.execute(query.order_by(D.protected_until.desc(), D.id).limit(1)).mappings().first()
    return dict(row) if row is not None else None


def refuse_if_held(session: Session, deal: Deal, today: dt.date) -> None:
    """Conflict naming the registration that holds the deal's customer for another partner."""
    held = holder(session, deal.customer_domain, deal.partner_id, today, exclude_deal_id=deal.id)
    if held is not None:
        raise Conflict(HELD_BY_OTHER, domain=deal.customer_domain, partner=held["partner_name"],
                       deal=held["deal_id"], company=held["company_name"], until=held["protected_until"].isoformat())


