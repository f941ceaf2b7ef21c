"""The application form of the public page: the firm, its domain and country, the contact, what it does, the
frameworks it works with, the consent to be contacted; a honeypot field people never see. The rules and the abuse
limits are partner_model.applications'; the page only collects and reports.
"""

from __future__ import annotations

import babel
import streamlit as st

from pages.components.frame.data import attempt
from pages.components.frame.errors import FieldErrors, show_error
from pages.components.frame.text import md
from pages.components.frame.translate import _, language
from partner_model import applications, rules
from partner_model.errors import ValidationError

SENT_KEY = "apply_sent"  # the firm's name once the application went through: the page thanks instead
HONEYPOT_KEY = "apply_website"
# The honeypot's box is off-screen for people (and screen readers skip it); a bot filling every field fills it.
HIDE_HONEYPOT = (f"<style>.st-key-{HONEYPOT_KEY} {{position:absolute; left:-10000px; width:1px; height:1px; "
                 "overflow:hidden;}</style>")


def _countries() -> dict[str, str]:
    """ISO 3166 codes -> country names in the reader's language, by name."""
    names = babel.Locale.parse(language()).territories
    codes = [c for c in babel.Locale("en").territories if len(c) == 2 and c.isalpha() and c not in ("ZZ", "EU",
                                                                                                  "EZ", "UN", "QO")]
    return dict(sorted(((c, names.get(c, c)) for c in codes), key=lambda item: item[1]))


def _client() -> str | None:
    """The visitor's network address, for the hourly limit only (never stored)."""
    try:
        return st.context.ip_address
    except Exception:  # noqa: BLE001 - outside a server (AppTest) there is none
        return None


def application_form() -> None:
    """The form, or the thanks once it went through."""
    sent = st.session_state.get(SENT_KEY)
    if sent:
        st.success(_("Thank you: the application of {firm} is with us. We answer by email, usually within a week.")
                   .format(firm=md(sent)), icon=":material/mark_email_read:")
        return
    countries = _countries()
    st.html(HIDE_HONEYPOT)
    slots = FieldErrors()
    with st.form("apply", border=True):
        left, right = st.columns(2)
        with left:
            firm = st.text_input(_("Firm name"), key="apply_firm", max_chars=200)
            slots.slot("firm_name")
            country = st.selectbox(_("Country"), list(countries), index=None, format_func=countries.__getitem__,
                                   key="apply_country", placeholder=_("Choose your country"))
            slots.slot("country")
            email = st.text_input(_("Your email"), key="apply_email", max_chars=254,
                                  help=_("Your work email at the firm's domain."))
            slots.slot("contact_email")
        with right:
            domain = st.text_input(_("Firm domain"), key="apply_domain", max_chars=253, placeholder="example.com")
            slots.slot("domain")
            name = st.text_input(_("Your name"), key="apply_name", max_chars=200)
            slots.slot("contact_name")
            frameworks = st.multiselect(_("Frameworks you work with"), list(rules.FRAMEWORKS),
                                        key="apply_frameworks", placeholder=_("Choose one or more"))
            slots.slot("frameworks")
        about = st.text_area(_("What your firm does"), key="apply_about", max_chars=2000,
                             placeholder=_("Your services, customers and team, in a few sentences"))
        slots.slot("description")
        website = st.text_input("Website", key=HONEYPOT_KEY, label_visibility="collapsed")
        consent = st.checkbox(_("You may contact me about this application"), key="apply_consent")
        slots.slot("consent_to_contact")
        sent_now = st.form_submit_button(_("Send the application"), type="primary", key="apply_submit")
    if not sent_now:
        return
    __, error = attempt(lambda s: applications.submit(
        s, firm_name=firm, domain=domain, country=country, contact_name=name, contact_email=email,
        description=about, frameworks=frameworks, consent_to_contact=consent, language=language(),
        website=website, client=_client()))
    if isinstance(error, ValidationError):
        for each in error.errors:  # each under its own field
            slots.show(each)
        return
    if error is not None:
        show_error(error)
        return
    st.session_state[SENT_KEY] = firm.strip() or "—"  # a dropped (honeypot) one is thanked the same way
    st.rerun()
