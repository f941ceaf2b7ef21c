"""Each partner's partner manager: the admin's picker (partners.set_manager, with the version the form showed) and
the line that names the manager on partner pages (billing)."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from pages.components.admin import flash
from pages.components.frame.data import attempt
from pages.components.frame.errors import FieldErrors, show_error
from pages.components.frame.text import md
from pages.components.frame.translate import _
from partner_model import deals, partners
from partner_model.errors import Conflict
from partner_model.models import PartnerRead, UserRead


def _manager_names(user: UserRead, current: int | None) -> dict[int, str] | None:
    """The active partner managers, and the current one even when no longer active (so the form shows them)."""
    def read(s):  # type: ignore[no-untyped-def]
        names = partners.managers(s, user)
        if current is not None and current not in names:
            names = {**names, **deals.user_names(s, {current})}
        return names

    names, error = attempt(read)
    if error is not None:
        show_error(error)
        return None
    return names


def manager_form(user: UserRead, filled: PartnerRead, *, on_done: Callable[[], None]) -> None:
    """Pick the partner manager who looks after `filled` (or none); `on_done` forgets the filled partner."""
    names = _manager_names(user, filled.manager_id)
    if names is None:
        return
    texts: dict[int | None, str] = {None: _("No partner manager"), **names}
    options = list(texts)
    errors = FieldErrors()
    with st.form("set_manager"):
        manager_id = st.selectbox(
            _("Partner manager"), options, index=options.index(filled.manager_id), format_func=texts.__getitem__,
            key=f"manager_{filled.id}_{filled.version}",
            help=_("The vendor's partner manager who looks after this partner. Only active partner managers "
                   "are offered."))
        errors.slot("manager_id")
        submitted = st.form_submit_button(_("Save partner manager"), key="set_manager_submit")
    if not submitted:
        return
    if manager_id == filled.manager_id:
        st.info(_("Nothing changed."))
        return
    changed, error = attempt(lambda s: partners.set_manager(s, user, filled.id, manager_id,
                                                            expected_version=filled.version))
    if error is not None and not isinstance(error, Conflict):
        flash.field_errors(errors, error)
        return
    on_done()  # saved or refused as out of date: the forms refill from the partner as it is now
    if error is not None:
        flash.done("partner", error)
    elif manager_id is None:
        flash.done("partner", _("{partner} has no partner manager now.").format(partner=md(changed.name)))
    else:
        flash.done("partner", _("{partner} is now looked after by {manager}.").format(
            partner=md(changed.name), manager=md(texts[manager_id])))


def manager_line(partner: PartnerRead) -> None:
    """A caption naming the partner's manager: "Partner manager: Maria Virtanen", or that there is none yet."""
    if partner.manager_id is None:
        st.caption(_("No partner manager yet."))
        return
    names, error = attempt(lambda s: deals.user_names(s, {partner.manager_id}))
    name = (names or {}).get(partner.manager_id) if error is None else None
    st.caption(_("Partner manager: {name}").format(name=md(name)) if name else _("No partner manager yet."))
