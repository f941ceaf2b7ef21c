"""Finance's whole week: its grand totals per currency on the screen, and the week for the accounting system as
CSV and XLSX (commission_reports.week_export_csv / week_export_xlsx: human column names, the rate as a
percentage, the same numbers as the screen).

The files are made when a button is clicked (Streamlit's deferred download), not on every rerun: a busy week has
thousands of lines, and writing them as XLSX takes longer than the whole page may.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from pages.components.commissions.tables import currency_table, show_table
from pages.components.frame.data import engine
from pages.components.frame.translate import _, language
from partner_model import commission_queries, commission_reports, db
from partner_model.models import UserRead

MIME = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def week_totals(totals: pd.DataFrame) -> None:
    """The week's totals per partner summed per currency: what finance books for the whole week."""
    st.markdown(_("**Totals for the whole week, per currency**"))
    show_table(currency_table(commission_queries.currency_totals(totals)), key="week_currency_totals")


def _file(user: UserRead, week: str, kind: str) -> Callable[[], bytes]:
    """What the button downloads, made on the click in its own short session. The engine and the language are
    taken now: the click is served outside this script run."""
    pool, lang = engine(), language()
    write = commission_reports.week_export_csv if kind == "csv" else commission_reports.week_export_xlsx

    def make() -> bytes:
        with db.session(pool) as s:
            return write(s, user, week, language=lang)

    return make


def export_buttons(user: UserRead, week: str) -> None:
    """Finance's downloads of the whole week: every line, and (XLSX) the totals per partner and per currency."""
    st.caption(_("For the accounting system: every line of the week with its partner, and in the XLSX file also "
                 "the totals per partner and per currency."))
    row = st.container(horizontal=True)
    name = f"commission-week-{week}"  # file names stay ASCII English
    row.download_button(_("Download the week (CSV)"), _file(user, week, "csv"), file_name=f"{name}.csv",
                        mime=MIME["csv"], key="week_export_csv", icon=":material/download:", on_click="ignore")
    row.download_button(_("Download the week (XLSX)"), _file(user, week, "xlsx"), file_name=f"{name}.xlsx",
                        mime=MIME["xlsx"], key="week_export_xlsx", icon=":material/table_view:", on_click="ignore")
