"""Administration (admins only): partners with their tier, commission rate and partner manager, users, the
applications to become a partner, the audit log, and the product feed's API tokens.

Every change goes through partners.* and users.*, which check the admin role again and audit the change.
"""

from __future__ import annotations

import streamlit as st

from pages.components.admin.applications import applications_section
from pages.components.admin.audit import audit_section
from pages.components.admin.partners import partners_section
from pages.components.admin.tokens import tokens_section
from pages.components.admin.users import users_section
from pages.components.frame import guard
from pages.components.frame.links import linked_value
from pages.components.frame.translate import _

user = guard("admin")
st.title(_("Admin"))
TABS = {"partners": _("Partners"), "users": _("Users"), "applications": _("Applications"), "audit": _("Audit log"),
        "tokens": _("API tokens")}
linked_tab = linked_value("tab")  # ?tab=users (the admin's work inbox) opens that tab
partners_tab, users_tab, applications_tab, audit_tab, tokens_tab = st.tabs(list(TABS.values()),
                                                                         default=TABS.get(linked_tab or ""))
with partners_tab:
    partners_section(user)
with users_tab:
    users_section(user)
with applications_tab:
    applications_section(user)
with audit_tab:
    audit_section(user)
with tokens_tab:
    tokens_section(user)
