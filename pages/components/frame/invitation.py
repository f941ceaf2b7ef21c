"""The one-time set-password link of an invitation (`/?invite=<token>`): the invited colleague chooses a password,
then signs in with it. The token is checked by the service; a used, expired or unknown link says so."""

from __future__ import annotations

import streamlit as st

from pages.components.frame.data import attempt
from pages.components.frame.errors import FieldErrors, show_error
from pages.components.frame.text import md
from pages.components.frame.translate import _
from partner_model import team

TOKEN_KEY = "invitation_token"


def invitation_page() -> bool:
    """Draw the set-password form when the home page was opened from an invitation link; True when it did."""
    token = st.query_params.get("invite") or st.session_state.get(TOKEN_KEY)
    if not token:
        return False
    st.session_state[TOKEN_KEY] = token
    st.title(_("Welcome to the partner program"))
    done = st.session_state.get("invitation_done")
    if done:
        st.success(_("Your password is set. Sign in with {email} and your new password.").format(email=md(done)),
                   icon=":material/check_circle:")
        if st.button(_("Go to sign in"), key="invitation_sign_in"):
            for key in (TOKEN_KEY, "invitation_done"):
                st.session_state.pop(key, None)
            st.query_params.clear()
            st.rerun()
        return True
    invited, error = attempt(lambda s: team.invited_user(s, token))
    if error is not None or invited is None:
        st.error(_("This link is not valid any more: it was used, it expired, or the user was deactivated. Ask "
                   "your partner admin for a new one."), icon=":material/link_off:")
        return True
    st.write(_("Choose the password for {email}.").format(email=md(invited.email)))
    errors = FieldErrors()
    with st.form("invitation_password"):
        first = st.text_input(_("New password"), type="password", key="invitation_password",
                              autocomplete="new-password",
                              help=_("At least 12 characters and hard to guess: a passphrase of unusual words."))
        errors.slot("password")
        again = st.text_input(_("Password again"), type="password", key="invitation_password_again",
                              autocomplete="new-password")
        saved = st.form_submit_button(_("Set my password"), key="invitation_submit", type="primary")
    if saved:
        if first != again:
            st.error(_("The passwords do not match."), icon=":material/error:")
            return True
        user, error = attempt(lambda s: team.accept_invitation(s, token, first))
        if error is not None:
            errors.show(error) if getattr(error, "field", None) else show_error(error)
            return True
        st.session_state["invitation_done"] = user.email
        st.rerun()
    return True
