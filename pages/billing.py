"""Billing information: partner admins keep their firm's current; staff read it; admins may edit any partner's.
The partner's partner manager is named under the partner's name.

Every change is recorded by partners.update_billing_info and listed below the form.
"""

from __future__ import annotations

import babel
import pandas as pd
import streamlit as st

from pages.components.admin.flash import field_errors
from pages.components.admin.manager import manager_line
from pages.components.frame import FieldErrors, attempt, guard, show_error
from pages.components.frame.access import BILLING_EDITORS
from pages.components.frame.labels import BILLING_OPTION_LABELS, label
from pages.components.frame.links import preset_flag
from pages.components.frame.partner_picker import partner_choice
from pages.components.frame.text import md, md_line
from pages.components.frame.translate import N_, _, date_column_format, language
from partner_model import deals, partners
from partner_model.errors import Conflict
from partner_model.models import BillingOption, PartnerRead, Role, UserRead

FIELDS = {  # translated where shown: _(FIELDS[field])
    "legal_name": N_("Legal name"),
    "vat_id": N_("VAT id"),
    "billing_email": N_("Billing email"),
    "address": N_("Address"),
    "default_billing_option": N_("Default billing option"),
    "iban": N_("IBAN"),
    "bic": N_("BIC"),
    "country": N_("Country"),
}
OPTIONS = [None, *BillingOption]


def pick_partner(user: UserRead) -> int | None:
    """A partner's admin sees their own firm; staff choose one."""
    if not user.is_staff:
        return user.partner_id
    count, error = attempt(lambda s: partners.count_partners(s, user))
    if error is not None:
        show_error(error)
        return None
    if not count:
        st.info(_("There are no partners yet."))
        return None
    preset_flag("without_billing", "billing_missing")  # the admin's work inbox links here with it on
    missing = st.toggle(_("Missing billing information only"), key="billing_missing",
                        help=_("Partners without a legal name, VAT id or billing email"))
    if missing:
        left, error = attempt(lambda s: partners.partner_names(s, user, without_billing=True, limit=1))
        if error is not None:
            show_error(error)
            return None
        if not left:
            st.success(_("Every partner has billing information."))
            return None
    return partner_choice(user, key="billing_partner", preselect=True, without_billing=missing)


def option_label(option: object) -> str:
    # TRANSLATORS: no default billing option has been chosen.
    return label(BILLING_OPTION_LABELS, option, _("Not chosen"))


FILLED_KEY = "billing_filled"  # (partner id, version, values) the open form was filled from
RESULT_KEY = "billing_result"


def _filled(partner: PartnerRead) -> dict[str, object]:
    """What the form shows: the row as it was when the form was first drawn (kept until a save or a conflict)."""
    filled = st.session_state.get(FILLED_KEY)
    if filled is None or filled["partner_id"] != partner.id:
        filled = {"partner_id": partner.id, "version": partner.version,
                  "values": {field: getattr(partner, field) for field in FIELDS}}
        st.session_state[FILLED_KEY] = filled
    return filled


def _refill(partner_id: int) -> None:
    """Forget the form's values, so the next run fills it from the row as it is now."""
    st.session_state.pop(FILLED_KEY, None)
    for field in FIELDS:
        st.session_state.pop(f"{field}_{partner_id}", None)


def _changed(before: dict[str, object], typed: dict[str, object]) -> dict[str, object]:
    """Only the fields the user changed: a save never writes back what someone else changed meanwhile."""
    def same(a: object, b: object) -> bool:
        return (a or None) == (b or None) if not isinstance(a, str) and not isinstance(b, str) else \
            (str(a or "").strip() == str(b or "").strip())
    return {field: value for field, value in typed.items() if not same(before.get(field), value)}


def edit_form(user: UserRead, partner: PartnerRead) -> None:
    """Filled from the row it edits; saves only the changed fields, with the version it was filled from."""
    result = st.session_state.pop(RESULT_KEY, None)
    filled = _filled(partner)
    errors = FieldErrors()
    with st.form(f"billing_{partner.id}"):
        values: dict[str, object] = {}
        for field in ("legal_name", "vat_id", "billing_email"):
            values[field] = st.text_input(_(FIELDS[field]), value=filled["values"][field] or "",
                                          key=f"{field}_{partner.id}")
            errors.slot(field)
        values["address"] = st.text_area(_(FIELDS.get("address", "")), value=filled["values"]["address"] or "",
                                         key=f"address_{partner.id}")
        errors.slot("address")
        option_texts = {o: option_label(o) for o in OPTIONS}  # in this run's language
        values["default_billing_option"] = st.selectbox(
            _(FIELDS.get("default_billing_option", "")), OPTIONS,
            index=OPTIONS.index(filled["values"]["default_billing_option"]),
            format_func=option_texts.__getitem__, key=f"default_billing_option_{partner.id}")
        errors.slot("default_billing_option")
        st.caption(_("Where the vendor pays your commission (payouts)."))
        for field, hint in (("iban", "FI21 1234 5600 0007 85"), ("bic", "NDEAFIHH")):
            values[field] = st.text_input(_(FIELDS[field]), value=filled["values"][field] or "", placeholder=hint,
                                          key=f"{field}_{partner.id}")
            errors.slot(field)
        countries = country_names()
        codes = [None, *countries]
        chosen = filled["values"]["country"]
        values["country"] = st.selectbox(
            _(FIELDS.get("country", "")), codes, index=codes.index(chosen) if chosen in codes else 0,
            format_func=lambda code: countries.get(code, "—"), key=f"country_{partner.id}")
        errors.slot("country")
        submitted = st.form_submit_button(_("Save billing information"), key="billing_save", type="primary")
    if result is not None:
        kind, message = result
        show_error(message) if kind == "error" else st.success(message, icon=":material/check:")
    if not submitted:
        return
    changes = _changed(filled["values"], values)
    if not changes:
        st.info(_("Nothing changed."))
        return
    __, error = attempt(lambda s: partners.update_billing_info(s, user, partner.id,
                                                               expected_version=filled["version"], **changes))
    if isinstance(error, Conflict):  # someone saved meanwhile: show the row as it is now, with the reason
        st.session_state[RESULT_KEY] = ("error", error)
        _refill(partner.id)
        st.rerun()
    elif error is not None:
        field_errors(errors, error)
    else:
        st.session_state[RESULT_KEY] = ("success", _("Billing information saved."))
        _refill(partner.id)
        st.rerun()


def country_names() -> dict[str, str]:
    """Two-letter country codes and their names in the reader's language, by name."""
    names = babel.Locale.parse(language()).territories
    return dict(sorted(((code, f"{name} ({code})") for code, name in names.items()
                        if len(code) == 2 and code.isalpha()), key=lambda pair: pair[1]))


def read_only(partner: PartnerRead) -> None:
    st.caption(_("Only the partner's admins and vendor admins can change it."))
    rows = []
    for field, field_label in FIELDS.items():
        value = getattr(partner, field)
        # st.table renders Markdown in its cells: the partner's own text is escaped, the option's name is ours.
        shown = option_label(value) if field == "default_billing_option" else md(value or "—")
        rows.append({"field": _(field_label), "value": shown})
    st.table(pd.DataFrame(rows).set_index("field"), hide_header=True, border="horizontal")


def history(user: UserRead, partner_id: int) -> None:
    st.subheader(_("Change history"))
    def read(s):  # type: ignore[no-untyped-def]
        changes = partners.billing_history(s, user, partner_id)
        return changes, deals.user_names(s, {c.actor_id for c in changes if c.actor_id is not None})

    result, error = attempt(read)
    if error is not None:
        show_error(error)
        return
    changes, names = result
    if not changes:
        st.info(_("No changes recorded yet."))
        return

    def shown(field: str, value: str | None) -> str:
        return option_label(value) if field == "default_billing_option" else (value or "—")

    at = "when"  # shown by its column_config label
    # TRANSLATORS: a column heading of the billing change history: the value before the change.
    before = _("From")
    # TRANSLATORS: a column heading of the billing change history: the value after the change.
    after = _("To")
    frame = pd.DataFrame([{
        at: c.at, _("Field"): label(FIELDS, c.field), before: shown(c.field, c.from_value),
        after: shown(c.field, c.to_value), _("Changed by"): names.get(c.actor_id, "—"),
    } for c in changes])
    st.dataframe(frame, hide_index=True, width="stretch", column_config={
        at: st.column_config.DatetimeColumn(_("When (UTC)"), format=date_column_format() + " HH:mm")})


def billing_info(user: UserRead) -> PartnerRead | None:
    """The chosen partner's billing information: a form for those who may change it, else a table."""
    partner_id = pick_partner(user)
    if partner_id is None:
        return None
    partner, error = attempt(lambda s: partners.get_partner(s, user, partner_id))
    if error is not None:
        show_error(error)
        return None
    st.subheader(md_line(f"{partner.name} ({partner.domain})"))
    manager_line(partner)
    # Partner admins reach only their own firm here (pick_partner); admins may edit any.
    if user.role in BILLING_EDITORS and (user.role == Role.admin or partner.id == user.partner_id):
        edit_form(user, partner)
    else:
        read_only(partner)
    return partner


user = guard("billing")
st.title(_("Billing"))
left, __ = st.columns([3, 2])  # a form as wide as the screen is hard to read
with left:
    chosen = billing_info(user)
if chosen is not None:
    history(user, chosen.id)
