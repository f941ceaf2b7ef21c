"""The deal registration page (AppTest): a registration that succeeds, each bad field refused under its own input
with nothing written, the live domain preview, staff registering on a partner's behalf, and who may open it.

The page world (tests/pages/conftest.py) has two Acme deals ("Pending Co", "Winner Co"); Acme's domain is
acme-consulting.example and the partner user is "Partner User".
"""

from __future__ import annotations

import pytest
from pages_helpers import all_text, main_text, shown, shows_no_data
from sqlmodel import func, select

from pages.components.deals import form
from pages_world import World
from partner_model import clock, deals, i18n, users
from partner_model.models import Deal

PAGE = "pages/register_deal.py"
GOOD = {
    form.NAME_KEY: "Carla Customer",
    form.EMAIL_KEY: "Carla.Customer@Fjord-Logistics.Example",
    form.COMPANY_KEY: "Fjord Logistics",
    form.VALUE_KEY: "24000.50",
}


def _open(app, role: str = "partner_user"):  # type: ignore[no-untyped-def]
    at = app(role).run()
    return at.switch_page(PAGE).run()


def _fill(at, **fields: str):  # type: ignore[no-untyped-def]
    for key, value in fields.items():
        widget = at.text_area(key=key) if key == form.NOTE_KEY else at.text_input(key=key)
        widget.input(value)
    return at.run()


def _submit(at):  # type: ignore[no-untyped-def]
    return at.button(key=form.SUBMIT_KEY).click().run()


def _deal_count(world: World) -> int:
    with world.session() as s:
        return s.exec(select(func.count()).select_from(Deal)).one()


def _errors(at) -> list[str]:  # type: ignore[no-untyped-def]
    return [shown(e.value) for e in at.main.error]


def _error_below(at, widget_label: str, message: str) -> bool:
    """The error is drawn right below the named input (its FieldErrors slot), before the next input."""
    order = []
    for node in _walk(at.main):
        kind = getattr(node, "type", "")
        if kind in ("text_input", "text_area", "selectbox"):
            order.append(("input", node.label))
        elif kind == "error":
            order.append(("error", shown(node.value)))
    inputs = [i for i, (kind, text) in enumerate(order) if kind == "input"]
    at_input = next(i for i, (kind, text) in enumerate(order) if kind == "input" and text == widget_label)
    at_error = next(i for i, (kind, text) in enumerate(order) if kind == "error" and message in text)
    later_inputs = [i for i in inputs if i > at_input]
    return at_input < at_error and (not later_inputs or at_error < later_inputs[0])


def _walk(node):  # type: ignore[no-untyped-def]
    yield node
    for child in (getattr(node, "children", None) or {}).values():
        yield from _walk(child)


# --- success -----------------------------------------------------------------------------------------------


def test_partner_registers_a_deal_and_sees_it_pending_with_a_link_to_the_board(app, world):
    before = _deal_count(world)
    at = _open(app)
    _fill(at, **GOOD, **{form.NOTE_KEY: "Wants ISO 27001 before the tender."})
    at.selectbox(key=form.CURRENCY_KEY).select("SEK")
    at.selectbox(key=form.FRAMEWORK_KEY).select("NIS2")
    _submit(at.run())
    assert not at.exception
    assert _errors(at) == []
    assert _deal_count(world) == before + 1
    success = at.main.success[0].value.replace("\\", "")
    assert "Fjord Logistics" in success and "fjord-logistics.example" in success and "Pending" in success
    assert "SEK\xa024,000.50" in main_text(at)  # the reader's money format, with the ISO code
    link = at.main.get("page_link")[0].proto
    assert link.page.endswith("deal_board.py") or "deal_board" in link.page
    assert "deal=" in link.query_string
    assert at.text_input(key=form.NAME_KEY).value == ""  # an empty form for the next deal
    with world.session() as s:
        deal = s.exec(select(Deal).where(Deal.company_name == "Fjord Logistics")).one()
    assert (deal.partner_id, deal.customer_domain, deal.currency, deal.framework, deal.review_status) == (
        world.acme_id, "fjord-logistics.example", "SEK", "NIS2", "pending")
    assert link.query_string == f"deal={deal.id}"


def test_the_customer_domain_is_previewed_from_the_email_as_typed(app, world):
    at = _open(app)
    assert "appears here as you type" in main_text(at)
    at.text_input(key=form.EMAIL_KEY).input("Pia@Pending-Co.Example").run()
    assert not at.exception
    assert "Customer domain: **pending-co.example**" in [shown(c.value) for c in at.main.caption]


def test_the_help_text_says_to_use_the_customers_name_and_email_never_your_own(app, world):
    at = _open(app)
    assert "never your own" in main_text(at)
    assert "never your own" in at.text_input(key=form.EMAIL_KEY).help
    assert "never your own" in at.text_input(key=form.NAME_KEY).help


@pytest.mark.parametrize("pure_function_input, expected", [
    ("", None), ("carla", None), ("carla@", None), ("Carla@Fjord.Example ", "fjord.example"), ("a@b@C.io", "c.io"),
])
def test_domain_preview_is_the_part_after_the_at_sign_lower_cased(pure_function_input, expected):
    assert form.customer_domain_preview(pure_function_input) == expected


# --- each bad field ------------------------------------------------------------------------------------------

BAD_FIELDS = [
    ("blank contact", {form.NAME_KEY: "  "}, "Contact name", "Contact name is required."),
    ("invalid email", {form.EMAIL_KEY: "carla.at.fjord"}, "Contact email", "Contact email"),
    ("the partner's own email domain", {form.EMAIL_KEY: "me@acme-consulting.example"}, "Contact email",
     "acme-consulting.example is the partner's own email domain"),
    ("the user's own name", {form.NAME_KEY: "Partner User"}, "Contact name", "That is your own name"),
    ("missing company", {form.COMPANY_KEY: ""}, "Company", "Company name is required."),
    ("the partner's own name as company", {form.COMPANY_KEY: "Acme Consulting"}, "Company",
     "That is the partner's own name"),
    ("negative value", {form.VALUE_KEY: "-100"}, "Expected annual value", "cannot be negative"),
    ("non-numeric value", {form.VALUE_KEY: "lots"}, "Expected annual value", "must be a number"),
    ("sub-cent value", {form.VALUE_KEY: "10.001"}, "Expected annual value", "at most two decimal places"),
]


@pytest.mark.parametrize("case, fields, widget_label, message", BAD_FIELDS, ids=[c[0] for c in BAD_FIELDS])
def test_a_bad_field_is_refused_under_its_own_input_and_nothing_is_written(app, world, case, fields, widget_label,
                                                                          message):
    before = _deal_count(world)
    at = _open(app)
    _submit(_fill(at, **{**GOOD, **fields}))
    assert not at.exception
    errors = _errors(at)
    assert len(errors) == 1 and message in errors[0], errors
    assert _error_below(at, widget_label, message)
    assert not at.main.success
    assert _deal_count(world) == before
    assert at.text_input(key=form.COMPANY_KEY).value == {**GOOD, **fields}[form.COMPANY_KEY]  # input kept to fix


def test_fixing_the_bad_field_registers_the_deal_and_the_error_goes_away(app, world):
    at = _open(app)
    _submit(_fill(at, **{**GOOD, form.VALUE_KEY: "-1"}))
    assert _errors(at)
    _submit(_fill(at, **{form.VALUE_KEY: "1000"}))
    assert not at.exception
    assert _errors(at) == []
    assert "Fjord Logistics" in at.main.success[0].value


# --- staff -----------------------------------------------------------------------------------------------------


def test_staff_must_choose_the_partner_and_then_register_on_its_behalf(app, world):
    before = _deal_count(world)
    at = _open(app, "partner_manager")
    _submit(_fill(at, **GOOD))
    assert not at.exception
    assert any("Choose the partner" in e for e in _errors(at))
    assert _error_below(at, "Partner", "Choose the partner")
    assert _deal_count(world) == before
    at.selectbox(key=form.PARTNER_KEY).select(world.beta_id)
    _submit(_fill(at, **GOOD))
    assert not at.exception
    assert _errors(at) == []
    with world.session() as s:
        deal = s.exec(select(Deal).where(Deal.company_name == "Fjord Logistics")).one()
    assert deal.partner_id == world.beta_id


def test_partners_get_no_partner_picker(app, world):
    at = _open(app, "partner_admin")
    assert not at.exception
    assert form.PARTNER_KEY not in [s.key for s in at.selectbox]


def test_the_form_registers_a_deal_in_another_language(app, world):
    before = _deal_count(world)
    at = app("partner_user")
    at.session_state["language"] = "fi"
    at.switch_page(PAGE).run()
    assert not at.exception
    _submit(_fill(at, **GOOD))
    assert not at.exception
    assert _errors(at) == []
    assert _deal_count(world) == before + 1
    assert "Fjord Logistics" in at.main.success[0].value


# --- access --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [None, "finance"])
def test_signed_out_or_finance_cannot_register_and_see_no_data(app, world, role):
    at = _open(app, role)
    assert not at.exception
    assert form.SUBMIT_KEY not in [b.key for b in at.button]
    assert shows_no_data(at)


# --- every bad field at once -------------------------------------------------------------------------------------


def test_an_empty_form_reports_every_bad_field_at_once_each_under_its_input(app, world):
    """Issue: an empty form said only 'Contact name is required' (one field at a time)."""
    before = _deal_count(world)
    at = _submit(_open(app))
    assert not at.exception
    assert _errors(at) == ["Contact name is required.", "Contact email is required.", "Company name is required.",
                           "Expected annual value must be a number, e.g. 12000 or 12000.50."]
    assert _error_below(at, "Contact name", "Contact name is required.")
    assert _error_below(at, "Contact email", "Contact email is required.")
    assert _error_below(at, "Company", "Company name is required.")
    assert _error_below(at, "Expected annual value", "must be a number")
    assert _deal_count(world) == before


# --- a free-mail contact ---------------------------------------------------------------------------------------


def test_a_free_mail_contact_asks_for_the_customers_company_domain(app, world):
    at = _fill(_open(app), **{**GOOD, form.EMAIL_KEY: "carla.customer@gmail.com"})
    assert not at.exception
    assert form.CUSTOMER_DOMAIN_KEY in [t.key for t in at.text_input]
    assert any("gmail.com is a free-mail domain, which identifies no company" in shown(c.value)
               for c in at.main.caption)
    _submit(at)
    assert _errors(at) == ["gmail.com is a free-mail domain: enter the customer's company domain, e.g. customer.com."]
    assert _error_below(at, "Customer's company domain", "free-mail domain")
    _submit(_fill(at, **{form.CUSTOMER_DOMAIN_KEY: "fjord-logistics.example"}))
    assert not at.exception
    assert _errors(at) == []
    with world.session() as s:
        deal = s.exec(select(Deal).where(Deal.company_name == "Fjord Logistics")).one()
    assert (deal.contact_email, deal.customer_domain) == ("carla.customer@gmail.com", "fjord-logistics.example")


def test_a_company_email_asks_for_no_customer_domain(app, world):
    at = _fill(_open(app), **GOOD)
    assert form.CUSTOMER_DOMAIN_KEY not in [t.key for t in at.text_input]


# --- warnings before submitting -----------------------------------------------------------------------------------


def _warnings(at) -> list[str]:  # type: ignore[no-untyped-def]
    return [shown(w.value) for w in at.main.warning]


def test_registering_the_same_customer_again_warns_before_submitting_and_may_still_submit(app, world):
    """Issue: registering the same domain twice within a minute gave the partner no warning."""
    before = _deal_count(world)
    at = _submit(_fill(_open(app), **GOOD))
    assert _deal_count(world) == before + 1
    at = _fill(at, **{**GOOD, form.EMAIL_KEY: "someone.else@fjord-logistics.example"})
    assert not at.exception
    today = i18n.Formats("en").date(clock.today())
    assert _warnings(at) == [f"- You already registered this customer on {today} (review status: Pending).\n\n"
                             "You can still register the deal: vendor staff decide when they review it."]
    _submit(at)
    assert _deal_count(world) == before + 2  # warned, not refused


def test_another_partners_protected_registration_warns_without_naming_the_partner(app, world):
    with world.session() as s:
        beta = users.get_user(s, world.user_ids["beta_admin"])
        manager = users.get_user(s, world.user_ids["partner_manager"])
        held = deals.register_deal(s, beta, contact_name="Otto Other", contact_email="otto@fjord-logistics.example",
                                   company_name="Fjord Logistics", annual_value="1000")
        held = deals.review_deal(s, manager, held.id, accept=True)
    at = _fill(_open(app), **GOOD)
    en = i18n.Formats("en")
    assert _warnings(at)[0].startswith(
        f"- Another partner registered this customer on {en.date(clock.today())}; it is accepted and protected "
        f"until {en.date(held.protected_until)}.")
    assert "Beta Advisors" not in all_text(at) and "Otto" not in all_text(at)


def test_another_partners_pending_registration_warns_that_it_waits_for_review(app, world):
    with world.session() as s:
        beta = users.get_user(s, world.user_ids["beta_admin"])
        deals.register_deal(s, beta, contact_name="Otto Other", contact_email="otto@fjord-logistics.example",
                            company_name="Fjord Logistics", annual_value="1000")
    at = _fill(_open(app), **GOOD)
    assert _warnings(at)[0].startswith(
        f"- Another partner registered this customer on {i18n.Formats('en').date(clock.today())}; it waits for "
        "review.")
    assert "Beta Advisors" not in all_text(at)


def test_an_existing_customer_warns_before_submitting(app, world):
    at = _fill(_open(app), **{**GOOD, form.EMAIL_KEY: "buyer@nordic-retail.example"})
    assert _warnings(at)[0].startswith("- nordic-retail.example is already a customer: a registration for an existing "
                                       "customer is usually denied.")


def test_a_new_customer_gets_no_warning(app, world):
    at = _fill(_open(app), **GOOD)
    assert _warnings(at) == []
