"""The deal board's words: card labels and markers, column totals, a drop read back from the drag-and-drop
board, and history rows. Pure functions over plain values, tested without Streamlit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pandas as pd

from pages.components.labels import BILLING_OPTION_LABELS, REVIEW_LABELS, STAGE_LABELS, label
from pages.components.review_labels import DENIAL_REASON_LABELS, money, plural
from partner_model.models import EventRead


@dataclass(frozen=True)
class Marker:
    text: str
    color: str
    icon: str


def totals_text(totals: Mapping[str, Decimal]) -> str:
    """'24,000.00 EUR · 5,000.00 SEK', largest first; '—' without deals."""
    if not totals:
        return "—"
    return " · ".join(money(value, currency) for currency, value in sorted(totals.items(), key=lambda t: -t[1]))


def days_text(days: int | None) -> str:
    return "—" if days is None else plural(int(days), "day")


def markers(card: Mapping[str, Any]) -> list[Marker]:
    """What needs a look on a card: stale in its stage, protection expiring or expired, the denial reason."""
    found = []
    if card.get("stale"):
        found.append(Marker(f"Stale: {days_text(card.get('days_in_stage'))} in stage", "orange", ":material/schedule:"))
    if card.get("protection") == "expiring":
        found.append(Marker(f"Protection ends {_date(card.get('protected_until'))}", "red", ":material/shield:"))
    elif card.get("protection") == "expired":
        found.append(Marker("Protection expired", "gray", ":material/gpp_bad:"))
    if card.get("review_status") == "denied":
        reason = label(DENIAL_REASON_LABELS, card.get("denial_reason"), "no reason given")
        found.append(Marker(f"Denied: {reason}", "red", ":material/block:"))
    return found


def _date(value: Any) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "—"
    return value.isoformat() if isinstance(value, dt.date) else str(value)[:10]


def card_label(card: Mapping[str, Any]) -> str:
    """A drag-and-drop card: a few lines of text, unique through the deal id (the component returns only text)."""
    lines = [
        f"{card['company_name']} · #{card['deal_id']}",
        f"{money(card['value'], card['currency'])} · {card['partner_name']}",
        f"{label(REVIEW_LABELS, card['review_status'])} · {days_text(card.get('days_in_stage'))} in stage",
    ]
    lines += [f"⚠ {marker.text}" for marker in markers(card)]
    return "\n".join(lines)


def drag_header(stage: str, count: int, totals: Mapping[str, Decimal]) -> str:
    """A drag-and-drop column's header: the stage, its count and value sums (over all its deals)."""
    return f"{label(STAGE_LABELS, stage)}\n{plural(count, 'deal')} · {totals_text(totals)}"


def dropped(before: list[dict[str, Any]], after: list[dict[str, Any]] | None) -> tuple[str, str] | None:
    """(card label, header of its new column) for the first card the user dragged to another column, else None.

    A card moved within its column, or a value from an older board, is no move.
    """
    was_in = {item: box["header"] for box in before for item in box["items"]}
    for box in after or []:
        for item in box.get("items", []):
            if item in was_in and was_in[item] != box.get("header"):
                return item, box["header"]
    return None


# --- history ---------------------------------------------------------------------------------------------

EVENT_NAMES = {
    "registered": "Registered",
    "reviewed": "Reviewed",
    "moved": "Moved",
    "note": "Note added",
    "billing": "Billing option changed",
    "protection": "Protection extended",
}


def _registered(value: str | None) -> str:
    stage, _, status = (value or "").partition("/")
    return f"{label(STAGE_LABELS, stage.strip())}, {label(REVIEW_LABELS, status.strip())}"


def _reviewed(value: str | None) -> str:
    status, _, reason = (value or "").partition(":")
    text = label(REVIEW_LABELS, status.strip())
    return f"{text}: {label(DENIAL_REASON_LABELS, reason.strip())}" if reason else text


def event_values(kind: str, from_value: str | None, to_value: str | None) -> tuple[str, str]:
    """An event's from and to in the product's words."""
    if kind == "registered":
        return "—", _registered(to_value)
    if kind == "reviewed":
        return label(REVIEW_LABELS, from_value), _reviewed(to_value)
    if kind == "moved":
        return label(STAGE_LABELS, from_value), label(STAGE_LABELS, to_value)
    if kind == "billing":
        return label(BILLING_OPTION_LABELS, from_value, "Not set"), label(BILLING_OPTION_LABELS, to_value)
    return from_value or "—", to_value or "—"


def history_frame(events: list[EventRead], names: Mapping[int, str]) -> pd.DataFrame:
    """Who, what, when, from, to: one row per event, oldest first, times in UTC to the minute."""
    rows = []
    for event in events:
        before, after = event_values(event.kind, event.from_value, event.to_value)
        who = names.get(event.actor_id, "—") if event.actor_id is not None else "System"
        rows.append({"When (UTC)": f"{event.at:%Y-%m-%d %H:%M}", "Who": who,
                     "What": EVENT_NAMES.get(event.kind, event.kind.capitalize()), "From": before, "To": after})
    return pd.DataFrame(rows, columns=["When (UTC)", "Who", "What", "From", "To"])
