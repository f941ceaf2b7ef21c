"""The admin page's users tab: list, create, change role / partner / active, reset password, unlock."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pages.components.data import FieldErrors, attempt, show_error
from pages.components.labels import ROLE_LABELS, label
from partner_model import partners, users
from partner_model.models import Role, UserRead

ROLES = list(Role)


def _role_label(role: object) -> str:
    return label(ROLE_LABELS, role)


def _partner_picker(names: dict[int, str], key: str, current: int | None = None) -> int | None:
    options = [None, *names]
    return st.selectbox(
        "Partner", options, index=options.index(current) if current in options else 0, key=key,
        format_func=lambda p: "None (vendor staff)" if p is None else names[p],
        help="Partner users and partner admins belong to a partner; vendor staff to none.")


def create_user_form(user: UserRead, names: dict[int, str]) -> None:
    errors = FieldErrors()
    with st.form("create_user"):
        st.markdown("**Add a user**")
        email = st.text_input("Email", key="new_user_email")
        errors.slot("email")
        name = st.text_input("Name", key="new_user_name")
        errors.slot("name")
        role = st.selectbox("Role", ROLES, format_func=_role_label, key="new_user_role")
        partner_id = _partner_picker(names, "new_user_partner")
        errors.slot("partner_id")
        password = st.text_input("First password", type="password", key="new_user_password",
                                 help="Give it to the user in person; an admin can reset it later.")
        errors.slot("password")
        submitted = st.form_submit_button("Add user", key="create_user_submit", type="primary")
    if submitted:
        created, error = attempt(lambda s: users.create_user(
            s, email=email, name=name, role=role, password=password, partner_id=partner_id, actor=user))
        if error is not None:
            errors.show(error)
        else:
            st.success(f"User {created.email} added as {_role_label(created.role)}.")


def change_user_form(user: UserRead, row: pd.Series, names: dict[int, str]) -> None:
    uid = int(row["id"])
    partner_now = None if pd.isna(row["partner_id"]) else int(row["partner_id"])
    errors = FieldErrors()
    with st.form(f"change_user_{uid}"):
        role = st.selectbox("Role", ROLES, index=ROLES.index(Role(row["role"])), format_func=_role_label,
                            key=f"role_{uid}")
        partner_id = _partner_picker(names, f"partner_{uid}", partner_now)
        errors.slot("partner_id")
        active = st.checkbox("Active (may sign in)", value=bool(row["active"]), key=f"active_{uid}")
        errors.slot("active")
        submitted = st.form_submit_button("Save user", key="change_user_submit")
    if submitted:
        _, error = attempt(lambda s: users.update_user(s, user, uid, role=role, partner_id=partner_id, active=active))
        errors.show(error) if error is not None else st.success("User saved.")


def password_and_lock(user: UserRead, row: pd.Series) -> None:
    uid = int(row["id"])
    errors = FieldErrors()
    with st.form(f"reset_password_{uid}", clear_on_submit=True):
        password = st.text_input("New password", type="password", key=f"new_password_{uid}")
        errors.slot("password")
        reset = st.form_submit_button("Reset password", key="reset_password_submit")
    if reset:
        _, error = attempt(lambda s: users.reset_password(s, user, uid, password))
        errors.show(error) if error is not None else st.success("Password reset; any lock is cleared.")
    if pd.notna(row["locked_until"]):
        st.warning(f"Locked until {row['locked_until']:%Y-%m-%d %H:%M} UTC after repeated failed sign-ins.")
    if st.button("Unlock", key="unlock_user", disabled=pd.isna(row["locked_until"])):
        _, error = attempt(lambda s: users.unlock(s, user, uid))
        show_error(error) if error is not None else st.success("Unlocked.")


def users_section(user: UserRead) -> None:
    names, error = attempt(lambda s: partners.partner_names(s, user))
    if error is not None:
        show_error(error)
        return
    left, right = st.columns(2)
    with left:
        create_user_form(user, names)
    frame, error = attempt(lambda s: users.list_users(s, user))
    if error is not None:
        show_error(error)
        return
    with right:
        st.markdown("**Change a user**")
        picked = st.selectbox("User", frame["id"].tolist(), key="picked_user", index=None, placeholder="Choose a user",
                              format_func=lambda i: "{name} <{email}>".format(**frame.set_index("id").loc[i]))
        if picked is not None:
            row = frame.set_index("id").loc[picked].copy()
            row["id"] = picked
            change_user_form(user, row, names)
            password_and_lock(user, row)
    shown = frame.assign(role=frame["role"].map(_role_label))
    st.dataframe(shown.drop(columns=["partner_id"]), hide_index=True, width="stretch", column_config={
        "id": "Id", "email": "Email", "name": "Name", "role": "Role", "partner_name": "Partner",
        "active": "Active", "locked_until": "Locked until", "language": "Language"})
