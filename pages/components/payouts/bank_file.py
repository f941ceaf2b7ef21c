"""Finance's downloads: the SEPA credit-transfer file of the ready euro payouts (other currencies listed for a
manual transfer) and the accounting export of a period's payouts as CSV and XLSX."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from pages.components.frame.data import attempt, engine
from pages.components.frame.errors import show_error
from pages.components.frame.translate import _, date_input_format, fmt, language, ngettext
from pages.components.payouts.listing import money
from partner_model import clock, db, payout_reports, rules
from partner_model.models import UserRead

BATCH_KEY = "payouts_sepa"


def _make(user: UserRead) -> None:
    day = st.session_state.get("payouts_execution_date") or clock.today()
    batch, error = attempt(lambda s: payout_reports.sepa_transfer(s, user, execution_date=day))
    st.session_state[BATCH_KEY] = error if error is not None else batch


def sepa_section(user: UserRead) -> None:
    """Make the bank file of every ready euro payout, then download it."""
    st.date_input(_("Execution date"), value=clock.today(), min_value=clock.today(), key="payouts_execution_date",
                  format=date_input_format(), help=_("The day the bank is asked to pay."))
    st.button(_("Make the SEPA bank file"), key="payouts_make_sepa", on_click=_make, args=(user,),
              icon=":material/account_balance:",
              help=_("A pain.001 credit-transfer file of every ready payout in euros."))
    batch = st.session_state.get(BATCH_KEY)
    if batch is None:
        return
    if not isinstance(batch, payout_reports.SepaBatch):
        show_error(batch)
        return
    total = int(batch.included["due_cents"].sum())
    st.success(ngettext("{count} payout, {total} in total, is in the file.",
                        "{count} payouts, {total} in total, are in the file.", len(batch.included)).format(
        count=fmt().number(len(batch.included)), total=money(total, "EUR")), icon=":material/check:")
    st.download_button(_("Download the SEPA file (XML)"), batch.xml, file_name=f"payouts-{clock.today()}.xml",
                       mime="application/xml", key="payouts_sepa_download", icon=":material/download:")
    if len(batch.manual):
        st.warning(_("Not in euros: transfer these by hand."), icon=":material/warning:")
        st.dataframe(pd.DataFrame({
            _("Payout"): batch.manual["id"], _("Partner"): batch.manual["partner_name"],
            _("Due"): [money(c, cur) for c, cur in zip(batch.manual["due_cents"], batch.manual["currency"],
                                                        strict=True)],
            _("IBAN"): batch.manual["iban"], _("BIC"): batch.manual["bic"].fillna("—"),
        }), hide_index=True, width="stretch", key="payouts_manual")


def _file(user: UserRead, first: str, last: str, kind: str) -> Callable[[], bytes]:
    """What a download button serves, made on the click in its own short session (a period of every partner's
    payouts is too much to write on each run). The engine and the language are taken now: the click is served
    outside this script run."""
    pool, lang = engine(), language()

    def make() -> bytes:
        with db.session(pool) as s:
            if kind == "xlsx":
                return payout_reports.accounting_xlsx(s, user, first, last, language=lang)
            return payout_reports.accounting_csv(s, user, first, last, language=lang, part=kind)

    return make


def accounting_section(user: UserRead) -> None:
    """A period's payouts for the accounting system, the same numbers as the screen."""
    this_week = rules.iso_week(clock.today())
    weeks = rules.weeks_back(this_week, 26)
    left, right = st.columns(2)
    first = left.selectbox(_("From week"), weeks, index=0, key="payouts_first_week", format_func=fmt().week)
    last = right.selectbox(_("To week"), weeks, index=len(weeks) - 1, key="payouts_last_week",
                           format_func=fmt().week)
    __, error = attempt(lambda s: rules.week_period(first, last))  # the rule the exports apply on the click
    if error is not None:
        show_error(error)
        return
    name = f"{first}-{last}"
    # One under the other: three side by side in half the page cut "Auszahlungen (CSV)".
    st.download_button(_("Payouts (CSV)"), _file(user, first, last, "payouts"), file_name=f"payouts-{name}.csv",
                       mime="text/csv", key="payouts_csv", icon=":material/download:", on_click="ignore")
    st.download_button(_("Invoices (CSV)"), _file(user, first, last, "invoices"),
                       file_name=f"invoices-{name}.csv", mime="text/csv", key="invoices_csv",
                       icon=":material/download:", on_click="ignore")
    st.download_button(_("Both (XLSX)"), _file(user, first, last, "xlsx"), file_name=f"accounting-{name}.xlsx",
                       key="payouts_xlsx", mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       icon=":material/download:", on_click="ignore")
