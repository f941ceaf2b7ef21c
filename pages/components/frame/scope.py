"""A partner manager's pages start with "my partners" (the partners they look after), with one switch to all."""

from __future__ import annotations

from typing import Any

import streamlit as st

from pages.components.frame.data import attempt
from pages.components.frame.links import preset_flag
from pages.components.frame.translate import _
from partner_model import partners
from partner_model.models import Role, UserRead

MINE_KEY = "scope_my_partners"  # one choice for every page of the session


def my_partners(user: UserRead, *, where: Any = None, nobody: str | None = None) -> int | None:
    """For a partner manager: a "My partners only" switch (on by default, kept across pages); returns the manager
    id to pass to a service's `manager_id` while it is on, else None (every partner). Other roles: None.
    A manager who looks after no partner yet gets None too, and the caption `nobody` (translated) says so."""
    if user.role != Role.partner_manager:
        return None
    preset_flag("mine", MINE_KEY)  # a link (the home page's inbox) says which partners it counted
    # Written back every run: Streamlit drops a widget's value on a page that does not draw it, and the choice
    # must follow the manager from page to page.
    st.session_state[MINE_KEY] = st.session_state.get(MINE_KEY, True)
    (where or st).toggle(_("My partners only"), key=MINE_KEY,
                         help=_("The partners you look after as their partner manager; switch off to see all."))
    if not st.session_state[MINE_KEY]:
        return None
    theirs, error = attempt(lambda s: partners.list_partners(s, user, manager_id=user.id, limit=1)[1])
    if error is None and theirs == 0:
        if nobody:
            st.caption(nobody)
        return None
    return user.id
