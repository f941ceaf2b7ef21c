"""The admin page's applications tab: firms that applied on the public page, oldest first; an admin reads one as it
was sent and accepts it (the partner and its first partner admin are created, the admin is invited by a one-time
link) or declines it with a reason the applicant gets by email. partner_model.applications holds the rules.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from pages.components.admin import flash
from pages.components.frame.data import attempt
from pages.components.frame.errors import show_error
from pages.components.frame.labels import TIER_LABELS, label
from pages.components.frame.text import md, md_line
from pages.components.frame.translate import N_, _, fmt
from partner_model import applications, clock, mailer
from partner_model.models import ApplicationRead, Tier, UserRead

LINK_KEY = "admin_application_link"  # (email, invitation link) of the last acceptance, shown once
STATE_LABELS = {"submitted": N_("Waiting for review"), "accepted": N_("Accepted"), "declined": N_("Declined")}


def _label(row: Any) -> str:
    # TRANSLATORS: an application in the picker: its number, the firm, its domain and when it was sent.
    return _("#{id} {firm} ({domain}), {date}").format(id=row.id, firm=md_line(row.firm_name), domain=row.domain,
                                                       date=fmt().date(clock.local_date(pd.Timestamp(row.submitted_at).to_pydatetime())))


def _details(found: ApplicationRead) -> None:
    st.markdown("  \n".join([
        _("**{firm}** · {domain} · {country}").format(firm=md(found.firm_name), domain=md(found.domain),
                                                     country=md(found.country)),
        _("Contact: {name} · {email}").format(name=md(found.contact_name), email=md(found.contact_email)),
        _("Frameworks: {frameworks}").format(frameworks=md(", ".join(found.frameworks))),
    ]))
    st.text(found.description)  # as typed: plain text, never Markdown


def _accept(user: UserRead, found: ApplicationRead) -> None:
    tiers = [t.value for t in Tier]
    tier = st.selectbox(_("Tier"), tiers, format_func=lambda t: label(TIER_LABELS, t), key="application_tier")
    if st.button(_("Accept: create the partner and invite its admin"), key="application_accept", type="primary",
                 icon=":material/how_to_reg:"):
        result, error = attempt(lambda s: applications.accept(s, user, found.id, tier=tier,
                                                              expected_version=found.version))
        if error is not None:
            flash.done("applications", error)
        partner, invited, token = result
        st.session_state[LINK_KEY] = (invited.email, mailer.link(mailer.settings(), "home", f"invite={token}"))
        flash.done("applications", _("{firm} is a partner now; {email} got the invitation to set a password.")
                   .format(firm=md(partner.name), email=md(invited.email)))


def _decline(user: UserRead, found: ApplicationRead) -> None:
    reason = st.text_area(_("Reason for declining"), key="application_reason", max_chars=1000,
                          help=_("Emailed to the applicant."))
    if st.button(_("Decline"), key="application_decline", icon=":material/block:"):
        __, error = attempt(lambda s: applications.decline(s, user, found.id, reason,
                                                           expected_version=found.version))
        flash.done("applications", error if error is not None else _("The application of {firm} is declined; "
                                                                     "the applicant is told why.").format(
            firm=md(found.firm_name)), None if error is not None else {"application_reason": ""})


def applications_section(user: UserRead) -> None:
    """Waiting applications (and the decided ones, by state), one to read and decide."""
    flash.show("applications")
    link = st.session_state.pop(LINK_KEY, None)
    if link is not None:
        st.info(_("If email is off, send {email} this one-time link (valid 7 days): {link}").format(
            email=md(link[0]), link=link[1]), icon=":material/link:")
    states = list(STATE_LABELS)
    state = st.segmented_control(_("Applications"), states, default="submitted", key="applications_state",
                                 format_func=lambda s: _(STATE_LABELS[s])) or "submitted"
    result, error = attempt(lambda s: applications.list_applications(s, user, state=state, limit=100))
    if error is not None:
        show_error(error)
        return
    frame, total = result
    if frame.empty:
        st.info(_("No application waits for review.") if state == "submitted" else _("None yet."),
                icon=":material/inbox:")
        return
    st.caption(_("{shown} of {total}, oldest first.").format(shown=fmt().number(len(frame)),
                                                            total=fmt().number(total)))
    labels = {int(row.id): _label(row) for row in frame.itertuples(index=False)}
    chosen = st.selectbox(_("Application"), list(labels), format_func=labels.__getitem__, key="application_pick")
    found, error = attempt(lambda s: applications.get_application(s, user, chosen))
    if error is not None:
        show_error(error)
        return
    with st.container(border=True):
        _details(found)
        if found.state != "submitted":
            st.caption(_("Decided on {date}.").format(date=fmt().date(clock.local_date(found.decided_at)))
                       if found.decided_at else "")
            if found.decline_reason:
                st.text(found.decline_reason)
            return
        left, right = st.columns(2, gap="large")
        with left:
            _accept(user, found)
        with right:
            _decline(user, found)
