"""Administration (admins only): partners with their tier, commission rate and partner manager, users, and the
audit log.

Every change goes through partners.* and users.*, which check the admin role again and audit the change.
"""

from __future__ import annotations

import streamlit as st

from pages.components.admin.audit import audit_section
from pages.components.admin.partners import partners_section
from pages.components.admin.users import users_section
from pages.components.frame import guard
from pages.components.frame.translate import _

user = guard("admin")
st.title(_("Admin"))
partners_tab, users_tab, audit_tab = st.tabs([_("Partners"), _("Users"), _("Audit log")])
with partners_tab:
    partners_section(user)
with users_tab:
    users_section(user)
with audit_tab:
    audit_section(user)
