"""The program's rules as pure functions and tables: no I/O, tested without a database."""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from partner_model.errors import N_, ValidationError
from partner_model.identity import domain, email, is_free_mail, same_domain, same_name  # noqa: F401  (rules API)
from partner_model.models import AccountState, BillingOption, Direction, ReviewStatus, Role, Stage, Tier
from partner_model.texts import clean_text, is_blank  # noqa: F401  (rules API)

CENT = Decimal("0.01")
MAX_VALUE = Decimal("1000000000.00")  # a billion a year is a typo, not a deal

FRAMEWORKS = ("ISO 27001", "NIS2", "GDPR", "SOC 2", "DORA", "ISO 27701", "TISAX", "ISO 22301", "CIS Controls")
CURRENCIES = ("EUR", "SEK", "NOK", "DKK", "CHF", "GBP", "USD", "PLN")

TIER_RATES: dict[Tier, Decimal] = {
    Tier.registered: Decimal("0.10"),
    Tier.silver: Decimal("0.15"),
    Tier.gold: Decimal("0.20"),
    Tier.platinum: Decimal("0.25"),
}

STAFF_ROLES = frozenset({Role.partner_manager, Role.finance, Role.admin})
PARTNER_ROLES = frozenset({Role.partner_user, Role.partner_admin})
REVIEWER_ROLES = frozenset({Role.partner_manager, Role.admin})
PIPELINE_ROLES = frozenset({Role.partner_user, Role.partner_admin, Role.partner_manager, Role.admin})
FINANCE_ROLES = frozenset({Role.finance, Role.admin})

TRIAL_DAYS = 14
EXTENSION_DAYS = 30
TRIAL_ENDING_DAYS = 7
INACTIVE_DAYS = 30
NEW_TRIAL_GRACE_DAYS = 7  # a trial this young is not flagged for inactivity
RENEWAL_DUE_DAYS = 30
ACTIVITY_WINDOW_DAYS = 90

PROTECTION_DAYS = 90
PROTECTION_WARNING_DAYS = 14
PROTECTION_EXTENSION_DAYS = 60

OPEN_STAGES = (Stage.new, Stage.newsletter, Stage.trial)
# The funnel's path: a deal that reached a stage passed every stage before it (Closed lost is a way out, not a step).
FUNNEL_STAGES = (Stage.new, Stage.newsletter, Stage.trial, Stage.closed_won)
CLOSED_STAGES = (Stage.closed_won, Stage.closed_lost)
# Days a card may sit in a stage before the board marks it stale.
STALE_AFTER_DAYS: dict[Stage, int | None] = {
    Stage.new: 7,
    Stage.newsletter: 60,
    Stage.trial: 30,
    Stage.closed_won: None,
    Stage.closed_lost: None,
}

MAX_LOCKOUT_FAILURES = 5
LOCKOUT_MINUTES = 15
MIN_PASSWORD_LENGTH = 12  # and hard to guess: partner_model/passwords.py

SIGN_IN_FAILED = N_("Wrong email or password.")


# --- text and choices ------------------------------------------------------------------


def search_text(value: object, field: str = "search") -> str | None:
    """The cleaned text of a search box; None for a blank search."""
    return clean_text(value, field, N_("Search"), required=False, max_length=200)


def search_pattern(value: object, field: str = "search") -> str | None:
    """A LIKE pattern matching the text anywhere, case-insensitively; None for a blank search."""
    text = search_text(value, field)
    if text is None:
        return None
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def count_bound(value: object, field: str, label: str) -> int:
    """A limit or offset: a whole number, 0 or more. Raises ValidationError(`field`) otherwise (SQLite would take
    a negative LIMIT as "no limit")."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValidationError(field, N_("{label} must be a whole number, 0 or more."), label=label)
    return value


def choice(enum: type, value: object, field: str, label: str):  # type: ignore[no-untyped-def]
    """The enum member for `value` (a member or its string value), else a ValidationError naming the choices."""
    if isinstance(value, enum):
        return value
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(m.value for m in enum)
        raise ValidationError(field, N_("{label} must be one of: {choices}."), label=label, choices=allowed) from None


def framework(value: object, field: str = "framework", *, required: bool = False) -> str | None:
    """A framework name; a known one is spelled the canonical way (e.g. 'iso 27001' -> 'ISO 27001')."""
    text = clean_text(value, field, N_("Framework"), required=required, max_length=80)
    if text is None:
        return None
    for known in FRAMEWORKS:
        if text.casefold().replace(" ", "") == known.casefold().replace(" ", ""):
            return known
    return text


def currency(value: object, field: str = "currency") -> str:
    code = value.strip().upper() if isinstance(value, str) else value
    if code not in CURRENCIES:
        raise ValidationError(field, N_("Currency must be one of: {choices}."), choices=", ".join(CURRENCIES))
    return code  # type: ignore[return-value]


# --- money -----------------------------------------------------------------------------


def money(value: object, field: str = "annual_value", label: str = N_("Expected annual value")) -> Decimal:
    """A non-negative amount with at most two decimal places, as an exact Decimal."""
    if isinstance(value, bool) or value is None:
        raise ValidationError(field, N_("{label} must be a number."), label=label)
    if isinstance(value, float):
        value = repr(value)  # the float's shortest decimal spelling, never its binary expansion
    if isinstance(value, str):
        value = value.strip().replace(" ", "").replace("\u00a0", "")
    try:
        amount = Decimal(value)  # type: ignore[arg-type]
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError(field, N_("{label} must be a number, e.g. 12000 or 12000.50."), label=label) from None
    if not amount.is_finite():
        raise ValidationError(field, N_("{label} must be a number, e.g. 12000 or 12000.50."), label=label)
    if amount < 0:
        raise ValidationError(field, N_("{label} cannot be negative."), label=label)
    if amount > MAX_VALUE:  # before quantize, which cannot hold numbers past the context's precision
        raise ValidationError(field, N_("{label} must be at most {limit}."), label=label, limit=f"{MAX_VALUE:,.0f}")
    if amount.as_tuple().exponent < -2 and amount != amount.quantize(CENT, rounding=ROUND_HALF_UP):
        raise ValidationError(field, N_("{label} can have at most two decimal places (cents)."), label=label)
    return abs(amount.quantize(CENT))  # abs: "-0" is 0.00


def to_cents(amount: Decimal) -> int:
    return int((amount.quantize(CENT, rounding=ROUND_HALF_UP) * 100).to_integral_value())


def from_cents(cents: int) -> Decimal:
    return (Decimal(int(cents)) / 100).quantize(CENT)


def commission_rate(value: object, field: str = "commission_rate") -> Decimal:
    """A fraction between 0 and 1 (Decimal('0.20') is 20 %), in steps of 0.01 %."""
    if isinstance(value, bool) or value is None:
        raise ValidationError(field, N_("Commission rate must be a decimal fraction, e.g. 0.20 for 20 %."))
    try:
        rate = Decimal(repr(value) if isinstance(value, float) else str(value).strip())
    except InvalidOperation:
        raise ValidationError(field, N_("Commission rate must be a decimal fraction, e.g. 0.20 for 20 %.")) from None
    if not rate.is_finite() or rate < 0 or rate > 1:
        raise ValidationError(field, N_("Commission rate must be between 0 and 1 (0.20 is 20 %)."))
    if rate != rate.quantize(Decimal("0.0001")):
        raise ValidationError(field, N_("Commission rate can be set in steps of 0.01 % (e.g. 0.1250)."))
    return rate


def rate_to_bp(rate: Decimal) -> int:
    return int(rate * 10000)


def rate_from_bp(bp: int) -> Decimal:
    return (Decimal(bp) / 10000).quantize(Decimal("0.0001"))


def commission(value: Decimal, rate: Decimal) -> Decimal:
    """The commission on a first-year value: exact, rounded half-up to cents."""
    return (value * rate).quantize(CENT, rounding=ROUND_HALF_UP)


def direction(billing_option: BillingOption) -> Direction:
    """Via partner: the partner bills the customer, so the commission is netted on the vendor's invoice."""
    return Direction.netted if billing_option == BillingOption.via_partner else Direction.payable


def partner_invoice_amount(value: Decimal, commission_amount: Decimal) -> Decimal:
    """What the vendor invoices a partner who bills the customer: the value minus the commission."""
    return value - commission_amount


# --- customers --------------------------------------------------------------------------


def account_state(
    trial_ends_on: dt.date | None, subscription_started_on: dt.date | None, today: dt.date
) -> AccountState:
    """Active once subscribed; trial while the trial runs; closed when a trial ended without a subscription."""
    if subscription_started_on is not None and subscription_started_on <= today:
        return AccountState.active
    if trial_ends_on is not None and trial_ends_on >= today:
        return AccountState.trial
    return AccountState.closed


def trial_end(start: dt.date, days: int = TRIAL_DAYS) -> dt.date:
    return start + dt.timedelta(days=days)


def renewal_after(start: dt.date, today: dt.date) -> dt.date:
    """The subscription's next yearly renewal on or after `today`."""
    years = max(1, today.year - start.year)
    while True:
        try:
            renewal = start.replace(year=start.year + years)
        except ValueError:  # 29 February
            renewal = start.replace(year=start.year + years, day=28)
        if renewal >= today:
            return renewal
        years += 1


# Why a derived attention signal is raised, per code; {days} is a whole number, {date} a dt.date.
ATTENTION_WHY: dict[str, str] = {
    "trial_ending": N_("The trial ends in {days} days ({date})."),
    "no_activity": N_("No activity in the last {days} days (none since {date})."),
    "renewal_due": N_("The subscription renews in {days} days ({date})."),
}
NO_ACTIVITY_EVER = N_("No activity in the last {days} days (none ever).")


def attention_signals(
    state: AccountState,
    trial_ends_on: dt.date | None,
    last_activity_on: dt.date | None,
    renewal_on: dt.date | None,
    today: dt.date,
    trial_started_on: dt.date | None = None,
) -> list[tuple[str, str, dict[str, object]]]:
    """The signals the dashboard derives, as (code, why template, its parameters): `days` an int, `date` a
    dt.date. The template is marked for the catalogue; pages translate it, then fill in the formatted values.
    A trial in its first NEW_TRIAL_GRACE_DAYS days is never flagged for inactivity (nobody has had time yet).
    The overview computes the same in SQL."""
    signals: list[tuple[str, str, dict[str, object]]] = []
    if state == AccountState.trial and trial_ends_on is not None:
        days = (trial_ends_on - today).days
        if 0 <= days <= TRIAL_ENDING_DAYS:
            signals.append(("trial_ending", ATTENTION_WHY["trial_ending"], {"days": days, "date": trial_ends_on}))
    brand_new = state == AccountState.trial and trial_started_on is not None and \
        trial_started_on > today - dt.timedelta(days=NEW_TRIAL_GRACE_DAYS)
    if state != AccountState.closed and not brand_new and (
        last_activity_on is None or last_activity_on < today - dt.timedelta(days=INACTIVE_DAYS)
    ):
        if last_activity_on is None:
            signals.append(("no_activity", NO_ACTIVITY_EVER, {"days": INACTIVE_DAYS}))
        else:
            signals.append(("no_activity", ATTENTION_WHY["no_activity"],
                            {"days": INACTIVE_DAYS, "date": last_activity_on}))
    if state == AccountState.active and renewal_on is not None:
        days = (renewal_on - today).days
        if 0 <= days <= RENEWAL_DUE_DAYS:
            signals.append(("renewal_due", ATTENTION_WHY["renewal_due"], {"days": days, "date": renewal_on}))
    return signals


def derived_attention(
    state: AccountState,
    trial_ends_on: dt.date | None,
    last_activity_on: dt.date | None,
    renewal_on: dt.date | None,
    today: dt.date,
) -> list[tuple[str, str]]:
    """The signals the dashboard derives, as (code, why in English). The overview computes the same in SQL."""
    return [(code, template.format(**params))
            for code, template, params in attention_signals(state, trial_ends_on, last_activity_on, renewal_on,
                                                            today)]


# --- deals ------------------------------------------------------------------------------


def check_move(
    *,
    current: Stage,
    target: Stage,
    review_status: ReviewStatus,
    billing_option: BillingOption | None,
    note: str | None,
    is_staff: bool,
) -> None:
    """Raise unless a deal in `current` may enter `target`. Permissions to the deal are checked by the caller."""
    if review_status == ReviewStatus.denied:
        raise ValidationError("review_status", N_("A denied deal cannot be moved."))
    if target == current:
        raise ValidationError("stage", N_("The deal is already in this stage."))
    if current in CLOSED_STAGES and not is_staff:
        raise ValidationError("stage", N_("Only vendor staff can reopen a closed deal."))
    if target == Stage.closed_won:
        if review_status != ReviewStatus.accepted:
            raise ValidationError(
                "review_status", N_("Only an accepted deal can be Closed won: this deal is still pending review.")
            )
        if billing_option is None:
            raise ValidationError("billing_option", N_("Choose a billing option to close the deal as won."))
    if target == Stage.closed_lost and is_blank(note):
        raise ValidationError("note", N_("Add a note that helps reassess the deal later to close it as lost."))


def furthest(reached: Stage, target: Stage) -> Stage:
    """The furthest funnel stage after entering `target` having reached `reached` (Closed lost changes nothing)."""
    order = {stage: i for i, stage in enumerate(FUNNEL_STAGES)}
    if target not in order:
        return reached
    return target if order[target] > order.get(reached, 0) else reached


def protection_state(protected_until: dt.date | None, today: dt.date) -> str | None:
    """'protected', 'expiring' (within 14 days of expiry) or 'expired'; None before acceptance."""
    if protected_until is None:
        return None
    if protected_until < today:
        return "expired"
    if (protected_until - today).days <= PROTECTION_WARNING_DAYS:
        return "expiring"
    return "protected"


def is_stale(stage: Stage, days_in_stage: int) -> bool:
    limit = STALE_AFTER_DAYS.get(stage)
    return limit is not None and days_in_stage > limit


# --- weeks ------------------------------------------------------------------------------

_WEEK_RE = re.compile(r"^(\d{4})-W(\d{2})$")


def iso_week(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_monday(week: str, field: str = "week") -> dt.date:
    """The Monday of an ISO week written as '2026-W47'."""
    match = _WEEK_RE.match(week.strip()) if isinstance(week, str) else None
    if not match:
        raise ValidationError(field, N_("Week must be an ISO week such as 2026-W47."))
    try:
        return dt.date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError:
        raise ValidationError(field, N_("{week} is not a week of that year."), week=week) from None


def week_label(week: str, field: str = "week") -> str:
    """The canonical label of a week given as '2026-W47' (surrounding spaces ignored)."""
    return iso_week(week_monday(week, field))


def week_period(first_week: str, last_week: str) -> tuple[str, str]:
    """Two ISO week labels of a period, first <= last. Raises ValidationError (first_week, last_week)."""
    first, last = week_label(first_week, "first_week"), week_label(last_week, "last_week")
    if first > last:
        raise ValidationError("first_week", N_("The first week comes after the last one."))
    return first, last


def week_after(week: str) -> str:
    return iso_week(week_monday(week) + dt.timedelta(days=7))


def weeks_back(week: str, count: int) -> list[str]:
    """`count` weeks ending with `week`, oldest first."""
    monday = week_monday(week)
    return [iso_week(monday - dt.timedelta(days=7 * i)) for i in range(count - 1, -1, -1)]


def business_days_between(start: dt.date, end: dt.date) -> int:
    """Weekdays after `start` up to and including `end`."""
    days = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            days += 1
    return days
