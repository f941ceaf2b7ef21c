"""The admin page's API tokens tab: create a named token for the product feed (its secret shown once, here, and
never again), see each token's last use, revoke one."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pages.components.admin import flash
from pages.components.frame.data import attempt
from pages.components.frame.errors import FieldErrors, show_error
from pages.components.frame.text import md
from pages.components.frame.translate import _, date_column_format
from partner_model import api_tokens
from partner_model.models import UserRead

_SECRET_KEY = "api_token_secret"  # the new token's secret, for the one run that shows it


def _create_form(user: UserRead) -> None:
    flash.show("create_token")
    secret = st.session_state.pop(_SECRET_KEY, None)
    if secret is not None:
        st.warning(_("Copy the token now: it is shown only this once. The product sends it as "
                     "`Authorization: Bearer <token>`."), icon=":material/key:")
        st.code(secret, language=None)
    errors = FieldErrors()
    with st.form("create_token", border=True):
        name = st.text_input(_("Token name"), key="new_token_name", placeholder=_("e.g. Product EU"),
                             help=_("Who uses the token: the product's instance or region."))
        errors.slot("name")
        submitted = st.form_submit_button(_("Create token"), key="create_token_submit", type="primary")
    if not submitted:
        return
    created, error = attempt(lambda s: api_tokens.create_token(s, user, name))
    if error is not None:
        flash.field_errors(errors, error)
        return
    st.session_state[_SECRET_KEY] = created.secret
    flash.done("create_token", _("Token {name} created.").format(name=md(created.name)), {"new_token_name": ""})


def _state(row: pd.Series) -> str:
    if pd.notna(row["revoked_at"]):
        return _("Revoked")
    # TRANSLATORS: an API token that still works.
    return _("Active")


def tokens_section(user: UserRead) -> None:
    """Create, list and revoke the product feed's API tokens (admins)."""
    st.caption(_("The product sends account facts to this dashboard's API with a token; create one per product "
                 "instance, and revoke a token that leaked or is no longer used."))
    _create_form(user)
    frame, error = attempt(lambda s: api_tokens.list_tokens(s, user))
    if error is not None:
        show_error(error)
        return
    flash.show("revoke_token")
    if frame.empty:
        st.info(_("No API tokens yet."))
        return
    active = {int(r.id): r.name for r in frame.itertuples() if pd.isna(r.revoked_at)}
    if active:
        pick_col, button_col = st.columns([3, 1], vertical_alignment="bottom")
        picked = pick_col.selectbox(_("Token to revoke"), list(active), index=None, key="revoke_token_pick",
                                    format_func=active.__getitem__, placeholder=_("Choose a token"))
        if button_col.button(_("Revoke"), key="revoke_token_submit", disabled=picked is None,
                             icon=":material/block:"):
            __, error = attempt(lambda s: api_tokens.revoke_token(s, user, picked))
            flash.done("revoke_token", error if error is not None else _("Token {name} revoked: requests with it "
                                                                         "are refused from now on.").format(
                name=md(active[picked])), {"revoke_token_pick": None})
    moment = date_column_format() + " HH:mm"
    shown = frame.assign(state=frame.apply(_state, axis=1))
    st.dataframe(shown[["name", "state", "created_by_name", "created_at", "last_used_at", "revoked_at"]],
                 hide_index=True, width="stretch", placeholder="—", column_config={
                     "name": _("Token name"), "state": _("Status"), "created_by_name": _("Created by"),
                     "created_at": st.column_config.DatetimeColumn(_("Created"), format=moment, help=_("UTC")),
                     "last_used_at": st.column_config.DatetimeColumn(_("Last used"), format=moment,
                                                                     help=_("UTC; noted at most once a minute")),
                     "revoked_at": st.column_config.DatetimeColumn(_("Revoked"), format=moment, help=_("UTC"))})
