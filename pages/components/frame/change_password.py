"""Choosing a new password: what the home page shows a user whose password no longer meets the password rule
(users.change_own_password), until they have chosen one."""

from __future__ import annotations

import streamlit as st

from pages.components.frame import auth
from pages.components.frame.data import attempt
from pages.components.frame.errors import FieldErrors
from pages.components.frame.translate import _, fmt
from partner_model import rules, users
from partner_model.models import UserRead

CHANGED_KEY = "password_changed"


def password_changed_notice() -> None:
    """Say once, after the change, that it worked."""
    if st.session_state.pop(CHANGED_KEY, False):
        st.success(_("Your password is changed. Your other sign-ins have been signed out."),
                   icon=":material/check_circle:")


def change_password_form(user: UserRead) -> None:
    st.title(_("Choose a new password"))
    st.warning(_("Your password no longer meets the password rule: at least {count} characters and hard to guess. "
                 "Choose a new one to continue.").format(count=fmt().number(rules.MIN_PASSWORD_LENGTH)),
               icon=":material/password:")
    left, __ = st.columns([2, 3])
    with left:
        errors = FieldErrors()
        with st.form("change_password", border=True):
            current = st.text_input(_("Current password"), type="password", key="current_password",
                                    autocomplete="current-password")
            errors.slot("current")
            new = st.text_input(_("New password"), type="password", key="changed_password",
                                autocomplete="new-password")
            errors.slot("password")
            again = st.text_input(_("New password again"), type="password", key="changed_password_again",
                                  autocomplete="new-password")
            mismatch = st.empty()
            submitted = st.form_submit_button(_("Change password"), key="change_password_submit", type="primary")
        st.caption(_("A longer passphrase of unusual words passes, for example four words that do not belong "
                     "together. Avoid your name, your email, common passwords and keyboard patterns."))
    if not submitted:
        return
    if new != again:
        mismatch.error(_("The two new passwords differ."), icon=":material/error:")
        return
    __, error = attempt(lambda s: users.change_own_password(s, user, current=current, new=new,
                                                            keep_session_id=auth.current_session_id()))
    if error is not None:
        errors.show(error)
        return
    st.session_state[CHANGED_KEY] = True
    st.rerun()
