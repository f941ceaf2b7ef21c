"""Payouts: what the vendor pays each partner once finance has approved a week.

Finance and admins filter, total and act on payouts (confirm, back to draft, mark paid), make the SEPA bank file
and download the accounting export; a partner's admins see their own payouts, their state and paid date.
"""

from __future__ import annotations

import streamlit as st

from pages.components.frame import guard
from pages.components.frame.translate import _
from pages.components.payouts.actions import details, pick
from pages.components.payouts.bank_file import accounting_section, sepa_section
from pages.components.payouts.invoices import invoices_section
from pages.components.payouts.listing import carried_note, filters, table, totals

user = guard("payouts")
st.title(_("Payouts"))
st.caption(_("Approving a week makes one payout per partner and currency of its payable commission. Under the "
             "minimum payout, it is carried into the partner's next payout.") if user.is_staff else
           _("What the vendor pays your firm for each approved week, and when it was paid."))
chosen = filters(user)
count = totals(user, chosen)
carried_note(user, chosen["partner_id"] if user.is_staff else user.partner_id)  # type: ignore[arg-type]
shown = table(user, chosen, count)
picked = pick(user, shown)
if picked is not None:
    details(user, picked)
st.divider()
st.subheader(_("Invoices and credit notes"), anchor=False)
invoices_section(user, chosen["partner_id"] if user.is_staff else user.partner_id)  # type: ignore[arg-type]
if user.is_staff:
    st.divider()
    left, right = st.columns(2)
    with left:
        st.subheader(_("Bank file"), anchor=False)
        sepa_section(user)
    with right:
        st.subheader(_("Accounting export"), anchor=False)
        accounting_section(user)
