"""The staff's work inbox on the home page: what waits for a partner manager, finance and an admin, each item a
count (or a week's commission) with a link that opens the page filtered to exactly those rows.

The counts come from partner_model.inbox_queries (a few SQL counts, the same definitions the pages list by).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import streamlit as st

from pages.components.frame.scope import my_partners
from pages.components.frame.translate import _, fmt, ngettext
from pages.components.inbox.tiles import amounts, grid, money, run, section, tile
from pages.components.inbox.won_deals import won_deals
from partner_model import inbox_queries
from partner_model.deal_queries import REVIEW_OVERDUE_BUSINESS_DAYS
from partner_model.inbox_queries import WorkItem
from partner_model.models import UserRead

WEEKS_SHOWN = 8  # finance's weeks to approve shown as tiles; the rest are counted under them


def _number(count: int) -> str:
    return fmt().number(count)


def _by_code(items: list[WorkItem]) -> dict[str, WorkItem]:
    return {item.code: item for item in items}


# --- a partner manager (and an admin) ------------------------------------------------------------------------


def _registrations_waiting(item: WorkItem) -> None:
    overdue, oldest = item.details.get("overdue") or 0, item.details.get("oldest_days")
    if not item.count:
        detail = _("Nothing to review.")
    else:
        late = ngettext("{count} is overdue: waiting more than {days} business days.",
                        "{count} are overdue: waiting more than {days} business days.", overdue).format(
            count=_number(overdue), days=_number(REVIEW_OVERDUE_BUSINESS_DAYS)) if overdue else _("None is overdue.")
        if not oldest:
            age = _("The oldest came in today.")
        else:
            age = ngettext("The oldest has waited {count} day.", "The oldest has waited {count} days.",
                           oldest).format(count=_number(oldest))
        detail = f"{late} {age}"
    tile(_("Registrations waiting for review"), _number(item.count), item.page, _("Open the review queue"), detail,
         filters=item.filters, badge=_("Overdue") if overdue else "")


def _extension_requests(item: WorkItem) -> None:
    detail = (ngettext("{count} trial extension waits for your decision.",
                       "{count} trial extensions wait for your decision.", item.count).format(count=_number(item.count))
              if item.count else _("No extension request waits."))
    tile(_("Trial extension requests"), _number(item.count), item.page, _("Open the extension requests"), detail,
         filters=item.filters)


def _protection_ending(item: WorkItem) -> None:
    days = int(item.details.get("days") or inbox_queries.PROTECTION_ENDING_DAYS)
    soonest = item.details.get("soonest")
    if item.count and isinstance(soonest, dt.date):
        # TRANSLATORS: {date} is a date such as "Dec 3, 2026": when the first accepted registration loses protection.
        detail = _("The first ends on {date}.").format(date=fmt().date(soonest))
    else:
        detail = _("No registration's protection ends soon.")
    title = ngettext("Protection ending within {count} day", "Protection ending within {count} days", days)
    tile(title.format(count=_number(days)), _number(item.count), item.page, _("Open the deal board"), detail,
         filters=item.filters)


def _stale_deals(item: WorkItem) -> None:
    detail = _("Open deals that sat in their stage past its limit.") if item.count else _("None: all deals move.")
    cap = item.details.get("capped")  # counted up to a cap: "1,000+" beyond it
    value = f"{_number(cap)}+" if cap and item.count >= cap else _number(item.count)
    tile(_("Stale deals"), value, item.page, _("Open the pipeline"), detail, filters=item.filters)


MANAGER_TILES: dict[str, Callable[[WorkItem], None]] = {
    "registrations_waiting": _registrations_waiting,
    "extension_requests": _extension_requests,
    "protection_ending": _protection_ending,
    "stale_deals": _stale_deals,
}


def manager_inbox(user: UserRead, today: dt.date, manager_id: int | None = None) -> None:
    """Registrations waiting (overdue, the oldest), extension requests, protections ending, stale deals; then the
    won deals to confirm."""
    items = run(lambda s: inbox_queries.manager_work(s, user, manager_id=manager_id, today=today, refresh=False))
    if items is None:
        return
    known = [item for item in items if item.code in MANAGER_TILES]
    grid([lambda item=item: MANAGER_TILES[item.code](item) for item in known])
    won_deals(user, manager_id)


def partner_manager_home(user: UserRead, today: dt.date) -> None:
    """A partner manager's home: the "My partners only" switch (shared with every page), then their work."""
    manager_id = my_partners(user)
    manager_inbox(user, today, manager_id)


# --- finance (and an admin) ----------------------------------------------------------------------------------


def _week(item: WorkItem) -> None:
    """A week to approve: its commission per currency (payable plus netted), the split, the link to review it."""
    totals: dict[str, dict[str, Any]] = item.details.get("totals") or {}
    payable = {currency: parts["payable"] for currency, parts in totals.items()}
    netted = {currency: parts["netted"] for currency, parts in totals.items()}
    split = ngettext("{count} line: payable {payable}, netted on invoices {netted}",
                     "{count} lines: payable {payable}, netted on invoices {netted}", item.count).format(
        count=_number(item.count), payable=money(payable), netted=money(netted))
    tile(_("Week {week} to approve").format(week=item.filters["week"]), _number(item.count), item.page,
         _("Review the week"), split, filters=item.filters, badge=_("Overdue") if item.details.get("overdue") else "",
         amounts=amounts(inbox_queries.week_commission(totals)))


def _no_week() -> None:
    tile(_("Weeks to approve"), _number(0), "commissions", _("Open commissions"),
         _("Every week with commission lines is approved."))


def _reversals(item: WorkItem) -> None:
    detail = (_("Clawbacks and corrections in weeks not approved yet.") if item.count
              else _("No reversal waits for approval."))
    tile(_("Reversals waiting"), _number(item.count), item.page, _("Open commissions"), detail, filters=item.filters)


def _payouts(item: WorkItem) -> None:
    dues = money({currency: Decimal(cents) / 100 for currency, cents in sorted(item.details["due_cents"].items())})
    if item.code == "payouts_ready":
        title, link = _("Payouts ready for the bank"), _("Open the ready payouts")
        detail = (_("{amounts} to pay: make the SEPA bank file on the Payouts page.").format(amounts=dues)
                  if item.count else _("No payout waits for the bank."))
    else:
        title, link = _("Payouts to confirm"), _("Open the draft payouts")
        detail = (_("{amounts} from approved weeks: confirm them for the bank.").format(amounts=dues)
                  if item.count else _("No payout waits for confirmation."))
    tile(title, _number(item.count), item.page, link, detail, filters=item.filters)


def finance_inbox(user: UserRead, today: dt.date) -> None:
    """Every week with lines not yet approved, oldest first, with its totals per currency; reversals waiting."""
    items = run(lambda s: inbox_queries.finance_work(s, user, today=today))
    if items is None:
        return
    weeks = [item for item in items if item.code == "week_to_approve"]
    others = [item for item in items if item.code == "reversals_waiting"]
    payouts = [item for item in items if item.code.startswith("payouts_")]
    tiles: list[Callable[[], None]] = [lambda item=item: _week(item) for item in weeks[:WEEKS_SHOWN]]
    if not weeks:
        tiles.append(_no_week)
    tiles += [lambda item=item: _reversals(item) for item in others]
    tiles += [lambda item=item: _payouts(item) for item in payouts]
    grid(tiles)
    if len(weeks) > WEEKS_SHOWN:
        more = len(weeks) - WEEKS_SHOWN
        st.caption(ngettext("{count} more week waits for approval: the week picker marks it.",
                            "{count} more weeks wait for approval: the week picker marks them.", more).format(
            count=_number(more)))


# --- an admin --------------------------------------------------------------------------------------------------


def _locked(item: WorkItem) -> None:
    detail = _("Locked after repeated failed sign-ins; unlock them on the Admin page.") if item.count else _(
        "No user is locked.")
    tile(_("Locked users"), _number(item.count), item.page, _("Open the user list"), detail, filters=item.filters)


def _without_manager(item: WorkItem) -> None:
    detail = _("Name a partner manager for each partner.") if item.count else _("Every partner has a manager.")
    tile(_("Partners without a manager"), _number(item.count), item.page, _("Open the partner list"), detail,
         filters=item.filters)


def _without_billing(item: WorkItem) -> None:
    detail = (_("Legal name, VAT id or billing email missing.") if item.count
              else _("Every partner's billing information is complete."))
    tile(_("Partners without billing information"), _number(item.count), item.page, _("Open billing"), detail,
         filters=item.filters)


def _applications(item: WorkItem) -> None:
    detail = (_("Firms that applied to become partners: accept or decline them on the Admin page.") if item.count
              else _("No application waits."))
    tile(_("Partner applications waiting"), _number(item.count), item.page, _("Open the applications"), detail,
         filters=item.filters)


ADMIN_TILES: dict[str, Callable[[WorkItem], None]] = {
    "applications_waiting": _applications,
    "locked_users": _locked,
    "partners_without_manager": _without_manager,
    "partners_without_billing": _without_billing,
}


def admin_home(user: UserRead, today: dt.date) -> None:
    """An admin's own work first (users and partners), then what they may also do: reviews and the weeks."""
    section(_("Users and partners"))
    items = run(lambda s: inbox_queries.admin_work(s, user))
    if items is not None:
        grid([lambda item=item: ADMIN_TILES[item.code](item) for item in items if item.code in ADMIN_TILES])
    section(_("Registrations and deals"))
    manager_inbox(user, today)
    section(_("Commission weeks"))
    finance_inbox(user, today)
