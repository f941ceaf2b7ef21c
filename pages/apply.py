"""Apply to become a partner: the public page (no sign-in) where a consulting firm applies. Admins review the
applications on the Admin page (pages/components/admin/applications.py)."""

from __future__ import annotations

import streamlit as st

from pages.components.applications.form import application_form
from pages.components.frame.guard import page_frame
from pages.components.frame.translate import _

page_frame("apply")
st.title(_("Apply to become a partner"))
st.write(_("Consulting firms that help their customers with information security and privacy compliance "
           "resell and implement our platform. Tell us about your firm: we review every application and answer by "
           "email."))
application_form()
