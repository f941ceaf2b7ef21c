"""Administration (admins only): partners with their tier and commission rate, users, and the audit log.

Every change goes through partners.* and users.*, which check the admin role again and audit the change.
"""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import streamlit as st

from pages.components.admin.users import users_section
from pages.components.frame import FieldErrors, attempt, guard, show_error
from pages.components.frame.labels import AUDIT_LABELS, TIER_LABELS, label
from pages.components.frame.partner_picker import partner_choice
from pages.components.frame.text import md
from pages.components.frame.translate import _, date_column_format, fmt, ngettext
from partner_model import deals, partners, rules, users
from partner_model.models import PartnerRead, Tier, UserRead

TIERS = list(Tier)


def tier_texts() -> dict[Tier, str]:
    """The tiers' names made now, in this run's language, for a select box (a format_func that translated later,
    as AppTest does between runs, could write them in another language)."""
    return {t: label(TIER_LABELS, t) for t in TIERS}


def rate_input(key: str) -> float | None:
    return st.number_input(
        _("Commission rate (%)"), min_value=0.0, max_value=100.0, value=None, step=0.5, format="%.2f", key=key,
        help=_("Leave empty to use the tier's rate."))


def as_fraction(percent: float | None) -> Decimal | None:
    """The services take a rate as a fraction: 20 % is Decimal('0.20')."""
    return None if percent is None else Decimal(f"{percent:.2f}") / 100


def rate_text(rate: Decimal) -> str:
    """A commission rate (a fraction) as the reader writes a percentage: "22.5%", "22,5 %"."""
    return fmt().percent(rate, decimals=2)


def partner_list(user: UserRead) -> None:
    search = st.text_input(_("Search partners"), key="partner_search", placeholder=_("Name or domain"))
    result, error = attempt(lambda s: partners.list_partners(s, user, search=search or None))
    if error is not None:
        show_error(error)
        return
    frame, total = result
    if total == 0:
        st.info(_("No partners match.") if search else _("There are no partners yet."))
        return
    shown = frame.assign(
        tier=frame["tier"].map(lambda t: label(TIER_LABELS, t)),
        commission_rate=frame["commission_rate"].map(rate_text),
    )[["id", "name", "domain", "tier", "commission_rate", "legal_name", "billing_email"]]
    st.dataframe(shown, hide_index=True, width="stretch", column_config={
        "id": _("Id"), "name": _("Name"), "domain": _("Domain"), "tier": _("Tier"),
        "commission_rate": _("Commission rate"), "legal_name": _("Legal name"), "billing_email": _("Billing email")})
    if total > len(frame):
        st.caption(ngettext("{total} partner, showing the first {shown}", "{total} partners, showing the first {shown}",
                            total).format(total=fmt().number(total), shown=fmt().number(len(frame))))
    else:
        st.caption(ngettext("{total} partner", "{total} partners", total).format(total=fmt().number(total)))


def create_partner_form(user: UserRead) -> None:
    errors = FieldErrors()
    with st.form("create_partner", clear_on_submit=False):
        st.markdown(_("**Add a partner**"))
        name = st.text_input(_("Partner name"), key="new_partner_name")
        errors.slot("name")
        domain = st.text_input(_("Domain"), key="new_partner_domain", placeholder="example.com")
        errors.slot("domain")
        tier = st.selectbox(_("Tier"), TIERS, format_func=tier_texts().__getitem__, key="new_partner_tier")
        errors.slot("tier")
        percent = rate_input("new_partner_rate")
        errors.slot("commission_rate")
        submitted = st.form_submit_button(_("Add partner"), key="create_partner_submit", type="primary")
    if submitted:
        created, error = attempt(lambda s: partners.create_partner(
            s, name=name, domain=domain, tier=tier, commission_rate=as_fraction(percent), actor=user))
        if error is not None:
            errors.show(error)
        else:
            st.success(_("Partner {name} added with a {rate} rate.").format(
                name=md(created.name), rate=rate_text(created.commission_rate)))


COMMISSION_PENDING_KEY = "commission_pending"  # a tier change waiting for its confirmation


COMMISSION_FILLED_KEY = "commission_filled"  # the partner (id, version, tier, rate) the form was filled from


def _save_commission(user: UserRead, change: dict) -> None:
    st.session_state.pop(COMMISSION_PENDING_KEY, None)
    st.session_state.pop(COMMISSION_FILLED_KEY, None)  # saved or refused: refill from the row as it is now
    changed, error = attempt(lambda s: partners.set_commission(
        s, user, change["partner_id"], tier=change["tier"], commission_rate=change["rate"],
        expected_version=change["version"]))
    st.session_state["commission_result"] = (changed, error)


def commission_form(user: UserRead) -> None:
    """Filled from the partner it edits (tier and rate as they are now); it sends only what the admin changed,
    with the version it showed, and a tier change asks for confirmation first."""
    st.markdown(_("**Change a partner's tier and rate**"))
    partner_id = partner_choice(user, key="commission_partner", preselect=True)
    changed, error = st.session_state.pop("commission_result", (None, None))
    if error is not None:
        show_error(error)
    elif changed is not None:
        # Only words already translated, and punctuation: "Beta Advisors: Platinum, 25%."
        st.success(f"{md(changed.name)}: {label(TIER_LABELS, changed.tier)}, {rate_text(changed.commission_rate)}.")
    if partner_id is None:
        return
    partner, error = attempt(lambda s: partners.get_partner(s, user, partner_id))
    if error is not None:
        show_error(error)
        return
    pending = st.session_state.get(COMMISSION_PENDING_KEY)
    if pending and pending["partner_id"] == partner.id:
        _confirm_tier(user, partner, pending)
        return
    filled = st.session_state.get(COMMISSION_FILLED_KEY)
    if filled is None or filled.id != partner.id:
        filled = st.session_state[COMMISSION_FILLED_KEY] = partner  # kept until saved: what the admin saw
    errors = FieldErrors()
    suffix = f"{filled.id}_{filled.version}"  # a new version (after a save or a conflict) refills the form
    with st.form("set_commission"):
        st.caption(_("Now: {tier}, {rate}.").format(tier=label(TIER_LABELS, filled.tier),
                                                    rate=rate_text(filled.commission_rate)))
        tier = st.selectbox(_("Tier"), TIERS, index=TIERS.index(filled.tier), format_func=tier_texts().__getitem__,
                            key=f"commission_tier_{suffix}")
        errors.slot("tier")
        percent = rate_input(f"commission_rate_{suffix}")
        errors.slot("commission_rate")
        submitted = st.form_submit_button(_("Save tier and rate"), key="set_commission_submit")
    if not submitted:
        return
    change = {"partner_id": filled.id, "version": filled.version, "tier": tier if tier != filled.tier else None,
              "rate": as_fraction(percent)}
    if change["tier"] is None and change["rate"] is None:
        st.info(_("Nothing changed: choose another tier or type a rate."))
    elif change["tier"] is not None:
        st.session_state[COMMISSION_PENDING_KEY] = change
        st.rerun()
    else:
        _save_commission(user, change)
        st.rerun()


def _confirm_tier(user: UserRead, partner: PartnerRead, change: dict) -> None:
    rate = change["rate"] if change["rate"] is not None else rules.TIER_RATES[change["tier"]]
    partner = st.session_state.get(COMMISSION_FILLED_KEY) or partner  # the tier the admin saw
    st.warning(_("Change {partner} from {old} to {new} at {rate}? Their commission on deals won from now on "
                 "follows the new rate.").format(partner=md(partner.name), old=label(TIER_LABELS, partner.tier),
                                                 new=label(TIER_LABELS, change["tier"]), rate=rate_text(rate)),
               icon=":material/help:")
    yes, no = st.columns(2)
    yes.button(_("Yes, change the tier"), key="commission_confirm", type="primary", on_click=_save_commission,
               args=(user, change))
    no.button(_("Cancel"), key="commission_cancel", on_click=lambda: st.session_state.pop(COMMISSION_PENDING_KEY, None))


def audit_section(user: UserRead) -> None:
    def read(s):  # type: ignore[no-untyped-def]
        log = users.audit_log(s, user, limit=200)
        return log, deals.user_names(s, {int(i) for i in log["actor_id"].dropna()})

    result, error = attempt(read)
    if error is not None:
        show_error(error)
        return
    frame, names = result
    if frame.empty:
        st.info(_("Nothing recorded yet."))
        return
    st.caption(_("The newest 200 sign-ins and admin changes."))
    frame = frame.assign(kind=frame["kind"].map(lambda k: label(AUDIT_LABELS, k)),
                         actor_id=frame["actor_id"].map(lambda i: "—" if pd.isna(i) else names.get(int(i), "—")))
    st.dataframe(frame, hide_index=True, width="stretch", column_config={
        "at": st.column_config.DatetimeColumn(_("When (UTC)"), format=date_column_format() + " HH:mm:ss"),
        # TRANSLATORS: a column heading of the audit log: what happened.
        "kind": _("What"),
        "subject": _("Subject"), "detail": _("Detail"),
        # TRANSLATORS: a column heading of the audit log: who did it.
        "actor_id": _("By")})


user = guard("admin")
st.title(_("Admin"))
partners_tab, users_tab, audit_tab = st.tabs([_("Partners"), _("Users"), _("Audit log")])
with partners_tab:
    # Forms first: a change made here shows in the list drawn after it on the same run.
    left, right = st.columns(2)
    with left:
        create_partner_form(user)
    with right:
        commission_form(user)
    partner_list(user)
with users_tab:
    users_section(user)
with audit_tab:
    audit_section(user)
