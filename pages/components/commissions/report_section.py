"""The commission reports: four Plotly charts over the last 26 ISO weeks, one currency at a time.

Partner users and admins see their own partner's commission; staff see the program, the top partners and
(partner managers, finance and admin) commission by partner tier. Sums run in SQL in commission_reports.
"""

from __future__ import annotations

import streamlit as st

from pages.components.commissions import charts
from pages.components.frame.data import attempt
from pages.components.frame.errors import show_error
from pages.components.frame.translate import _, fmt, ngettext
from partner_model import commission_reports, rules
from partner_model.models import UserRead

REPORT_WEEKS = 26
TOP_PARTNERS = 10


def _read(user: UserRead, staff: bool):  # type: ignore[no-untyped-def]
    def read(s):  # type: ignore[no-untyped-def]
        sums = commission_reports.weekly_sums(s, user, weeks=REPORT_WEEKS)  # both weekly charts, one pass
        frames = {
            "weekly": commission_reports.summed_by(sums, "billing_option"),
            "directions": commission_reports.summed_by(sums, "direction"),
        }
        if staff:
            frames["top"] = commission_reports.top_partners(s, user, weeks=REPORT_WEEKS, limit=TOP_PARTNERS)
            frames["tiers"] = commission_reports.by_tier(s, user, weeks=REPORT_WEEKS)
        return frames

    return attempt(read)


def _chart(title: str, figure, empty: str, key: str) -> None:  # type: ignore[no-untyped-def]
    """`title` and `empty` come translated."""
    st.markdown(f"**{title}**")
    if figure is None:
        st.info(empty)
    else:
        st.plotly_chart(figure, key=key, config={"displaylogo": False})


def reports(user: UserRead, this_week: str) -> None:
    """The charts for the user's role; st.info wherever a chart has nothing to draw."""
    staff = user.is_staff
    frames, error = _read(user, staff)
    if error is not None:
        show_error(error)
        return
    weeks = rules.weeks_back(this_week, REPORT_WEEKS)
    count = fmt().number(REPORT_WEEKS)
    if staff:
        # TRANSLATORS: {first} and {last} are ISO weeks such as 2026-W22.
        caption = ngettext("The last {count} ISO week, {first} to {last}. Amounts are never added across "
                           "currencies.",
                           "The last {count} ISO weeks, {first} to {last}. Amounts are never added across "
                           "currencies.", REPORT_WEEKS)
    else:
        # TRANSLATORS: {first} and {last} are ISO weeks such as 2026-W22.
        caption = ngettext("The last {count} ISO week, {first} to {last}, your own commission only. Amounts are "
                           "never added across currencies.",
                           "The last {count} ISO weeks, {first} to {last}, your own commission only. Amounts are "
                           "never added across currencies.", REPORT_WEEKS)
    st.caption(caption.format(count=count, first=weeks[0], last=weeks[-1]))
    found = charts.currencies(*frames.values())
    if not found:
        st.info(ngettext("No commission in the last {count} week.", "No commission in the last {count} weeks.",
                         REPORT_WEEKS).format(count=count))
        return
    currency = found[0]
    if len(found) > 1:  # currency codes: the same in every language
        currency = st.segmented_control(_("Currency"), found, default=found[0], key="report_currency") or found[0]
    none = ngettext("No commission in {currency} in the last {count} week.",
                    "No commission in {currency} in the last {count} weeks.", REPORT_WEEKS).format(
        currency=currency, count=count)
    # Titles in the reader's terms: a partner reads about their own commission, staff about the partners'.
    if staff:
        weekly_title, directions_title = (_("Commission per week by billing option"),
                                          _("Payable to partners against netted on their invoices"))
    else:
        weekly_title, directions_title = (_("Your commission per week by billing option"),
                                          _("Paid to you against netted on your invoices"))
    left, right = st.columns(2)
    with left:
        _chart(weekly_title, charts.weekly_by_option_figure(frames["weekly"], weeks, currency), none, "chart_weekly")
    with right:
        _chart(directions_title, charts.payable_netted_figure(frames["directions"], weeks, currency, own=not staff),
               none, "chart_directions")
    if not staff:
        return
    left, right = st.columns(2)
    with left:
        _chart(ngettext("Top {count} partner by commission", "Top {count} partners by commission", TOP_PARTNERS)
               .format(count=fmt().number(TOP_PARTNERS)),
               charts.top_partners_figure(frames["top"], currency), none, "chart_top")
    with right:
        _chart(_("Commission by partner tier"), charts.by_tier_figure(frames["tiers"], currency), none,
               "chart_tiers")
