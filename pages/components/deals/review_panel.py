"""The review queue's widgets: the queue table, the chosen deal with its hints, the decision, history, bulk accept.

Decisions run in button callbacks with the deal's version as the reviewer saw it, so a deal someone else
reviewed in the meantime gives the service's Conflict message instead of silently vanishing from the page.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from pages.components.deals.review_labels import (
    DENIAL_REASON_LABELS,
    hint,
    hint_names,
    history_lines,
    md,
    md_line,
    money,
    waiting,
    when,
)
from pages.components.frame.data import attempt
from pages.components.frame.errors import show_error
from pages.components.frame.labels import label
from pages.components.frame.translate import _, date_column_format, fmt, ngettext
from partner_model import deals
from partner_model.errors import DomainError
from partner_model.models import DenialReason, UserRead

DEAL_KEY = "review_deal"
TABLE_KEY = "review_table"
REASON_KEY = "review_reason"
NOTE_KEY = "review_note"
FLASH_KEY = "review_flash"  # (kind, message) from the last action, shown once
BULK_KEY = "review_bulk"  # the hint-free deals a reviewer asked to accept, awaiting confirmation


# --- feedback and selection ------------------------------------------------------------------------


def _flash(kind: str, message: str | DomainError) -> None:
    st.session_state[FLASH_KEY] = (kind, message)


def show_flash() -> None:
    kind, message = st.session_state.pop(FLASH_KEY, (None, None))
    if kind == "error":
        show_error(message) if isinstance(message, DomainError) else st.error(message, icon=":material/error:")
    elif kind == "success":
        st.success(message, icon=":material/check_circle:")
    elif kind == "warning":
        st.warning(message, icon=":material/warning:")


def _forget_deal() -> None:
    """After a decision: nothing chosen, the form empty. Callbacks may set widget state; setting (not deleting)
    it makes the browser show the cleared value too."""
    st.session_state[DEAL_KEY] = None
    st.session_state[REASON_KEY] = None
    st.session_state[NOTE_KEY] = ""
    st.session_state.pop(TABLE_KEY, None)  # a table's selection cannot be set, only dropped


def _pick_from_table(ids: list[int]) -> None:
    rows = st.session_state[TABLE_KEY].selection.rows
    if rows:
        st.session_state[DEAL_KEY] = ids[rows[0]]


# --- the queue -------------------------------------------------------------------------------------


def queue_table(frame: pd.DataFrame) -> None:
    """The page of pending deals; clicking a row chooses it, as the selectbox below does."""
    overdue, hints = _("Overdue"), _("Hints")
    # TRANSLATORS: a column heading of the review queue: when the deal was registered (a date).
    registered = _("Registered")
    # TRANSLATORS: the marker of an overdue deal in the review queue's table.
    late_marker = _("⚠ Overdue")
    shown = pd.DataFrame({
        overdue: frame["overdue"].map(lambda late: late_marker if late else ""),
        _("Company"): frame["company_name"],
        _("Partner"): frame["partner_name"],
        _("Domain"): frame["customer_domain"],
        _("Value"): [money(v, c) for v, c in zip(frame["value"], frame["currency"], strict=True)],
        _("Waiting"): [waiting(a, b) for a, b in zip(frame["age_days"], frame["business_days"], strict=True)],
        hints: frame["hints"].map(hint_names),
        registered: frame["created_at"],
    })
    ids = frame["deal_id"].tolist()
    st.dataframe(shown, hide_index=True, width="stretch", key=TABLE_KEY, on_select=lambda: _pick_from_table(ids),
                 selection_mode="single-row", column_config={
                     overdue: st.column_config.TextColumn(help=_("Waiting more than 2 business days")),
                     hints: st.column_config.ListColumn(help=_("What the reviewer should know; see the deal")),
                     registered: st.column_config.DatetimeColumn(format=date_column_format(), help=_("UTC")),
                 })


def choose_deal(frame: pd.DataFrame) -> dict[str, Any] | None:
    """The deal under review (a row of this page), or None."""
    rows = {int(r["deal_id"]): r for r in frame.to_dict("records")}
    if st.session_state.get(DEAL_KEY) is not None and st.session_state[DEAL_KEY] not in rows:
        st.session_state[DEAL_KEY] = None  # reviewed by someone, or on another page now

    # The option texts are made now, in this run's language (a format_func translating later, as AppTest does
    # between runs, could write them in another one).
    # Each option tells the rows apart (a select box maps a chosen text back to the first option with that text):
    # the deal number, the customer's domain and the value, besides the company and the partner.
    # TRANSLATORS: a deal in the "Deal to review" list; "d" abbreviates days.
    template = _("#{id} {company} · {domain} · {value} · {partner} · waiting {days} d")
    texts = {deal_id: ("⚠ " if r["overdue"] else "") + template.format(
        id=deal_id, company=r["company_name"], domain=r["customer_domain"], value=money(r["value"], r["currency"]),
        partner=r["partner_name"], days=fmt().number(r["age_days"])) for deal_id, r in rows.items()}

    chosen = st.selectbox(_("Deal to review"), list(rows), index=None, key=DEAL_KEY, format_func=texts.__getitem__,
                          placeholder=_("Choose a deal (or click its row above)"))
    return rows.get(chosen) if chosen is not None else None


# --- one deal ----------------------------------------------------------------------------------------


def hint_badges(codes: list[str]) -> None:
    if not codes:
        st.badge(_("No hints: nothing known against this registration"), icon=":material/check:", color="green")
    for code in codes:
        h = hint(code)
        st.badge(h.meaning, icon=h.icon, color=h.color)


def deal_details(row: dict[str, Any]) -> None:
    st.subheader(md_line(row["company_name"]), anchor=False)
    lines = [
        _("**{partner}** registered **{domain}**").format(partner=md(row["partner_name"]),
                                                          domain=md(row["customer_domain"])),
        _("Contact: {name} · {email}").format(name=md(row["contact_name"]), email=md(row["contact_email"])),
        _("Expected annual value: **{value}** · Framework: {framework}").format(
            value=money(row["value"], row["currency"]), framework=md(row["framework"] or "—")),
        _("Registered {moment} UTC, waiting {waiting}").format(
            moment=when(row["created_at"]), waiting=waiting(row["age_days"], row["business_days"])),
    ]
    st.markdown("  \n".join(lines))
    if row["overdue"]:
        st.badge(_("Overdue: waiting more than 2 business days"), icon=":material/schedule:", color="red")
    hint_badges(row["hints"])


def _review(user: UserRead, deal: dict[str, Any], accept: bool) -> None:
    reason = None if accept else st.session_state.get(REASON_KEY)
    note = st.session_state.get(NOTE_KEY) or None
    __, error = attempt(lambda s: deals.review_deal(s, user, deal["deal_id"], accept=accept, reason=reason,
                                                    note=note, expected_version=deal["version"]))
    if error is not None:
        _flash("error", error)
        return
    if accept:
        _flash("success", _("Accepted deal #{id} {company} ({domain}, {partner}): the registration is protected for "
                            "90 days.").format(id=deal["deal_id"], company=md(deal["company_name"]),
                                               domain=md(deal["customer_domain"]), partner=md(deal["partner_name"])))
    else:
        _flash("success", _("Denied deal #{id} {company} ({domain}, {partner}): {reason}. The partner sees the "
                            "reason.").format(id=deal["deal_id"], company=md(deal["company_name"]),
                                              domain=md(deal["customer_domain"]), partner=md(deal["partner_name"]),
                                              reason=label(DENIAL_REASON_LABELS, reason)))
    _forget_deal()


def decision(user: UserRead, row: dict[str, Any]) -> None:
    deal = {k: row[k] for k in ("deal_id", "version", "company_name", "partner_name", "customer_domain")}
    deal["deal_id"], deal["version"] = int(deal["deal_id"]), int(deal["version"])
    with st.container(border=True):
        st.markdown(_("**Decision on deal #{id}: {company} ({domain})**").format(
            id=deal["deal_id"], company=md(deal["company_name"]), domain=md(deal["customer_domain"])))
        reasons = {r: label(DENIAL_REASON_LABELS, r) for r in DenialReason}
        st.selectbox(_("Reason to deny"), list(reasons), index=None, key=REASON_KEY, format_func=reasons.__getitem__,
                     placeholder=_("Choose a reason (needed to deny)"))
        st.text_area(_("Note (optional)"), key=NOTE_KEY, max_chars=2000, height=80,
                     help=_("Kept on the deal with the decision; the partner reads it on the deal board."))
        accept, deny = st.columns(2)
        # TRANSLATORS: a button: accept the deal registration.
        accept.button(_("Accept"), key="review_accept", type="primary", icon=":material/check:", width="stretch",
                      on_click=_review, args=(user, deal, True))
        # TRANSLATORS: a button: deny the deal registration.
        deny.button(_("Deny"), key="review_deny", icon=":material/block:", width="stretch",
                    on_click=_review, args=(user, deal, False))


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


# --- several at once -------------------------------------------------------------------------------


def _accept_many(user: UserRead, picked: list[tuple[int, str]]) -> None:
    st.session_state.pop(BULK_KEY, None)
    result, error = attempt(lambda s: deals.accept_many(s, user, [deal_id for deal_id, __ in picked]))
    if error is not None:
        _flash("error", error)
        return
    names = dict(picked)
    accepted = [names.get(d.id, d.company_name) for d in result]
    message = ngettext("Accepted {count} deal without hints: {companies}.",
                       "Accepted {count} deals without hints: {companies}.", len(accepted)).format(
        count=fmt().number(len(accepted)), companies=md(", ".join(accepted)) or "—")
    if result.skipped:
        # TRANSLATORS: after a bulk accept; {companies} lists the deals left pending because they changed meanwhile.
        message += " " + ngettext("{count} deal was left for review, as it changed meanwhile: {companies}.",
                                  "{count} deals were left for review, as they changed meanwhile: {companies}.",
                                  len(result.skipped)).format(
            count=fmt().number(len(result.skipped)),
            companies=", ".join(f"#{deal_id} {md(names.get(deal_id, ''))}".strip() for deal_id, __ in result.skipped))
    _flash("warning" if result.skipped else "success", message)
    _forget_deal()


def bulk_accept(user: UserRead, frame: pd.DataFrame) -> None:
    """The "Accept all without hints" button for this page's hint-free deals, after a confirmation (all or none)."""
    picked: list[tuple[int, str]] | None = st.session_state.get(BULK_KEY)
    if picked:
        with st.container(border=True):
            count = fmt().number(len(picked))
            st.warning(ngettext("Accept {count} deal without hints? {companies}",
                                "Accept {count} deals without hints? {companies}", len(picked)).format(
                count=count, companies=md(", ".join(c for __, c in picked))), icon=":material/help:")
            yes, no = st.columns(2)
            yes.button(ngettext("Yes, accept {count} deal", "Yes, accept {count} deals", len(picked)).format(
                count=count), key="review_bulk_confirm", type="primary", on_click=_accept_many, args=(user, picked))
            no.button(_("Cancel"), key="review_bulk_cancel", on_click=lambda: st.session_state.pop(BULK_KEY, None))
        return
    free = frame[frame["hints"].map(len) == 0]
    choice = [(int(r.deal_id), str(r.company_name)) for r in free.itertuples()]
    st.button(ngettext("Accept all {count} without hints", "Accept all {count} without hints", len(choice)).format(
        count=fmt().number(len(choice))), key="review_bulk", icon=":material/done_all:", disabled=not choice,
              help=_("The deals on this page that have no review hint; you confirm first."),
              on_click=lambda: st.session_state.__setitem__(BULK_KEY, choice))
