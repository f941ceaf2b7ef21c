"""The entry and home page: the sign-in form when signed out, the user's own summary when signed in (or, while
their password no longer meets the password rule, the form to choose a new one).

Served by `streamlit run app.py` (st.App: this page plus the sign-in cookie routes); AppTest runs this file.
Pages live in pages/ (Streamlit's page discovery); each guards itself.
"""

from __future__ import annotations

import streamlit as st
from streamlit.errors import StreamlitAuthError

from pages.components.frame import attempt, auth, page_frame, show_error
from pages.components.frame.change_password import change_password_form, password_changed_notice
from pages.components.frame.guard import APP_NAME, open_next_page
from pages.components.frame.invitation import invitation_page
from pages.components.frame.labels import ROLE_LABELS, label
from pages.components.frame.text import md, md_line
from pages.components.frame.translate import _, fmt
from pages.components.inbox import home
from partner_model import partners, rules
from partner_model.errors import AuthError
from partner_model.models import UserRead


def sign_in_form() -> None:
    st.title(_(APP_NAME))
    st.write(_("Sign in to see your customers, deals and commissions."))
    left, __ = st.columns([2, 3])
    with left:
        with st.form("sign_in", border=True):
            email = st.text_input(_("Email"), key="sign_in_email", autocomplete="username")
            password = st.text_input(_("Password"), type="password", key="sign_in_password",
                                     autocomplete="current-password")
            submitted = st.form_submit_button(_("Sign in"), key="sign_in_submit", type="primary")
        st.caption(_("After {failures} failed sign-ins in a row the account is locked for {minutes} minutes; "
                     "an admin can unlock it sooner.").format(failures=fmt().number(rules.MAX_LOCKOUT_FAILURES),
                                                              minutes=fmt().number(rules.LOCKOUT_MINUTES)))
        if submitted and not (email.strip() and password):
            # Enter in the Email field submits the form: not a failed sign-in worth recording.
            st.warning(_("Enter your email and password."), icon=":material/info:")
        elif submitted:
            try:
                user = auth.sign_in(email, password)
            except AuthError as error:
                show_error(error)
            else:
                open_next_page(user)
        if auth.sso_configured():
            single_sign_on()


def single_sign_on() -> None:
    st.divider()
    refused = st.session_state.pop(auth.SSO_REFUSED_KEY, None)
    if refused:
        st.error(refused, icon=":material/person_off:")
        if st.button(_("Sign out of single sign-on"), key="sso_logout"):
            st.logout()
    elif st.button(_("Sign in with single sign-on"), key="sso_login", icon=":material/key:"):
        try:
            st.login()  # redirects to the identity provider; back here, auth.current_user maps the email
        except StreamlitAuthError as error:  # a half-filled [auth] section: say so instead of crashing
            st.error(_("Single sign-on is not set up correctly: {error}").format(error=error), icon=":material/error:")


def signed_in_home(user: UserRead) -> None:
    st.title(_("Welcome, {name}").format(name=md_line(user.name)))
    password_changed_notice()
    who = label(ROLE_LABELS, user.role)
    if user.partner_id is not None:
        partner, error = attempt(lambda s: partners.get_partner(s, user, user.partner_id))
        if error is not None:
            show_error(error)
        elif partner is not None:
            # TRANSLATORS: the signed-in user's role at their partner firm, e.g. "Partner admin at Acme".
            who = _("{role} at {partner}").format(role=who, partner=md(partner.name))
    st.caption(who)
    home.summary(user)


user = page_frame("home")
if user is None:
    if not invitation_page():  # an invitation or password link: set the password first
        sign_in_form()
elif user.must_change_password:
    change_password_form(user)
else:
    signed_in_home(user)
