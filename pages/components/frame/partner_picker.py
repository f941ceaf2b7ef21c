"""The staff's partner picker: a select box of partners, searched in SQL once the program has many.

A program with thousands of partners never sends every name to the browser: past PICKER_LIMIT partners, a
search box narrows the options to the first matches (and the partner already chosen stays an option).
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from pages.components.frame.data import attempt
from pages.components.frame.errors import show_error
from pages.components.frame.translate import _
from partner_model import partners
from partner_model.models import UserRead

PICKER_LIMIT = 50


def partner_choice(
    user: UserRead, *, key: str, everyone: str | None = None, placeholder: str | None = None,
    help: str | None = None, where: Any = None, preselect: bool = False, current: int | None = None,
    without_billing: bool = False,
) -> int | None:
    """The partner a staff user picks (None: `everyone`, the "all partners" option, or nothing picked yet);
    a partner's users get their own partner and see no picker. `preselect` picks the first partner,
    `current` that partner, when nothing is picked yet; `without_billing` offers only the partners missing billing
    information."""
    if not user.is_staff:
        return user.partner_id
    where = where or st
    chosen = st.session_state.get(key, current)
    total, error = attempt(lambda s: partners.count_partners(s, user))
    search = None
    if error is None and total > PICKER_LIMIT:
        search = where.text_input(_("Find a partner"), key=f"{key}_find", placeholder=_("Name or domain"),
                                  help=_("Type part of a partner's name or domain to narrow the list."))
    names, error = attempt(lambda s: _options(s, user, search, chosen, without_billing))
    if error is not None:
        show_error(error, where)
        return None
    texts: dict[int | None, str] = {None: everyone} if everyone is not None else {}
    texts.update(names)
    options = list(texts)
    if key in st.session_state and st.session_state[key] is not None and st.session_state[key] not in texts:
        del st.session_state[key]  # a partner no longer offered (another search): pick again
    index = options.index(current) if current in texts else 0 if everyone is not None or preselect else None
    return where.selectbox(_("Partner"), options, format_func=texts.__getitem__, key=key, help=help, index=index,
                           placeholder=placeholder or _("Choose a partner"))


def _options(s: Any, user: UserRead, search: str | None, chosen: object, without_billing: bool) -> dict[int, str]:
    found = partners.partner_names(s, user, search=search, limit=PICKER_LIMIT, without_billing=without_billing)
    if isinstance(chosen, int) and chosen not in found and not without_billing:
        found = {**partners.partner_names(s, user, ids=[chosen]), **found}
    return found


def partner_name(user: UserRead, partner_id: int | None) -> str | None:
    """One partner's name (None when unknown or not the actor's to see)."""
    if partner_id is None:
        return None
    names, error = attempt(lambda s: partners.partner_names(s, user, ids=[partner_id]))
    return None if error is not None else names.get(partner_id)
