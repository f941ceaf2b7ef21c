"""Text is text, everywhere: what partners and staff type (company, contact, partner and user names, emails,
notes, attention items, billing details, framework names) shows as written on every page, for staff and partners.

Hostile rows are added through the services to this test's copy of the world; every page is walked with them shown
(an account, a deal card and a deal under review opened; flash messages of moves, reviews and extensions), and no
element that renders Markdown may hold them unescaped: no bold, LaTeX, colour, icon, image, link or autolink made
from them, and no Plotly figure may hold their tags. Each page must show them too, so no check passes by accident.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from google.protobuf.descriptor import FieldDescriptor
from pages_helpers import shown
from streamlit.testing.v1 import AppTest

from pages_world import PASSWORD, ROOT, World
from partner_model import clock, customers, deals, partners, rules, users

TODAY = clock.today()
WEEK = rules.iso_week(TODAY)
HOST = "http://127.0.0.1:9"

# Each typed text holds most of the tricks; the short ones fit their field's length limit.
COMPANY = (f'**b** $x^2$ :red[x] ![t]({HOST}/x.png) <a href="{HOST}/">x</a> [link]({HOST}/) {HOST}/bare '
           "someone@evil.example =1+1 :material/home: Evil Co")
WON_COMPANY = f"**w** $w^2$ :red[w] ![t]({HOST}/w.png) <a href=\"{HOST}/\">w</a> Won Co"
OPEN_COMPANY = f"**o** $o^2$ :red[o] ![t]({HOST}/o.png) [link]({HOST}/) Open Co"
REGISTERED_COMPANY = f"**r** $r^2$ :red[r] ![t]({HOST}/r.png) Registered Co"
PARTNER = f'**p** $p^2$ :red[p] ![t]({HOST}/p.png) <a href="{HOST}/">p</a> Hostile Partners'
USER = f"**u** $u^2$ :red[u] ![t]({HOST}/u.png) www.evil.example Hostile User"
ADMIN_USER = f"**a** $a^2$ :red[a] ![t]({HOST}/a.png) Hostile Admin"
CONTACT = f"**c** $c^2$ :red[c] ![t]({HOST}/c.png) [link]({HOST}/) Carl"
NOTE = f'<a href="{HOST}/">note</a> **n** $n^2$ :red[n] {HOST}/bare someone@evil.example =1+1'
FRAMEWORK = f'<a href="{HOST}/">fw</a> **fw** $f^2$'
KIND = "**k** :red[k] $k^2$ =1+1"
DETAIL = f"![t]({HOST}/detail.png) **d** $d^2$ :red[d] [link]({HOST}/) someone@evil.example"
LEGAL = f"![t]({HOST}/legal.png) **legal** $l^2$ :red[l] Hostile Oy"
ADDRESS = f'[link]({HOST}/) Street 1\n<a href="{HOST}/">addr</a> :red[s] $s^2$ =1+1'

# What no Markdown source may hold: each would take effect in a browser.
TOKENS = ("**b**", "**w**", "**o**", "**r**", "**p**", "**u**", "**a**", "**c**", "**n**", "**fw**", "**k**",
          "**d**", "**legal**", "$x^2$", "$w^2$", "$o^2$", "$r^2$", "$p^2$", "$u^2$", "$a^2$", "$c^2$", "$n^2$",
          "$f^2$", "$k^2$", "$d^2$", "$l^2$", "$s^2$", ":red[", "![t]", "](http", "<a href", "://127.0.0.1",
          "@evil.example", "www.evil", "=1+1", ":material/home:")
# What no Plotly text may hold: its tags take effect there (and dollars, where MathJax is loaded).
PLOTLY_TOKENS = ("<a href", "$x^2$", "$f^2$", "$p^2$")
MARKDOWN_FIELDS = frozenset({"body", "label", "help", "title", "content"})  # every proto field Streamlit renders
PLAIN_ELEMENTS = frozenset({"text", "code", "json", "exception"})  # shown as text: never escaped


@dataclass
class Hostile:
    partner_id: int = 0
    user_ids: dict[str, int] = field(default_factory=dict)
    customer_id: int = 0
    pending_id: int = 0
    won_id: int = 0
    open_id: int = 0


@pytest.fixture
def hostile(world: World) -> Iterator[Hostile]:
    """A partner, its users, a trial with an attention item and activity, and deals (pending, accepted, won) whose
    every typed text is hostile, added through the services to this test's copy of the world."""
    made = Hostile()
    with world.session() as s:
        admin = users.get_user(s, world.user_ids["admin"])
        manager = users.get_user(s, world.user_ids["partner_manager"])
        partner = partners.create_partner(s, name=PARTNER, domain="hostile-partner.example",
                                          commission_rate=Decimal("0.20"), actor=admin)
        made.partner_id = partner.id
        for role, name in (("partner_user", USER), ("partner_admin", ADMIN_USER)):
            made.user_ids[role] = users.create_user(
                s, email=f"{role.replace('_', '.')}@hostile-partner.example", name=name, role=role,
                password=PASSWORD, partner_id=partner.id, actor=admin).id
        author = users.get_user(s, made.user_ids["partner_user"])
        partners.update_billing_info(s, users.get_user(s, made.user_ids["partner_admin"]), partner.id,
                                     legal_name=LEGAL, vat_id="FI12345678", billing_email="someone@evil.example",
                                     address=ADDRESS)
        trial = customers.create_trial(s, author, company_name=COMPANY, domain="hostile-trial.example",
                                       framework=FRAMEWORK, today=TODAY - dt.timedelta(days=10))  # ends soon
        made.customer_id = trial.id
        customers.add_attention_item(s, author, trial.id, kind=KIND, detail=DETAIL)
        customers.record_activity(s, trial.id, occurred_on=TODAY - dt.timedelta(days=1))
        pending = deals.register_deal(s, author, contact_name=CONTACT, contact_email="someone@evil.example",
                                      company_name=COMPANY, annual_value="7000", framework=FRAMEWORK, note=NOTE,
                                      today=TODAY - dt.timedelta(days=10))  # stale: listed on the pipeline
        made.pending_id = pending.id
        deals.add_note(s, manager, pending.id, NOTE)
        won = deals.register_deal(s, author, contact_name=CONTACT, contact_email="buyer@hostile-won.example",
                                  company_name=WON_COMPANY, annual_value="9000", framework=FRAMEWORK)
        deals.review_deal(s, manager, won.id, accept=True, note=NOTE)
        deals.move_deal(s, author, won.id, stage="closed_won", billing_option="invoice")
        made.won_id = won.id
        opened = deals.register_deal(s, author, contact_name=CONTACT, contact_email="buyer@hostile-open.example",
                                     company_name=OPEN_COMPANY, annual_value="5000")
        deals.review_deal(s, manager, opened.id, accept=True)
        made.open_id = opened.id
    yield made


# --- reading what a run drew ------------------------------------------------------------------------------


def _strings(message: Any) -> Iterator[str]:
    """The Markdown a proto carries: its body, label, help, title and option contents, at any depth."""
    for descriptor, value in message.ListFields():
        values = value if descriptor.is_repeated else [value]
        for item in values:
            if descriptor.type == FieldDescriptor.TYPE_MESSAGE:
                yield from _strings(item)
            elif descriptor.type == FieldDescriptor.TYPE_STRING and descriptor.name in MARKDOWN_FIELDS:
                yield item


def _nodes(node: Any) -> Iterator[Any]:
    yield node
    for child in (getattr(node, "children", None) or {}).values():
        yield from _nodes(child)


def _plotly_strings(spec: Any) -> Iterator[str]:
    if isinstance(spec, str):
        yield spec
    elif isinstance(spec, dict):
        for value in spec.values():
            yield from _plotly_strings(value)
    elif isinstance(spec, list):
        for value in spec:
            yield from _plotly_strings(value)


@dataclass
class Drawn:
    markdown: list[str] = field(default_factory=list)  # sources Streamlit renders as Markdown (st.table cells too)
    plotly: list[str] = field(default_factory=list)  # every text of every figure
    plain: list[str] = field(default_factory=list)  # shown as text: dataframe cells, option texts, st.text

    def seen(self) -> str:
        """Everything a reader sees, as text."""
        return "\n".join([*(shown(s) for s in self.markdown), *(html.unescape(s) for s in self.plotly),
                          *self.plain])


def drawn(at: AppTest) -> Drawn:
    out = Drawn()
    for node in _nodes(at._tree):
        kind, proto = getattr(node, "type", ""), getattr(node, "proto", None)
        if proto is None:
            continue
        if kind == "plotly_chart":
            out.plotly += list(_plotly_strings(json.loads(proto.spec)))
        elif kind == "table":
            out.markdown += [str(cell) for cell in node.value.astype(str).to_numpy().ravel()]
        elif kind == "dataframe":
            out.plain += [str(cell) for cell in node.value.astype(str).to_numpy().ravel()]
        elif kind in PLAIN_ELEMENTS:
            out.plain.append(str(getattr(proto, "body", "")))
        else:
            out.markdown += list(_strings(proto))
            out.plain += [str(option) for option in getattr(proto, "options", []) if isinstance(option, str)]
    return out


def check(at: AppTest, where: str, *expected: str) -> None:
    """No exception; nothing hostile unescaped in Markdown or Plotly; and each `expected` text shows as written."""
    assert not at.exception, f"{where}: {[e.value for e in at.exception]}"
    found = drawn(at)
    for source in found.markdown:
        live = re.sub(r"\\.", "\x00", source, flags=re.DOTALL)  # escaped characters take no effect: blank them
        bad = [token for token in TOKENS if token in live]
        assert not bad, f"{where}: {bad} unescaped in Markdown {source!r}"
    for text in found.plotly:
        bad = [token for token in PLOTLY_TOKENS if token in text]
        assert not bad, f"{where}: {bad} unescaped in a Plotly text {text!r}"
    seen = found.seen()
    missing = [text for text in expected if text not in seen]
    assert not missing, f"{where}: not shown as written: {missing}"


def run_as(user_id: int) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=30)
    at.session_state["user_id"] = user_id
    return at.run()


def page(at: AppTest, name: str, **state: Any) -> AppTest:
    for key, value in state.items():
        at.session_state[key] = value
    return at.switch_page(f"pages/{name}.py").run()


# --- the walks ------------------------------------------------------------------------------------------


def walk_customers(at: AppTest, h: Hostile, staff: bool) -> None:
    at = page(at, "customers", customers_open=h.customer_id)
    check(at, "customers, account open", COMPANY, FRAMEWORK, KIND, DETAIL, *([PARTNER] if staff else []))
    key = "customers_grant_extension" if staff else "customers_request_extension"
    at = at.button(key=key).click().run()
    check(at, "customers, extension flash", COMPANY)
    assert any(COMPANY in shown(s.value) for s in at.success)


def walk_deal_board(at: AppTest, h: Hostile, staff: bool = True) -> None:
    at = page(at, "deal_board", board_card=h.pending_id)
    # the partner's own name shows to staff only (a partner knows its own firm)
    check(at, "deal board, card open", COMPANY, CONTACT, NOTE, FRAMEWORK, "someone@evil.example",
          *([PARTNER] if staff else []))
    at.session_state["board_card"] = None
    at = at.run()
    at.segmented_control(key="board_view").set_value("cards").run()
    at = at.button(key=f"board_move_{h.open_id}").click().run()  # no stage chosen: refused, naming the company
    check(at, "deal board, refused move", OPEN_COMPANY)
    at.selectbox(key=f"board_to_{h.open_id}").select("newsletter").run()
    at = at.button(key=f"board_move_{h.open_id}").click().run()  # Newsletter asks for the subscription first
    check(at, "deal board, newsletter dialog", OPEN_COMPANY)
    at = at.button(key="board_move_without_subscription").click().run()
    check(at, "deal board, move flash", OPEN_COMPANY, WON_COMPANY)
    assert any(OPEN_COMPANY in shown(s.value) for s in at.success)


def walk_review_queue(at: AppTest, h: Hostile) -> None:
    at = page(at, "review_queue", review_deal=h.pending_id)
    check(at, "review queue, deal chosen", COMPANY, CONTACT, PARTNER, FRAMEWORK, USER, "someone@evil.example")
    at = at.button(key="review_accept").click().run()
    check(at, "review queue, accepted flash", COMPANY, PARTNER)
    assert any(COMPANY in shown(s.value) for s in at.success)


def walk_commissions(at: AppTest, h: Hostile, staff: bool) -> None:
    first = "week_review" if staff else "week"
    at = page(at, "commissions", commissions_tab=first)
    check(at, "commissions, week", WON_COMPANY)
    at = page(at, "commissions", commissions_tab="statements",
              **({f"statement_partner_{WEEK}": h.partner_id} if staff else {}))
    check(at, "commissions, statement", PARTNER, LEGAL, ADDRESS, "someone@evil.example", WON_COMPANY)
    at = page(at, "commissions", commissions_tab="reports")
    check(at, "commissions, reports", *([PARTNER] if staff else []))
    if not staff:
        at = page(at, "commissions", commissions_tab="year_to_date")
        check(at, "commissions, year to date", WON_COMPANY)


def test_an_admin_sees_every_typed_text_as_written_on_every_page(world, hostile):
    h = hostile
    at = run_as(world.user_ids["admin"])
    check(at, "home")
    walk_customers(at, h, staff=True)
    at = page(at, "pipeline", pipeline_partner=h.partner_id)
    check(at, "pipeline", COMPANY, PARTNER)
    walk_commissions(at, h, staff=True)
    at = page(at, "billing", billing_partner=h.partner_id)
    check(at, "billing, admin's form", PARTNER, LEGAL, ADDRESS)
    at = page(at, "admin", commission_partner=h.partner_id, picked_user=h.user_ids["partner_user"])
    check(at, "admin", PARTNER, USER, LEGAL)
    tier = next(s for s in at.selectbox if s.key and s.key.startswith("commission_tier_"))
    tier.select("gold")
    at = at.button(key="set_commission_submit").click().run()
    check(at, "admin, tier change asked", PARTNER)
    at = at.button(key="commission_confirm").click().run()
    check(at, "admin, tier changed", PARTNER)
    walk_deal_board(at, h)
    walk_review_queue(at, h)


def test_a_partner_manager_sees_every_typed_text_as_written_on_every_page(world, hostile):
    h = hostile
    at = run_as(world.user_ids["partner_manager"])
    check(at, "home")  # the manager's work inbox: counts and links, no company names
    walk_customers(at, h, staff=True)
    at = page(at, "pipeline", pipeline_partner=h.partner_id)
    check(at, "pipeline", COMPANY, PARTNER)
    walk_commissions(at, h, staff=True)
    at = page(at, "billing", billing_partner=h.partner_id)
    check(at, "billing, read only", PARTNER, LEGAL, ADDRESS, "someone@evil.example")
    walk_deal_board(at, h)
    walk_review_queue(at, h)


def test_a_partner_sees_every_typed_text_as_written_on_every_page(world, hostile):
    h = hostile
    at = run_as(h.user_ids["partner_user"])
    check(at, "home", USER, PARTNER, COMPANY)
    walk_customers(at, h, staff=False)
    at = page(at, "pipeline")
    check(at, "pipeline", PARTNER, COMPANY)
    walk_commissions(at, h, staff=False)
    walk_deal_board(at, h, staff=False)
    at = page(at, "register_deal")
    at.text_input(key="register_contact_name").input(CONTACT)
    at.text_input(key="register_contact_email").input("someone@evil-registered.example")
    at.text_input(key="register_company").input(REGISTERED_COMPANY)
    at.text_input(key="register_value").input("4000")
    at = at.button(key="register_submit").click().run()
    check(at, "register a deal, registered", REGISTERED_COMPANY, CONTACT, "evil-registered.example")

    admin = run_as(h.user_ids["partner_admin"])
    check(admin, "home, partner admin", ADMIN_USER, PARTNER)
    admin = page(admin, "billing")
    check(admin, "billing, partner admin's form", PARTNER)
