"""The deal registration form: every bad field gets its message under it at once, and a refused registration writes
nothing. Before submitting, it warns when the customer is already registered (by the partner, or held or pending for
another partner, never named) or already a customer; the partner may still register.

Not an st.form: the customer domain is previewed while the contact email is typed (a live input in a fragment), a
free-mail email asks for the customer's company domain, and the warnings follow what is typed.
The register button runs in a callback, so a success can empty the inputs before they are drawn again.
"""

from __future__ import annotations

import streamlit as st

from pages.components.frame import FieldErrors, attempt
from pages.components.frame.labels import REVIEW_LABELS, label
from pages.components.frame.partner_picker import partner_choice
from pages.components.frame.text import md
from pages.components.frame.translate import _, fmt, typed_number
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
CUSTOMER_DOMAIN_KEY = "register_customer_domain"  # asked only when the contact writes from a free-mail domain
SUBMIT_KEY = "register_submit"
ERROR_KEY = "register_error"  # the last refusal, shown under its field until the next attempt
CREATED_KEY = "register_created"  # the deal just registered, shown above an emptied form
CLEARED_ON_SUCCESS = (NAME_KEY, EMAIL_KEY, CUSTOMER_DOMAIN_KEY, COMPANY_KEY, VALUE_KEY, FRAMEWORK_KEY, NOTE_KEY)


def customer_domain_preview(email: str | None) -> str | None:
    """What the customer domain will be: the part after the last @, lower-cased; None until there is one."""
    if not email or "@" not in email:
        return None
    domain = email.rsplit("@", 1)[1].strip().lower()
    return domain or None


def _free_mail(domain: str | None) -> bool:
    return bool(domain) and rules.is_free_mail(domain)  # type: ignore[arg-type]


def _customer_domain() -> str | None:
    """The customer domain typed for a free-mail contact; None while the contact's own domain is the customer's."""
    if not _free_mail(customer_domain_preview(st.session_state.get(EMAIL_KEY))):
        return None
    return st.session_state.get(CUSTOMER_DOMAIN_KEY) or None


@st.fragment
def _email_with_preview(user: UserRead, errors: FieldErrors) -> None:
    # A fragment: typing reruns only the email, its preview and the warnings, not the whole page.
    st.text_input(_("Contact email"), key=EMAIL_KEY, live=True, autocomplete="off", max_chars=254,
                  # TRANSLATORS: an example email address; keep it a valid address (ASCII, one @).
                  placeholder=_("name@customer-company.com"),
                  help=_("The customer contact's work email, never your own: its domain identifies the customer."))
    errors.slot("contact_email")
    domain = customer_domain_preview(st.session_state.get(EMAIL_KEY))
    if _free_mail(domain):
        st.caption(_("{domain} is a free-mail domain, which identifies no company: enter the customer's company "
                     "domain.").format(domain=md(domain)))
        st.text_input(_("Customer's company domain"), key=CUSTOMER_DOMAIN_KEY, live=True, max_chars=253,
                      placeholder="customer-company.com",
                      help=_("The domain of the customer's company, e.g. its website's: it identifies the customer."))
        errors.slot("customer_domain")
    elif domain:
        st.caption(_("Customer domain: **{domain}**").format(domain=md(domain)))
    else:
        st.caption(_("The customer domain appears here as you type the email."))
    _warnings(user)


def _warnings(user: UserRead) -> None:
    """What the partner should know before registering this customer; they may still register."""
    email = st.session_state.get(EMAIL_KEY) or ""
    if "@" not in email:
        return
    partner_id = st.session_state.get(PARTNER_KEY) if user.is_staff else None
    found, __ = attempt(lambda s: deals.registration_warnings(
        s, user, contact_email=email, customer_domain=_customer_domain(), partner_id=partner_id))
    if found:
        lines = [f"- {warning_text(w, user.is_staff)}" for w in found]
        st.warning("\n".join([*lines, "", _("You can still register the deal: vendor staff decide when they review "
                                             "it.")]), icon=":material/warning:")


def warning_text(warning: dict, staff: bool = False) -> str:
    """One registration warning in words: when and in what state, never the other partner's name."""
    on = warning.get("registered_on")
    values = {"date": fmt().date(on) if on else "—", "status": label(REVIEW_LABELS, warning.get("review_status"))}
    kind = warning.get("kind")
    if kind == "own_registration":
        if staff:
            # TRANSLATORS: a warning before registering a deal: the chosen partner registered the customer already.
            return _("This partner already registered this customer on {date} (review status: {status}).").format(
                **values)
        # TRANSLATORS: a warning before registering a deal: the partner's own earlier registration of the customer.
        return _("You already registered this customer on {date} (review status: {status}).").format(**values)
    if kind == "other_partner":
        until = warning.get("protected_until")
        if warning.get("review_status") == "accepted" and until:
            # TRANSLATORS: a warning before registering a deal; the other partner is never named.
            return _("Another partner registered this customer on {date}; it is accepted and protected until "
                     "{until}.").format(until=fmt().date(until), **values)
        # TRANSLATORS: a warning before registering a deal; the other partner is never named.
        return _("Another partner registered this customer on {date}; it waits for review.").format(**values)
    if kind == "existing_customer":
        # TRANSLATORS: a warning before registering a deal: the customer's domain already has an account.
        return _("{domain} is already a customer: a registration for an existing customer is usually denied.").format(
            domain=md(warning.get("domain") or "—"))
    return md(kind)


def _submit(user: UserRead, staff: bool) -> None:
    """The button's callback: register, then keep either the refusal or the new deal for the run that follows."""
    state = st.session_state
    state.pop(CREATED_KEY, None)
    created, error = attempt(lambda s: deals.register_deal(
        s, user, contact_name=state.get(NAME_KEY, ""), contact_email=state.get(EMAIL_KEY, ""),
        company_name=state.get(COMPANY_KEY, ""), annual_value=typed_number(state.get(VALUE_KEY, "")),
        currency=state.get(CURRENCY_KEY) or "EUR", framework=state.get(FRAMEWORK_KEY),
        note=state.get(NOTE_KEY) or None, partner_id=state.get(PARTNER_KEY) if staff else None,
        customer_domain=_customer_domain()))
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
    _email_with_preview(user, errors)
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
    for each in getattr(error, "errors", None) or ([error] if error is not None else []):
        errors.show(each)  # every bad field at once, each under its own input


def created_deal() -> DealRead | None:
    """The deal this form registered last, if the user has not started another."""
    return st.session_state.get(CREATED_KEY)
