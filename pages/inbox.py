"""The inbox: every notification for the signed-in user, newest first, with links to the deal, account or week,
and the user's choice per kind of event (in the app only, email at once, daily digest)."""

import streamlit as st

from pages.components.frame import guard
from pages.components.frame.translate import _
from pages.components.inbox.notifications import inbox_list, preferences_form

user = guard("inbox")
st.title(_("Inbox"))
notices, choices = st.tabs([_("Notifications"), _("How I am told")])
with notices:
    inbox_list(user)
with choices:
    preferences_form(user)
