"""Which role may open which page: the one table the guard and the sidebar read.

Hiding a page is a courtesy; the services check every actor again.
"""

from __future__ import annotations

from dataclasses import dataclass

from partner_model.errors import N_
from partner_model.models import Role

ALL_ROLES = frozenset(Role)
DEAL_ROLES = frozenset({Role.partner_user, Role.partner_admin, Role.partner_manager, Role.admin})


@dataclass(frozen=True)
class Page:
    path: str  # relative to dashboard.py, as st.page_link and st.switch_page want it
    label: str  # marked for the catalogue; shown as _(label)
    icon: str
    roles: frozenset[Role]


PAGES: dict[str, Page] = {
    "home": Page("dashboard.py", N_("Home"), ":material/home:", ALL_ROLES),
    "customers": Page("pages/customers.py", N_("Customers"), ":material/apartment:", ALL_ROLES),
    "register_deal": Page("pages/register_deal.py", N_("Register a deal"), ":material/add_business:", DEAL_ROLES),
    "deal_board": Page("pages/deal_board.py", N_("Deal board"), ":material/view_kanban:", DEAL_ROLES),
    "review_queue": Page(
        "pages/review_queue.py", N_("Review queue"), ":material/fact_check:",
        frozenset({Role.partner_manager, Role.admin})),
    "pipeline": Page("pages/pipeline.py", N_("Pipeline"), ":material/monitoring:", DEAL_ROLES),
    "commissions": Page("pages/commissions.py", N_("Commissions"), ":material/payments:", ALL_ROLES),
    # Partner admins edit their own; staff read; admins may edit any partner's (billing.py decides which).
    "billing": Page(
        "pages/billing.py", N_("Billing"), ":material/receipt_long:",
        frozenset({Role.partner_admin, Role.partner_manager, Role.finance, Role.admin})),
    "payouts": Page("pages/payouts.py", N_("Payouts"), ":material/account_balance:",
                    frozenset({Role.partner_admin, Role.finance, Role.admin})),
    "team": Page("pages/team.py", N_("Team"), ":material/group:", frozenset({Role.partner_admin})),
    "admin": Page("pages/admin.py", N_("Admin"), ":material/admin_panel_settings:", frozenset({Role.admin})),
    "inbox": Page("pages/inbox.py", N_("Inbox"), ":material/notifications:", ALL_ROLES),
    # Public: a consulting firm applies without signing in (shown to signed-out visitors only).
    "apply": Page("pages/apply.py", N_("Apply to become a partner"), ":material/handshake:", frozenset()),
}
PUBLIC_PAGES = ("home", "apply")

# Who may change billing information on the billing page (everyone else there reads).
BILLING_EDITORS = frozenset({Role.partner_admin, Role.admin})


def may_see(role: Role | str | None, page: str) -> bool:
    """True when `role` may open `page` (a key of PAGES)."""
    return role is not None and Role(role) in PAGES[page].roles


def visible_pages(role: Role | str | None) -> list[tuple[str, Page]]:
    """The pages a role may open, in sidebar order; signed out, the home page (the sign-in form) and the
    application to become a partner."""
    if role is None:
        return [(key, PAGES[key]) for key in PUBLIC_PAGES]
    return [(key, page) for key, page in PAGES.items() if may_see(role, key)]
