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

from pages.components.frame.labels import (
    BILLING_OPTION_LABELS,
    CONFIRMATION_LABELS,
    CONSENT_LABELS,
    REVIEW_LABELS,
    STAGE_LABELS,
    label,
)
from pages.components.frame.translate import N_, _, fmt, ngettext
from partner_model.models import DenialReason, EventRead


@dataclass(frozen=True)
class Marker:
    text: str
    color: str
    icon: str


# How a denial reads to the partner whose deal it is (the review queue's labels are the reviewers' words): short for
# a card's marker, a sentence for the card's details. "Other" sends the partner to the reviewer's note.
PARTNER_DENIAL_REASONS: dict[str, str] = {
    # TRANSLATORS: on a denied deal's card, to the partner: why it was denied.
    DenialReason.existing_customer: N_("already a customer"),
    # TRANSLATORS: on a denied deal's card, to the partner: why it was denied.
    DenialReason.invalid_lead: N_("not a qualified lead"),
    # TRANSLATORS: on a denied deal's card, to the partner: why it was denied.
    DenialReason.duplicate: N_("already registered"),
    # TRANSLATORS: on a denied deal's card, to the partner: the reviewer explains in a note.
    DenialReason.other: N_("see the reviewer's note"),
}
PARTNER_DENIAL_SENTENCES: dict[str, str] = {
    DenialReason.existing_customer: N_("Denied: the customer already has an account with us, so the deal cannot be "
                                       "registered as new business."),
    DenialReason.invalid_lead: N_("Denied: the registration is not a qualified lead (for example, no real contact "
                                  "or no need we can meet)."),
    DenialReason.duplicate: N_("Denied: this customer was already registered, so this registration repeats it."),
    DenialReason.other: N_("Denied for a reason the reviewer explains in their note."),
}
REVIEW_BADGE_COLOURS = {"pending": "orange", "accepted": "green", "denied": "red"}
STALE_ICON = ":material/schedule:"


def denial_words(reason: object) -> str:
    """A denial reason as the partner reads it on a card ("already a customer")."""
    # TRANSLATORS: a denied deal without a recorded reason.
    return label(PARTNER_DENIAL_REASONS, reason, _("no reason given"))


def denial_sentence(reason: object) -> str:
    """A denial reason as a sentence for the partner (the card's details)."""
    word = PARTNER_DENIAL_SENTENCES.get(str(getattr(reason, "value", reason)))
    return _(word) if word else _("Denied.")


def review_note(events: list[EventRead], notes: list[Any]) -> str | None:
    """The note the reviewer wrote with the review (written in the same moment by the same person), if any."""
    reviewed = [e for e in events if e.kind == "reviewed"]
    if not reviewed:
        return None
    last = reviewed[-1]
    written = [n for n in notes if n.at == last.at and n.author_id == last.actor_id]
    return written[-1].body if written else None


def totals_lines(totals: Mapping[str, Decimal]) -> list[str]:
    """Every currency's sum, largest first: 'EUR 24,000.00', 'SEK 5,000.00'."""
    return [fmt().money(value, currency) for currency, value in sorted(totals.items(), key=lambda t: (-t[1], t[0]))]


def totals_text(totals: Mapping[str, Decimal]) -> str:
    """'EUR 24,000.00 · SEK 5,000.00' (in English), largest first; '—' without deals."""
    return " · ".join(totals_lines(totals)) or "—"


def total_line(totals: Mapping[str, Decimal]) -> str:
    """A column's total on one short line: the largest currency's sum, then '+ N more' for the other currencies
    (their sums are on hover or in the totals panel); '—' without deals."""
    lines = totals_lines(totals)
    if not lines:
        return "—"
    if len(lines) == 1:
        return lines[0]
    # TRANSLATORS: a deal board column's total: the largest currency's sum, then how many other currencies.
    more = ngettext("+ {count} more", "+ {count} more", len(lines) - 1).format(count=fmt().number(len(lines) - 1))
    return f"{lines[0]} {more.replace(' ', NBSP)}"


NBSP = "\xa0"  # keeps "+ 1 more" on one line


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


# A won deal not yet confirmed by its partner manager (partner_model.won_confirmations).
CONFIRMATION_MARKERS = {
    "waiting": (N_("Waiting for the manager's confirmation"), "orange", ":material/pending:"),
    "sent_back": (N_("Sent back: the manager has a question"), "red", ":material/help:"),
}


# A deal in the Newsletter stage: its contact's consent (partner_model.newsletter); none asked for: NO_CONSENT.
CONSENT_MARKERS = {
    "waiting": (N_("Newsletter: waiting for confirmation"), "orange", ":material/mark_email_unread:"),
    "confirmed": (N_("Newsletter: confirmed"), "green", ":material/mark_email_read:"),
    "expired": (N_("Newsletter: expired after 7 days"), "red", ":material/timer_off:"),
    "unsubscribed": (N_("Newsletter: unsubscribed"), "gray", ":material/unsubscribe:"),
}
NO_CONSENT = (N_("Newsletter: no subscription asked for"), "gray", ":material/mail:")


def markers(card: Mapping[str, Any]) -> list[Marker]:
    """What needs a look on a card: stale in its stage, protection expiring or expired, a won deal not yet
    confirmed, the denial reason."""
    found = []
    if card.get("stale"):
        n = _days(card.get("days_in_stage"))
        text = (_("Stale: — in stage") if n is None else
                ngettext("Stale: {count} day in stage", "Stale: {count} days in stage", n).format(
                    count=fmt().number(n)))
        found.append(Marker(text, "orange", STALE_ICON))
    if card.get("protection") == "expiring":
        found.append(Marker(_("Protection ends {date}").format(date=_date(card.get("protected_until"))), "red",
                            ":material/shield:"))
    elif card.get("protection") == "expired":
        found.append(Marker(_("Protection expired"), "gray", ":material/gpp_bad:"))
    if card.get("stage") == "newsletter":
        text, color, icon = CONSENT_MARKERS.get(card.get("newsletter"), NO_CONSENT)  # type: ignore[arg-type]
        found.append(Marker(_(text), color, icon))
    if card.get("confirmation") in CONFIRMATION_MARKERS:
        text, color, icon = CONFIRMATION_MARKERS[card["confirmation"]]
        found.append(Marker(_(text), color, icon))
    if card.get("review_status") == "denied":
        found.append(Marker(_("Denied: {reason}").format(reason=denial_words(card.get("denial_reason"))), "red",
                            ":material/block:"))
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


def card_label(card: Mapping[str, Any], staff: bool = True) -> str:
    """A drag-and-drop card: a few lines of text, unique through the deal id (the component returns only text).

    The company (drawn bold: the board's style makes the first line so) with the deal id, the value, the review
    status and days in stage, then its markers; the partner's name only for staff (a partner knows its own).
    The board reads a dropped card back by looking its whole label up among the labels it drew in the same
    language, so the words may be translated: only the '#<deal id>' on the first line has to stay.
    """
    value = fmt().money(card["value"], card["currency"])
    found = markers(card)
    status = label(REVIEW_LABELS, card["review_status"])
    if not any(m.icon == STALE_ICON for m in found):  # a stale card's marker says its days in stage
        status = f"{status} · {in_stage_text(card.get('days_in_stage'))}"
    lines = [f"{card['company_name']} · #{card['deal_id']}", value, *([card["partner_name"]] if staff else []),
             status]
    lines += [f"{MARKER_SIGNS.get(marker.color, '•')} {marker.text}" for marker in found]
    return "\n".join(lines)


MARKER_SIGNS = {"orange": "⚠", "red": "⚠", "gray": "⚠"}


def header_lines(stage: str, count: int, totals: Mapping[str, Decimal]) -> list[str]:
    """A column's header: the stage, how many deals, and its total on one compact line (over all its deals)."""
    return [label(STAGE_LABELS, stage), deals_text(count), total_line(totals)]


def drag_header(stage: str, count: int, totals: Mapping[str, Decimal]) -> str:
    """A drag-and-drop column's header (three short lines; never a line that wraps on a trailing '·')."""
    return "\n".join(header_lines(stage, count, totals))


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
    # TRANSLATORS: a deal's history: a step of the won deal's confirmation by the partner manager.
    "confirmation": N_("Won deal confirmation"),
    # TRANSLATORS: a deal's history: a step of the contact's newsletter subscription (asked, confirmed, left).
    "newsletter": N_("Newsletter subscription"),
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
    return f"{text}: {denial_words(reason.strip())}" if reason else text


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
    if kind == "confirmation":
        return label(CONFIRMATION_LABELS, from_value, "—"), label(CONFIRMATION_LABELS, to_value)
    if kind == "newsletter":
        return label(CONSENT_LABELS, from_value, "—"), label(CONSENT_LABELS, to_value)
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
