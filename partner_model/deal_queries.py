"""The read side of deals: the board, the review queue and its hints, and pipeline figures. All in SQL."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session

from partner_model import clock, identity, newsletter_queries, rules, text_search
from partner_model.access import Actor, check_owns, managed_by, partner_scope, require_role, row_id, scope_partner
from partner_model.errors import N_, NotFound
from partner_model.models import Customer, Deal, Partner, PipelineFigure, ReviewStatus, Stage, utcnow

D, P = Deal.__table__.c, Partner.__table__.c
CARD_COLUMNS = (
    "deal_id", "company_name", "customer_domain", "contact_name", "value", "currency", "partner_id", "partner_name",
    "stage", "review_status", "denial_reason", "billing_option", "days_in_stage", "stale", "version", "customer_id",
    "protected_until", "protection", "created_at", "confirmation", "newsletter",
)
QUEUE_COLUMNS = (
    "deal_id", "partner_id", "partner_name", "company_name", "customer_domain", "contact_name", "contact_email",
    "value", "currency", "framework", "stage", "created_at", "age_days", "business_days", "overdue", "version",
    "hints",
)
HINT_CODES = ("existing_customer", "unlinked_account", "other_partner_open_deal", "free_mail", "registered_before")
REVIEW_OVERDUE_BUSINESS_DAYS = 2


@dataclass
class BoardColumn:
    """One stage of the board: how many deals, their value per currency, and the first cards by recency."""

    count: int = 0
    totals: dict[str, Decimal] = field(default_factory=dict)
    cards: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(CARD_COLUMNS)))


def _today(today: dt.date | None) -> dt.date:
    return today or clock.today()


def _days(since: dt.datetime | None, today: dt.date) -> int | None:
    return None if since is None else (today - clock.local_date(since)).days


def protection_ending(today: dt.date, days: int) -> list[Any]:
    """The one definition of "protection ending": accepted deals in an open stage whose protection ends from
    `today` to `today` + `days` (both included). A range on ix_deal_review_protected (review status, protection
    end, stage), which also holds what the count and the soonest end read."""
    return [D.review_status == ReviewStatus.accepted.value, D.protected_until >= today,
            D.protected_until <= today + dt.timedelta(days=days), D.stage.in_([s.value for s in rules.OPEN_STAGES])]


def _board_filters(actor: Actor, partner_id: int | None, review_status: Any, search: str | None,
                   dialect: str, manager_id: int | None = None) -> list[Any]:
    filters: list[Any] = partner_scope(actor, partner_id, manager_id, D.partner_id)
    if review_status:
        statuses = [review_status] if isinstance(review_status, str) else list(review_status)
        values = [rules.choice(ReviewStatus, s, "review_status", N_("Review status")).value for s in statuses]
        filters.append(D.review_status.in_(values))
    else:  # denied deals leave the board unless asked for
        filters.append(D.review_status != ReviewStatus.denied.value)
    found = text_search.matches(dialect, Deal.__table__, search)
    if found is not None:
        filters.append(found)
    return filters


def _stored_sums(actor: Actor, partner_id: int | None, manager_id: int | None) -> sa.Select[Any]:
    """The board's counts and sums per stage and currency when it shows every deal not denied (no search, no
    review status, no protection filter): added up from the stored per-partner figures (pipeline_figures), the same
    numbers without reading every deal (the ten-times-larger program's 5,000,000 deals took 338 ms)."""
    F = PipelineFigure.__table__.c
    scope = partner_scope(actor, partner_id, manager_id, F.partner_id)
    return sa.select(F.stage, F.currency, sa.func.sum(F.deals), sa.func.sum(F.value_cents)).where(*scope).group_by(
        F.stage, F.currency)


def cards_frame(rows: list[Any], today: dt.date) -> pd.DataFrame:
    records = []
    for row in rows:
        record = dict(row)
        stage = Stage(record["stage"])
        days = _days(record["stage_entered_at"], today)
        record.pop("stage_entered_at")
        record.update(value=rules.from_cents(record.pop("value_cents")), days_in_stage=days,
                      stale=record["review_status"] != ReviewStatus.denied and rules.is_stale(stage, days or 0),
                      protection=rules.protection_state(record["protected_until"], today),
                      confirmation=getattr(record.get("confirmation"), "value", record.get("confirmation")))
        records.append(record)
    frame = pd.DataFrame(records, columns=list(CARD_COLUMNS))
    for column in ("stage", "review_status", "denial_reason", "billing_option"):
        frame[column] = frame[column].map(lambda v: getattr(v, "value", v))
    return frame


def board(
    session: Session,
    actor: Actor,
    *,
    partner_id: int | None = None,
    review_status: ReviewStatus | str | list[str] | None = None,
    search: str | None = None,
    per_stage: int = 20,
    manager_id: int | None = None,
    today: dt.date | None = None,
    protection_ending_within: int | None = None,
) -> dict[str, BoardColumn]:
    """The kanban: per stage, the count and value sums (per currency) over all matching deals, and the
    `per_stage` most recently moved cards. Denied deals are left out unless `review_status` asks for them;
    `manager_id` keeps the partners that manager looks after ("my partners"); `protection_ending_within` (days)
    keeps the accepted open deals whose protection ends within that many days (protection_ending).
    Raises PermissionDenied, ValidationError (review_status, per_stage, protection_ending_within, search).
    """
    today = _today(today)
    per_stage = rules.count_bound(per_stage, "per_stage", N_("Cards per stage"))
    filters = _board_filters(actor, partner_id, review_status, search, session.get_bind().dialect.name, manager_id)
    if protection_ending_within is not None:
        filters += protection_ending(today, rules.count_bound(protection_ending_within, "protection_ending_within",
                                                              N_("Days until the protection ends")))
    columns = {stage.value: BoardColumn() for stage in Stage}
    if review_status or search or protection_ending_within is not None:
        sums = sa.select(D.stage, D.currency, sa.func.count(), sa.func.sum(D.value_cents)).where(*filters)
        sums = sums.group_by(D.stage, D.currency)
    else:
        sums = _stored_sums(actor, partner_id, manager_id)
    for stage, currency, count, cents in session.execute(sums):
        column = columns[getattr(stage, "value", stage)]
        column.count += int(count)
        column.totals[currency] = column.totals.get(currency, Decimal("0.00")) + rules.from_cents(int(cents or 0))
    card_query = sa.select(
        D.id.label("deal_id"), D.company_name, D.customer_domain, D.contact_name, D.value_cents, D.currency,
        D.partner_id, P.name.label("partner_name"), D.stage, D.review_status, D.denial_reason, D.billing_option,
        D.stage_entered_at, D.version, D.customer_id, D.protected_until, D.created_at, D.confirmation,
        newsletter_queries.deal_state(utcnow()).label("newsletter"),
    ).join(Partner.__table__, P.id == D.partner_id)
    recent = (D.stage_entered_at.desc(), D.id.desc())
    if search:  # the text match once for every stage's cards (it is the costly part), not once per stage
        rank = sa.func.row_number().over(partition_by=D.stage, order_by=recent).label("rank")
        ranked = sa.select(D.id, rank).where(*filters).subquery()
        rows = session.execute(card_query.where(D.id.in_(sa.select(ranked.c.id).where(ranked.c.rank <= per_stage)))
                               .order_by(*recent)).mappings().all()
        for stage in Stage:
            if columns[stage.value].count:
                columns[stage.value].cards = cards_frame(
                    [r for r in rows if getattr(r["stage"], "value", r["stage"]) == stage.value], today)
        return columns
    for stage in Stage:
        if columns[stage.value].count == 0:
            continue
        query = card_query.where(D.stage == stage.value, *filters)
        rows = session.execute(query.order_by(*recent).limit(per_stage))
        columns[stage.value].cards = cards_frame(rows.mappings().all(), today)
    return columns


# --- review --------------------------------------------------------------------------------------


def _hints(session: Session, deals: list[dict[str, Any]], today: dt.date) -> dict[int, list[str]]:
    """Hint codes for a page of deals, in three queries whatever the page size.

    A customer is its domain and every domain it is a subdomain of (identity.parent_domains); a free-mail domain
    identifies nobody, so it never yields another partner's deal.
    """
    hints: dict[int, list[str]] = {d["deal_id"]: [] for d in deals}
    if not deals:
        return hints
    customer_of = {d["deal_id"]: identity.parent_domains(d["customer_domain"]) for d in deals}
    domains = sorted({x for d in deals if not rules.is_free_mail(d["customer_domain"])
                      for x in customer_of[d["deal_id"]]})
    c = Customer.__table__.c
    accounts = session.execute(sa.select(c.domain, c.id, c.partner_id).where(c.domain.in_(domains))).all()
    account_of = {r.domain: r.id for r in accounts}
    unlinked = {r.domain for r in accounts if r.partner_id is None}
    known = session.execute(
        sa.select(D.id, D.partner_id, D.customer_domain, D.review_status, D.stage, D.protected_until)
        .where(D.customer_domain.in_(domains))).all()
    open_stages = {s.value for s in rules.OPEN_STAGES}
    for deal in deals:
        codes, deal_id, partner = hints[deal["deal_id"]], deal["deal_id"], deal["partner_id"]
        same = set(customer_of[deal_id])
        theirs = [x for x in same if account_of.get(x) not in (None, deal.get("customer_id"))]
        if any(x not in unlinked for x in theirs):
            codes.append("existing_customer")
        if any(x in unlinked for x in theirs):  # the product's account, no partner yet: link it, do not deny
            codes.append("unlinked_account")
        relatives = [r for r in known if r.customer_domain in same and r.id != deal_id]
        others = [r for r in relatives if r.partner_id != partner]
        # another partner's registration that is pending, or accepted, open and still protected
        if any(_value(r.review_status) == ReviewStatus.pending.value
               or (_value(r.review_status) == ReviewStatus.accepted.value and _value(r.stage) in open_stages
                   and (r.protected_until is None or r.protected_until >= today)) for r in others):
            codes.append("other_partner_open_deal")
        contact_domain = str(deal.get("contact_email") or "").rsplit("@", 1)[-1]
        if rules.is_free_mail(deal["customer_domain"]) or (contact_domain and rules.is_free_mail(contact_domain)):
            codes.append("free_mail")
        if any(r.partner_id == partner and r.id < deal_id for r in relatives):
            codes.append("registered_before")
    return hints


def _value(member: object) -> object:
    return getattr(member, "value", member)


def review_hints(session: Session, actor: Actor, deal_id: int, *, today: dt.date | None = None) -> list[str]:
    """What a reviewer should know: existing_customer, unlinked_account (the product has an account for the
    customer that no partner holds yet: staff may link it to this deal's partner), other_partner_open_deal (another
    partner's registration for the customer that is pending review, or accepted, open and still protected),
    free_mail (the contact's or the customer's domain is free mail), registered_before. Staff only.
    Raises PermissionDenied, NotFound.
    """
    require_role(actor, rules.STAFF_ROLES, "see review hints")
    deal_id = row_id(deal_id, "Deal")
    row = session.execute(sa.select(D.id.label("deal_id"), D.partner_id, D.customer_domain, D.customer_id,
                                    D.contact_email).where(D.id == deal_id)).mappings().first()
    if row is None:
        raise NotFound(N_("Deal not found."))
    check_owns(actor, row["partner_id"], "Deal")
    return _hints(session, [dict(row)], _today(today))[deal_id]


def hint_details(session: Session, actor: Actor, deal_id: int, *, today: dt.date | None = None) -> list[dict]:
    """What stands behind each review hint of a deal, for words a reviewer can act on: per hint code the rows it
    found, as dicts: existing_customer and unlinked_account -> customer_id, name, domain, partner_name (None for an
    unlinked one); other_partner_open_deal and
    registered_before -> deal_id, partner_name, company_name, review_status, protected_until, created_at;
    free_mail -> domain. Staff only. Raises PermissionDenied, NotFound.
    """
    today = _today(today)
    codes = review_hints(session, actor, deal_id, today=today)
    deal = session.execute(sa.select(D.id, D.partner_id, D.customer_domain, D.customer_id, D.contact_email)
                           .where(D.id == row_id(deal_id, "Deal"))).mappings().one()
    same = identity.parent_domains(deal["customer_domain"])
    details: list[dict] = []
    for code in codes:
        if code in ("existing_customer", "unlinked_account"):
            c = Customer.__table__.c
            rows = session.execute(sa.select(c.id.label("customer_id"), c.name, c.domain,
                                             P.name.label("partner_name"))
                                   .select_from(Customer.__table__.outerjoin(Partner.__table__, P.id == c.partner_id))
                                   .where(c.domain.in_(same),
                                          c.partner_id.is_(None) if code == "unlinked_account" else
                                          c.partner_id.is_not(None))).mappings().all()
            details += [{"code": code, **row} for row in rows if row["customer_id"] != deal["customer_id"]]
        elif code in ("other_partner_open_deal", "registered_before"):
            query = sa.select(D.id.label("deal_id"), P.name.label("partner_name"), D.company_name, D.review_status,
                              D.protected_until, D.created_at).join(Partner.__table__, P.id == D.partner_id).where(
                D.customer_domain.in_(same), D.id != deal["id"])
            if code == "registered_before":
                query = query.where(D.partner_id == deal["partner_id"], D.id < deal["id"])
            else:
                query = query.where(D.partner_id != deal["partner_id"], sa.or_(
                    D.review_status == ReviewStatus.pending.value,
                    sa.and_(D.review_status == ReviewStatus.accepted.value,
                            D.stage.in_([s.value for s in rules.OPEN_STAGES]),
                            sa.or_(D.protected_until.is_(None), D.protected_until >= today))))
            for row in session.execute(query.order_by(D.created_at.desc()).limit(5)).mappings().all():
                details.append({"code": code, **dict(row), "review_status": _value(row["review_status"])})
        else:
            details.append({"code": code, "domain": deal["contact_email"].rsplit("@", 1)[-1]})
    return details


def registration_warnings(
    session: Session, actor: Actor, *, contact_email: str | None = None, customer_domain: str | None = None,
    partner_id: int | None = None, today: dt.date | None = None,
) -> list[dict[str, Any]]:
    """What a partner should know before registering a customer (they may still register), newest first:
    `own_registration` (their partner registered the customer before: registered_on, review_status),
    `other_partner` (another partner's pending or protected registration: registered_on, review_status,
    protected_until; never its name), `existing_customer` (the customer has an account). The customer is the
    customer_domain, else the email's domain (nothing for a free-mail one). Text that is no domain yet: [].
    Raises PermissionDenied.
    """
    today = _today(today)
    scoped = scope_partner(actor, partner_id)
    raw = customer_domain if isinstance(customer_domain, str) and customer_domain.strip() else None
    if raw is None and isinstance(contact_email, str) and "@" in contact_email:
        raw = contact_email.rsplit("@", 1)[-1]
    domain = identity.normalise_domain(raw) if raw else None
    if domain is None or rules.is_free_mail(domain):
        return []
    same = identity.parent_domains(domain)
    warnings: list[dict[str, Any]] = []
    c = Customer.__table__.c
    if session.execute(sa.select(c.id).where(c.domain.in_(same)).limit(1)).first() is not None:
        warnings.append({"kind": "existing_customer", "domain": domain})
    rows = session.execute(sa.select(D.partner_id, D.created_at, D.review_status, D.protected_until, D.stage).where(
        D.customer_domain.in_(same), D.review_status != ReviewStatus.denied.value)
        .order_by(D.created_at.desc()).limit(20)).all()
    for row in rows:
        status = _value(row.review_status)
        own = scoped is not None and row.partner_id == scoped
        held = status == ReviewStatus.pending.value or (
            status == ReviewStatus.accepted.value and row.protected_until is not None and row.protected_until >= today
            and _value(row.stage) != "closed_lost")
        if own or held:
            warnings.append({"kind": "own_registration" if own else "other_partner",
                             "registered_on": clock.local_date(row.created_at), "review_status": status,
                             "protected_until": row.protected_until})
    return warnings


def _queue_filters(actor: Actor, partner_id: int | None, manager_id: int | None) -> list[Any]:
    """The review queue's rows: pending deals, of one partner and of one manager's partners when asked."""
    require_role(actor, rules.REVIEWER_ROLES, "review deals")
    filters = [D.review_status == ReviewStatus.pending.value]
    if partner_id is not None:
        filters.append(D.partner_id == partner_id)
    if (mine := managed_by(D.partner_id, manager_id)) is not None:
        filters.append(mine)
    return filters


def review_queue(
    session: Session, actor: Actor, *, limit: int = 50, offset: int = 0, partner_id: int | None = None,
    manager_id: int | None = None,
    today: dt.date | None = None,
) -> tuple[pd.DataFrame, int]:
    """Pending deals, oldest first, with their age, an overdue marker past 2 business days, and hints.
    Partner managers and admins only.
    """
    filters = _queue_filters(actor, partner_id, manager_id)
    limit = rules.count_bound(limit, "limit", N_("Page size"))
    offset = rules.count_bound(offset, "offset", N_("Offset"))
    today = _today(today)
    total = session.execute(sa.select(sa.func.count()).select_from(Deal.__table__).where(*filters)).scalar_one()
    query = sa.select(
        D.id.label("deal_id"), D.partner_id, P.name.label("partner_name"), D.company_name, D.customer_domain,
        D.contact_name, D.contact_email, D.value_cents, D.currency, D.framework, D.stage, D.created_at, D.version,
        D.customer_id,
    ).join(Partner.__table__, P.id == D.partner_id).where(*filters)
    query = query.order_by(D.created_at, D.id).limit(limit).offset(offset)
    rows = [dict(r) for r in session.execute(query).mappings().all()]
    hints = _hints(session, rows, today)
    for row in rows:
        business = rules.business_days_between(clock.local_date(row["created_at"]), today)
        row.update(value=rules.from_cents(row.pop("value_cents")), age_days=_days(row["created_at"], today),
                   business_days=business, overdue=business > REVIEW_OVERDUE_BUSINESS_DAYS,
                   hints=hints[row["deal_id"]], stage=getattr(row["stage"], "value", row["stage"]))
        row.pop("customer_id")
    return pd.DataFrame(rows, columns=list(QUEUE_COLUMNS)), total


def _last_overdue_day(today: dt.date) -> dt.date:
    """The latest registration day whose deals are overdue today: business days only grow with age, so every
    deal registered on it or before is overdue, and none after."""
    day = today
    while rules.business_days_between(day, today) <= REVIEW_OVERDUE_BUSINESS_DAYS:
        day -= dt.timedelta(days=1)
    return day


def review_queue_overdue(
    session: Session, actor: Actor, *, partner_id: int | None = None, manager_id: int | None = None,
    today: dt.date | None = None,
) -> int:
    """How many deals of the whole queue (same filters as review_queue) are overdue: waiting more than 2 business
    days, counted in SQL. Being the oldest, they are the queue's first rows. Raises PermissionDenied.
    """
    filters = _queue_filters(actor, partner_id, manager_id)
    before = clock.day_start(_last_overdue_day(_today(today)) + dt.timedelta(days=1))
    return int(session.execute(sa.select(sa.func.count()).select_from(Deal.__table__).where(
        *filters, D.created_at < before)).scalar_one())


def review_queue_position(
    session: Session, actor: Actor, deal_id: object, *, partner_id: int | None = None, manager_id: int | None = None,
) -> int | None:
    """Where a deal stands in the review queue with these filters (0: first, oldest), for opening a linked deal on
    its page; None when it is not in that queue (reviewed, another partner's, or no such deal).
    Raises PermissionDenied.
    """
    filters = _queue_filters(actor, partner_id, manager_id)
    try:
        wanted = row_id(deal_id, "Deal")
    except NotFound:
        return None
    row = session.execute(sa.select(D.created_at, D.id).where(*filters, D.id == wanted)).first()
    if row is None:
        return None
    earlier = sa.or_(D.created_at < row.created_at, sa.and_(D.created_at == row.created_at, D.id < row.id))
    return int(session.execute(sa.select(sa.func.count()).select_from(Deal.__table__).where(
        *filters, earlier)).scalar_one())
