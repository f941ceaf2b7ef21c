"""The deal board's words: card labels and markers, column totals, a drop read back from the drag-and-drop
board, and history rows. Pure functions over plain values, tested without Streamlit; every word is in the
reader's language (`_`, `ngettext`) and every amount and date in their locale's way (`fmt()`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pandas as pd

from pages.components.deals.review_labels import DENIAL_REASON_LABELS
from pages.components.frame.labels import BILLING_OPTION_LABELS, REVIEW_LABELS, STAGE_LABELS, label
from pages.components.frame.translate import N_, _, fmt, ngettext
from partner_model.models import EventRead


@dataclass(frozen=True)
class Marker:
    text: str
    color: str
    icon: str


def totals_text(totals: Mapping[str, Decimal]) -> str:
    """'EUR 24,000.00 · SEK 5,000.00' (in English), largest first; '—' without deals."""
    if not totals:
        return "—"
    return " · ".join(fmt().money(value, currency)
                      for currency, value in sorted(totals.items(), key=lambda t: -t[1]))


def deals_text(count: int) -> str:
    """'1 deal', '3 deals' in the reader's language."""
    return ngettext("{count} deal", "{count} deals", count).format(count=fmt().number(count))


def _days(days: Any) -> int | None:
    if days is None or (isinstance(days, float) and pd.isna(days)):
        return None
    return int(days)


def in_stage_text(days: int | None) -> str:
    """'3 days in stage'; '— in stage' when unknown."""
    n = _days(days)
    if n is None:
        # TRANSLATORS: a card's time in its stage when the number of days is unknown ("—" stays).
        return _("— in stage")
    return ngettext("{count} day in stage", "{count} days in stage", n).format(count=fmt().number(n))


def markers(card: Mapping[str, Any]) -> list[Marker]:
    """What needs a look on a card: stale in its stage, protection expiring or expired, the denial reason."""
    found = []
    if card.get("stale"):
        n = _days(card.get("days_in_stage"))
        text = (_("Stale: — in stage") if n is None else
                ngettext("Stale: {count} day in stage", "Stale: {count} days in stage", n).format(
                    count=fmt().number(n)))
        found.append(Marker(text, "orange", ":material/schedule:"))
    if card.get("protection") == "expiring":
        found.append(Marker(_("Protection ends {date}").format(date=_date(card.get("protected_until"))), "red",
                            ":material/shield:"))
    elif card.get("protection") == "expired":
        found.append(Marker(_("Protection expired"), "gray", ":material/gpp_bad:"))
    if card.get("review_status") == "denied":
        reason = label(DENIAL_REASON_LABELS, card.get("denial_reason"), _("no reason given"))
        found.append(Marker(_("Denied: {reason}").format(reason=reason), "red", ":material/block:"))
    return found


def _date(value: Any) -> str:
    """A date from a board row (a date, a Timestamp, an ISO string or nothing) in the reader's way."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return "—"
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        try:
            value = dt.date.fromisoformat(str(value)[:10])
        except ValueError:
            return str(value)
    return fmt().date(value)


def card_label(card: Mapping[str, Any]) -> str:
    """A drag-and-drop card: a few lines of text, unique through the deal id (the component returns only text).

    The board reads a dropped card back by looking its whole label up among the labels it drew in the same
    language, so the words may be translated: only the '#<deal id>' on the first line has to stay.
    """
    lines = [
        f"{card['company_name']} · #{card['deal_id']}",
        f"{fmt().money(card['value'], card['currency'])} · {card['partner_name']}",
        f"{label(REVIEW_LABELS, card['review_status'])} · {in_stage_text(card.get('days_in_stage'))}",
    ]
    lines += [f"⚠ {marker.text}" for marker in markers(card)]
    return "\n".join(lines)


def drag_header(stage: str, count: int, totals: Mapping[str, Decimal]) -> str:
    """A drag-and-drop column's header: the stage, its count and value sums (over all its deals)."""
    return f"{label(STAGE_LABELS, stage)}\n{deals_text(count)} · {totals_text(totals)}"


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
    # TRANSLATORS: a deal's history: the deal was registered.
    "registered": N_("Registered"),
    # TRANSLATORS: a deal's history: vendor staff reviewed the registration.
    "reviewed": N_("Reviewed"),
    # TRANSLATORS: a deal's history: the deal was moved to another stage.
    "moved": N_("Moved"),
    "note": N_("Note added"),
    "billing": N_("Billing option changed"),
    "protection": N_("Protection extended"),
}

# The history table's columns (also the keys of its column_config).
WHEN, WHO, WHAT, FROM, TO = N_("When (UTC)"), N_("Who"), N_("What"), N_("From"), N_("To")
HISTORY_COLUMNS = (WHEN, WHO, WHAT, FROM, TO)


def _registered(value: str | None) -> str:
    stage, __, status = (value or "").partition("/")
    return f"{label(STAGE_LABELS, stage.strip())}, {label(REVIEW_LABELS, status.strip())}"


def _reviewed(value: str | None) -> str:
    status, __, reason = (value or "").partition(":")
    text = label(REVIEW_LABELS, status.strip())
    return f"{text}: {label(DENIAL_REASON_LABELS, reason.strip())}" if reason else text


def _stored_date(value: str | None) -> str:
    """A date stored as ISO text in an event, in the reader's way (as it is when it is no date)."""
    if not value:
        return "—"
    try:
        return fmt().date(dt.date.fromisoformat(value))
    except ValueError:
        return value


def event_values(kind: str, from_value: str | None, to_value: str | None) -> tuple[str, str]:
    """An event's from and to in the product's words."""
    if kind == "registered":
        return "—", _registered(to_value)
    if kind == "reviewed":
        return label(REVIEW_LABELS, from_value), _reviewed(to_value)
    if kind == "moved":
        return label(STAGE_LABELS, from_value), label(STAGE_LABELS, to_value)
    if kind == "billing":
        return label(BILLING_OPTION_LABELS, from_value, _("Not set")), label(BILLING_OPTION_LABELS, to_value)
    if kind == "protection":
        return _stored_date(from_value), _stored_date(to_value)
    return from_value or "—", to_value or "—"


def history_frame(events: list[EventRead], names: Mapping[int, str]) -> pd.DataFrame:
    """Who, what, when, from, to: one row per event, oldest first; when is a UTC time (shown to the minute)."""
    columns = [_(column) for column in HISTORY_COLUMNS]
    rows = []
    for event in events:
        before, after = event_values(event.kind, event.from_value, event.to_value)
        who = names.get(event.actor_id, "—") if event.actor_id is not None else _("System")
        what = _(EVENT_NAMES[event.kind]) if event.kind in EVENT_NAMES else event.kind.capitalize()
        rows.append(dict(zip(columns, [_utc(event.at), who, what, before, after], strict=True)))
    frame = pd.DataFrame(rows, columns=columns)
    frame[columns[0]] = pd.to_datetime(frame[columns[0]])
    return frame


def _utc(moment: dt.datetime) -> dt.datetime:
    """A naive UTC time (SQLite returns naive ones, PostgreSQL aware ones): one kind per column."""
    return moment.astimezone(dt.UTC).replace(tzinfo=None) if moment.tzinfo is not None else moment
