"""The product's words for stored values: one place, so every page says "Closed won", not "closed_won".

The words are marked for the catalogue here and translated when shown, by `label()`.
"""

from __future__ import annotations

from pages.components.frame.translate import N_, _
from partner_model.models import BillingOption, Confirmation, ConsentState, PayoutState, ReviewStatus, Role, Stage, Tier

ROLE_LABELS: dict[str, str] = {
    Role.partner_user: N_("Partner user"),
    Role.partner_admin: N_("Partner admin"),
    Role.partner_manager: N_("Partner manager"),
    Role.finance: N_("Finance"),
    Role.admin: N_("Admin"),
}

STAGE_LABELS: dict[str, str] = {
    Stage.new: N_("New"),
    Stage.newsletter: N_("Newsletter subscription"),
    Stage.trial: N_("Trial"),
    Stage.closed_won: N_("Closed won"),
    Stage.closed_lost: N_("Closed lost"),
}

REVIEW_LABELS: dict[str, str] = {
    ReviewStatus.pending: N_("Pending"),
    ReviewStatus.accepted: N_("Accepted"),
    ReviewStatus.denied: N_("Denied"),
}

BILLING_OPTION_LABELS: dict[str, str] = {
    BillingOption.credit_card: N_("Credit card"),
    BillingOption.invoice: N_("Invoice"),
    BillingOption.via_partner: N_("Via partner"),
}

# A won deal's confirmation by the partner manager (partner_model.won_confirmations).
CONFIRMATION_LABELS: dict[str, str] = {
    Confirmation.waiting: N_("Waiting for confirmation"),
    # TRANSLATORS: a won deal's confirmation: the manager sent it back to the partner with a question.
    Confirmation.sent_back: N_("Sent back with a question"),
    Confirmation.confirmed: N_("Confirmed"),
}

# A newsletter subscription's consent (partner_model.newsletter).
CONSENT_LABELS: dict[str, str] = {
    ConsentState.waiting: N_("Waiting for confirmation"),
    ConsentState.confirmed: N_("Confirmed"),
    ConsentState.expired: N_("Expired after 7 days"),
    ConsentState.unsubscribed: N_("Unsubscribed"),
    # TRANSLATORS: a newsletter subscription request that a newer one for the same deal replaced.
    ConsentState.replaced: N_("Replaced by a newer request"),
}

PAYOUT_STATE_LABELS: dict[str, str] = {
    PayoutState.draft: N_("Draft"),
    PayoutState.ready: N_("Ready"),
    PayoutState.paid: N_("Paid"),
    # TRANSLATORS: a payout state: under the minimum, its balance goes into the partner's next payout.
    PayoutState.carried: N_("Carried"),
}

TIER_LABELS: dict[str, str] = {
    Tier.registered: N_("Registered"),
    Tier.silver: N_("Silver"),
    Tier.gold: N_("Gold"),
    Tier.platinum: N_("Platinum"),
}

AUDIT_LABELS: dict[str, str] = {
    "sign_in": N_("Signed in"),
    "sign_in_failed": N_("Sign-in failed"),
    "partner_created": N_("Partner created"),
    "partner_commission": N_("Tier or rate changed"),
    "user_created": N_("User created"),
    "user_changed": N_("User changed"),
    "password_reset": N_("Password reset"),
    "user_unlocked": N_("User unlocked"),
    "sign_out": N_("Signed out"),
    "password_changed": N_("Password changed"),
    "sessions_ended": N_("Sessions ended"),
    "application_submitted": N_("Partner application sent"),
    "application_accepted": N_("Partner application accepted"),
    "application_declined": N_("Partner application declined"),
}


def label(table: dict[str, str], value: object, empty: str = "—") -> str:
    """The word for `value` (an enum member or its string) in the reader's language, `empty` for None,
    the raw value when unknown."""
    if value is None or value == "":
        return empty
    word = table.get(str(value))
    return _(word) if word is not None else str(value)
