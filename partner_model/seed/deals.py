"""Deals: one per partner-sourced account (its trial and, if it bought, its win), plus prospects.

A deal's life is a path of stage moves from New; the path, the review and the moments of each step
are drawn here, so the deal row, its history events and its notes all tell the same story.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from partner_model import rules
from partner_model.models import Confirmation, DenialReason, ReviewStatus, Stage
from partner_model.seed import names
from partner_model.seed.accounts import ACTIVE, TRIAL, Customers, _money
from partner_model.seed.bulk import Columns
from partner_model.seed.clock import HOUR, Clock
from partner_model.seed.firms import BILLING, Partners, Users

STAGES = (Stage.new, Stage.newsletter, Stage.trial, Stage.closed_won, Stage.closed_lost)
NEW, NEWSLETTER, IN_TRIAL, WON, LOST = range(5)
# Stages entered after New, in order; a deal's path is an index into this table.
PATHS: tuple[tuple[int, ...], ...] = (
    (), (NEWSLETTER,), (IN_TRIAL,), (NEWSLETTER, IN_TRIAL), (IN_TRIAL, WON), (IN_TRIAL, LOST), (LOST,),
    (NEWSLETTER, LOST),
)
STAY_NEW, TO_NEWSLETTER, TO_TRIAL, NEWSLETTER_TRIAL, TRIAL_WON, TRIAL_LOST, TO_LOST, NEWSLETTER_LOST = range(8)
FINAL_STAGE = np.array([p[-1] if p else NEW for p in PATHS])
STEPS = np.array([len(p) for p in PATHS])
# The furthest funnel stage each path reaches (Closed lost is a way out, not a step), as move_deal keeps it.
FURTHEST = np.array([max((NEW, *(s for s in p if s != LOST))) for p in PATHS])
REVIEWS = (ReviewStatus.pending, ReviewStatus.accepted, ReviewStatus.denied)
PENDING, ACCEPTED, DENIED = range(3)
DENIALS = (DenialReason.existing_customer, DenialReason.invalid_lead, DenialReason.duplicate, DenialReason.other)

Frame = dict[str, np.ndarray]


@dataclass
class Deals:
    """The drawn deals (index i is the deal with id i + 1), for history, notes and commission lines."""

    f: Frame

    def __len__(self) -> int:
        return len(self.f["path"])


def _linked(rng: np.random.Generator, c: Customers, clock: Clock) -> Frame:
    """The deal behind each partner-sourced account: registered, trialled, then won, lost or still open."""
    idx = np.flatnonzero(c.partner >= 0)
    n, state, coin = len(idx), c.state[idx], rng.random(len(idx))
    path = np.select([state == ACTIVE, state == TRIAL],
                     [TRIAL_WON, np.where(coin < 0.35, NEWSLETTER_TRIAL, TO_TRIAL)],
                     default=np.where(coin < 0.7, TRIAL_LOST, TO_TRIAL))  # some lost trials linger on the board
    trial_at = clock.moments(rng, c.trial_start[idx])
    created = clock.moments(rng, c.trial_start[idx] - rng.integers(1, 21, size=n))
    lost_day = np.minimum(c.trial_end[idx] + rng.integers(0, 15, size=n), clock.today - 1)
    lost_on = np.where(path == TRIAL_LOST, lost_day, 0)
    won_on = np.where(path == TRIAL_WON, c.subscribed[idx], 0)
    entered = np.select([path == TRIAL_WON, path == TRIAL_LOST],
                        [clock.moments(rng, won_on), clock.moments(rng, lost_on)], default=trial_at)
    mid = np.where(path == NEWSLETTER_TRIAL, created + (trial_at - created) // 2,
                   np.where(STEPS[path] == 2, trial_at, -1))
    # A review takes days, not weeks: only a deal registered in the last week can still wait.
    pending = (state == TRIAL) & (rng.random(n) < 0.15) & (clock.day_of(created) >= clock.today - 6)
    return {
        "partner": c.partner[idx], "customer": idx, "path": path, "review": np.where(pending, PENDING, ACCEPTED),
        "denial": np.full(n, -1), "billing": np.where(state == ACTIVE, c.billing[idx], -1),
        "created": created, "mid": mid, "entered": entered, "won_on": won_on, "lost_on": lost_on,
        "value": c.value_cents[idx], "currency": c.currency[idx], "framework": c.framework[idx],
        "company": np.array(c.names, dtype=object)[idx], "domain": np.array(c.domains, dtype=object)[idx],
        "country": c.countries[idx],
    }


def _prospects(rng: np.random.Generator, firms: names.Companies, partners: Partners, clock: Clock) -> Frame:
    """Deals for companies without an account: new, newsletter followers, and lost ones."""
    n = len(firms.domains)
    created_day = clock.today - rng.integers(1, clock.history_days + 1, size=n)
    age = clock.today - created_day
    coin = rng.random(n)
    path = np.select([coin < 0.30, coin < 0.65, coin < 0.83], [STAY_NEW, TO_NEWSLETTER, TO_LOST],
                     default=NEWSLETTER_LOST)
    # Reviews happen within days: a deal registered in the last week may still wait (a few past the queue's
    # 2-business-day overdue mark); nothing older than 9 days is pending, as in a program people run.
    pending = rng.random(n) < np.where(age <= 3, 0.7, np.where(age <= 9, 0.15, 0))
    denied = ~pending & (rng.random(n) < 0.10)
    path = np.where(denied | (age < 2), STAY_NEW, path)  # a denied deal never moves
    step_days = 1 + (rng.random(n) * np.minimum(np.where(FINAL_STAGE[path] == LOST, 120, 60), age - 1)).astype(int)
    created = clock.moments(rng, created_day)
    moved_day = np.minimum(created_day + step_days, clock.today - 1)
    entered = np.where(path == STAY_NEW, created, clock.moments(rng, moved_day))
    entered = np.maximum(entered, created)
    framework = np.array(rules.FRAMEWORKS, dtype=object)[rng.choice(len(rules.FRAMEWORKS), size=n)]
    value, currency = _money(rng, firms.countries)
    return {
        "partner": rng.choice(len(partners.weight), size=n, p=partners.weight), "customer": np.full(n, -1),
        "path": path, "review": np.select([pending, denied], [PENDING, DENIED], default=ACCEPTED),
        "denial": np.where(denied, rng.choice(len(DENIALS), size=n, p=[0.25, 0.30, 0.35, 0.10]), -1),
        "billing": np.full(n, -1), "created": created,
        "mid": np.where(STEPS[path] == 2, created + (entered - created) // 2, -1), "entered": entered,
        "won_on": np.zeros(n, dtype=np.int64),
        "lost_on": np.where(FINAL_STAGE[path] == LOST, clock.day_of(entered), 0),
        "value": value, "currency": currency,
        "framework": np.where(rng.random(n) < 0.1, None, framework),
        "company": np.array(firms.names, dtype=object), "domain": np.array(firms.domains, dtype=object),
        "country": firms.countries,
    }


def _copy_company(f: Frame, where: np.ndarray, source: Frame, picks: np.ndarray) -> None:
    for key in ("company", "domain", "country", "currency"):
        f[key][where] = source[key][picks]


def _collisions(rng: np.random.Generator, f: Frame, linked: Frame, n_partners: int) -> None:
    """Give denied and some pending prospects the domains the reviewers' hints look for.

    Denied: existing customer (a customer's domain), invalid lead (a free-mail address), duplicate
    (another partner's open deal). Pending: the same three, and the same partner registering again.
    """
    open_linked = np.flatnonzero((FINAL_STAGE[linked["path"]] == IN_TRIAL) & (linked["review"] == ACCEPTED))
    if len(open_linked) == 0:
        open_linked = np.arange(len(linked["path"]))
    pending, coin = f["review"] == PENDING, rng.random(len(f["path"]))
    existing = np.flatnonzero((f["denial"] == 0) | (pending & (coin < 0.08)))
    free = np.flatnonzero((f["denial"] == 1) | (pending & (coin >= 0.08) & (coin < 0.12)))
    duplicate = np.flatnonzero((f["denial"] == 2) | (pending & (coin >= 0.12) & (coin < 0.17)))
    again = np.flatnonzero(pending & (coin >= 0.17) & (coin < 0.20))
    _copy_company(f, existing, linked, rng.integers(0, len(linked["path"]), size=len(existing)))
    f["domain"][free] = rng.choice(names.FREE_MAIL, size=len(free))
    source = open_linked[rng.integers(0, len(open_linked), size=len(duplicate))]
    _copy_company(f, duplicate, linked, source)
    same = f["partner"][duplicate] == linked["partner"][source]
    f["partner"][duplicate[same]] = (linked["partner"][source[same]] + 1) % n_partners
    lost = np.flatnonzero(FINAL_STAGE[f["path"]] == LOST)
    if len(lost) and len(again):
        earlier = lost[rng.integers(0, len(lost), size=len(again))]
        _copy_company(f, again, f, earlier)
        f["partner"][again] = f["partner"][earlier]


def _reviews(rng: np.random.Generator, f: Frame, users: Users, clock: Clock) -> None:
    """Who reviewed each deal and when: within three days, and before a win (only accepted deals win)."""
    n, reviewed = len(f["path"]), f["review"] != PENDING
    at = np.maximum(clock.moments(rng, clock.day_of(f["created"]) + rng.integers(0, 4, size=n)), f["created"] + HOUR)
    at = np.where(FINAL_STAGE[f["path"]] == WON, np.minimum(at, f["created"] + (f["entered"] - f["created"]) // 2), at)
    f["reviewed_at"] = np.where(reviewed, np.minimum(at, clock.now), -1)
    f["reviewed_by"] = np.where(reviewed, users.managers[rng.integers(0, len(users.managers), size=n)], -1)
    accepted = f["review"] == ACCEPTED
    extended = accepted & (FINAL_STAGE[f["path"]] <= IN_TRIAL) & (rng.random(n) < 0.03)
    f["protected_until"] = np.where(
        accepted, clock.day_of(f["reviewed_at"]) + rules.PROTECTION_DAYS + np.where(
            extended, rules.PROTECTION_EXTENSION_DAYS, 0), 0)
    f["protection_extended"] = extended
    per_partner = 1 + users.per_partner
    f["registered_by"] = users.first_of_partner[f["partner"]] + rng.integers(0, per_partner, size=n)


def deals(
    rng: np.random.Generator, count: int, c: Customers, prospects: names.Companies, partners: Partners, users: Users,
    clock: Clock,
) -> tuple[Columns, Deals]:
    linked = _linked(rng, c, clock)
    if len(linked["path"]) > count:
        keep = np.sort(rng.choice(len(linked["path"]), size=count, replace=False))
        linked = {k: v[keep] for k, v in linked.items()}
    need = count - len(linked["path"])
    prospects = names.Companies(prospects.names[:need], prospects.domains[:need], prospects.countries[:need])
    extra = _prospects(rng, prospects, partners, clock)
    _collisions(rng, extra, linked, len(partners.weight))
    f = {k: np.concatenate([linked[k], extra[k]]) for k in linked}
    # Ids follow registration time, as in a live system.
    order = np.argsort(f["created"], kind="stable")
    f = {k: v[order] for k, v in f.items()}
    _reviews(rng, f, users, clock)
    _confirmations(rng.spawn(1)[0], f, clock)  # its own stream: the draws after it stay as they were
    return _columns(rng, f), Deals(f)


CONFIRMATIONS = (Confirmation.waiting, Confirmation.sent_back, Confirmation.confirmed)
QUESTION = "Which plan and term did the customer sign? Please attach the order form."
CONFIRMING_DAYS = 10  # deals won this recently may still wait for their manager's confirmation


def _confirmations(rng: np.random.Generator, f: Frame, clock: Clock) -> None:
    """A won deal's confirmation (won_confirmations): the ones won in the last days wait, some sent back with a
    question; older ones were confirmed by the manager who reviewed them, within two days of the win."""
    won = f["won_on"] > 0
    recent = won & (f["won_on"] >= clock.today - CONFIRMING_DAYS)
    coin = rng.random(len(won))
    f["confirmation"] = np.select([recent & (coin < 0.15), recent, won], [1, 0, 2], default=-1)
    at = np.minimum(f["entered"] + rng.integers(2 * HOUR, 48 * HOUR, size=len(won)), clock.now)
    confirmed = f["confirmation"] == 2
    f["confirmed_at"] = np.where(confirmed, at, -1)
    f["confirmed_by"] = np.where(confirmed, f["reviewed_by"], -1)


def _contacts(rng: np.random.Generator, f: Frame) -> tuple[list[str], list[str]]:
    contact, local = names.people(rng, f["country"])
    free = set(names.FREE_MAIL)
    tags = rng.integers(1, 99, size=len(local)).tolist()
    emails = [f"{lp}{t}@{d}" if d in free else f"{lp}@{d}"
              for lp, t, d in zip(local, tags, f["domain"].tolist(), strict=True)]
    return contact, emails


def _columns(rng: np.random.Generator, f: Frame) -> Columns:
    n = len(f["path"])
    contact, email = _contacts(rng, f)
    stage = FINAL_STAGE[f["path"]]
    return {
        "id": np.arange(1, n + 1), "partner_id": f["partner"] + 1,
        "customer_id": np.where(f["customer"] >= 0, f["customer"] + 1, -1), "registered_by": f["registered_by"],
        "contact_name": contact, "contact_email": email, "company_name": f["company"],
        "customer_domain": f["domain"], "value_cents": f["value"], "currency": f["currency"],
        "framework": f["framework"], "stage": [STAGES[s].value for s in stage.tolist()],
        "furthest_stage": [STAGES[s].value for s in FURTHEST[f["path"]].tolist()],
        "review_status": [REVIEWS[r].value for r in f["review"].tolist()],
        "denial_reason": [DENIALS[d].value if d >= 0 else None for d in f["denial"].tolist()],
        "billing_option": [BILLING[b].value if b >= 0 else None for b in f["billing"].tolist()],
        "reviewed_by": f["reviewed_by"], "reviewed_at": f["reviewed_at"], "protected_until": f["protected_until"],
        "protection_extended": f["protection_extended"],
        "version": 1 + (f["review"] != PENDING) + STEPS[f["path"]],
        "created_at": f["created"], "stage_entered_at": f["entered"], "won_on": f["won_on"], "lost_on": f["lost_on"],
        "confirmation": [CONFIRMATIONS[k].value if k >= 0 else None for k in f["confirmation"].tolist()],
        "confirmation_question": [QUESTION if k == 1 else None for k in f["confirmation"].tolist()],
        "confirmed_by": f["confirmed_by"], "confirmed_at": f["confirmed_at"],
    }
