"""Factories with valid defaults, going through the public domain API.

Every call makes unique names, domains and emails, so a test asks only for what it cares about:

    f = Factory(session)
    acme = f.partner()
    alice = f.user(partner=acme)              # partner_user of acme
    manager = f.user(role="partner_manager")
    deal = f.deal(alice, annual_value="12000")
    won = f.won_deal(alice, manager, billing_option="invoice")
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import uuid
from collections.abc import Iterator
from decimal import Decimal

from argon2 import PasswordHasher
from sqlmodel import Session, func, select

from partner_model import partners, users

PASSWORD = "correct horse battery"
_CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
_counter = itertools.count(1)

STAFF_ROLES = {"partner_manager", "finance", "admin"}


def unique(prefix: str = "x") -> str:
    return f"{prefix}{next(_counter)}{uuid.uuid4().hex[:6]}"


@contextlib.contextmanager
def cheap_hashing() -> Iterator[None]:
    """Real argon2, cheap parameters: a factory user costs a millisecond instead of ~200 ms.

    Verification reads the parameters from the hash, so sign-in still works for these users.
    """
    original = users._hasher
    users._hasher = _CHEAP_HASHER
    try:
        yield
    finally:
        users._hasher = original


def count(session: Session, model) -> int:  # type: ignore[no-untyped-def]
    """Rows of a table as the caller's session sees them (pending objects would be autoflushed and counted)."""
    return session.exec(select(func.count()).select_from(model)).one()


def counts(session: Session) -> dict[str, int]:
    from sqlmodel import SQLModel

    from partner_model import models  # noqa: F401

    result = {}
    for table in SQLModel.metadata.sorted_tables:
        if table.name in ("audit_event", "app_state"):
            continue  # sign-in audit and service bookkeeping, not domain rows
        result[table.name] = session.exec(select(func.count()).select_from(table)).one()
    return result


class Factory:
    def __init__(self, session: Session) -> None:
        self.session = session

    # --- partners and users -------------------------------------------------------------

    def partner(self, *, name: str | None = None, domain: str | None = None,
                commission_rate: Decimal | str | None = Decimal("0.20"), tier=None):  # type: ignore[no-untyped-def]
        token = unique("p")
        return partners.create_partner(
            self.session,
            name=name or f"Partner {token.title()} Oy",
            domain=domain or f"{token}-consulting.fi",
            commission_rate=commission_rate,
            tier=tier,
        )

    def user(self, *, role: str = "partner_user", partner=None, email: str | None = None,  # type: ignore[no-untyped-def]
             name: str | None = None, password: str = PASSWORD, real_hash: bool = False):
        role = getattr(role, "value", role)
        partner_id = None
        if role not in STAFF_ROLES:
            partner = partner or self.partner()
            partner_id = partner.id
        token = unique("u")
        if email is None:
            email = f"{token}@{partner.domain}" if partner_id else f"{token}@vendor-staff.example.com"
        ctx = contextlib.nullcontext() if real_hash else cheap_hashing()
        with ctx:
            return users.create_user(
                self.session, email=email, name=name or f"User {token}", role=role,
                password=password, partner_id=partner_id,
            )

    # --- customers --------------------------------------------------------------------------

    def trial(self, actor, *, company_name: str | None = None, domain: str | None = None,  # type: ignore[no-untyped-def]
              framework: str = "ISO 27001", partner_id: int | None = None, today: dt.date | None = None):
        from partner_model import customers

        token = unique("c")
        return customers.create_trial(
            self.session, actor,
            company_name=company_name or f"Customer {token.title()} AB",
            domain=domain or f"{token}-customer.se",
            framework=framework, partner_id=partner_id, today=today,
        )

    # --- deals ------------------------------------------------------------------------------

    def deal(self, actor, *, contact_name: str = "Anna Virtanen", contact_email: str | None = None,  # type: ignore[no-untyped-def]
             company_name: str | None = None, annual_value="12000.00", currency: str = "EUR",
             framework: str | None = "ISO 27001", note: str | None = None, domain: str | None = None,
             today: dt.date | None = None, customer_domain: str | None = None):
        from partner_model import deals

        token = unique("d")
        if contact_email is None:
            contact_email = f"anna@{domain or token + '-prospect.nl'}"
        return deals.register_deal(
            self.session, actor,
            contact_name=contact_name, contact_email=contact_email,
            company_name=company_name or f"Prospect {token.title()} BV",
            annual_value=annual_value, currency=currency, framework=framework, note=note, today=today,
            customer_domain=customer_domain,
        )

    def accepted_deal(self, actor, reviewer, **kwargs):  # type: ignore[no-untyped-def]
        from partner_model import deals

        deal = self.deal(actor, **kwargs)
        return deals.review_deal(self.session, reviewer, deal.id, accept=True)

    def won_deal(self, actor, reviewer, *, billing_option: str = "invoice", **kwargs):  # type: ignore[no-untyped-def]
        from partner_model import deals

        deal = self.accepted_deal(actor, reviewer, **kwargs)
        return deals.move_deal(self.session, actor, deal.id, stage="closed_won", billing_option=billing_option)


def python_week_totals(lines):  # type: ignore[no-untyped-def]
    """An oracle for commission_queries.period_totals, summed in plain Python from a week_lines frame: per partner
    and currency the commission payable, netted, the via-partner invoice amount, and the count of lines."""
    import pandas as pd

    columns = ["partner_id", "partner_name", "currency", "payable", "netted", "partner_invoice", "lines"]
    totals: dict[tuple, dict] = {}
    zero = Decimal("0.00")
    for line in lines.itertuples(index=False):
        row = totals.setdefault((line.partner_id, line.partner_name, line.currency),
                                {"payable": zero, "netted": zero, "partner_invoice": zero, "lines": 0})
        if line.direction == "netted":
            row["netted"] += line.commission
            row["partner_invoice"] += line.partner_invoice
        else:
            row["payable"] += line.commission
        row["lines"] += 1
    records = [dict(zip(columns[:3], key, strict=True), **row)
               for key, row in sorted(totals.items(), key=lambda item: (str(item[0][1]), item[0][2]))]
    return pd.DataFrame(records, columns=columns)
