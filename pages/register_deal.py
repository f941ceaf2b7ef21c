"""Deal registration: a partner registers a potential customer; staff may register on a partner's behalf.

Every rule runs in deals.register_deal; a refused registration writes nothing and names the field at fault.
"""

import streamlit as st

from pages.components.deals import form
from pages.components.deals.review_labels import md
from pages.components.frame import guard
from pages.components.frame.labels import REVIEW_LABELS, STAGE_LABELS, label
from pages.components.frame.translate import _, fmt, ngettext
from partner_model import rules

user = guard("register_deal")
staff = user.role in rules.STAFF_ROLES
st.title(_("Register a deal"))
st.markdown(ngettext(
    "Register a customer you are working with, so the deal is yours. Enter the **customer's** contact name and "
    "email, never your own: the email's domain identifies the customer. Vendor staff review each registration; "
    "an accepted one protects your claim for {count} day.",
    "Register a customer you are working with, so the deal is yours. Enter the **customer's** contact name and "
    "email, never your own: the email's domain identifies the customer. Vendor staff review each registration; "
    "an accepted one protects your claim for {count} days.",
    rules.PROTECTION_DAYS).format(count=fmt().number(rules.PROTECTION_DAYS)))

created = form.created_deal()
if created is not None:
    with st.container(border=True):
        st.success(_("Registered **{company}** ({domain}). Review status: **{status}** until vendor staff review "
                     "it.").format(company=md(created.company_name), domain=md(created.customer_domain),
                                   status=label(REVIEW_LABELS, created.review_status)),
                   icon=":material/check_circle:")
        st.markdown(_("Stage **{stage}** · expected annual value **{value}** · contact {name} ({email})").format(
            stage=label(STAGE_LABELS, created.stage), value=fmt().money(created.value, created.currency),
            name=md(created.contact_name), email=md(created.contact_email)))
        st.page_link("pages/deal_board.py", label=_("See the deal on the deal board"), icon=":material/view_kanban:",
                     query_params={"deal": str(created.id)})
    st.subheader(_("Register another deal"))

left, __ = st.columns([3, 2])
with left:
    form.registration_form(user)
