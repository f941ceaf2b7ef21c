"""The inbox page's parts: notifications in the reader's language with links, and the channel choices."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from pages.components.frame.access import PAGES
from pages.components.frame.data import attempt
from pages.components.frame.errors import show_error
from pages.components.frame.text import md
from pages.components.frame.translate import _, fmt, language
from partner_model import mailer, notifications
from partner_model.models import Channel, UserRead

PAGE_SIZE = 25
CHANNELS = list(Channel)


def _query(link: object) -> dict[str, str]:
    """A notification's link as query parameters; none (a missing link is NaN in the inbox's frame) -> {}."""
    if not isinstance(link, str) or "=" not in link:
        return {}
    key, value = link.split("=", 1)
    return {key: value}


def notification_card(user: UserRead, row: Any) -> None:
    """One notification: its subject in bold (unread ones marked), its text, when, and a link to what it is about."""
    subject, body, __ = _texts(row)
    with st.container(border=True):
        head, action = st.columns([4, 1])
        dot = "● " if pd.isna(row.read_at) else ""
        head.markdown(f"{dot}**{md(subject)}**")
        head.markdown(md(body))
        head.caption(_("{moment} UTC").format(moment=fmt().datetime(row.created_at.to_pydatetime())))
        if row.page in PAGES and row.kind != "invitation":
            action.page_link(PAGES[row.page].path, label=_("Open"), icon=":material/open_in_new:",
                             query_params=_query(row.link))
        if pd.isna(row.read_at):
            action.button(_("Mark read"), key=f"inbox_read_{row.id}", on_click=_mark, args=(user, [int(row.id)]))


def _texts(row: Any) -> tuple[str, str, str]:
    params = {k: v for k, v in row.params.items()}
    subject, text, markup = mailer.render(row.kind, params, language(), mailer.settings(), page=row.page,
                                          query=None)
    return subject, text.split("\n\n")[0], markup


def _mark(user: UserRead, ids: list[int] | None) -> None:
    __, error = attempt(lambda s: notifications.mark_read(s, user, ids))
    if error is not None:
        st.session_state["inbox_error"] = error


def inbox_list(user: UserRead) -> None:
    """The user's notifications, newest first, paged in SQL; unread only on request."""
    error = st.session_state.pop("inbox_error", None)
    if error is not None:
        show_error(error)
    left, right = st.columns([3, 1])
    unread_only = left.toggle(_("Unread only"), key="inbox_unread_only")
    right.button(_("Mark all read"), key="inbox_read_all", on_click=_mark, args=(user, None),
                 icon=":material/done_all:")
    page = int(st.session_state.get("inbox_page") or 1)
    result, error = attempt(lambda s: notifications.inbox(s, user, unread_only=unread_only, limit=PAGE_SIZE,
                                                          offset=(page - 1) * PAGE_SIZE))
    if error is not None:
        show_error(error)
        return
    frame, total = result
    if frame.empty:
        st.info(_("No notifications.") if not unread_only else _("Nothing unread."), icon=":material/inbox:")
        return
    for row in frame.itertuples(index=False):
        notification_card(user, row)
    pages = max(1, -(-total // PAGE_SIZE))
    if pages > 1:
        st.number_input(_("Page"), min_value=1, max_value=pages, step=1, key="inbox_page")


def preferences_form(user: UserRead) -> None:
    """Per kind of event: in the app only, email at once, or the daily digest."""
    current, error = attempt(lambda s: notifications.preferences(s, user))
    if error is not None:
        show_error(error)
        return
    if not current:
        st.info(_("There is nothing to choose for your role."))
        return
    texts = {c: _(notifications.CHANNEL_LABELS[c]) for c in CHANNELS}
    with st.form("inbox_preferences"):
        chosen = {}
        for kind, channel in current.items():
            title = _(notifications.EVENTS[kind].subject).split(":")[0].split("{")[0].strip(" :")
            chosen[kind] = st.selectbox(title, CHANNELS, index=CHANNELS.index(channel), key=f"channel_{kind}",
                                        format_func=texts.__getitem__)
        saved = st.form_submit_button(_("Save my choices"), key="inbox_preferences_save", type="primary")
    if saved:
        __, error = attempt(lambda s: notifications.set_preferences(s, user, chosen))
        show_error(error) if error is not None else st.success(_("Your choices are saved."))
    if not mailer.settings().enabled:
        st.caption(_("Email is off on this server (no SMTP_URL): notifications show here only."))
