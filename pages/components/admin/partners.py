"""The admin page's partners tab: the list (with each partner's manager), adding a partner, and changing one
partner's tier, rate and partner manager.

Both change forms are filled from the partner as the admin first saw it (kept in session state) and send that
version, so a change someone else saved meanwhile is refused (Conflict) instead of overwritten.
"""

from __future__ import annotations

from decimal import Decimal

import streamlit as st

from pages.components.admin import flash
from pages.components.admin.manager import manager_form
from pages.components.frame.data import attempt
from pages.components.frame.errors import FieldErrors, show_error
from pages.components.frame.labels import TIER_LABELS, label
from pages.components.frame.links import preset_flag
from pages.components.frame.partner_picker import partner_choice
from pages.components.frame.text import md
from pages.components.frame.translate import _, fmt, ngettext
from partner_model import partners, rules
from partner_model.models import PartnerRead, Tier, UserRead

TIERS = list(Tier)
NEW_PARTNER_EMPTY = {"new_partner_name": "", "new_partner_domain": "", "new_partner_tier": Tier.registered,
                     "new_partner_rate": None}  # the add-partner form as it starts
PENDING_KEY = "commission_pending"  # a tier change waiting for its confirmation
FILLED_KEY = "admin_partner_filled"  # the partner (PartnerRead) as the change forms were filled from it


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
    """Partners by name, found by name or domain; "without a partner manager" (?unmanaged=1 from the admin's work
    inbox ticks it once) lists the ones to give a manager."""
    preset_flag("unmanaged", "partner_unmanaged")
    search_col, unmanaged_col = st.columns([3, 1], vertical_alignment="bottom")
    search = search_col.text_input(_("Search partners"), key="partner_search", placeholder=_("Name or domain"))
    unmanaged = unmanaged_col.toggle(_("Without a partner manager"), key="partner_unmanaged")
    result, error = attempt(lambda s: partners.list_partners(s, user, search=search or None,
                                                             without_manager=unmanaged))
    if error is not None:
        show_error(error)
        return
    frame, total = result
    if total == 0:
        st.info(_("No partners match.") if search or unmanaged else _("There are no partners yet."))
        return
    shown = frame.assign(
        tier=frame["tier"].map(lambda t: label(TIER_LABELS, t)),
        commission_rate=frame["commission_rate"].map(rate_text),
    )[["id", "name", "domain", "tier", "commission_rate", "manager_name", "legal_name", "billing_email"]]
    st.dataframe(shown, hide_index=True, width="stretch", placeholder="—", column_config={
        "id": _("Id"), "name": _("Name"), "domain": _("Domain"), "tier": _("Tier"),
        "commission_rate": _("Commission rate"), "manager_name": _("Partner manager"), "legal_name": _("Legal name"),
        "billing_email": _("Billing email")})
    if total > len(frame):
        st.caption(ngettext("{total} partner, showing the first {shown}", "{total} partners, showing the first {shown}",
                            total).format(total=fmt().number(total), shown=fmt().number(len(frame))))
    else:
        st.caption(ngettext("{total} partner", "{total} partners", total).format(total=fmt().number(total)))


def create_partner_form(user: UserRead) -> None:
    """Adds a partner; after a success the form is empty again and the message stays above it."""
    st.markdown(_("**Add a partner**"))
    flash.show("create_partner")
    errors = FieldErrors()
    with st.form("create_partner"):
        name = st.text_input(_("Partner name"), key="new_partner_name")
        errors.slot("name")
        domain = st.text_input(_("Domain"), key="new_partner_domain", placeholder="example.com")
        errors.slot("domain")
        tier = st.selectbox(_("Tier"), TIERS, format_func=tier_texts().__getitem__, key="new_partner_tier")
        errors.slot("tier")
        percent = rate_input("new_partner_rate")
        errors.slot("commission_rate")
        submitted = st.form_submit_button(_("Add partner"), key="create_partner_submit", type="primary")
    if not submitted:
        return
    created, error = attempt(lambda s: partners.create_partner(
        s, name=name, domain=domain, tier=tier, commission_rate=as_fraction(percent), actor=user))
    if error is not None:
        flash.field_errors(errors, error)
        return
    flash.done("create_partner", _("Partner {name} added with a {rate} rate.").format(
        name=md(created.name), rate=rate_text(created.commission_rate)), NEW_PARTNER_EMPTY)


def _forget_filled() -> None:
    """Saved or refused: the next run fills the forms from the partner as it is now."""
    st.session_state.pop(FILLED_KEY, None)
    st.session_state.pop(PENDING_KEY, None)


def _save_commission(user: UserRead, change: dict) -> None:
    _forget_filled()
    changed, error = attempt(lambda s: partners.set_commission(
        s, user, change["partner_id"], tier=change["tier"], commission_rate=change["rate"],
        expected_version=change["version"]))
    # Only words already translated, and punctuation: "Beta Advisors: Platinum, 25%."
    flash.keep("partner", error if error is not None else
               f"{md(changed.name)}: {label(TIER_LABELS, changed.tier)}, {rate_text(changed.commission_rate)}.")


def partner_editor(user: UserRead) -> None:
    """One partner, picked: its tier and rate, then its partner manager."""
    st.markdown(_("**Change a partner**"))
    partner_id = partner_choice(user, key="commission_partner", preselect=True)
    flash.show("partner")
    if partner_id is None:
        return
    partner, error = attempt(lambda s: partners.get_partner(s, user, partner_id))
    if error is not None:
        show_error(error)
        return
    filled = st.session_state.get(FILLED_KEY)
    if filled is None or filled.id != partner.id:
        filled = st.session_state[FILLED_KEY] = partner  # kept until saved: what the admin saw
    pending = st.session_state.get(PENDING_KEY)
    if pending and pending["partner_id"] == filled.id:
        _confirm_tier(user, filled, pending)
    else:
        commission_form(user, filled)
    manager_form(user, filled, on_done=_forget_filled)


def commission_form(user: UserRead, filled: PartnerRead) -> None:
    """Sends only what the admin changed, with the version it showed; a tier change asks for confirmation first."""
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
        st.session_state[PENDING_KEY] = change
        st.rerun()
    else:
        _save_commission(user, change)
        st.rerun()


def _confirm_tier(user: UserRead, partner: PartnerRead, change: dict) -> None:
    rate = change["rate"] if change["rate"] is not None else rules.TIER_RATES[change["tier"]]
    st.warning(_("Change {partner} from {old} to {new} at {rate}? Their commission on deals won from now on "
                 "follows the new rate.").format(partner=md(partner.name), old=label(TIER_LABELS, partner.tier),
                                                 new=label(TIER_LABELS, change["tier"]), rate=rate_text(rate)),
               icon=":material/help:")
    yes, no = st.columns(2)
    yes.button(_("Yes, change the tier"), key="commission_confirm", type="primary", on_click=_save_commission,
               args=(user, change))
    no.button(_("Cancel"), key="commission_cancel", on_click=lambda: st.session_state.pop(PENDING_KEY, None))


def partners_section(user: UserRead) -> None:
    # Forms first: a change made here shows in the list drawn after it on the same run.
    left, right = st.columns(2)
    with left:
        create_partner_form(user)
    with right:
        partner_editor(user)
    partner_list(user)
