"""The deal under review: its heading with its number, the hints first and in words (the other partner, its deal
and its protection end; the customer's account), the registration's facts, and its history beside it."""

from __future__ import annotations

from typing import Any

import streamlit as st

from pages.components.deals.review_labels import (
    blank,
    hint,
    hint_sentence,
    history_lines,
    md,
    md_line,
    money,
    waiting,
    when,
)
from pages.components.frame.data import attempt
from pages.components.frame.errors import show_error
from pages.components.frame.translate import _
from partner_model import customers, deals
from partner_model.models import UserRead


def _hints(user: UserRead, row: dict[str, Any]) -> None:
    """A badge per hint, each followed by what stands behind it (deals.hint_details), in words."""
    codes = list(row["hints"] or [])
    if not codes:
        st.badge(_("No hints: nothing known against this registration"), icon=":material/check:", color="green")
        return
    details, error = attempt(lambda s: deals.hint_details(s, user, int(row["deal_id"])))
    if error is not None:
        show_error(error)
    by_code: dict[str, list[str]] = {}
    for detail in details or []:
        by_code.setdefault(str(detail.get("code")), []).append(hint_sentence(detail))
    for code in codes:
        h = hint(code)
        st.badge(h.meaning, icon=h.icon, color=h.color)
        sentences = by_code.get(code, [])
        if sentences:
            st.markdown("\n".join(f"- {sentence}" for sentence in sentences))
    for detail in details or []:
        if detail.get("code") == "unlinked_account":
            _link_button(user, row, detail)


def _link_button(user: UserRead, row: dict[str, Any], detail: dict[str, Any]) -> None:
    """Link the product's unlinked account to the registering partner (recorded in the deal's history)."""
    account = int(detail["customer_id"])
    if st.button(_("Link {name} to {partner}").format(name=md_line(blank(detail.get("name"))),
                                                     partner=md_line(row["partner_name"])),
                 key=f"review_link_{account}", icon=":material/link:"):
        __, error = attempt(lambda s: customers.link_account(s, user, account, partner_id=int(row["partner_id"]),
                                                             deal_id=int(row["deal_id"])))
        if error is not None:
            show_error(error)
        else:
            st.success(_("Linked: the account now belongs to {partner}.").format(partner=md(row["partner_name"])))


def deal_details(user: UserRead, row: dict[str, Any]) -> None:
    """The deal the decision below acts on, named by its number, with its hints before anything else."""
    # TRANSLATORS: the heading of the deal under review, e.g. "Deal #41: Samecorp".
    st.subheader(_("Deal #{id}: {company}").format(id=int(row["deal_id"]), company=md_line(row["company_name"])),
                 anchor=False)
    if row["overdue"]:
        st.badge(_("Overdue: waiting more than 2 business days"), icon=":material/schedule:", color="red")
    _hints(user, row)
    lines = [
        _("**{partner}** registered **{domain}**").format(partner=md(row["partner_name"]),
                                                          domain=md(row["customer_domain"])),
        _("Contact: {name} · {email}").format(name=md(blank(row["contact_name"])),
                                              email=md(blank(row["contact_email"]))),
        _("Expected annual value: **{value}** · Framework: {framework}").format(
            value=money(row["value"], row["currency"]), framework=md(blank(row["framework"]))),
        _("Registered {moment} UTC, waiting {waiting}").format(
            moment=when(row["created_at"]), waiting=waiting(row["age_days"], row["business_days"])),
    ]
    st.markdown("  \n".join(lines))


def history(user: UserRead, deal_id: int) -> None:
    def read(s: Any) -> list[tuple[str, str, str]]:
        events = deals.history(s, user, deal_id)
        names = deals.user_names(s, {e.actor_id for e in events if e.actor_id is not None})
        return history_lines(events, names)

    lines, error = attempt(read)
    st.markdown(_("**History**"))
    if error is not None:
        show_error(error)
        return
    with st.container(border=True):
        for moment, who, what in lines or []:
            st.markdown("{what}  \n:gray[{by}]".format(what=md(what), by=_("{moment} UTC · {name}").format(
                moment=moment, name=md(who))))
