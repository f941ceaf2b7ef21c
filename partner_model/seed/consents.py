"""The demo program's newsletter consents and partner applications, so the Pipeline's consent figures, the deal
cards' subscription states and the admins' Applications tab show what a live program has.

Every deal now in the Newsletter subscription stage gets one consent drawn (the states newsletter_queries counts):
confirmed, waiting (asked within the last 7 days), expired after 7 days, unsubscribed, or never asked (no row).
The confirmation links' tokens are random and never kept (only their sha256 is, as the service stores them), so
a seeded email cannot be confirmed: the rows are the record of what happened, not mail to send.
"""

from __future__ import annotations

import hashlib

import numpy as np

from partner_model.models import ApplicationState, Stage
from partner_model.newsletter import CONFIRM_DAYS
from partner_model.seed.bulk import Columns
from partner_model.seed.clock import DAY, HOUR, Clock
from partner_model.seed.history import event_part

CONFIRMED, WAITING, EXPIRED, UNSUBSCRIBED, NOT_ASKED = range(5)
SHARES = (0.5, 0.15, 0.1, 0.1, 0.15)
LANGUAGE_OF_COUNTRY = {"FI": "fi", "SE": "sv", "NL": "nl", "BE": "nl", "DE": "de", "AT": "de", "CH": "de"}


def _hash(rng: np.random.Generator) -> str:
    return hashlib.sha256(rng.bytes(32)).hexdigest()


def consents(rng: np.random.Generator, deal_rows: Columns, countries: np.ndarray, clock: Clock) -> Columns:
    """One consent row per Newsletter-stage deal that was asked (about 85 %), its state drawn by SHARES."""
    stage = np.asarray(deal_rows["stage"])
    picked = np.flatnonzero(stage == Stage.newsletter.value)
    state = rng.choice(len(SHARES), size=len(picked), p=SHARES)
    picked, state = picked[state != NOT_ASKED], state[state != NOT_ASKED]
    entered = np.asarray(deal_rows["stage_entered_at"])[picked]
    # A deal that entered the stage within the last 7 days cannot have an expired request yet: it waits.
    state = np.where((state == EXPIRED) & (entered + CONFIRM_DAYS * DAY + 2 * HOUR > clock.now), WAITING, state)
    # Waiting: asked within the last 7 days (its link still works); the others when the deal entered the stage.
    recent = clock.now - rng.integers(HOUR, (CONFIRM_DAYS - 1) * DAY, size=len(picked))
    requested = np.where(state == WAITING, np.maximum(entered, recent), entered + rng.integers(60, 2 * HOUR,
                                                                                               size=len(picked)))
    requested = np.minimum(requested, clock.now)
    expires = requested + CONFIRM_DAYS * DAY
    answered = np.minimum(requested + rng.integers(10 * 60, 3 * DAY, size=len(picked)), clock.now)
    confirmed = np.where((state == CONFIRMED) | (state == UNSUBSCRIBED), answered, -1)
    unsubscribed = np.where(state == UNSUBSCRIBED,
                            np.minimum(answered + rng.integers(DAY, 60 * DAY, size=len(picked)), clock.now), -1)
    ids = np.asarray(deal_rows["id"])[picked]
    pick = picked.tolist()
    return {
        "id": np.arange(1, len(picked) + 1), "deal_id": ids,
        "partner_id": np.asarray(deal_rows["partner_id"])[picked],
        "contact_name": [deal_rows["contact_name"][i] for i in pick],
        "contact_email": [deal_rows["contact_email"][i] for i in pick],
        "language": [LANGUAGE_OF_COUNTRY.get(str(countries[i]), "en") for i in pick],
        "contact_agreed": [True] * len(pick),
        "requested_by": np.asarray(deal_rows["registered_by"])[picked],
        "requested_at": requested, "expires_at": expires,
        "confirm_hash": [_hash(rng) for _ in pick], "unsubscribe_hash": [_hash(rng) for _ in pick],
        "link_used_at": confirmed, "confirmed_at": confirmed, "unsubscribed_at": unsubscribed,
    }


def consent_events(rows: Columns) -> Columns:
    """The deals' history of their consents (kind "newsletter", from and to a ConsentState, as newsletter.py writes
    it): asked by the partner's user, confirmed and unsubscribed by the contact (no actor)."""
    deal = np.asarray(rows["deal_id"]) - 1  # event_part takes deal indexes
    confirmed, unsubscribed = np.asarray(rows["confirmed_at"]), np.asarray(rows["unsubscribed_at"])
    nobody = np.full(len(deal), -1)
    yes, left = np.flatnonzero(confirmed >= 0), np.flatnonzero(unsubscribed >= 0)
    parts = [
        event_part(deal, np.asarray(rows["requested_by"]), np.asarray(rows["requested_at"]), "newsletter", None,
                   "waiting"),
        event_part(deal[yes], nobody[yes], confirmed[yes], "newsletter", "waiting", "confirmed"),
        event_part(deal[left], nobody[left], unsubscribed[left], "newsletter", "confirmed", "unsubscribed"),
    ]
    merged = {k: np.concatenate([part[k] for part in parts]) for k in parts[0]}
    order = np.argsort(merged["at"], kind="stable")
    return {k: v[order] for k, v in merged.items()}


# Firms that applied on the public page in the last days and wait for an admin (name, domain, country, contact,
# email, language, what they do, frameworks).
APPLICANTS = (
    ("Revontuli Data Oy", "revontulidata.fi", "FI", "Aino Lehtinen", "aino.lehtinen@revontulidata.fi", "fi",
     "Information security consulting for Finnish logistics and retail companies.", "ISO 27001; NIS2"),
    ("Kanalstad Analys AB", "kanalstadanalys.se", "SE", "Johan Berg", "johan.berg@kanalstadanalys.se", "sv",
     "We take Swedish manufacturers through their first security certification.", "ISO 27001; TISAX"),
    ("Grachtwerk BV", "grachtwerk.nl", "NL", "Sanne de Vries", "sanne@grachtwerk.nl", "nl",
     "Privacy and continuity programmes for Dutch municipalities and housing associations.", "GDPR; ISO 22301"),
)


def applications(clock: Clock) -> Columns:
    """APPLICANTS, each submitted on one of the last days and waiting (ApplicationState.submitted)."""
    submitted = np.array([clock.now - (1 + 2 * i) * DAY - 3 * HOUR for i in range(len(APPLICANTS))])
    return {
        "id": np.arange(1, len(APPLICANTS) + 1),
        "firm_name": [a[0] for a in APPLICANTS], "domain": [a[1] for a in APPLICANTS],
        "country": [a[2] for a in APPLICANTS], "contact_name": [a[3] for a in APPLICANTS],
        "contact_email": [a[4] for a in APPLICANTS], "language": [a[5] for a in APPLICANTS],
        "description": [a[6] for a in APPLICANTS], "frameworks": [a[7] for a in APPLICANTS],
        "consent_to_contact": [True] * len(APPLICANTS), "submitted_at": submitted,
        "state": [ApplicationState.submitted.value] * len(APPLICANTS), "version": [1] * len(APPLICANTS),
    }
