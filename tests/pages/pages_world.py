"""The page tests' world: two partners, one user per role, a trial ending soon, a pending and a won deal.

Test modules import from here (`from pages_world import World, PASSWORD`), never from conftest: with
tests/pages and tests/e2e in one run, "conftest" names only one of the two.
"""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from partner_model import clock, customers, db, deals, partners, users  # noqa: E402

PASSWORD = "correct horse battery"
ROLES = ("partner_user", "partner_admin", "partner_manager", "finance", "admin")
PAGE_FILES = ("customers", "register_deal", "deal_board", "review_queue", "pipeline", "commissions", "billing",
              "admin", "inbox", "team", "payouts")


@dataclass
class World:
    url: str = ""
    acme_id: int = 0
    beta_id: int = 0
    user_ids: dict[str, int] = field(default_factory=dict)  # role -> id; "beta_admin" is Beta's partner admin

    @staticmethod
    def email(role: str) -> str:
        return f"{role.replace('_', '.')}@vendor-test.example"

    def session(self):  # type: ignore[no-untyped-def]
        """A session on this test's database, for setting up and checking what the app wrote."""
        engine = db.make_engine(self.url)
        return _disposing(engine)


class _disposing:
    def __init__(self, engine) -> None:  # type: ignore[no-untyped-def]
        self.engine = engine

    def __enter__(self):  # type: ignore[no-untyped-def]
        self.cm = db.session(self.engine)
        return self.cm.__enter__()

    def __exit__(self, *exc) -> None:  # type: ignore[no-untyped-def]
        self.cm.__exit__(*exc)
        self.engine.dispose()


def build_world(session, world: World) -> None:  # type: ignore[no-untyped-def]
    acme = partners.create_partner(session, name="Acme Consulting", domain="acme-consulting.example",
                                   commission_rate=Decimal("0.20"))
    beta = partners.create_partner(session, name="Beta Advisors", domain="beta-advisors.example",
                                   commission_rate=Decimal("0.15"))
    world.acme_id, world.beta_id = acme.id, beta.id
    for role in ROLES:
        partner_id = acme.id if role.startswith("partner_") and role != "partner_manager" else None
        world.user_ids[role] = users.create_user(session, email=World.email(role), name=role.replace("_", " ").title(),
                                                 role=role, password=PASSWORD, partner_id=partner_id).id
    world.user_ids["beta_admin"] = users.create_user(
        session, email="admin@beta-advisors.example", name="Beta Admin", role="partner_admin", password=PASSWORD,
        partner_id=beta.id).id
    alice = users.get_user(session, world.user_ids["partner_user"])
    manager = users.get_user(session, world.user_ids["partner_manager"])
    # A trial ending in 4 days, a pending deal, and an accepted deal won this week (one commission line).
    customers.create_trial(session, alice, company_name="Nordic Retail", domain="nordic-retail.example",
                           framework="ISO 27001", today=clock.today() - dt.timedelta(days=10))
    deals.register_deal(session, alice, contact_name="Pia Pending", contact_email="pia@pending-co.example",
                        company_name="Pending Co", annual_value="12000")
    won = deals.register_deal(session, alice, contact_name="Wim Winner", contact_email="wim@winner-co.example",
                              company_name="Winner Co", annual_value="10000")
    deals.review_deal(session, manager, won.id, accept=True)
    deals.move_deal(session, alice, won.id, stage="closed_won", billing_option="invoice")


