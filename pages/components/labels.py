"""The product's words for stored values: one place, so every page says "Closed won", not "closed_won"."""

from __future__ import annotations

from partner_model.models import BillingOption, ReviewStatus, Role, Stage, Tier

ROLE_LABELS: dict[str, str] = {
    Role.partner_user: "Partner user",
    Role.partner_admin: "Partner admin",
    Role.partner_manager: "Partner manager",
    Role.finance: "Finance",
    Role.admin: "Admin",
}

STAGE_LABELS: dict[str, str] = {
    Stage.new: "New",
    Stage.newsletter: "Newsletter subscription",
    Stage.trial: "Trial",
    Stage.closed_won: "Closed won",
    Stage.closed_lost: "Closed lost",
}

REVIEW_LABELS: dict[str, str] = {
    ReviewStatus.pending: "Pending",
    ReviewStatus.accepted: "Accepted",
    ReviewStatus.denied: "Denied",
}

BILLING_OPTION_LABELS: dict[str, str] = {
    BillingOption.credit_card: "Credit card",
    BillingOption.invoice: "Invoice",
    BillingOption.via_partner: "Via partner",
}

TIER_LABELS: dict[str, str] = {
    Tier.registered: "Registered",
    Tier.silver: "Silver",
    Tier.gold: "Gold",
    Tier.platinum: "Platinum",
}

AUDIT_LABELS: dict[str, str] = {
    "sign_in": "Signed in",
    "sign_in_failed": "Sign-in failed",
    "partner_created": "Partner created",
    "partner_commission": "Tier or rate changed",
    "user_created": "User created",
    "user_changed": "User changed",
    "password_reset": "Password reset",
    "user_unlocked": "User unlocked",
}


def label(table: dict[str, str], value: object, empty: str = "—") -> str:
    """The word for `value` (an enum member or its string), `empty` for None, the raw value when unknown."""
    if value is None or value == "":
        return empty
    return table.get(str(value), str(value))
