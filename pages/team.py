"""Team: a partner admin manages their own firm's users (invite with a one-time link, change role, deactivate)."""

import streamlit as st

from pages.components.frame import guard
from pages.components.frame.translate import _
from pages.components.team.members import change_form, invite_form, members_table

user = guard("team")
st.title(_("Team"))
st.caption(_("Your firm's users of the partner program. Every change is recorded in the audit log."))
frame = members_table(user)
if frame is not None:
    left, right = st.columns(2)
    with left:
        st.subheader(_("Invite a colleague"), anchor=False)
        invite_form(user)
    with right:
        st.subheader(_("Change a colleague"), anchor=False)
        change_form(user, frame)
