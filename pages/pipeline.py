"""Pipeline: per partner or for the whole program, deals by stage, value by stage per currency, win rate,
conversion, speed to won, registrations per week, and the stale deals to chase.

Partner managers and admins choose a partner or all; a partner's users see their own partner's deals.
Every figure is an SQL aggregate from partner_model.pipeline; the charts are pure builders.
"""

import streamlit as st

from pages.components import attempt, guard, show_error
from pages.components import pipeline_charts as charts
from pages.components import pipeline_panel as panel
from pages.components.access import PAGES
from partner_model import partners, pipeline

STALE_LIMIT = 50

user = guard("pipeline")
st.title("Pipeline")

names, error = attempt(lambda s: partners.partner_names(s, user))
if error is not None:
    show_error(error)
    st.stop()
partner_id = panel.partner_filter(user, names)


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
    whose = "the program" if partner_id is None else names.get(partner_id, "this partner")
    st.info(f"No deals registered for {whose} yet: the pipeline fills as deals are registered.",
            icon=":material/monitoring:")
    st.stop()

panel.metrics(figures["stats"])

left, right = st.columns(2)
with left:
    st.plotly_chart(charts.funnel_figure(figures["funnel"]), key="pipeline_funnel")
    lost = int(charts.deals_per_stage(figures["funnel"])["closed_lost"])
    st.caption(f"Deals in each stage now. Closed lost ({lost:,} deal{'' if lost == 1 else 's'}) left the funnel; "
               "denied deals are not counted.")
with right:
    st.plotly_chart(charts.value_by_stage_figure(figures["funnel"]), key="pipeline_value")
    st.caption("Expected annual value of the deals in each stage, one panel per currency (never added up).")

st.plotly_chart(charts.registrations_figure(figures["weekly"]), key="pipeline_weekly")

st.subheader("Stale deals to chase")
stale = figures["stale"]
more = " (the first 50)" if len(stale) >= STALE_LIMIT else ""
st.caption(f"Open deals that sat in their stage past its limit, longest waiting first{more}.")
panel.stale_table(stale, show_partner=partner_id is None)
if not stale.empty:
    st.page_link(PAGES["deal_board"].path, label="Open the deal board to move them", icon=PAGES["deal_board"].icon)
