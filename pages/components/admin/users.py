"""The admin page's users tab: list, create, change role / partner / active, reset password, unlock, and see and
end a user's sign-in sessions."""

from __future__ import annotations

import hashlib
import math

import pandas as pd
import streamlit as st

from pages.components.admin import flash
from pages.components.frame.data import attempt
from pages.components.frame.errors import FieldErrors, show_error
from pages.components.frame.labels import ROLE_LABELS, label
from pages.components.frame.links import preset_flag
from pages.components.frame.partner_picker import partner_choice
from pages.components.frame.text import md
from pages.components.frame.translate import _, date_column_format, fmt, ngettext
from partner_model import rules, sign_in_sessions, users
from partner_model.errors import Conflict, DomainError
from partner_model.i18n import LANGUAGE_NAMES
from partner_model.models import Role, UserRead

ROLES = list(Role)
NEW_USER_EMPTY = {"new_user_role": Role.partner_user, "new_user_email": "", "new_user_name": "",
                  "new_user_password": ""}  # the add-user form as it starts (its partner picker: _new_partner_key)
_ADDED_KEY = "new_user_added"  # how many users this session added
USERS_PAGE_SIZE = 50


def _new_partner_key() -> str:
    """The add-user form's partner picker, under a new key after each user added, so the browser draws it empty
    again (frame's picker drops a None value from the session state rather than sending it to the browser)."""
    added = st.session_state.get(_ADDED_KEY, 0)
    return "new_user_partner" if not added else f"new_user_partner_{added}"


def _role_label(role: object) -> str:
    return label(ROLE_LABELS, role)


def _role_texts() -> dict[Role, str]:
    """The roles' names made now, in this run's language, for a select box (a format_func that translated
    later, as AppTest does between runs, could write them in another language)."""
    return {r: _role_label(r) for r in ROLES}


def _language_name(code: object) -> str:
    """A user's language named in itself ("Suomi"); none picked yet: their browser's language applies."""
    if code is None or pd.isna(code):
        return _("Browser's language")
    return LANGUAGE_NAMES.get(str(code), str(code))


def _partner_picker(user: UserRead, key: str, current: int | None = None) -> int | None:
    return partner_choice(user, key=key, everyone=_("No partner (vendor staff)"), current=current,
                          help=_("Partner users and partner admins belong to a partner; vendor staff to none."))


def create_user_form(user: UserRead) -> None:
    """The role comes first and decides the rest: a partner's role asks for its partner (none preselected), a
    vendor staff role shows no partner at all, so the form never starts with a role and a partner that disagree.
    After a success the form is empty again and the message stays above it."""
    st.markdown(_("**Add a user**"))
    flash.show("create_user")
    errors = FieldErrors()
    with st.container(border=True):
        role = st.selectbox(_("Role"), ROLES, format_func=_role_texts().__getitem__, key="new_user_role")
        errors.slot("role")
        partner_id = None  # outside the form: it follows the role at once, and its search works as typed
        if role in rules.PARTNER_ROLES:
            partner_id = partner_choice(user, key=_new_partner_key(),
                                        help=_("Partner users and partner admins belong to a partner."))
        else:
            st.caption(_("Vendor staff belong to no partner."))
        errors.slot("partner_id")
        with st.form("create_user", border=False):
            email = st.text_input(_("Email"), key="new_user_email")
            errors.slot("email")
            name = st.text_input(_("Name"), key="new_user_name")
            errors.slot("name")
            password = st.text_input(_("First password"), type="password", key="new_user_password",
                                     help=_("Give it to the user in person; an admin can reset it later."))
            errors.slot("password")
            submitted = st.form_submit_button(_("Add user"), key="create_user_submit", type="primary")
    if not submitted:
        return
    created, error = attempt(lambda s: users.create_user(
        s, email=email, name=name, role=role, password=password, partner_id=partner_id, actor=user))
    if error is not None:
        flash.field_errors(errors, error)
        return
    st.session_state.pop(_new_partner_key(), None)
    st.session_state[_ADDED_KEY] = st.session_state.get(_ADDED_KEY, 0) + 1
    flash.done("create_user", _("User {email} added as {role}.").format(
        email=md(created.email), role=_role_label(created.role)), NEW_USER_EMPTY)


def _forget_form(uid: int) -> None:
    """After a save or a refusal the form refills from the user as stored now."""
    for key in (f"user_version_{uid}", f"role_{uid}", f"partner_{uid}", f"active_{uid}"):
        st.session_state.pop(key, None)


def change_user_form(user: UserRead, row: pd.Series) -> None:
    """Filled from the user it edits; a save carries the version the form was filled from."""
    uid = int(row["id"])
    version = st.session_state.setdefault(f"user_version_{uid}", int(row["version"]))
    result = st.session_state.pop(f"user_result_{uid}", None)
    if result is not None:
        show_error(result) if isinstance(result, DomainError) else st.success(result)
    partner_now = None if pd.isna(row["partner_id"]) else int(row["partner_id"])
    errors = FieldErrors()
    with st.form(f"change_user_{uid}"):
        role = st.selectbox(_("Role"), ROLES, index=ROLES.index(Role(row["role"])),
                            format_func=_role_texts().__getitem__,
                            key=f"role_{uid}")
        partner_id = _partner_picker(user, f"partner_{uid}", partner_now)
        errors.slot("partner_id")
        active = st.checkbox(_("Active (may sign in)"), value=bool(row["active"]), key=f"active_{uid}")
        errors.slot("active")
        submitted = st.form_submit_button(_("Save user"), key="change_user_submit")
    if submitted:
        __, error = attempt(lambda s: users.update_user(s, user, uid, role=role, partner_id=partner_id,
                                                        active=active, expected_version=version))
        if error is not None and not isinstance(error, Conflict):
            flash.field_errors(errors, error)
            return
        st.session_state[f"user_result_{uid}"] = error if error is not None else _("User saved.")
        _forget_form(uid)
        st.rerun()


def password_and_lock(user: UserRead, row: pd.Series) -> None:
    """Reset the password, or unlock. Both clear the lock: after either the page is drawn again from the user as
    stored now, so no "Locked until" warning stays beside the success."""
    uid = int(row["id"])
    flash.show(f"lock_{uid}")
    errors = FieldErrors()
    with st.form(f"reset_password_{uid}"):
        password = st.text_input(_("New password"), type="password", key=f"new_password_{uid}")
        errors.slot("password")
        reset = st.form_submit_button(_("Reset password"), key="reset_password_submit")
    if reset:
        __, error = attempt(lambda s: users.reset_password(s, user, uid, password))
        if error is not None:
            flash.field_errors(errors, error)
        else:
            flash.done(f"lock_{uid}", _("Password reset; any lock is cleared."), {f"new_password_{uid}": ""})
    locked = pd.notna(row["locked_until"])
    if locked:
        st.warning(_("Locked until {moment} UTC after repeated failed sign-ins.").format(
            moment=fmt().datetime(row["locked_until"].to_pydatetime(), format="short")))
    # TRANSLATORS: a button: unlock a user locked out after failed sign-ins.
    if st.button(_("Unlock"), key="unlock_user", disabled=not locked):
        __, error = attempt(lambda s: users.unlock(s, user, uid))
        flash.done(f"lock_{uid}", error if error is not None else _("Unlocked."))


def _session_status(row: pd.Series) -> str:
    if row["active"]:
        # TRANSLATORS: a sign-in session that is still on.
        return _("Active")
    reason = row["ended_reason"] if isinstance(row["ended_reason"], str) else "expired"
    return _(sign_in_sessions.ENDED_REASONS.get(reason, reason))


def _end_sessions(user: UserRead, uid: int, session_id: int | None) -> None:
    ended, error = attempt(lambda s: sign_in_sessions.end_user_sessions(s, user, uid, session_id=session_id))
    if error is not None:
        show_error(error)
    else:
        st.success(ngettext("{count} session ended: that browser is signed out at its next step.",
                            "{count} sessions ended: those browsers are signed out at their next step.",
                            ended).format(count=fmt().number(ended)))


def sessions_panel(user: UserRead, row: pd.Series) -> None:
    """The picked user's sign-in sessions, newest first, and buttons to end one or all of them (audited)."""
    uid = int(row["id"])
    st.markdown(_("**Sign-in sessions**"))
    frame, error = attempt(lambda s: sign_in_sessions.list_sessions(s, user, uid))
    if error is not None:
        show_error(error)
        return
    active_ids = [int(i) for i in frame.loc[frame["active"], "id"]]
    if not active_ids:
        st.caption(_("No active sessions."))
    else:
        left, right = st.columns(2)
        picked = left.selectbox(_("Session"), active_ids, key=f"picked_session_{uid}",
                                format_func=lambda i: f"#{i}", label_visibility="collapsed")
        if left.button(_("End this session"), key="end_session"):
            _end_sessions(user, uid, picked)
        if right.button(_("End all sessions"), key="end_all_sessions", type="primary"):
            _end_sessions(user, uid, None)
        frame, error = attempt(lambda s: sign_in_sessions.list_sessions(s, user, uid))
        if error is not None:
            show_error(error)
            return
    if frame.empty:
        return
    methods = {"password": _("Password"), "single sign-on": _("Single sign-on")}
    shown = frame.assign(method=frame["method"].map(lambda m: methods.get(m, m)),
                         status=frame.apply(_session_status, axis=1))
    moment = date_column_format() + " HH:mm"
    st.dataframe(shown[["id", "status", "method", "created_at", "last_seen_at", "expires_at", "user_agent"]],
                 hide_index=True, width="stretch", placeholder="—", column_config={
                     "id": _("Id"),
                     # TRANSLATORS: a column heading: whether a sign-in session is on, or why it ended.
                     "status": _("Status"), "method": _("Signed in with"),
                     "created_at": st.column_config.DatetimeColumn(_("Started"), format=moment, help=_("UTC")),
                     "last_seen_at": st.column_config.DatetimeColumn(_("Last seen"), format=moment, help=_("UTC")),
                     "expires_at": st.column_config.DatetimeColumn(_("Ends at the latest"), format=moment,
                                                                   help=_("UTC")),
                     "user_agent": _("Browser")})


def _user_filters() -> dict[str, object]:
    """The users list's filter bar: text in the name or email, a role, locked users only (?locked=1 from the
    admin's work inbox ticks it once)."""
    preset_flag("locked", "users_locked")
    search_col, role_col, locked_col = st.columns([2, 1, 1], vertical_alignment="bottom")
    search = search_col.text_input(_("Find a user"), key="users_search", placeholder=_("Name or email"))
    role = role_col.selectbox(_("Role"), ROLES, index=None, format_func=_role_texts().__getitem__,
                              key="users_role", placeholder=_("Any role"))
    locked = locked_col.toggle(_("Locked users only"), key="users_locked")
    return {"search": search.strip() or None, "role": role, "locked": locked}


def users_section(user: UserRead) -> None:
    """Add a user; find users (filtered and paged in SQL), change the one picked among those shown."""
    left, right = st.columns(2)
    with left:
        create_user_form(user)
    filters = _user_filters()
    total, error = attempt(lambda s: users.count_users(s, user, **filters))
    if error is not None:
        show_error(error)
        return
    pages = max(1, math.ceil(total / USERS_PAGE_SIZE))
    key = "users_page_" + hashlib.sha1(repr(sorted(filters.items())).encode()).hexdigest()[:12]
    page = st.pagination(pages, key=key) if pages > 1 else 1
    frame, error = attempt(lambda s: users.list_users(s, user, limit=USERS_PAGE_SIZE,
                                                      offset=(page - 1) * USERS_PAGE_SIZE, **filters))
    if error is not None:
        show_error(error)
        return
    texts = {int(r.id): f"{r.name} <{r.email}>" for r in frame.itertuples()}
    with right:
        st.markdown(_("**Change a user**"))
        picked = st.selectbox(_("User"), list(texts), key="picked_user", index=None,
                              placeholder=_("Choose a user"), format_func=texts.__getitem__,
                              help=_("The users listed below; find one by name or email."))
        if picked is not None:
            row = frame.set_index("id").loc[picked].copy()
            row["id"] = picked
            change_user_form(user, row)
            password_and_lock(user, row)
            sessions_panel(user, row)
    if frame.empty:
        st.info(_("No user matches these filters.") if any(v not in (None, False) for v in filters.values())
                else _("No users yet."))
        return
    first = (page - 1) * USERS_PAGE_SIZE + 1
    st.caption(_("Users {first}–{last} of {total}, by email.").format(
        first=fmt().number(first), last=fmt().number(first + len(frame) - 1), total=fmt().number(total)))
    shown = frame.assign(role=frame["role"].map(_role_label), language=frame["language"].map(_language_name),
                         partner_name=frame["partner_name"].map(lambda n: n if isinstance(n, str) else "—"))
    st.dataframe(shown.drop(columns=["partner_id", "version"]), hide_index=True, width="stretch", placeholder="—",
                 column_config={
        "id": _("Id"), "email": _("Email"), "name": _("Name"), "role": _("Role"), "partner_name": _("Partner"),
        # TRANSLATORS: a column heading: whether the user may sign in.
        "active": _("Active"),
        "locked_until": st.column_config.DatetimeColumn(_("Locked until"), format=date_column_format() + " HH:mm",
                                                        help=_("UTC")),
        "language": st.column_config.TextColumn(
            _("Language"), help=_("The language the user picked; until they pick one, their browser's."))})
