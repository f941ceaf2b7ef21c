"""Partner invoices and credit notes on the Payouts page: the list (a page at a time) and a chosen one's PDF, as
the partner receives it. Finance sees every partner's (or the one filtered); a partner admin their own."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pages.components.frame.data import attempt
from pages.components.frame.errors import show_error
from pages.components.frame.translate import _, date_column_format
from pages.components.payouts.listing import PAGE_SIZE, money
from partner_model import invoice_queries, invoice_reports
from partner_model.models import UserRead


def invoices_section(user: UserRead, partner_id: int | None) -> None:
    """The invoices for netted commission, newest first, and the PDF of the one picked."""
    count, error = attempt(lambda s: invoice_queries.count_invoices(s, user, partner_id=partner_id))
    if error is not None:
        show_error(error)
        return
    if not count:
        st.info(_("No invoices yet. When a week with commission netted on a partner's invoice (billing via the "
                  "partner) is approved, the partner gets an invoice of the subscription value less the "
                  "commission."))
        return
    offset = 0
    if count > PAGE_SIZE:
        pages = (count + PAGE_SIZE - 1) // PAGE_SIZE
        offset = (int(st.number_input(_("Page"), 1, pages, 1, key="invoices_page")) - 1) * PAGE_SIZE
    frame, error = attempt(lambda s: invoice_queries.list_invoices(s, user, partner_id=partner_id, limit=PAGE_SIZE,
                                                                    offset=offset))
    if error is not None:
        show_error(error)
        return
    kinds = {"invoice": _("Invoice"), "credit_note": _("Credit note")}
    shown = pd.DataFrame({
        _("Number"): frame["number"], _("Kind"): [kinds[k] for k in frame["kind"]],
        _("Credits invoice"): frame["credits_number"].fillna("—"), _("Partner"): frame["partner_name"],
        _("Week"): frame["week"], _("Issued on"): pd.to_datetime(frame["issued_on"]),
        _("Amount due"): [money(c, cur) for c, cur in zip(frame["amount_cents"], frame["currency"], strict=True)],
    })
    if not user.is_staff:
        shown = shown.drop(columns=[_("Partner")])
    st.dataframe(shown, hide_index=True, width="stretch", key="invoices_table", column_config={
        _("Issued on"): st.column_config.DateColumn(format=date_column_format())})
    texts = {int(r.id): f"{r.number} · {kinds[r.kind]} · {r.partner_name} · {money(r.amount_cents, r.currency)}"
             for r in frame.itertuples()}
    picked = st.selectbox(_("Invoice"), list(texts), format_func=texts.__getitem__, key="invoices_pick",
                          index=None, placeholder=_("Choose an invoice to download"))
    if picked is None:
        return
    pdf, error = attempt(lambda s: invoice_reports.invoice_pdf(s, user, picked))
    if error is not None:
        show_error(error)
        return
    number = frame.loc[frame["id"] == picked, "number"].iloc[0]
    st.download_button(_("Download the PDF"), pdf, file_name=f"invoice-{number}.pdf", mime="application/pdf",
                       key="invoices_pdf", icon=":material/download:")
    st.caption(_("In the partner's language, as it was issued: an invoice never changes; a reversal gets a "
                 "credit note that names it."))
