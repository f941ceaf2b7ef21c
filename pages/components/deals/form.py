"""The deal registration form: each bad field gets its message under it, and a refused registration writes nothing.

Not an st.form: the customer domain is previewed while the contact email is typed (a live input in a fragment).
The register button runs in a callback, so a success can empty the inputs before they are drawn again.
"""

from __future__ import annotations

import streamlit as st

from pages.components.frame import FieldErrors, attempt
from pages.components.frame.partner_picker import partner_choice
from pages.components.frame.text import md
from pages.components.frame.translate import _, typed_number
from partner_model import deals, rules
from partner_model.errors import DomainError
from partner_model.models import DealRead, UserRead

PARTNER_KEY = "register_partner"
NAME_KEY = "register_contact_name"
EMAIL_KEY = "register_contact_email"
COMPANY_KEY = "register_company"
VALUE_KEY = "register_value"
CURRENCY_KEY = "register_currency"
FRAMEWORK_KEY = "register_framework"
NOTE_KEY = "register_note"
SUBMIT_KEY = "register_submit"
ERROR_KEY = "register_error"  # the last refusal, shown under its field until the next attempt
CREATED_KEY = "register_created"  # the deal just registered, shown above an emptied form
CLEARED_ON_SUCCESS = (NAME_KEY, EMAIL_KEY, COMPANY_KEY, VALUE_KEY, FRAMEWORK_KEY, NOTE_KEY)


def customer_domain_preview(email: str | None) -> str | None:
    """What the customer domain will be: the part after the last @, lower-cased; None until there is one."""
    if not email or "@" not in email:
        return None
    domain = email.rsplit("@", 1)[1].strip().lower()
    return domain or None


@st.fragment
def _email_with_preview() -> None:
    # A fragment: typing reruns only the email and its preview, not the whole page.
    st.text_input(_("Contact email"), key=EMAIL_KEY, live=True, autocomplete="off", max_chars=254,
                  # TRANSLATORS: an example email address; keep it a valid address (ASCII, one @).
                  placeholder=_("name@customer-company.com"),
                  help=_("The customer contact's work email, never your own: its domain identifies the customer."))
    domain = customer_domain_preview(st.session_state.get(EMAIL_KEY))
    if domain:
        st.caption(_("Customer domain: **{domain}**").format(domain=md(domain)))
    else:
        st.caption(_("The customer domain appears here as you type the email."))


def _submit(user: UserRead, staff: bool) -> None:
    """The button's callback: register, then keep either the refusal or the new deal for the run that follows."""
    state = st.session_state
    state.pop(CREATED_KEY, None)
    created, error = attempt(lambda s: deals.register_deal(
        s, user, contact_name=state.get(NAME_KEY, ""), contact_email=state.get(EMAIL_KEY, ""),
        company_name=state.get(COMPANY_KEY, ""), annual_value=typed_number(state.get(VALUE_KEY, "")),
        currency=state.get(CURRENCY_KEY) or "EUR", framework=state.get(FRAMEWORK_KEY),
        note=state.get(NOTE_KEY) or None, partner_id=state.get(PARTNER_KEY) if staff else None))
    state[ERROR_KEY] = error
    if created is not None:
        state[CREATED_KEY] = created
        for key in CLEARED_ON_SUCCESS:  # an empty form for the next deal (set, not removed: the browser follows)
            state[key] = None if key == FRAMEWORK_KEY else ""


def registration_form(user: UserRead) -> None:
    """The form; staff also choose the partner they register the deal for."""
    errors = FieldErrors()
    if user.is_staff:
        partner_choice(user, key=PARTNER_KEY, placeholder=_("Choose the partner (type to search)"),
                       help=_("Vendor staff register a deal on a partner's behalf."))
        errors.slot("partner_id")
    st.text_input(_("Contact name"), key=NAME_KEY, max_chars=200, autocomplete="off",
                  help=_("The customer's contact person, never your own name."))
    errors.slot("contact_name")
    _email_with_preview()
    errors.slot("contact_email")
    st.text_input(_("Company"), key=COMPANY_KEY, max_chars=200, help=_("The customer's company name."))
    errors.slot("company_name")
    value_column, currency_column = st.columns([3, 1])
    with value_column:
        st.text_input(_("Expected annual value"), key=VALUE_KEY, placeholder="12000",
                      # TRANSLATORS: the field takes the language's own decimal mark, and a point in every language.
                      help=_("The first year's subscription value, e.g. 12000 or 12000.50."))
        errors.slot("annual_value")
    with currency_column:
        st.selectbox(_("Currency"), rules.CURRENCIES, key=CURRENCY_KEY)
        errors.slot("currency")
    st.selectbox(_("Main framework"), rules.FRAMEWORKS, index=None, key=FRAMEWORK_KEY, accept_new_options=True,
                 placeholder=_("Choose or type a framework (optional)"))
    errors.slot("framework")
    st.text_area(_("Note"), key=NOTE_KEY, max_chars=2000,
                 placeholder=_("Optional: what the customer needs, next steps"))
    errors.slot("note")
    st.button(_("Register the deal"), key=SUBMIT_KEY, type="primary", icon=":material/add_business:",
              on_click=_submit, args=(user, user.is_staff))
    error: DomainError | None = st.session_state.get(ERROR_KEY)
    if error is not None:
        errors.show(error)


def created_deal() -> DealRead | None:
    """The deal this form registered last, if the user has not started another."""
    return st.session_state.get(CREATED_KEY)
