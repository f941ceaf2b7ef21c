"""Deal notes and the deal history (registered, reviewed, moved, billing, note), as deals.py writes them."""

from __future__ import annotations

import numpy as np

from partner_model.seed.bulk import Columns
from partner_model.seed.clock import Clock
from partner_model.seed.deals import (
    DENIALS,
    DENIED,
    FINAL_STAGE,
    LOST,
    PATHS,
    PENDING,
    REVIEWS,
    STAGES,
    STEPS,
    WON,
    Deals,
)
from partner_model.seed.firms import BILLING

LOSS_NOTES = (
    "Budget frozen until next fiscal year; revisit in the spring.",
    "They will run {fw} in spreadsheets for now; follow up after their first audit.",
    "Chose the tool their parent company already uses.",
    "No compliance owner since the reorganisation; contact again in the autumn.",
    "The {fw} deadline moved a year; they reassess next year.",
    "Price was the blocker at {users} users; offer the smaller plan when they grow.",
)
DENIAL_NOTES = {
    "existing_customer": "Already a customer account; the deal belongs to the account's partner.",
    "invalid_lead": "A private address and no company behind it.",
    "duplicate": "Another partner registered this company first and is working it.",
    "other": "Not a fit for the product right now.",
}
NOTES = (
    "Intro call done; they need {fw} before a tender in the autumn.",
    "Sent the {fw} gap-analysis template.",
    "Demo booked with their CISO next week.",
    "Asked for a quote for {users} users.",
    "Their auditor recommended us for {fw}.",
    "Waiting for the board's budget decision.",
    "Wants invoicing in {currency}.",
)


def event_part(deal: np.ndarray, actor: np.ndarray, at: np.ndarray, kind: str, from_value: object,
               to_value: object) -> dict[str, np.ndarray]:
    n = len(deal)

    def as_column(value: object) -> np.ndarray:
        return value if isinstance(value, np.ndarray) else np.full(n, value, dtype=object)

    return {"deal_id": deal + 1, "actor_id": actor, "at": at, "kind": np.full(n, kind, dtype=object),
            "from_value": as_column(from_value), "to_value": as_column(to_value)}


def _stage_text(codes: np.ndarray) -> np.ndarray:
    return np.array([s.value for s in STAGES], dtype=object)[codes]


def _moves(d: Deals) -> list[dict[str, np.ndarray]]:
    f = d.f
    first = np.array([p[0] if p else 0 for p in PATHS])[f["path"]]
    second = np.array([p[1] if len(p) > 1 else 0 for p in PATHS])[f["path"]]
    one, two = np.flatnonzero(STEPS[f["path"]] >= 1), np.flatnonzero(STEPS[f["path"]] == 2)
    at_first = np.where(STEPS[f["path"]] == 2, f["mid"], f["entered"])
    won = np.flatnonzero(FINAL_STAGE[f["path"]] == WON)
    billing = np.array([b.value for b in BILLING], dtype=object)[f["billing"][won]]
    return [
        event_part(one, f["registered_by"][one], at_first[one], "moved", "new", _stage_text(first[one])),
        # The billing option is chosen in the same step that closes the deal as won, just before the move.
        event_part(won, f["registered_by"][won], f["entered"][won], "billing", None, billing),
        event_part(two, f["registered_by"][two], f["entered"][two], "moved", _stage_text(first[two]),
                   _stage_text(second[two])),
    ]


def _fill(rng: np.random.Generator, templates: tuple[str, ...], d: Deals, rows: np.ndarray) -> list[str]:
    f = d.f
    picks = rng.integers(0, len(templates), size=len(rows)).tolist()
    users = rng.integers(5, 120, size=len(rows)).tolist()
    return [templates[p].format(fw=fw or "ISO 27001", users=u, currency=cur)
            for p, u, fw, cur in zip(picks, users, f["framework"][rows].tolist(), f["currency"][rows].tolist(),
                                     strict=True)]


def notes(rng: np.random.Generator, d: Deals, share: float, clock: Clock) -> tuple[Columns, dict[str, np.ndarray]]:
    """Every lost deal's required note, the reviewer's note on some denials, and notes on `share` of the rest."""
    f, n = d.f, len(d)
    lost = np.flatnonzero(FINAL_STAGE[f["path"]] == LOST)
    denied = np.flatnonzero((f["review"] == DENIED) & (rng.random(n) < 0.5))
    other = np.flatnonzero((FINAL_STAGE[f["path"]] != LOST) & (rng.random(n) < share))
    closed = FINAL_STAGE[f["path"]] >= WON
    until = np.where(closed, f["entered"], clock.now)[other]
    reasons = [DENIALS[r].value for r in f["denial"][denied].tolist()]
    deal = np.concatenate([lost, denied, other])
    at = np.concatenate([f["entered"][lost], f["reviewed_at"][denied],
                         f["created"][other] + (rng.random(len(other)) * (until - f["created"][other])).astype(
                             np.int64)])
    author = np.concatenate([f["registered_by"][lost], f["reviewed_by"][denied], f["registered_by"][other]])
    body = np.array(_fill(rng, LOSS_NOTES, d, lost) + [DENIAL_NOTES[r] for r in reasons]
                    + _fill(rng, NOTES, d, other), dtype=object)
    order = np.argsort(at, kind="stable")
    columns: Columns = {"deal_id": deal[order] + 1, "author_id": author[order], "at": at[order],
                        "body": body[order]}
    return columns, event_part(deal[order], author[order], at[order], "note", None, body[order])


def events(d: Deals, note_events: dict[str, np.ndarray]) -> Columns:
    """The history rows, in time order (ids follow time, as they would have been written)."""
    f = d.f
    reviewed = np.flatnonzero(f["review"] != PENDING)
    outcome = np.array([REVIEWS[r].value for r in f["review"][reviewed].tolist()], dtype=object)
    reasons = f["denial"][reviewed]
    outcome = np.array([o if r < 0 else f"{o}: {DENIALS[r].value}" for o, r in zip(outcome.tolist(), reasons.tolist(),
                                                                                  strict=True)], dtype=object)
    every = np.arange(len(d))
    parts = [
        event_part(every, f["registered_by"], f["created"], "registered", None, "new / pending"),
        event_part(reviewed, f["reviewed_by"][reviewed], f["reviewed_at"][reviewed], "reviewed", "pending", outcome),
        *_moves(d),
        note_events,
    ]
    columns = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    order = np.argsort(columns["at"], kind="stable")
    return {k: v[order] for k, v in columns.items()}
