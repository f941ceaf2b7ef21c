"""The "Create a trial" form: every bad field gets its message under it at once, and a refused trial writes nothing."""

from __future__ import annotations

import streamlit as st

from pages.components.customers.details import flash, open_account
from pages.components.frame import FieldErrors, attempt
from pages.components.frame.partner_picker import partner_choice
from pages.components.frame.text import md
from pages.components.frame.translate import _, fmt
from partner_model import customers, rules
from partner_model.models import Role, UserRead

CREATE_ROLES = frozenset({Role.partner_user, Role.partner_admin, Role.partner_manager, Role.admin})
EXPANDED_KEY = "customers_new_open"  # keep the form open after a refused submit
INPUT_KEYS = ("customers_new_name", "customers_new_domain", "customers_new_framework", "customers_new_partner")


def may_create(user: UserRead) -> bool:
    return user.role in CREATE_ROLES


def create_trial_form(user: UserRead) -> None:
    """The form; staff also choose the partner the trial belongs to."""
    with st.expander(_("Create a trial"), icon=":material/add_circle:",
                     expanded=bool(st.session_state.get(EXPANDED_KEY))):
        if user.is_staff:
            linked = _("A {days}-day trial, linked to the partner you choose.")
        else:
            linked = _("A {days}-day trial, linked to your partner.")
        st.caption(linked.format(days=fmt().number(rules.TRIAL_DAYS)))
        errors = FieldErrors()
        with st.form("customers_new_trial", border=False):
            company = st.text_input(_("Company name"), key="customers_new_name", max_chars=200)
            errors.slot("company_name")
            domain = st.text_input(_("Domain"), placeholder="customer.com", key="customers_new_domain",
                                   help=_("The customer's own domain: it identifies the customer."))
            errors.slot("domain")
            framework = st.selectbox(_("Main framework"), rules.FRAMEWORKS, index=None,
                                     key="customers_new_framework", placeholder=_("Choose a framework"),
                                     accept_new_options=True)
            errors.slot("framework")
            partner_id = None
            if user.is_staff:
                partner_id = partner_choice(user, key="customers_new_partner",
                                            placeholder=_("Choose the partner (type to search)"))
                errors.slot("partner_id")
            submitted = st.form_submit_button(_("Create the trial"), key="customers_new_submit", type="primary")
        if not submitted:
            return
        created, error = attempt(lambda s: customers.create_trial(
            s, user, company_name=company, domain=domain, framework=framework, partner_id=partner_id))
        if error is not None or created is None:
            st.session_state[EXPANDED_KEY] = True
            for each in getattr(error, "errors", None) or ([error] if error is not None else []):
                errors.show(each)  # every bad field at once, each under its own input
            return
    st.session_state[EXPANDED_KEY] = False
    for key in INPUT_KEYS:  # an empty form for the next trial
        st.session_state.pop(key, None)
    flash(_("The trial of {name} ({domain}) was created; it runs until {date}.").format(
        name=md(created.name), domain=md(created.domain), date=fmt().date(created.trial_ends_on)))
    open_account(created.id)
    st.rerun()
