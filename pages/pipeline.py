"""Pipeline: per partner or for the whole program, deals by stage, value by stage per currency, win rate,
conversion, speed to won, registrations per week, and the stale deals to chase.

Partner managers and admins choose a partner or all; a partner's users see their own partner's deals.
Every figure is an SQL aggregate from partner_model.pipeline; the charts are pure builders.
"""

import streamlit as st

from pages.components.frame import attempt, guard, show_error
from pages.components.frame.access import PAGES
from pages.components.frame.partner_picker import partner_name
from pages.components.frame.text import md
from pages.components.frame.translate import _, fmt, ngettext
from pages.components.pipeline import charts, panel
from partner_model import pipeline

STALE_LIMIT = 50

user = guard("pipeline")
st.title(_("Pipeline"))

partner_id = panel.partner_filter(user)


def read(s):  # type: ignore[no-untyped-def]
    """Every figure of the page, in one short-lived session."""
    return {
        "stats": pipeline.stats(s, user, partner_id=partner_id),
        "funnel": pipeline.funnel(s, user, partner_id=partner_id),
        "weekly": pipeline.registrations_per_week(s, user, partner_id=partner_id),
        "stale": pipeline.stale_deals(s, user, partner_id=partner_id, limit=STALE_LIMIT),
    }


figures, error = attempt(read)
if error is not None:
    show_error(error)
    st.stop()

if figures["stats"]["deals"] == 0:
    if partner_id is None:
        empty = _("No deals registered for the program yet: the pipeline fills as deals are registered.")
    else:
        partner = md(partner_name(user, partner_id) or _("Partner #{id}").format(id=partner_id))
        empty = _("No deals registered for {partner} yet: the pipeline fills as deals are registered.").format(
            partner=partner)
    st.info(empty, icon=":material/monitoring:")
    st.stop()

panel.metrics(figures["stats"])

left, right = st.columns(2)
with left:
    st.plotly_chart(charts.funnel_figure(figures["funnel"]), key="pipeline_funnel")
    lost = int(charts.deals_per_stage(figures["funnel"])["closed_lost"])
    st.caption(ngettext(
        "Deals in each stage now. Closed lost ({count} deal) left the funnel; denied deals are not counted.",
        "Deals in each stage now. Closed lost ({count} deals) left the funnel; denied deals are not counted.",
        lost).format(count=fmt().number(lost)))
with right:
    st.plotly_chart(charts.value_by_stage_figure(figures["funnel"]), key="pipeline_value")
    st.caption(_("Expected annual value of the deals in each stage, one panel per currency (never added up)."))

st.plotly_chart(charts.registrations_figure(figures["weekly"]), key="pipeline_weekly")

st.subheader(_("Stale deals to chase"))
stale = figures["stale"]
if len(stale) >= STALE_LIMIT:
    st.caption(_("Open deals that sat in their stage past its limit, longest waiting first (the first {count}).")
               .format(count=fmt().number(STALE_LIMIT)))
else:
    st.caption(_("Open deals that sat in their stage past its limit, longest waiting first."))
panel.stale_table(stale, show_partner=partner_id is None)
if not stale.empty:
    st.page_link(PAGES["deal_board"].path, label=_("Open the deal board to move them"), icon=PAGES["deal_board"].icon)
