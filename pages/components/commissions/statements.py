"""Partner statements (shown, and downloadable as CSV and PDF) and a partner's year to date."""

from __future__ import annotations

import re

import streamlit as st

from pages.components.commissions.tables import (
    line_counts,
    lines_table,
    show_table,
    totals_table,
    year_to_date_table,
)
from pages.components.frame.data import attempt
from pages.components.frame.errors import show_error
from pages.components.frame.text import md, md_line
from pages.components.frame.translate import _, fmt, language, ngettext
from partner_model import commission_queries, commission_reports
from partner_model.models import PartnerRead, UserRead


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "partner"


def staff_partner_pick(user: UserRead, week: str) -> int | None:
    """Staff choose among the partners with lines in the week (a program has thousands of partners)."""
    names, error = attempt(lambda s: commission_queries.week_partners(s, user, week))
    if error is not None:
        show_error(error)
        return None
    if not names:
        st.info(_("No partner has commission lines in week {week}, so there is no statement to download.")
                .format(week=week))
        return None
    return st.selectbox(_("Partner"), list(names), index=None, key=f"statement_partner_{week}",
                        format_func=names.get, placeholder=_("Choose a partner"))


def _billing_info(partner: PartnerRead) -> None:
    # One message a line (the same ones as the PDF statement's), joined by Markdown line breaks.
    st.markdown("  \n".join((
        f"**{md(partner.legal_name or partner.name)}**",
        _("VAT id: {vat_id}").format(vat_id=md(partner.vat_id or "—")),
        _("Billing email: {email}").format(email=md(partner.billing_email or "—")),
        _("Address: {address}").format(address=md(partner.address or "—")),
    )))
    if not all((partner.legal_name, partner.vat_id, partner.billing_email, partner.address)):
        st.warning(_("The partner's billing information is incomplete: a partner admin keeps it on the Billing "
                     "page."), icon=":material/warning:")


def statement(user: UserRead, partner_id: int, week: str) -> None:
    """One partner's statement for one week: billing information, lines, totals and the two downloads."""
    result, error = attempt(lambda s: commission_reports.statement(s, user, partner_id, week))
    if error is not None:
        show_error(error)
        return
    partner, lines, totals = result
    st.subheader(_("Statement {week}: {partner}").format(week=week, partner=md_line(partner.name)))
    _billing_info(partner)
    if lines.empty:
        st.info(_("{partner} has no commission lines in week {week}.").format(partner=md(partner.name), week=week))
    else:
        show_table(lines_table(lines, with_partner=False), key="statement_lines", wrap=True)
        show_table(totals_table(totals).drop(columns=["Partner"]), key="statement_totals")
    name = f"commission-statement-{_slug(partner.name)}-{week}"  # file names stay ASCII English
    lang = language()
    buttons = st.container(horizontal=True)
    buttons.download_button(_("Download CSV"), commission_reports.statement_csv(lines, language=lang),
                            file_name=f"{name}.csv", mime="text/csv", key="statement_csv",
                            icon=":material/download:", on_click="ignore")
    buttons.download_button(_("Download PDF"),
                            commission_reports.statement_pdf(partner, week, lines, totals, language=lang),
                            file_name=f"{name}.pdf", mime="application/pdf", key="statement_pdf",
                            icon=":material/picture_as_pdf:", on_click="ignore")


def year_to_date(user: UserRead, year: int) -> None:
    """The partner's own lines from week 1 of this year to this week, with their totals per currency."""
    def read(s):  # type: ignore[no-untyped-def]
        lines = commission_reports.year_to_date(s, user)
        first, last = lines["week"].min(), lines["week"].max()
        return lines, (commission_queries.period_totals(s, user, first, last) if not lines.empty else None)

    result, error = attempt(read)
    if error is not None:
        show_error(error)
        return
    lines, totals = result
    if totals is None:
        st.info(_("No commission lines in {year} yet.").format(year=year))
        return
    # One compact row per currency (a partner paid in five currencies reads one small table, not fifteen tiles).
    st.markdown(_("**Year to date {year}, per currency**").format(year=year))
    show_table(year_to_date_table(totals), key="ytd_totals")
    weeks = int(lines["week"].nunique())
    # TRANSLATORS: {lines} is a count of lines by kind ("3 lines: 2 commissions, 1 reversal"), {weeks} "2 weeks".
    st.caption(_("{lines}, in {weeks} of {year}.").format(
        lines=line_counts(lines, per_partner=False), year=year,
        weeks=ngettext("{count} week", "{count} weeks", weeks).format(count=fmt().number(weeks))))
    show_table(lines_table(lines.iloc[::-1], with_partner=False, with_week=True), key="ytd_lines", wrap=True)
