"""The review queue's words: hint codes and denial reasons as people say them, what stands behind each hint and
deal events as sentences, and the blank shown for a value nobody gave.

Pure functions over plain values, so they are tested without Streamlit. The words are marked for the
catalogue here (N_) and translated when shown, in the reader's language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal

from babel.dates import format_time

from pages.components.frame.labels import BILLING_OPTION_LABELS, REVIEW_LABELS, STAGE_LABELS, label
from pages.components.frame.text import md, md_line  # noqa: F401  (the deals area's pages use them from here)
from pages.components.frame.translate import N_, _, fmt, ngettext
from partner_model import clock
from partner_model.models import DenialReason, EventRead


@dataclass(frozen=True)
class Hint:
    short: str  # the badge
    meaning: str  # what the reviewer should know, in words
    color: str
    icon: str


HINTS: dict[str, Hint] = {
    "existing_customer": Hint(N_("Existing customer"), N_("The domain already belongs to a customer"), "red",
                              ":material/apartment:"),
    "other_partner_open_deal": Hint(N_("Other partner's deal"),
                                    N_("Another partner has an open deal for this domain"),
                                    "orange", ":material/group:"),
    "free_mail": Hint(N_("Free mail"), N_("Free-mail domain (gmail.com and the like)"), "violet",
                      ":material/mail:"),
    "registered_before": Hint(N_("Registered before"), N_("This partner registered the domain before"), "blue",
                              ":material/history:"),
    "unlinked_account": Hint(N_("Unlinked account"),
                             N_("The product has an account for this domain that no partner holds yet"), "blue",
                             ":material/link:"),
}

# Translated where shown: label(DENIAL_REASON_LABELS, reason) or _(DENIAL_REASON_LABELS[reason]).
DENIAL_REASON_LABELS: dict[str, str] = {
    DenialReason.existing_customer: N_("Already a customer"),
    DenialReason.invalid_lead: N_("Not a valid lead"),
    DenialReason.duplicate: N_("Duplicate registration"),
    DenialReason.other: N_("Other reason (say why in the note)"),
}


def hint(code: str) -> Hint:
    """The hint for a code in the reader's language; an unknown code (a newer service) still shows, as itself."""
    known = HINTS.get(code)
    if known is None:
        return Hint(code, code, "gray", ":material/info:")
    return replace(known, short=_(known.short), meaning=_(known.meaning))


def hint_names(codes: list[str] | None) -> list[str]:
    return [hint(code).short for code in codes or []]


def blank(value: object, empty: str = "—") -> object:
    """`empty` for a value nobody gave: None, "", and the NaN pandas puts in a text column beside other rows'
    text (a frame row of a deal without a framework says nan, not None)."""
    if value is None or (isinstance(value, float) and value != value) or (isinstance(value, str) and not value):
        return empty
    return value


def _on(moment: object) -> str:
    """A registration moment (UTC) as the reader's date in the program's time zone."""
    if isinstance(moment, dt.datetime):
        return fmt().date(clock.local_date(moment))
    return fmt().date(moment) if isinstance(moment, dt.date) else "—"


def _other_deal(detail: dict) -> str:
    """Another partner's registration of the customer: who, when, which deal, and how long it holds the customer."""
    values = {"partner": md(blank(detail.get("partner_name"))), "date": _on(detail.get("created_at")),
              "id": detail.get("deal_id"), "company": md(blank(detail.get("company_name")))}
    if detail.get("review_status") == "pending":
        # TRANSLATORS: a review hint; {partner} is another partner, {company} the name on its deal.
        return _("{partner} registered it on {date} (deal #{id}, {company}), not reviewed yet").format(**values)
    until = detail.get("protected_until")
    if until is None:
        # TRANSLATORS: a review hint: another partner's accepted registration with no end to its protection.
        return _("{partner} registered it on {date} (deal #{id}, {company}), accepted").format(**values)
    # TRANSLATORS: a review hint, e.g. "Beta Advisors registered it on Nov 2, 2026 (deal #41, Samecorp), protected
    # until Jan 31, 2027".
    return _("{partner} registered it on {date} (deal #{id}, {company}), protected until {until}").format(
        until=fmt().date(until), **values)


def hint_sentence(detail: dict) -> str:
    """What stands behind one hint (a row of deals.hint_details) in words a reviewer can act on, as Markdown with
    every typed value escaped: the other partner, its deal and its protection end; the customer's account."""
    code = detail.get("code")
    if code == "other_partner_open_deal":
        return _other_deal(detail)
    if code == "registered_before":
        # TRANSLATORS: a review hint: the same partner's earlier registration of the customer and its review status.
        return _("{partner} registered it before, on {date} (deal #{id}, {company}): {status}").format(
            partner=md(blank(detail.get("partner_name"))), date=_on(detail.get("created_at")),
            id=detail.get("deal_id"), company=md(blank(detail.get("company_name"))),
            status=label(REVIEW_LABELS, detail.get("review_status")))
    if code == "existing_customer":
        values = {"name": md(blank(detail.get("name"))), "domain": md(blank(detail.get("domain")))}
        if detail.get("partner_name"):
            # TRANSLATORS: a review hint: the customer's account and the partner it belongs to.
            return _("{name} ({domain}) is already a customer, with {partner}").format(
                partner=md(detail["partner_name"]), **values)
        return _("{name} ({domain}) is already a customer").format(**values)
    if code == "unlinked_account":
        # TRANSLATORS: a review hint: the product's own account for the customer, which no partner holds yet.
        return _("{name} ({domain}) started in the product by itself: link the account to this partner if the "
                 "registration holds").format(name=md(blank(detail.get("name"))),
                                              domain=md(blank(detail.get("domain"))))
    if code == "free_mail":
        # TRANSLATORS: a review hint: the contact's email is at a free-mail domain such as gmail.com.
        return _("The contact writes from {domain}, a free-mail domain").format(domain=md(blank(detail.get("domain"))))
    return md(code)


def money(value: Decimal | None, currency: str) -> str:
    """An amount with its currency code in the reader's format ("EUR 5,000.00"); "—" for None."""
    return fmt().money(value, currency)


# The counted words pages use, each a whole message with its plural forms (ngettext, so the catalogue has
# both forms and each language applies its own plural rule).
_PLURALS: dict[str, Callable[[int], str]] = {
    "deal": lambda n: ngettext("{count} deal", "{count} deals", n),
    "card": lambda n: ngettext("{count} card", "{count} cards", n),
    "day": lambda n: ngettext("{count} day", "{count} days", n),
    "business day": lambda n: ngettext("{count} business day", "{count} business days", n),
}


def plural(n: int, word: str) -> str:
    """'1 deal', '3 deals', in the reader's language. `word` is one of "deal", "card", "day", "business day";
    another word is shown in English with an 's' (add it to _PLURALS to translate it)."""
    count = fmt().number(n)
    message = _PLURALS.get(word)
    if message is None:
        return f"{count} {word}{'' if n == 1 else 's'}"
    return message(n).format(count=count)


def waiting(age_days: int, business_days: int) -> str:
    """'3 days (2 business days)'."""
    return f"{plural(age_days, 'day')} ({plural(business_days, 'business day')})"


def when(at: dt.datetime) -> str:
    """A moment to the minute in the reader's format: "May 4, 2026, 9:30 AM", "4.5.2026 9.30"."""
    formats = fmt()
    time = format_time(at, format="short", locale=formats.locale)
    return formats.locale.datetime_formats["medium"].format(time, formats.date(at))


def _day(value: str | None) -> str:
    """An ISO date stored in an event ('2026-03-02') in the reader's format; anything else as it is."""
    try:
        return fmt().date(dt.date.fromisoformat(value or ""))
    except ValueError:
        return value or "—"


def _review_outcome(to_value: str | None) -> str:
    """'denied: duplicate' -> 'Denied: Duplicate registration'."""
    status, __, reason = (to_value or "").partition(":")
    status, reason = status.strip(), reason.strip()
    if not reason:
        return label(REVIEW_LABELS, status)
    if status == "denied":
        return _("Denied: {reason}").format(reason=label(DENIAL_REASON_LABELS, reason))
    return f"{label(REVIEW_LABELS, status)}: {label(DENIAL_REASON_LABELS, reason)}"


def _registered(to_value: str | None) -> str:
    stage, __, status = (to_value or "").partition("/")
    return _("Registered (stage {stage}, {status})").format(stage=label(STAGE_LABELS, stage.strip()),
                                                             status=label(REVIEW_LABELS, status.strip()))


def event_text(kind: str, from_value: str | None, to_value: str | None) -> str:
    """One history line's sentence, in the product's words."""
    if kind == "registered":
        return _registered(to_value)
    if kind == "reviewed":
        return _review_outcome(to_value)
    if kind == "moved":
        return _("Moved from {old} to {new}").format(old=label(STAGE_LABELS, from_value),
                                                     new=label(STAGE_LABELS, to_value))
    if kind == "note":
        # TRANSLATORS: a line of a deal's history; {text} is the note as its writer typed it.
        return _("Note: {text}").format(text=to_value or "")
    if kind == "billing":
        # TRANSLATORS: a line of a deal's history: the billing option changed from {old} to {new}.
        return _("Billing option {old} → {new}").format(
            # TRANSLATORS: the billing option before anyone chose one.
            old=label(BILLING_OPTION_LABELS, from_value, _("not set")), new=label(BILLING_OPTION_LABELS, to_value))
    if kind == "protection":
        return _("Registration protection extended from {old} to {new}").format(old=_day(from_value),
                                                                                new=_day(to_value))
    return f"{kind.capitalize()}: {from_value or '—'} → {to_value or '—'}"  # a newer service's event, as stored


def history_lines(events: list[EventRead], names: dict[int, str]) -> list[tuple[str, str, str]]:
    """(when, who, what) per event, oldest first; when in UTC to the minute."""
    return [(when(e.at), names.get(e.actor_id, "—") if e.actor_id is not None else _("System"),
             event_text(e.kind, e.from_value, e.to_value)) for e in events]
