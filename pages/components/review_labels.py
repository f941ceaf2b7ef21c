"""The review queue's words: hint codes and denial reasons as people say them, deal events as sentences.

Pure functions over plain values, so they are tested without Streamlit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from pages.components.labels import BILLING_OPTION_LABELS, REVIEW_LABELS, STAGE_LABELS, label
from partner_model.models import DenialReason, EventRead


@dataclass(frozen=True)
class Hint:
    short: str  # the badge
    meaning: str  # what the reviewer should know, in words
    color: str
    icon: str


HINTS: dict[str, Hint] = {
    "existing_customer": Hint("Existing customer", "The domain already belongs to a customer", "red",
                              ":material/apartment:"),
    "other_partner_open_deal": Hint("Other partner's deal", "Another partner has an open deal for this domain",
                                    "orange", ":material/group:"),
    "free_mail": Hint("Free mail", "Free-mail domain (gmail.com and the like)", "violet", ":material/mail:"),
    "registered_before": Hint("Registered before", "This partner registered the domain before", "blue",
                              ":material/history:"),
}

DENIAL_REASON_LABELS: dict[str, str] = {
    DenialReason.existing_customer: "Already a customer",
    DenialReason.invalid_lead: "Not a valid lead",
    DenialReason.duplicate: "Duplicate registration",
    DenialReason.other: "Other reason (say why in the note)",
}


def hint(code: str) -> Hint:
    """The hint for a code; an unknown code (a newer service) still shows, as itself."""
    return HINTS.get(code, Hint(code, code, "gray", ":material/info:"))


def hint_names(codes: list[str] | None) -> list[str]:
    return [hint(code).short for code in codes or []]


_MARKDOWN = str.maketrans({c: "\\" + c for c in "\\`*_{}[]()<>#+-.!|~:$"})


def md(text: object) -> str:
    """Text a partner typed (company, note), escaped so st.markdown shows it as written."""
    return str(text).translate(_MARKDOWN)


def money(value: Decimal | None, currency: str) -> str:
    return "—" if value is None else f"{value:,.2f} {currency}"


def plural(n: int, word: str) -> str:
    """'1 deal', '3 deals'."""
    return f"{n} {word}{'' if n == 1 else 's'}"


def waiting(age_days: int, business_days: int) -> str:
    """'3 days (2 business days)'."""
    return f"{plural(age_days, 'day')} ({plural(business_days, 'business day')})"


def _review_outcome(to_value: str | None) -> str:
    """'denied: duplicate' -> 'Denied: Duplicate registration'."""
    status, _, reason = (to_value or "").partition(":")
    text = label(REVIEW_LABELS, status.strip())
    return f"{text}: {label(DENIAL_REASON_LABELS, reason.strip())}" if reason else text


def _registered(to_value: str | None) -> str:
    stage, _, status = (to_value or "").partition("/")
    return f"Registered (stage {label(STAGE_LABELS, stage.strip())}, {label(REVIEW_LABELS, status.strip())})"


def event_text(kind: str, from_value: str | None, to_value: str | None) -> str:
    """One history line's sentence, in the product's words."""
    if kind == "registered":
        return _registered(to_value)
    if kind == "reviewed":
        return _review_outcome(to_value)
    if kind == "moved":
        return f"Moved from {label(STAGE_LABELS, from_value)} to {label(STAGE_LABELS, to_value)}"
    if kind == "note":
        return f"Note: {to_value or ''}"
    if kind == "billing":
        return (f"Billing option {label(BILLING_OPTION_LABELS, from_value, 'not set')} → "
                f"{label(BILLING_OPTION_LABELS, to_value)}")
    if kind == "protection":
        return f"Registration protection extended from {from_value} to {to_value}"
    return f"{kind.capitalize()}: {from_value or '—'} → {to_value or '—'}"


def history_lines(events: list[EventRead], names: dict[int, str]) -> list[tuple[str, str, str]]:
    """(when, who, what) per event, oldest first; when in UTC to the minute."""
    def when(at: dt.datetime) -> str:
        return f"{at:%Y-%m-%d %H:%M}"

    return [(when(e.at), names.get(e.actor_id, "—") if e.actor_id is not None else "System",
             event_text(e.kind, e.from_value, e.to_value)) for e in events]
