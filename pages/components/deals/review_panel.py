"""The review queue's widgets: the filters (partner, my partners), the queue table, the chosen deal, the decision,
bulk accept. The deal itself (hints in words, facts, history) is drawn by review_deal.py.

Decisions run in button callbacks with the deal's version as the reviewer saw it, so a deal someone else
reviewed in the meantime gives the service's Conflict message instead of silently vanishing from the page.
After a decision the next deal of the queue opens, so a reviewer clears the queue without going back to the
table. (No st.button shortcuts: Streamlit adds the key to the button's accessible name, "Accept A", and the
buttons are known by their names.)
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from pages.components.deals.review_labels import (
    DENIAL_REASON_LABELS,
    hint_names,
    md,
    money,
    waiting,
)
from pages.components.frame.data import attempt
from pages.components.frame.errors import show_error
from pages.components.frame.labels import label
from pages.components.frame.partner_picker import partner_choice
from pages.components.frame.scope import my_partners
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
NEXT_KEY = "review_next"  # after a decision: (the deal after it on the page, its place), to open next
ROW_HEIGHT = 35  # st.dataframe's default row height in pixels


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


def _move_on(ids: list[int], deal_id: int | None) -> None:
    """After a decision (or a skip): the deal after this one opens next, the form empty. Callbacks may set widget
    state; setting (not deleting) it makes the browser show the cleared value too."""
    place = ids.index(deal_id) if deal_id in ids else 0
    after = ids[place + 1:]
    st.session_state[NEXT_KEY] = (after[0] if after else None, place)
    st.session_state[DEAL_KEY] = None
    st.session_state[REASON_KEY] = None
    st.session_state[NOTE_KEY] = ""
    st.session_state.pop(TABLE_KEY, None)  # a table's selection cannot be set, only dropped


def _skip(ids: list[int], deal_id: int) -> None:
    """The next deal of the page without deciding this one (after the last: the first again)."""
    place = ids.index(deal_id) if deal_id in ids else -1
    following = ids[place + 1] if place + 1 < len(ids) else ids[0]
    st.session_state[DEAL_KEY] = following
    st.session_state[REASON_KEY] = None
    st.session_state[NOTE_KEY] = ""
    st.session_state.pop(TABLE_KEY, None)


def _pick_from_table(ids: list[int]) -> None:
    rows = st.session_state[TABLE_KEY].selection.rows
    if rows:
        st.session_state[DEAL_KEY] = ids[rows[0]]


# --- the queue -------------------------------------------------------------------------------------


def queue_filters(user: UserRead) -> tuple[int | None, int | None]:
    """(partner_id, manager_id) for the queue: the partner picker, and a partner manager's "My partners only"
    switch beside it. A manager who looks after no partner yet sees every partner's deals, and is told so."""
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    partner_id = partner_choice(user, key="review_partner", everyone=_("All partners"), where=left)
    manager_id = my_partners(user, where=right,
                             nobody=_("You look after no partners yet, so the deals of every partner are shown."))
    return partner_id, manager_id


def _hints_width(names: list[list[str]]) -> int:
    """Pixels for the widest list of hint pills, so none is cut ("Existin…")."""
    widest = max((sum(len(n) * 8 + 30 for n in row) for row in names), default=0)
    return max(110, min(widest + 16, 480))


def queue_table(frame: pd.DataFrame) -> None:
    """The page of pending deals, hints first, as tall as its rows; clicking a row chooses it, as the select box
    below does."""
    hints, overdue = _("Hints"), _("Overdue")
    # TRANSLATORS: a column heading of the review queue: when the deal was registered (a date).
    registered = _("Registered")
    # TRANSLATORS: the marker of an overdue deal in the review queue's table.
    late_marker = _("⚠ Overdue")
    names = frame["hints"].map(hint_names)
    shown = pd.DataFrame({
        hints: names,
        overdue: frame["overdue"].map(lambda late: late_marker if late else ""),
        _("Deal"): frame["deal_id"].map(lambda deal_id: f"#{deal_id}"),
        _("Company"): frame["company_name"],
        _("Partner"): frame["partner_name"],
        _("Value"): [money(v, c) for v, c in zip(frame["value"], frame["currency"], strict=True)],
        _("Waiting"): [waiting(a, b) for a, b in zip(frame["age_days"], frame["business_days"], strict=True)],
        _("Domain"): frame["customer_domain"],
        registered: frame["created_at"],
    })
    ids = frame["deal_id"].tolist()
    st.dataframe(shown, hide_index=True, width="stretch", key=TABLE_KEY, on_select=lambda: _pick_from_table(ids),
                 selection_mode="single-row", height=ROW_HEIGHT * (len(shown) + 1) + 3, column_config={
                     hints: st.column_config.ListColumn(width=_hints_width(names.tolist()), pinned=True,
                                                        help=_("What the reviewer should know; see the deal")),
                     overdue: st.column_config.TextColumn(width=100, help=_("Waiting more than 2 business days")),
                     registered: st.column_config.DatetimeColumn(format=date_column_format(), help=_("UTC")),
                 })


def choose_deal(frame: pd.DataFrame) -> dict[str, Any] | None:
    """The deal under review (a row of this page): the one chosen; after a decision the next one; else the first,
    the oldest (overdue ones are the oldest)."""
    rows = {int(r["deal_id"]): r for r in frame.to_dict("records")}
    current = st.session_state.get(DEAL_KEY)
    if current not in rows:  # nothing chosen yet, decided just now, reviewed by someone, or on another page now
        following, place = st.session_state.pop(NEXT_KEY, (None, 0))
        current = following if following in rows else list(rows)[min(place, len(rows) - 1)] if rows else None
        st.session_state[DEAL_KEY] = current
    st.session_state.pop(NEXT_KEY, None)

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


# --- one decision ----------------------------------------------------------------------------------


def _review(user: UserRead, deal: dict[str, Any], accept: bool, ids: list[int]) -> None:
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
    _move_on(ids, deal["deal_id"])


def decision(user: UserRead, row: dict[str, Any], ids: list[int]) -> None:
    """Accept or deny the deal shown (named in the box's heading), or leave it for now and see the next one."""
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
        accept, deny, skip = st.columns(3)
        # TRANSLATORS: a button: accept the deal registration.
        accept.button(_("Accept"), key="review_accept", type="primary", icon=":material/check:", width="stretch",
                      on_click=_review, args=(user, deal, True, ids))
        # TRANSLATORS: a button: deny the deal registration.
        deny.button(_("Deny"), key="review_deny", icon=":material/block:", width="stretch",
                    on_click=_review, args=(user, deal, False, ids))
        # TRANSLATORS: a button: leave this deal for now and show the next one in the queue.
        skip.button(_("Next deal"), key="review_skip", icon=":material/skip_next:", width="stretch",
                    disabled=len(ids) < 2, on_click=_skip, args=(ids, deal["deal_id"]))
        st.caption(_("After a decision the next deal in the queue opens."))


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
    _move_on([], None)


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
