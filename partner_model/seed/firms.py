"""Partners and users: the program's firms, their people, and the vendor's staff."""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass, field

import numpy as np
import sqlalchemy as sa
from schwifty import IBAN

from partner_model import rules
from partner_model.models import BillingOption, Partner, Role, Tier
from partner_model.seed import names
from partner_model.seed.bulk import Columns
from partner_model.seed.clock import Clock

DEMO_PASSWORD = "partner-demo-2026"
STAFF_DOMAIN = "example.com"  # reserved for documentation: the vendor's own staff in demo data
TIERS = (Tier.registered, Tier.silver, Tier.gold, Tier.platinum)
BILLING = (BillingOption.credit_card, BillingOption.invoice, BillingOption.via_partner)


@dataclass
class Partners:
    ids: np.ndarray
    domains: list[str]
    names: list[str]
    countries: np.ndarray
    rate_bp: np.ndarray
    weight: np.ndarray  # each partner's share of the program's customers and deals
    demo: int  # index of the partner whose users sign in to the demo


@dataclass
class Users:
    first_of_partner: np.ndarray  # id of each partner's first user
    per_partner: int
    managers: np.ndarray  # ids of partner managers (and the admin), who review deals
    finance: int
    demo: list[dict[str, str]] = field(default_factory=list)


def partners(rng: np.random.Generator, count: int, clock: Clock) -> tuple[Columns, Partners]:
    firms = names.companies(rng, count, names.PARTNER_SECTORS)
    tier = rng.choice(len(TIERS), size=count, p=[0.45, 0.3, 0.18, 0.07])
    rate_bp = np.array([rules.rate_to_bp(rules.TIER_RATES[TIERS[t]]) for t in tier.tolist()], dtype=np.int64)
    # A few partners negotiated their own rate (the per-partner override).
    override = rng.random(count) < 0.08
    rate_bp = np.where(override, rate_bp + rng.choice([-250, 250, 500], size=count), rate_bp)
    weight = rng.lognormal(0.0, 1.0, size=count)
    numbers = rng.integers(10**8, 10**12, size=count).tolist()
    codes = firms.countries.tolist()
    default_billing = rng.choice(len(BILLING) + 1, size=count, p=[0.2, 0.3, 0.3, 0.2])
    columns: Columns = {
        "id": np.arange(1, count + 1),
        "name": firms.names,
        "domain": firms.domains,
        "tier": [TIERS[t].value for t in tier.tolist()],
        "commission_rate_bp": rate_bp,
        "legal_name": firms.names,
        "vat_id": [names.vat_id(c, n) for c, n in zip(codes, numbers, strict=True)],
        "billing_email": [f"invoices@{d}" for d in firms.domains],
        "address": [names.address(c, n) for c, n in zip(codes, numbers, strict=True)],
        "default_billing_option": [None if b == len(BILLING) else BILLING[b].value for b in default_billing.tolist()],
        **_bank_details(firms.domains, codes, demo=int(np.argmax(weight))),
        "created_at": clock.moments(rng, clock.today - clock.history_days - rng.integers(30, 900, size=count)),
    }
    info = Partners(columns["id"], firms.domains, firms.names, firms.countries, rate_bp, weight / weight.sum(),
                    demo=int(np.argmax(weight)))
    return columns, info


def _bank_details(domains: list[str], codes: list[str], demo: int) -> Columns:
    """Where each partner is paid: an IBAN of its country (schwifty draws one with a real bank code, so the BIC is
    known), and its country; one partner in ten (never the demo users' own) has not entered its bank details.

    Drawn from their own generator, seeded by the partners' domains: the program's other draws stay as they were."""
    draw = random.Random(zlib.crc32("\n".join(domains).encode()))
    missing = [draw.random() < 0.1 for __ in codes]
    missing[demo] = False
    ibans = [None if gap else IBAN.random(country_code=code, random=draw) for code, gap in zip(codes, missing,
                                                                                               strict=True)]
    return {"iban": [i.compact if i else None for i in ibans],
            "bic": [i.bic.compact if i and i.bic else None for i in ibans],
            "country": codes}


def users(
    rng: np.random.Generator, firms: Partners, *, per_partner: int, managers: int, password_hash: str, clock: Clock
) -> tuple[Columns, Users]:
    """Staff first (admin, finance, managers), then each partner's admin and users, all with the demo password."""
    staff = [("admin", "Ada Admin", Role.admin), ("finance", "Frida Finance", Role.finance)]
    staff += [("manager" if i == 0 else f"manager{i + 1}", f"Mats Manager {i + 1}".removesuffix(" 1"),
               Role.partner_manager) for i in range(managers)]
    rows: list[tuple[str, str, str, int, str]] = [
        (f"{local}@{STAFF_DOMAIN}", name, role.value, -1, "en") for local, name, role in staff]
    contacts, locals_ = names.people(rng, np.repeat(firms.countries, 1 + per_partner))
    for p, (domain, code) in enumerate(zip(firms.domains, firms.countries.tolist(), strict=True)):
        language = names.COUNTRIES[code][4]
        for k in range(1 + per_partner):
            i = p * (1 + per_partner) + k
            role = Role.partner_admin if k == 0 else Role.partner_user
            # The role in the address keeps it unique when two people share a name.
            local = "admin" if k == 0 else f"{locals_[i]}.{k}"
            rows.append((f"{local}@{domain}", contacts[i], role.value, int(firms.ids[p]), language))
    count = len(rows)
    email, name, role, partner_id, language = (list(col) for col in zip(*rows, strict=True))
    columns: Columns = {
        "id": np.arange(1, count + 1), "email": email, "name": name, "role": role,
        "partner_id": np.array(partner_id), "password_hash": [password_hash] * count,
        "failed_sign_ins": np.zeros(count, dtype=np.int64), "language": language,
        "active": np.ones(count, dtype=bool), "must_change_password": np.zeros(count, dtype=bool),
        "created_at": clock.moments(rng, clock.today - clock.history_days - rng.integers(1, 30, size=count)),
    }
    first = len(staff) + 1 + np.arange(len(firms.domains)) * (1 + per_partner)
    info = Users(first, per_partner, np.array([1, *range(3, 3 + managers)]), finance=2)
    demo_first = int(first[firms.demo])
    info.demo = [
        {"role": r, "email": email[i - 1], "partner": firms.names[firms.demo] if i >= demo_first else ""}
        for r, i in (("admin", 1), ("finance", 2), ("partner_manager", 3),
                     ("partner_admin", demo_first), ("partner_user", demo_first + 1))
    ]
    for user in info.demo:
        user["password"] = DEMO_PASSWORD
    return columns, info


def assign_managers(users: Users) -> sa.Update:
    """Every partner gets a partner manager, in turn (the demo's managers share the program)."""
    managers = [int(m) for m in users.managers[1:]] or [int(users.managers[0])]  # [0] is the admin
    p = Partner.__table__.c
    return sa.update(Partner.__table__).values(manager_id=sa.case(
        # id - (id // n) * n is id mod n without "%", which the bulk loader's literal SQL cannot carry to psycopg
        *((p.id - (p.id // len(managers)) * len(managers) == i, manager) for i, manager in enumerate(managers)),
        else_=managers[0]))
