"""A partner admin's team: the members table, inviting a colleague (the one-time link shown once), and changing
a member's role or deactivating them. Rules and audit live in partner_model.team."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pages.components.frame.data import attempt
from pages.components.frame.errors import FieldErrors, show_error
from pages.components.frame.labels import ROLE_LABELS, label
from pages.components.frame.text import md
from pages.components.frame.translate import _
from partner_model import mailer, team
from partner_model.errors import DomainError
from partner_model.models import Role, UserRead

TEAM_ROLES = [Role.partner_user, Role.partner_admin]
LINK_KEY = "team_invite_link"
RESULT_KEY = "team_result"


def members_table(user: UserRead) -> pd.DataFrame | None:
    frame, error = attempt(lambda s: team.members(s, user))
    if error is not None:
        show_error(error)
        return None
    shown = pd.DataFrame({
        _("Name"): frame["name"], _("Email"): frame["email"],
        _("Role"): [label(ROLE_LABELS, r) for r in frame["role"]],
        _("Active"): frame["active"], _("Invited, link not used yet"): frame["invited"],
    })
    st.dataframe(shown, hide_index=True, width="stretch", key="team_members")
    return frame


def _invite(user: UserRead) -> None:
    state = st.session_state
    result, error = attempt(lambda s: team.invite(s, user, email=state.get("team_email", ""),
                                                  name=state.get("team_name", ""),
                                                  role=state.get("team_role") or Role.partner_user))
    if error is not None:
        state["team_invite_error"] = error
        return
    invited, token = result
    state[LINK_KEY] = (invited.email, mailer.link(mailer.settings(), "home", f"invite={token}"))
    state["team_email"], state["team_name"] = "", ""  # an empty form for the next colleague


def invite_form(user: UserRead) -> None:
    """Invite a colleague: a user of this partner, with a link (valid 7 days) to set their own password."""
    errors = FieldErrors()
    st.text_input(_("Email"), key="team_email", placeholder="name@your-firm.com")
    errors.slot("email")
    st.text_input(_("Name"), key="team_name")
    errors.slot("name")
    texts = {r: label(ROLE_LABELS, r) for r in TEAM_ROLES}
    st.selectbox(_("Role"), TEAM_ROLES, key="team_role", format_func=texts.__getitem__)
    errors.slot("role")
    st.button(_("Invite"), key="team_invite", type="primary", icon=":material/person_add:", on_click=_invite,
              args=(user,))
    error = st.session_state.pop("team_invite_error", None)
    if error is not None:
        for each in getattr(error, "errors", [error]):
            errors.show(each)
    sent = st.session_state.get(LINK_KEY)
    if sent:
        email, link = sent
        st.success(_("{email} is invited. Give them this one-time link to set their password (valid 7 days); it "
                     "is also emailed when email is on:").format(email=md(email)), icon=":material/mail:")
        st.code(link, language=None)


def _change(user: UserRead, row: dict, role: str | None, active: bool | None) -> None:
    __, error = attempt(lambda s: team.change_member(s, user, row["id"], role=role, active=active,
                                                     expected_version=row["version"]))
    st.session_state[RESULT_KEY] = error if error is not None else _("Saved.")


def change_form(user: UserRead, frame: pd.DataFrame) -> None:
    """Change a colleague's role, or deactivate / reactivate them (never yourself)."""
    others = frame[frame["id"] != user.id]
    result = st.session_state.pop(RESULT_KEY, None)
    if isinstance(result, DomainError):
        show_error(result)
    elif result:
        st.success(result)
    if others.empty:
        st.info(_("Invite a colleague first."))
        return
    rows = {int(r["id"]): r for r in others.to_dict("records")}
    texts = {i: f"{r['name']} <{r['email']}>" for i, r in rows.items()}
    chosen = st.selectbox(_("Colleague"), list(rows), key="team_member", format_func=texts.__getitem__,
                          index=None, placeholder=_("Choose a colleague"))
    if chosen is None:
        return
    row = rows[chosen]
    role_texts = {r: label(ROLE_LABELS, r) for r in TEAM_ROLES}
    new_role = st.selectbox(_("Role"), TEAM_ROLES, index=TEAM_ROLES.index(Role(row["role"])),
                            format_func=role_texts.__getitem__, key=f"team_role_{chosen}_{row['version']}")
    left, right = st.columns(2)
    left.button(_("Save role"), key="team_save_role", on_click=_change,
                args=(user, row, new_role if new_role != row["role"] else None, None))
    if row["active"]:
        right.button(_("Deactivate"), key="team_deactivate", on_click=_change, args=(user, row, None, False),
                     help=_("They cannot sign in any more; their open sessions end at once."))
    else:
        right.button(_("Reactivate"), key="team_reactivate", on_click=_change, args=(user, row, None, True))



