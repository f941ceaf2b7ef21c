"""The admin page's audit log: filters (who, what, when, subject) and pages, both in SQL (users.audit_log and
users.audit_count), each event in words."""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re

import pandas as pd
import streamlit as st

from pages.components.frame.data import attempt
from pages.components.frame.errors import show_error
from pages.components.frame.labels import AUDIT_LABELS, ROLE_LABELS, label
from pages.components.frame.translate import N_, _, date_column_format, date_input_format, fmt
from partner_model import deals, partners, users
from partner_model.models import UserRead

PAGE_SIZE = 50
# Kinds recorded by services newer than frame/labels.AUDIT_LABELS: their words here until they move there.
MORE_AUDIT_LABELS = {
    "partner_manager": N_("Partner manager changed"),
    "team_invited": N_("Team member invited"),
    "team_changed": N_("Team member changed"),
    "invitation_accepted": N_("Invitation accepted"),
}
# Details recorded as fixed English words (sign-in failures, sign-in methods): shown in the reader's words.
DETAIL_WORDS = {
    "wrong password": N_("Wrong password"),
    # TRANSLATORS: why a sign-in failed: the account was locked after repeated failed sign-ins.
    "locked": N_("Locked"),
    "unknown or inactive user": N_("Unknown or inactive user"),
    "password": N_("Password"),
    "single sign-on": N_("Single sign-on"),
}
_NONE = re.compile(r"\bNone\b")
_ARROW = re.compile(r"^(\w+) -> (\w+)$")
_CREATED = re.compile(r"^(\w+) ?(\d*)$")  # user_created: "partner_user 3" (role, then the partner's id if any)
_ROLE_AT = re.compile(r"\b(\w+)/(\d+|None)\b")  # user_changed: "role: partner_user/3 -> finance/None"


def kind_text(kind: object) -> str:
    """An audit kind in words ("Signed in"); a kind without words yet as itself, readable."""
    table = {**MORE_AUDIT_LABELS, **AUDIT_LABELS}
    return label(table, kind) if str(kind) in table else str(kind).replace("_", " ").capitalize()


def _role_at(role: str, partner_id: str, firms: dict[int, str]) -> str:
    """"Partner user (Acme Consulting)", or the staff role alone."""
    word = label(ROLE_LABELS, role)
    return f"{word} ({firms.get(int(partner_id), partner_id)})" if partner_id.isdigit() else word


def detail_text(kind: str, detail: object, names: dict[int, str], firms: dict[int, str]) -> str:
    """The detail as a reader can take it: people and partners by name, roles in words; "nobody" is a dash."""
    if not isinstance(detail, str) or not detail:
        return "—"
    if detail in DETAIL_WORDS:
        return _(DETAIL_WORDS[detail])
    found = _ARROW.match(detail) if kind == "partner_manager" else None
    if found:
        before, after = (names.get(int(x), x) if x.isdigit() else "—" for x in found.groups())
        return f"{before} → {after}"
    found = _CREATED.match(detail) if kind == "user_created" else None
    if found:
        return _role_at(found.group(1), found.group(2), firms)
    if kind == "user_changed":
        detail = _ROLE_AT.sub(lambda m: _role_at(m.group(1), m.group(2), firms), detail).replace("->", "→")
    return _NONE.sub("—", detail)


def _ids_in(frame: pd.DataFrame, kind: str, pattern: str) -> set[int]:
    return {int(x) for d in frame.loc[frame["kind"] == kind, "detail"] if isinstance(d, str)
            for x in re.findall(pattern, d)}


def _filters(user: UserRead) -> dict[str, object] | None:
    """The filter bar; the keyword arguments for users.audit_log and audit_count."""
    def read(s):  # type: ignore[no-untyped-def]
        return users.audit_actors(s, user), users.audit_kinds(s, user)

    result, error = attempt(read)
    if error is not None:
        show_error(error)
        return None
    who_texts, kinds = result
    what_texts = {k: kind_text(k) for k in kinds}  # in this run's language
    who_col, what_col, when_col, subject_col = st.columns(4)
    # TRANSLATORS: "Anyone", "Anything": what the audit log's "Who" and "What" filters show when none is chosen.
    actor_id = who_col.selectbox(_("Who"), list(who_texts), format_func=who_texts.__getitem__, index=None,
                                 key="audit_who", placeholder=_("Anyone"), help=_("The user who acted."))
    kind = what_col.selectbox(_("What"), sorted(what_texts, key=what_texts.__getitem__), index=None,
                              format_func=what_texts.__getitem__, key="audit_what", placeholder=_("Anything"))
    # TRANSLATORS: the audit log's date-range filter.
    days = when_col.date_input(_("When"), value=(), key="audit_when", format=date_input_format(),
                               help=_("Pick the first and the last day; both are included."))
    subject = subject_col.text_input(_("Subject"), key="audit_subject", placeholder=_("Email or domain"),
                                     help=_("Part of the email or domain the event is about."))
    days = tuple(days) if isinstance(days, (tuple, list)) else (days,) if isinstance(days, dt.date) else ()
    return {"actor_id": actor_id, "kind": kind, "since": days[0] if days else None,
            "until": days[1] if len(days) > 1 else None, "subject": subject.strip() or None}


def _page_key(filters: dict[str, object]) -> str:
    """New filters make a new pager, which starts at page 1."""
    return "audit_page_" + hashlib.sha1(repr(sorted(filters.items())).encode()).hexdigest()[:12]


def audit_section(user: UserRead) -> None:
    filters = _filters(user)
    if filters is None:
        return
    total, error = attempt(lambda s: users.audit_count(s, user, **filters))
    if error is not None:
        show_error(error)
        return
    if not total:
        narrowed = any(v is not None for v in filters.values())
        st.info(_("No events match these filters.") if narrowed else _("Nothing recorded yet."))
        return
    pages = max(1, math.ceil(total / PAGE_SIZE))
    page = st.pagination(pages, key=_page_key(filters)) if pages > 1 else 1

    def read(s):  # type: ignore[no-untyped-def]
        log = users.audit_log(s, user, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE, **filters)
        people = {int(i) for i in log["actor_id"].dropna()} | _ids_in(log, "partner_manager", r"\d+")
        firms = _ids_in(log, "user_created", r"\d+$") | _ids_in(log, "user_changed", r"/(\d+)")
        return log, deals.user_names(s, people), partners.partner_names(s, user, ids=sorted(firms)) if firms else {}

    result, error = attempt(read)
    if error is not None:
        show_error(error)
        return
    frame, names, firms = result
    first = (page - 1) * PAGE_SIZE + 1
    st.caption(_("Events {first}–{last} of {total}, newest first.").format(
        first=fmt().number(first), last=fmt().number(first + len(frame) - 1), total=fmt().number(total)))
    _table(frame, names, firms)


def _table(frame: pd.DataFrame, names: dict[int, str], firms: dict[int, str]) -> None:
    frame = frame.assign(
        detail=[detail_text(k, d, names, firms) for k, d in zip(frame["kind"], frame["detail"], strict=True)],
        kind=frame["kind"].map(kind_text),
        actor_id=frame["actor_id"].map(lambda i: "—" if pd.isna(i) else names.get(int(i), "—")),
        subject=frame["subject"].map(lambda s: s if isinstance(s, str) and s else "—"))
    st.dataframe(frame, hide_index=True, width="stretch", placeholder="—", column_config={
        "at": st.column_config.DatetimeColumn(_("When (UTC)"), format=date_column_format() + " HH:mm:ss"),
        # TRANSLATORS: a column heading of the audit log: what happened.
        "kind": _("What"),
        "subject": _("Subject"), "detail": _("Detail"),
        # TRANSLATORS: a column heading of the audit log: who did it.
        "actor_id": _("By")})
