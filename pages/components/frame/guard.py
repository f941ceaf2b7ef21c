"""The frame every page shares: page config, the role-aware sidebar, and the guard.

A deep link such as /review_queue runs its page file without dashboard.py, so each page
must check the user itself: `user = guard("review_queue")` is the first line of every page.
"""

from __future__ import annotations

import streamlit as st

from pages.components.frame import auth, run_timer
from pages.components.frame.access import PAGES, may_see, visible_pages
from pages.components.frame.data import attempt
from pages.components.frame.labels import ROLE_LABELS, label
from pages.components.frame.text import md
from pages.components.frame.translate import N_, _, language_picker, remember_user_language
from partner_model import metrics, notifications
from partner_model.models import UserRead

APP_NAME = N_("Partner program")
NEXT_PAGE_KEY = "after_sign_in"  # the page a signed-out visitor asked for, opened after signing in


def page_frame(page: str) -> UserRead | None:
    """Set the page config, draw the sidebar, and return the signed-in user (None when signed out)."""
    metrics.PAGE_RUNS.labels(page).inc()
    run_timer.page_started(page)
    info = PAGES[page]
    user = auth.current_user()  # first: the user's language decides every word below
    remember_user_language(user)
    title = _(APP_NAME) if page == "home" else f"{_(info.label)} · {_(APP_NAME)}"
    st.set_page_config(page_title=title, page_icon=info.icon, layout="wide")
    _sidebar(user, page)
    return user


def guard(page: str) -> UserRead:
    """The first call of every page: the signed-in user who may see `page`, else the page stops here."""
    user = page_frame(page)
    info = PAGES[page]
    if user is None:
        st.session_state[NEXT_PAGE_KEY] = page
        st.title(_(info.label))
        st.warning(_("Sign in to see this page."), icon=":material/lock:")
        st.page_link(PAGES["home"].path, label=_("Sign in"), icon=":material/login:")
        st.stop()
    if not may_see(user.role, page):
        st.title(_(info.label))
        st.error(_("Your role ({role}) is not allowed to see this page.").format(role=label(ROLE_LABELS, user.role)),
                 icon=":material/block:")
        st.page_link(PAGES["home"].path, label=_("Back to the home page"), icon=":material/home:")
        st.stop()
    if user.must_change_password:  # the home page asks for a new password first
        st.title(_(info.label))
        st.warning(_("Your password no longer meets the password rule: choose a new one on the home page first."),
                   icon=":material/password:")
        st.page_link(PAGES["home"].path, label=_("Choose a new password"), icon=":material/password:")
        st.stop()
    return user


def _sidebar(user: UserRead | None, current: str) -> None:
    with st.sidebar:
        st.markdown(f"### {_(APP_NAME)}")
        unread = _unread(user) if user is not None else 0
        for key, info in visible_pages(user.role if user else None):
            link_label = _("Sign in") if user is None and key == "home" else _(info.label)
            if key == "inbox" and unread:  # the bell: how many notifications wait unread
                link_label = _("Inbox ({count} unread)").format(count=unread)
            st.page_link(info.path, label=link_label, icon=info.icon)
        st.divider()
        if user is None:
            st.caption(_("Not signed in."))
        else:
            st.markdown(f"**{md(user.name)}**")
            st.text(user.email)  # plain text: markdown would turn the address into a mailto link
            st.caption(_("Role: {role}").format(role=label(ROLE_LABELS, user.role)))
            if st.button(_("Sign out"), key="sign_out", icon=":material/logout:"):
                auth.sign_out()
                st.switch_page(PAGES["home"].path)
        language_picker(user)
        auth.emit_cookie()


def _unread(user: UserRead) -> int:
    count, error = attempt(lambda s: notifications.unread_count(s, user))
    return count if error is None and count else 0


def open_next_page(user: UserRead) -> None:
    """After signing in: go to the page the user first asked for, if they may see it; else rerun home."""
    page = st.session_state.pop(NEXT_PAGE_KEY, None)
    if page and page != "home" and may_see(user.role, page):
        st.switch_page(PAGES[page].path)
    st.rerun()
