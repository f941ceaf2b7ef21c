"""The Newsletter subscription stage on the pipeline: its deals by the contact's consent (confirmed, waiting,
expired, unsubscribed, never asked), so a deal in the stage without a confirmed consent is seen; and, for
partner managers and admins, the confirmed subscriptions as CSV for the newsletter tool.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from pages.components.frame.data import engine
from pages.components.frame.translate import N_, _, fmt, language, ngettext
from partner_model import clock, db, newsletter_queries
from partner_model.models import Role, UserRead

STATE_TITLES = {"confirmed": N_("Confirmed"), "waiting": N_("Waiting for confirmation"),
                "expired": N_("Expired after 7 days"), "unsubscribed": N_("Unsubscribed"),
                "none": N_("Not asked")}
EXPORT_ROLES = (Role.partner_manager, Role.admin)


def _csv(user: UserRead) -> Callable[[], bytes]:
    """The CSV, written on the click in its own short session (the engine and the language taken now)."""
    pool, lang = engine(), language()

    def make() -> bytes:
        with db.session(pool) as s:
            return newsletter_queries.subscriptions_csv(s, user, language=lang)

    return make


def newsletter_section(user: UserRead, counts: dict[str, int]) -> None:
    """The stage's deals by consent (newsletter_queries.stage_summary) and the subscriptions' download."""
    st.subheader(_("Newsletter subscriptions"), anchor=False)
    columns = st.columns(len(newsletter_queries.SUMMARY_STATES))
    for column, state in zip(columns, newsletter_queries.SUMMARY_STATES, strict=True):
        column.metric(_(STATE_TITLES[state]), fmt().number(counts.get(state, 0)))
    unconfirmed = sum(counts.get(s, 0) for s in newsletter_queries.SUMMARY_STATES if s != "confirmed")
    if unconfirmed:
        st.caption(ngettext(
            "{count} deal in the Newsletter subscription stage has no confirmed consent: its contact is not "
            "subscribed until they confirm.",
            "{count} deals in the Newsletter subscription stage have no confirmed consent: their contacts are not "
            "subscribed until they confirm.", unconfirmed).format(count=fmt().number(unconfirmed)))
    if user.role in EXPORT_ROLES:
        st.download_button(_("Confirmed subscriptions (CSV)"), _csv(user), icon=":material/download:",
                           file_name=f"newsletter-subscriptions-{clock.today()}.csv", mime="text/csv",
                           key="pipeline_newsletter_csv", on_click="ignore")
