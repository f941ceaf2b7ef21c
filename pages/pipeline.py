"""Pipeline: per partner, a partner manager's own partners, or the whole program: deals by the furthest stage they
reached with stage-to-stage conversion, value by stage one currency at a time, win rate, speed to won,
registrations per week, the Newsletter stage's deals by their contacts' consent (with the subscriptions' CSV for
staff), the partners compared (staff), and the stale deals to chase, each opening its card.

Partner managers and admins choose a partner or all (a manager's own partners by default); a partner's users see
their own partner's deals. Every figure is an SQL aggregate from partner_model.pipeline; the charts are pure
builders.
"""

import streamlit as st

from pages.components.frame import attempt, guard, show_error
from pages.components.frame.access import PAGES
from pages.components.frame.partner_picker import partner_name
from pages.components.frame.text import md
from pages.components.frame.translate import _, fmt, ngettext
from pages.components.pipeline import charts, comparison, newsletter, panel
from partner_model import newsletter_queries, pipeline

STALE_LIMIT = 50
STALE_COUNT_CAP = 1000  # past it the page says "1,000+" rather than count a big program's every stale deal

user = guard("pipeline")
st.title(_("Pipeline"))

partner_id, manager_id = panel.partner_filter(user)
scope = {"partner_id": partner_id, "manager_id": manager_id}


def read(s):  # type: ignore[no-untyped-def]
    """Every figure of the page, in one short-lived session."""
    return {
        "stats": pipeline.stats(s, user, **scope),
        "funnel": pipeline.funnel(s, user, **scope),
        "reached": pipeline.reached(s, user, **scope),
        "weekly": pipeline.registrations_per_week(s, user, **scope),
        "stale": pipeline.stale_deals(s, user, **scope, limit=STALE_LIMIT),
        "stale_count": pipeline.stale_count(s, user, **scope, cap=STALE_COUNT_CAP),
        "newsletter": newsletter_queries.stage_summary(s, user, **scope),
        "partners": pipeline.partner_comparison(s, user, manager_id=manager_id) if user.partner_id is None else None,
    }


figures, error = attempt(read)
if error is not None:
    show_error(error)
    st.stop()

if figures["stats"]["deals"] == 0:
    if partner_id is not None:
        partner = md(partner_name(user, partner_id) or _("Partner #{id}").format(id=partner_id))
        empty = _("No deals registered for {partner} yet: the pipeline fills as deals are registered.").format(
            partner=partner)
    elif manager_id is not None:
        empty = _("No deals registered for your partners yet. Switch off \"My partners only\" to see every "
                  "partner's.")
    else:
        empty = _("No deals registered for the program yet: the pipeline fills as deals are registered.")
    st.info(empty, icon=":material/monitoring:")
    st.stop()

panel.metrics(figures["stats"])

left, right = st.columns(2, gap="large")
with left:
    st.plotly_chart(charts.funnel_figure(figures["reached"]), key="pipeline_funnel")
    panel.funnel_table(figures["reached"])
    lost = int(charts.deals_per_stage(figures["funnel"])["closed_lost"])
    st.caption(ngettext(
        "Each deal counts at the furthest stage it reached, from its history, and at every step before it. "
        "{count} deal is lost now; denied deals are not counted.",
        "Each deal counts at the furthest stage it reached, from its history, and at every step before it. "
        "{count} deals are lost now; denied deals are not counted.",
        lost).format(count=fmt().number(lost)))
with right:
    currency = panel.currency_picker(charts.currency_totals(figures["funnel"]))
    st.plotly_chart(charts.value_by_stage_figure(figures["funnel"], currency), key="pipeline_value")
    st.caption(_("Expected annual value of the deals in each stage now, in one currency (amounts in different "
                 "currencies are never added up)."))

st.plotly_chart(charts.registrations_figure(figures["weekly"]), key="pipeline_weekly")
newsletter.newsletter_section(user, figures["newsletter"])

if figures["partners"] is not None:
    comparison.partner_comparison(figures["partners"])

st.subheader(_("Stale deals to chase"), anchor=False)
stale, stale_total = figures["stale"], figures["stale_count"]
if stale_total > len(stale):
    st.caption(_("Open deals that sat in their stage past its limit, longest waiting first: the first {shown} of "
                 "{count}. Open a deal's card to move it on.").format(
        shown=fmt().number(len(stale)),
        count=fmt().number(stale_total) + ("+" if stale_total >= STALE_COUNT_CAP else "")))
else:
    st.caption(_("Open deals that sat in their stage past its limit, longest waiting first. Open a deal's card to "
                 "move it on."))
panel.stale_table(stale, show_partner=partner_id is None)
if not stale.empty:
    st.page_link(PAGES["deal_board"].path, label=_("Open the deal board"), icon=PAGES["deal_board"].icon)
