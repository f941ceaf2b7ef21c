"""SQLModel tables, the product's enums, and the Read schemas services return.

Long because the project keeps one models file, tables and their Read schemas side by side (ARCHITECTURE).

Money is stored as integer cents plus a currency code; commission rates as basis
points of a percent (1 = 0.01 %). Timestamps are timezone-aware UTC; calendar facts are dates.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import Enum, StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


class Stage(StrEnum):
    new = "new"
    newsletter = "newsletter"
    trial = "trial"
    closed_won = "closed_won"
    closed_lost = "closed_lost"


class ReviewStatus(StrEnum):
    pending = "pending"
    accepted = "accepted"
    denied = "denied"


class DenialReason(StrEnum):
    existing_customer = "existing_customer"
    invalid_lead = "invalid_lead"
    duplicate = "duplicate"
    other = "other"


class BillingOption(StrEnum):
    credit_card = "credit_card"
    invoice = "invoice"
    via_partner = "via_partner"


class AccountState(StrEnum):
    trial = "trial"
    active = "active"
    closed = "closed"


class Role(StrEnum):
    partner_user = "partner_user"
    partner_admin = "partner_admin"
    partner_manager = "partner_manager"
    finance = "finance"
    admin = "admin"


class Tier(StrEnum):
    registered = "registered"
    silver = "silver"
    gold = "gold"
    platinum = "platinum"


class Direction(StrEnum):
    payable = "payable"  # the vendor pays the commission to the partner
    netted = "netted"  # deducted from what the vendor invoices the partner


class LineKind(StrEnum):
    commission = "commission"
    adjustment = "adjustment"  # a commission that arrived after its own week was approved
    reversal = "reversal"  # cancels an approved line (a change, a reopened deal, a clawback)


class WeekState(StrEnum):
    open = "open"
    approved = "approved"


class InvoiceKind(StrEnum):
    invoice = "invoice"  # the vendor invoices a partner who bills its customers itself (netted lines)
    credit_note = "credit_note"  # reverses netted lines of an earlier invoice; never an edit of it


class Confirmation(StrEnum):
    """A won deal's confirmation by the partner's manager (the email the partner articles ask for)."""

    waiting = "waiting"  # won; the manager has not confirmed it yet
    sent_back = "sent_back"  # the manager asked the partner a question; the partner's answer makes it waiting again
    confirmed = "confirmed"


class ConsentState(StrEnum):
    """A newsletter subscription's consent, as the deal card and the export read it (partner_model/newsletter.py)."""

    waiting = "waiting"  # the double opt-in email went out; its link was not used yet
    confirmed = "confirmed"  # the contact used the link in time
    expired = "expired"  # 7 days passed without the link's use
    unsubscribed = "unsubscribed"  # the contact left the newsletter (after or without confirming)
    replaced = "replaced"  # a newer request for the same deal took its place


class ApplicationState(StrEnum):
    """A consulting firm's application to become a partner (partner_model/applications.py)."""

    submitted = "submitted"  # waits for an admin's review
    accepted = "accepted"  # the partner and its first partner admin were created
    declined = "declined"  # with a reason, emailed to the applicant


class PayoutState(StrEnum):
    draft = "draft"  # made by a week's approval; finance has not confirmed it
    ready = "ready"  # confirmed by finance: goes into the next bank transfer
    paid = "paid"  # the bank paid it (date and reference): never changes again
    carried = "carried"  # under the minimum or negative: its balance goes into the partner's next payout


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _enum(enum: type[Enum]) -> sa.Enum:
    # Stored as plain strings (no native PG enum types): new values need no type migration.
    return sa.Enum(enum, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])


# --- tables -------------------------------------------------------------------------


class Partner(SQLModel, table=True):
    __tablename__ = "partner"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    domain: str = Field(max_length=253, sa_column_kwargs={"unique": True})
    tier: Tier = Field(default=Tier.registered, sa_type=_enum(Tier))
    commission_rate_bp: int = Field(description="commission rate in 0.01 % steps: 2000 = 20 %")
    legal_name: str | None = Field(default=None, max_length=200)
    vat_id: str | None = Field(default=None, max_length=20)
    billing_email: str | None = Field(default=None, max_length=254)
    address: str | None = Field(default=None, max_length=500)
    default_billing_option: BillingOption | None = Field(default=None, sa_type=_enum(BillingOption))
    # Where the vendor pays commission (payouts): IBAN and BIC in their compact form, the partner's country
    # (ISO 3166 alpha-2).
    iban: str | None = Field(default=None, max_length=34)
    bic: str | None = Field(default=None, max_length=11)
    country: str | None = Field(default=None, max_length=2)
    # The vendor's partner manager who looks after this partner (a user with role partner_manager).
    manager_id: int | None = Field(default=None, sa_column=sa.Column(
        sa.Integer, sa.ForeignKey("user.id", use_alter=True, name="fk_partner_manager"), index=True, nullable=True))
    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})  # every update claims it (versioning)
    created_at: dt.datetime = Field(default_factory=utcnow)


class BillingInfoChange(SQLModel, table=True):
    __tablename__ = "billing_info_change"
    id: int | None = Field(default=None, primary_key=True)
    partner_id: int = Field(foreign_key="partner.id", index=True)
    actor_id: int | None = Field(default=None, foreign_key="user.id")
    at: dt.datetime = Field(default_factory=utcnow)
    field: str = Field(max_length=40)
    from_value: str | None = Field(default=None, max_length=500)
    to_value: str | None = Field(default=None, max_length=500)


class User(SQLModel, table=True):
    __tablename__ = "user"
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, sa_column_kwargs={"unique": True})
    name: str = Field(max_length=200)
    role: Role = Field(sa_type=_enum(Role))
    partner_id: int | None = Field(default=None, foreign_key="partner.id", index=True)
    password_hash: str = Field(max_length=200)
    failed_sign_ins: int = 0
    locked_until: dt.datetime | None = None
    language: str | None = Field(default=None, max_length=5)  # None: the user has not picked; follow the browser
    active: bool = True
    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    # Set at sign-in when the typed password fails today's rule (passwords.check): the home page then asks for a
    # new one until the user changes it (users.change_own_password).
    must_change_password: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    # The previous visit's start: a partner's home lists the decisions made since (users.record_visit).
    last_visit_at: dt.datetime | None = None
    # A one-time set-password link (an invitation): only its sha256 is kept, with when it stops working.
    invite_token_hash: str | None = Field(default=None, max_length=64, index=True)
    invite_expires_at: dt.datetime | None = None
    created_at: dt.datetime = Field(default_factory=utcnow)


class AuditEvent(SQLModel, table=True):
    """Sign-ins (success and failure) and admin changes."""

    __tablename__ = "audit_event"
    __table_args__ = (
        sa.Index("ix_audit_event_kind_subject_at", "kind", "subject", "at"),
        sa.Index("ix_audit_event_actor", "actor_id"),  # the "Who" filter's choices and its filter
    )
    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(default_factory=utcnow)
    actor_id: int | None = Field(default=None, foreign_key="user.id")
    kind: str = Field(max_length=40)
    subject: str = Field(default="", max_length=254)
    detail: str = Field(default="", max_length=1000)


class SignInSession(SQLModel, table=True):
    """One sign-in of one browser (sign_in_sessions). The browser's HttpOnly cookie holds only an opaque random
    token; the row holds its sha256, so a copy of the table signs nobody in. A row ends (ended_at, ended_reason)
    on sign-out, idle or absolute expiry, and on a password, role or partner change or deactivation of its user;
    ended rows stay for the admin's list."""

    __tablename__ = "sign_in_session"
    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, sa_column_kwargs={"unique": True})
    user_id: int = Field(foreign_key="user.id", index=True)
    method: str = Field(default="password", max_length=20)  # "password" or "single sign-on"
    created_at: dt.datetime = Field(default_factory=utcnow)
    last_seen_at: dt.datetime = Field(default_factory=utcnow)
    expires_at: dt.datetime  # the earlier of last seen + the idle limit and created + the absolute limit
    user_agent: str = Field(default="", max_length=200)
    # A one-time code (its sha256) the page hands to the browser, which trades it at /auth/session for the cookie.
    handoff_hash: str | None = Field(default=None, max_length=64, sa_column_kwargs={"unique": True})
    handoff_expires_at: dt.datetime | None = None
    ended_at: dt.datetime | None = None
    ended_reason: str | None = Field(default=None, max_length=30)


_EXTENSION_WAITING = sa.text("extension_requested_on IS NOT NULL AND extension_granted_on IS NULL "
                              "AND extension_declined_on IS NULL")


# Expression indexes a migration writes in each dialect's own spelling, so they cannot be declared on a model;
# Alembic's comparison leaves them out (db.include_object).
DIALECT_INDEXES = frozenset({"ix_customer_renewal_day"})


class Customer(SQLModel, table=True):
    """A customer account. Its state (trial, active, closed) follows from its dates."""

    __tablename__ = "customer"
    __table_args__ = (
        sa.Index("ix_customer_partner_name", "partner_id", "name"),
        sa.Index("ix_customer_trial_ends_on", "trial_ends_on"),
        sa.Index("ix_customer_derived_state_name", "derived_state", "name"),
        sa.Index("ix_customer_derived_state_framework", "derived_state", "framework"),
        sa.Index("ix_customer_derived_attention", "derived_attention"),
        sa.Index("ix_customer_partner_state", "partner_id", "derived_state"),
        sa.Index("ix_customer_activities_90d", "activities_90d"),
        # The overview sorts 200,000 accounts by any column: each sortable column has an index to walk.
        sa.Index("ix_customer_state_trial_ends", "derived_state", "trial_ends_on", "id"),
        sa.Index("ix_customer_framework_progress", "framework_progress"),
        sa.Index("ix_customer_users", "users"),
        sa.Index("ix_customer_last_activity_on", "last_activity_on"),
        sa.Index("ix_customer_subscription_started_on", "subscription_started_on"),
        sa.Index("ix_customer_extension_requested_on", "extension_requested_on"),
        sa.Index("uq_customer_external_id", "external_id", unique=True),
        # Requests still waiting for staff: a fraction of the accounts that ever asked (customer_queries
        # .EXTENSION_WAITING, counted on every Customers page run).
        sa.Index("ix_customer_extension_waiting", "partner_id", sqlite_where=_EXTENSION_WAITING,
                 postgresql_where=_EXTENSION_WAITING),
        # Not declared here (DIALECT_INDEXES): ix_customer_renewal_day on (derived_state,
        # customer_derived.month_day(subscription_started_on), subscription_started_on), migration 0025.
    )
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, index=True)
    domain: str = Field(max_length=253, sa_column_kwargs={"unique": True})
    partner_id: int | None = Field(default=None, foreign_key="partner.id")
    framework: str = Field(max_length=80)
    framework_progress: int = Field(default=0, description="0 to 100 %")
    users: int = 1
    trial_started_on: dt.date | None = None
    trial_ends_on: dt.date | None = None
    extension_requested_on: dt.date | None = None
    extension_granted_on: dt.date | None = None
    extension_declined_on: dt.date | None = None
    extension_decline_reason: str | None = Field(default=None, max_length=500)  # shown to the partner
    subscription_started_on: dt.date | None = None
    annual_value_cents: int | None = Field(default=None, sa_type=sa.BigInteger)
    currency: str = Field(default="EUR", max_length=3)
    billing_option: BillingOption | None = Field(default=None, sa_type=_enum(BillingOption))
    last_activity_on: dt.date | None = None
    # Maintained caches so the overview can filter and sort 200,000 accounts in SQL:
    # activities_90d is recounted whenever the overview's day changes (customers.refresh_activity_counts).
    activities_90d: int = 0
    open_attention_items: int = 0
    # The state and attention count as of the day in app_state "derived_on" (customers.refresh_day_caches),
    # kept so the overview filters and sorts on indexes; every write that changes their inputs re-derives the row.
    derived_state: AccountState | None = Field(default=None, sa_type=_enum(AccountState))
    derived_attention: int = 0
    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    # The product's own id of the account (the feed's key), and when each fact was last set by the feed: an older
    # event never overwrites a newer one.
    external_id: str | None = Field(default=None, max_length=100)
    feed_progress_at: dt.datetime | None = None
    feed_users_at: dt.datetime | None = None
    feed_trial_at: dt.datetime | None = None
    feed_subscription_at: dt.datetime | None = None
    created_at: dt.datetime = Field(default_factory=utcnow)


class ActivityEvent(SQLModel, table=True):
    __tablename__ = "activity_event"
    __table_args__ = (sa.Index("ix_activity_event_customer_on", "customer_id", "occurred_on"),)
    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id")
    occurred_on: dt.date
    kind: str = Field(default="task", max_length=40)
    # How many activities of this kind on this day the row stands for (the product feed sends a day's count).
    activities: int = Field(default=1, sa_column_kwargs={"server_default": "1"})


class AttentionItem(SQLModel, table=True):
    """An open item stored for an account (overdue tasks, a failed payment, ...)."""

    __tablename__ = "attention_item"
    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    kind: str = Field(max_length=40)
    detail: str = Field(default="", max_length=500)
    opened_on: dt.date
    resolved_on: dt.date | None = None
    external_id: str | None = Field(default=None, max_length=100, index=True)  # the product's id of the item


class ApiToken(SQLModel, table=True):
    """A named token for the product feed's HTTP API; only its sha256 is kept."""

    __tablename__ = "api_token"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100)
    token_hash: str = Field(max_length=64, sa_column_kwargs={"unique": True})
    created_by: int | None = Field(default=None, foreign_key="user.id")
    created_at: dt.datetime = Field(default_factory=utcnow)
    last_used_at: dt.datetime | None = None
    revoked_at: dt.datetime | None = None


class FeedEvent(SQLModel, table=True):
    """An event of the product feed that was applied: its id makes a repeated delivery change nothing."""

    __tablename__ = "feed_event"
    event_id: str = Field(primary_key=True, max_length=100)
    type: str = Field(max_length=40)
    received_at: dt.datetime = Field(default_factory=utcnow)


class Channel(StrEnum):
    """How a user hears of one kind of event: in the app only, by email at once, or in a daily email digest."""

    in_app = "in_app"
    email_now = "email_now"
    digest = "digest"


class MailState(StrEnum):
    none = "none"  # in the app only
    pending = "pending"  # to be sent at once (the outbox)
    digest = "digest"  # waits for the daily digest
    sent = "sent"
    digested = "digested"  # went out in a digest
    failed = "failed"  # gave up after a day; last_error says why


class Notification(SQLModel, table=True):
    """One event for one user: an inbox item, and the outbox row its email is sent from. Written in the same
    transaction as the change it tells of, so it is never lost and never sent for a change that rolled back."""

    __tablename__ = "notification"
    __table_args__ = (
        sa.Index("ix_notification_user_created", "user_id", "created_at"),
        sa.Index("ix_notification_mail_due", "mail_state", "next_attempt_at"),
        {"sqlite_autoincrement": True},
    )
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id")
    kind: str = Field(max_length=40)
    params: str = Field(default="{}", max_length=4000)  # JSON: the message's parameters (and a one-time link)
    page: str | None = Field(default=None, max_length=40)  # where its link goes: a page key of the interface
    link: str | None = Field(default=None, max_length=200)  # the link's query string, e.g. "deal=12"
    dedupe_key: str | None = Field(default=None, max_length=200, sa_column_kwargs={"unique": True})
    created_at: dt.datetime = Field(default_factory=utcnow)
    read_at: dt.datetime | None = None
    mail_state: MailState = Field(default=MailState.none, sa_type=_enum(MailState))
    attempts: int = 0
    next_attempt_at: dt.datetime | None = None
    claimed_at: dt.datetime | None = None
    sent_at: dt.datetime | None = None
    last_error: str | None = Field(default=None, max_length=500)


class CallState(StrEnum):
    pending = "pending"  # to be sent (the outbox), again after a failure
    confirmed = "confirmed"  # the product answered 2xx
    failed = "failed"  # gave up after a day; last_error says why


class ProductCall(SQLModel, table=True):
    """A decision the product must learn of (a trial created, an extension granted), as the signed JSON body sent
    to PRODUCT_WEBHOOK_URL. Written in the transaction of the decision, so it is never lost and never sent for a
    change that rolled back; sent, retried and given up like the notification emails (partner_model/webhook.py)."""

    __tablename__ = "product_call"
    __table_args__ = (
        sa.Index("ix_product_call_due", "state", "next_attempt_at"),
        sa.Index("ix_product_call_customer", "customer_id", "id"),
        {"sqlite_autoincrement": True},
    )
    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", ondelete="CASCADE")  # goes with its account
    kind: str = Field(max_length=40)  # trial.created, trial.extended
    body: str = Field(max_length=4000)  # the JSON sent, byte for byte what the signature covers
    created_at: dt.datetime = Field(default_factory=utcnow)
    state: CallState = Field(default=CallState.pending, sa_type=_enum(CallState))
    attempts: int = 0
    next_attempt_at: dt.datetime | None = None
    claimed_at: dt.datetime | None = None
    confirmed_at: dt.datetime | None = None
    last_error: str | None = Field(default=None, max_length=500)


class NotificationPreference(SQLModel, table=True):
    """A user's choice of channel for one kind of event (none stored: the role's default)."""

    __tablename__ = "notification_preference"
    user_id: int = Field(foreign_key="user.id", primary_key=True)
    kind: str = Field(max_length=40, primary_key=True)
    channel: Channel = Field(sa_type=_enum(Channel))


class AppState(SQLModel, table=True):
    """Small key/value facts the services keep (e.g. the day activity counts were made for)."""

    __tablename__ = "app_state"
    key: str = Field(primary_key=True, max_length=60)
    value: str = Field(max_length=200)


class Deal(SQLModel, table=True):
    __tablename__ = "deal"
    __table_args__ = (
        sa.Index("ix_deal_stage_entered", "stage", "stage_entered_at"),
        # The board's counts and sums: GROUP BY stage, currency read in index order, review status filtered on it.
        sa.Index("ix_deal_stage_currency_review_value", "stage", "currency", "review_status", "value_cents"),
        sa.Index("ix_deal_review_created", "review_status", "created_at"),
        sa.Index("ix_deal_review_partner", "review_status", "partner_id", "created_at"),  # a manager's waiting
        sa.Index("ix_deal_partner_stage", "partner_id", "stage", "stage_entered_at"),
        sa.Index("ix_deal_domain", "customer_domain"),
        sa.Index("ix_deal_won_on", "won_on"),
        sa.Index("ix_deal_furthest_stage", "furthest_stage"),
        sa.Index("ix_deal_protected_until", "protected_until"),  # protections ending (the daily reminders)
        sa.Index("ix_deal_review_protected", "review_status", "protected_until", "stage"),  # ... (inbox, board)
        # Median days to won: OFFSET into these (the whole program; one partner's or a manager's partners').
        sa.Index("ix_deal_stage_won_days", "stage", "won_days", "review_status"),
        sa.Index("ix_deal_partner_won_days", "partner_id", "stage", "won_days"),
        sa.Index("ix_deal_confirmation", "confirmation", "won_on", "id", "partner_id"),  # won deals to confirm
    )
    id: int | None = Field(default=None, primary_key=True)
    partner_id: int = Field(foreign_key="partner.id")
    customer_id: int | None = Field(default=None, foreign_key="customer.id")
    registered_by: int | None = Field(default=None, foreign_key="user.id")
    contact_name: str = Field(max_length=200)
    contact_email: str = Field(max_length=254)
    company_name: str = Field(max_length=200)
    customer_domain: str = Field(max_length=253)
    value_cents: int = Field(sa_type=sa.BigInteger)
    currency: str = Field(default="EUR", max_length=3)
    framework: str | None = Field(default=None, max_length=80)
    stage: Stage = Field(default=Stage.new, sa_type=_enum(Stage))
    # The furthest stage of New -> Newsletter -> Trial -> Closed won the deal ever reached (the funnel counts it)
    furthest_stage: Stage = Field(default=Stage.new, sa_type=_enum(Stage), sa_column_kwargs={"server_default": "new"})
    review_status: ReviewStatus = Field(default=ReviewStatus.pending, sa_type=_enum(ReviewStatus))
    denial_reason: DenialReason | None = Field(default=None, sa_type=_enum(DenialReason))
    billing_option: BillingOption | None = Field(default=None, sa_type=_enum(BillingOption))
    reviewed_by: int | None = Field(default=None, foreign_key="user.id")
    reviewed_at: dt.datetime | None = None
    protected_until: dt.date | None = None
    protection_extended: bool = False
    version: int = 1
    created_at: dt.datetime = Field(default_factory=utcnow)
    stage_entered_at: dt.datetime = Field(default_factory=utcnow)
    won_on: dt.date | None = None
    # Whole days from the registration day (UTC) to won_on; kept by partner_model/pipeline_figures.py on every write
    won_days: int | None = None
    lost_on: dt.date | None = None
    clawed_back_on: dt.date | None = Field(default=None, description="commission reversed: refunded in year one")
    # Set when the deal is won (waiting), cleared when it is reopened; partner_model/won_confirmations.py
    confirmation: Confirmation | None = Field(default=None, sa_type=_enum(Confirmation))
    confirmation_question: str | None = Field(default=None, max_length=2000)  # the manager's, while sent back
    confirmed_by: int | None = Field(default=None, foreign_key="user.id")
    confirmed_at: dt.datetime | None = None


class PipelineFigure(SQLModel, table=True):
    """A partner's deals counted and summed per stage, furthest stage reached and currency (denied deals left out):
    the pipeline's whole-program figures add these up instead of reading every deal. Kept in the transaction of
    every deal write by partner_model/pipeline_figures.py."""

    __tablename__ = "pipeline_figure"
    __table_args__ = (  # the whole program's sums read these in group order (no sort of every row)
        sa.Index("ix_pipeline_figure_stage_currency", "stage", "currency", "deals", "value_cents"),
        sa.Index("ix_pipeline_figure_furthest", "furthest_stage", "deals"),
    )
    partner_id: int = Field(foreign_key="partner.id", primary_key=True)
    stage: Stage = Field(primary_key=True, sa_type=_enum(Stage))
    furthest_stage: Stage = Field(primary_key=True, sa_type=_enum(Stage))
    currency: str = Field(primary_key=True, max_length=3)
    deals: int
    value_cents: int = Field(sa_type=sa.BigInteger)


class PartnerPipeline(SQLModel, table=True):
    """A partner's pipeline in one row (denied deals left out): deals registered, won, lost, and the median days
    from registration to won. The partners compared come from here; kept with pipeline_figure."""

    __tablename__ = "partner_pipeline"
    __table_args__ = (sa.Index("ix_partner_pipeline_won", "won"),)
    partner_id: int = Field(foreign_key="partner.id", primary_key=True)
    deals: int
    won: int
    lost: int
    median_days_to_won: float | None = None


class PipelineWeek(SQLModel, table=True):
    """A partner's registrations per ISO week (the week's Monday, by the UTC registration day; denied deals left
    out): the pipeline's registrations chart adds these up. Kept with pipeline_figure."""

    __tablename__ = "pipeline_week"
    __table_args__ = (sa.Index("ix_pipeline_week_monday", "monday", "deals"),)
    partner_id: int = Field(foreign_key="partner.id", primary_key=True)
    monday: dt.date = Field(primary_key=True)
    deals: int


class DealNote(SQLModel, table=True):
    __tablename__ = "deal_note"
    id: int | None = Field(default=None, primary_key=True)
    deal_id: int = Field(foreign_key="deal.id", index=True)
    author_id: int | None = Field(default=None, foreign_key="user.id")
    at: dt.datetime = Field(default_factory=utcnow)
    body: str = Field(max_length=2000)


class DealEvent(SQLModel, table=True):
    """Append-only deal history: who did what, when, from what, to what."""

    __tablename__ = "deal_event"
    id: int | None = Field(default=None, primary_key=True)
    deal_id: int = Field(foreign_key="deal.id", index=True)
    actor_id: int | None = Field(default=None, foreign_key="user.id")
    at: dt.datetime = Field(default_factory=utcnow)
    kind: str = Field(max_length=40)
    from_value: str | None = Field(default=None, max_length=2000)
    to_value: str | None = Field(default=None, max_length=2000)


class CommissionWeek(SQLModel, table=True):
    __tablename__ = "commission_week"
    week: str = Field(primary_key=True, max_length=8, description='ISO week, e.g. "2026-W47"')
    state: WeekState = Field(default=WeekState.open, sa_type=_enum(WeekState))
    approved_by: int | None = Field(default=None, foreign_key="user.id")
    approved_at: dt.datetime | None = None
    # How many lines the week has, stored when it is approved (an approved week's lines never change): the week
    # picker reads it instead of counting a whole program's lines week by week.
    lines: int | None = None


class CommissionLine(SQLModel, table=True):
    __tablename__ = "commission_line"
    __table_args__ = (
        sa.Index("ix_commission_line_week_partner", "week", "partner_id"),
        # The 26-week reports' sums read from the index alone (no line row visited)
        sa.Index("ix_commission_line_report", "week", "currency", "billing_option", "direction", "partner_id",
                 "commission_cents"),
        sa.Index("ix_commission_line_deal", "deal_id"),
        # A line id names one line for ever (statements already downloaded cite it): never reused on SQLite.
        {"sqlite_autoincrement": True},
    )
    id: int | None = Field(default=None, primary_key=True)
    week: str = Field(max_length=8)
    deal_id: int = Field(foreign_key="deal.id")
    partner_id: int = Field(foreign_key="partner.id")
    kind: LineKind = Field(default=LineKind.commission, sa_type=_enum(LineKind))
    adjusts_line_id: int | None = Field(default=None, foreign_key="commission_line.id")
    billing_option: BillingOption = Field(sa_type=_enum(BillingOption))
    direction: Direction = Field(sa_type=_enum(Direction))
    value_cents: int = Field(sa_type=sa.BigInteger)
    currency: str = Field(default="EUR", max_length=3)
    rate_bp: int
    commission_cents: int = Field(sa_type=sa.BigInteger)
    created_at: dt.datetime = Field(default_factory=utcnow)


class Payout(SQLModel, table=True):
    """One partner's payable commission of one approved week in one currency.

    Due = lines_cents (the week's payable lines, reversals included) + carried_in_cents (balances of the
    partner's earlier payouts carried into this one). A payout whose due is under the minimum, or negative, is
    `carried`: carried_into_id names the payout that took its balance (None while it waits for one)."""

    __tablename__ = "payout"
    __table_args__ = (sa.UniqueConstraint("partner_id", "currency", "week", name="uq_payout_partner_week"),
                      sa.Index("ix_payout_state", "state", "currency"))
    id: int | None = Field(default=None, primary_key=True)
    partner_id: int = Field(foreign_key="partner.id", index=True)
    currency: str = Field(max_length=3)
    week: str = Field(max_length=8)
    state: PayoutState = Field(default=PayoutState.draft, sa_type=_enum(PayoutState))
    lines_cents: int = Field(sa_type=sa.BigInteger)
    carried_in_cents: int = Field(default=0, sa_type=sa.BigInteger)
    carried_into_id: int | None = Field(default=None, foreign_key="payout.id")
    paid_on: dt.date | None = None
    bank_reference: str | None = Field(default=None, max_length=140)
    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    created_at: dt.datetime = Field(default_factory=utcnow)


class PayoutEvent(SQLModel, table=True):
    """A payout's history: each change of state, with who and when."""

    __tablename__ = "payout_event"
    id: int | None = Field(default=None, primary_key=True)
    payout_id: int = Field(foreign_key="payout.id", index=True)
    actor_id: int | None = Field(default=None, foreign_key="user.id")
    at: dt.datetime = Field(default_factory=utcnow)
    from_state: str | None = Field(default=None, max_length=20)
    to_state: str = Field(max_length=20)
    note: str | None = Field(default=None, max_length=500)


class PartnerInvoice(SQLModel, table=True):
    """An invoice (or credit note) to a partner for one approved week's netted lines in one currency: the
    subscription values less the commission. Everything the document says is kept as it was when issued.

    Amounts in cents; a credit note's are negative. Numbers run per year without gap or reuse ("2026-00001")."""

    __tablename__ = "partner_invoice"
    __table_args__ = (sa.UniqueConstraint("year", "sequence", name="uq_partner_invoice_number"),
                      sa.Index("ix_partner_invoice_partner", "partner_id", "issued_on"),
                      {"sqlite_autoincrement": True})
    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=20, sa_column_kwargs={"unique": True})
    year: int
    sequence: int
    kind: InvoiceKind = Field(default=InvoiceKind.invoice, sa_type=_enum(InvoiceKind))
    credits_invoice_id: int | None = Field(default=None, foreign_key="partner_invoice.id")
    partner_id: int = Field(foreign_key="partner.id")
    currency: str = Field(max_length=3)
    week: str = Field(max_length=8)
    issued_on: dt.date
    language: str = Field(default="en", max_length=5)
    vendor_name: str = Field(default="", max_length=200)
    vendor_address: str = Field(default="", max_length=500)
    vendor_vat_id: str = Field(default="", max_length=30)
    vendor_country: str = Field(default="", max_length=2)
    partner_name: str = Field(max_length=200)
    partner_address: str = Field(default="", max_length=500)
    partner_vat_id: str = Field(default="", max_length=30)
    partner_country: str = Field(default="", max_length=2)
    reverse_charge: bool = False
    value_cents: int = Field(sa_type=sa.BigInteger)
    commission_cents: int = Field(sa_type=sa.BigInteger)
    amount_cents: int = Field(sa_type=sa.BigInteger, description="value - commission: what the partner owes")
    created_at: dt.datetime = Field(default_factory=utcnow)


class PartnerInvoiceLine(SQLModel, table=True):
    """One netted commission line on an invoice or credit note (each line is invoiced once)."""

    __tablename__ = "partner_invoice_line"
    id: int | None = Field(default=None, primary_key=True)
    invoice_id: int = Field(foreign_key="partner_invoice.id", index=True)
    commission_line_id: int = Field(foreign_key="commission_line.id", sa_column_kwargs={"unique": True})
    deal_id: int = Field(foreign_key="deal.id")
    company_name: str = Field(max_length=200)
    value_cents: int = Field(sa_type=sa.BigInteger)
    commission_cents: int = Field(sa_type=sa.BigInteger)
    amount_cents: int = Field(sa_type=sa.BigInteger)


class InvoiceSequence(SQLModel, table=True):
    """The last invoice number used in each year (numbers are taken under a lock: no gap, no reuse)."""

    __tablename__ = "invoice_sequence"
    year: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    last: int = 0


class NewsletterConsent(SQLModel, table=True):
    """A contact's newsletter subscription asked for on a deal in the Newsletter stage, and the proof of its
    consent: who asked and when, the partner's statement that the contact agreed, the confirmation link's use and
    the unsubscription. The links' tokens are kept only as sha256; no IP address is stored."""

    __tablename__ = "newsletter_consent"
    __table_args__ = (
        sa.Index("ix_newsletter_consent_deal", "deal_id", "id"),
        sa.Index("ix_newsletter_consent_partner", "partner_id", "confirmed_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    deal_id: int = Field(foreign_key="deal.id")
    partner_id: int = Field(foreign_key="partner.id")
    contact_name: str = Field(max_length=200)
    contact_email: str = Field(max_length=254)
    language: str = Field(max_length=5)
    contact_agreed: bool = True  # the partner's statement that the contact agreed in their talk
    requested_by: int | None = Field(default=None, foreign_key="user.id")
    requested_at: dt.datetime = Field(default_factory=utcnow)
    expires_at: dt.datetime  # the confirmation link works until then (7 days)
    confirm_hash: str = Field(max_length=64, sa_column_kwargs={"unique": True})
    unsubscribe_hash: str = Field(max_length=64, sa_column_kwargs={"unique": True})
    link_used_at: dt.datetime | None = None  # the confirmation link's first use, in time or not
    confirmed_at: dt.datetime | None = None
    unsubscribed_at: dt.datetime | None = None
    replaced_at: dt.datetime | None = None


class ContactEmail(SQLModel, table=True):
    """An email to someone who is not a user (a newsletter contact): the outbox row it is sent from, written in
    the transaction of the change it tells of; sent, retried and given up like the notification emails. A
    one-time link in `params` is dropped once sent."""

    __tablename__ = "contact_email"
    __table_args__ = (sa.Index("ix_contact_email_due", "mail_state", "next_attempt_at"), {"sqlite_autoincrement": True})
    id: int | None = Field(default=None, primary_key=True)
    consent_id: int | None = Field(default=None, foreign_key="newsletter_consent.id")
    kind: str = Field(max_length=40)
    to_address: str = Field(max_length=254)
    language: str = Field(max_length=5)
    params: str = Field(default="{}", max_length=4000)
    created_at: dt.datetime = Field(default_factory=utcnow)
    mail_state: MailState = Field(default=MailState.pending, sa_type=_enum(MailState))
    attempts: int = 0
    next_attempt_at: dt.datetime | None = None
    claimed_at: dt.datetime | None = None
    sent_at: dt.datetime | None = None
    last_error: str | None = Field(default=None, max_length=500)


class PartnerApplication(SQLModel, table=True):
    """A firm's application from the public page, as it was sent, and its review (who, when, the reason of a
    decline, the partner an acceptance created)."""

    __tablename__ = "partner_application"
    __table_args__ = (
        sa.Index("ix_partner_application_state", "state", "submitted_at"),
        sa.Index("ix_partner_application_email", "contact_email", "submitted_at"),
        sa.Index("ix_partner_application_domain", "domain", "state"),
    )
    id: int | None = Field(default=None, primary_key=True)
    firm_name: str = Field(max_length=200)
    domain: str = Field(max_length=253)
    country: str = Field(max_length=2)
    contact_name: str = Field(max_length=200)
    contact_email: str = Field(max_length=254)
    description: str = Field(max_length=2000)  # what the firm does
    frameworks: str = Field(max_length=400)  # the frameworks they work with, "; "-separated
    consent_to_contact: bool = True
    language: str = Field(max_length=5)
    submitted_at: dt.datetime = Field(default_factory=utcnow)
    state: ApplicationState = Field(default=ApplicationState.submitted, sa_type=_enum(ApplicationState))
    decided_by: int | None = Field(default=None, foreign_key="user.id")
    decided_at: dt.datetime | None = None
    decline_reason: str | None = Field(default=None, max_length=1000)
    partner_id: int | None = Field(default=None, foreign_key="partner.id")
    version: int = 1


# --- read schemas --------------------------------------------------------------------


class UserRead(SQLModel):
    """What a signed-in user is to the services: the Actor."""

    id: int
    email: str
    name: str
    role: Role
    partner_id: int | None = None
    language: str | None = None  # the interface language picked, None when never picked
    active: bool = True
    version: int = 1
    must_change_password: bool = False  # the password typed at sign-in fails today's rule: ask for a new one

    @property
    def is_staff(self) -> bool:
        return self.role in (Role.partner_manager, Role.finance, Role.admin)


class PartnerRead(SQLModel):
    id: int
    name: str
    domain: str
    tier: Tier
    commission_rate: Decimal
    legal_name: str | None = None
    vat_id: str | None = None
    billing_email: str | None = None
    address: str | None = None
    default_billing_option: BillingOption | None = None
    iban: str | None = None
    bic: str | None = None
    country: str | None = None
    manager_id: int | None = None
    version: int = 1


class PayoutRead(SQLModel):
    id: int
    partner_id: int
    partner_name: str = ""
    currency: str
    week: str
    state: PayoutState
    lines_cents: int
    carried_in_cents: int = 0
    due_cents: int  # lines_cents + carried_in_cents
    carried_into_id: int | None = None
    paid_on: dt.date | None = None
    bank_reference: str | None = None
    version: int = 1


class CustomerRead(SQLModel):
    id: int
    name: str
    domain: str
    partner_id: int | None
    state: AccountState
    framework: str
    framework_progress: int
    users: int
    trial_started_on: dt.date | None = None
    trial_ends_on: dt.date | None = None
    extension_requested_on: dt.date | None = None
    extension_granted_on: dt.date | None = None
    extension_declined_on: dt.date | None = None
    extension_decline_reason: str | None = None
    subscription_started_on: dt.date | None = None
    renewal_on: dt.date | None = None
    billing_option: BillingOption | None = None
    last_activity_on: dt.date | None = None
    version: int = 1


class DealRead(SQLModel):
    id: int
    partner_id: int
    customer_id: int | None
    contact_name: str
    contact_email: str
    company_name: str
    customer_domain: str
    value: Decimal
    currency: str
    framework: str | None
    stage: Stage
    furthest_stage: Stage = Stage.new
    review_status: ReviewStatus
    denial_reason: DenialReason | None
    billing_option: BillingOption | None
    protected_until: dt.date | None
    protection_extended: bool
    version: int
    created_at: dt.datetime
    stage_entered_at: dt.datetime
    won_on: dt.date | None
    lost_on: dt.date | None
    clawed_back_on: dt.date | None = None
    confirmation: Confirmation | None = None
    confirmation_question: str | None = None
    confirmed_at: dt.datetime | None = None


class ConsentRead(SQLModel):
    id: int
    deal_id: int
    partner_id: int
    contact_name: str
    contact_email: str
    language: str
    state: ConsentState
    requested_by: int | None
    requested_at: dt.datetime
    expires_at: dt.datetime
    link_used_at: dt.datetime | None
    confirmed_at: dt.datetime | None
    unsubscribed_at: dt.datetime | None


class ApplicationRead(SQLModel):
    id: int
    firm_name: str
    domain: str
    country: str
    contact_name: str
    contact_email: str
    description: str
    frameworks: list[str]
    consent_to_contact: bool
    language: str
    submitted_at: dt.datetime
    state: ApplicationState
    decided_by: int | None
    decided_at: dt.datetime | None
    decline_reason: str | None
    partner_id: int | None
    version: int


class NoteRead(SQLModel):
    id: int
    deal_id: int
    author_id: int | None
    at: dt.datetime
    body: str


class EventRead(SQLModel):
    id: int
    deal_id: int
    kind: str
    actor_id: int | None
    at: dt.datetime
    from_value: str | None
    to_value: str | None


class BillingChangeRead(SQLModel):
    field: str
    actor_id: int | None
    at: dt.datetime
    from_value: str | None
    to_value: str | None
