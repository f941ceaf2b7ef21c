"""Issue 20, applications as people use them: a signed-out visitor finds "Apply to become a partner", a firm
applies (every bad field said under the form, the honeypot invisible to people), an admin sees the waiting
application on the home page and on the Admin page, accepts it (the partner and its admin, with the invitation
link shown once) or declines it with a reason.
"""

from __future__ import annotations

import sqlalchemy as sa
from pages_helpers import all_text

from pages_world import World
from partner_model import applications, users
from partner_model.models import Partner, PartnerApplication, User

PAGE = "pages/apply.py"
FORM = {"firm_name": "Kestrel Security Oy", "domain": "kestrel-security.fi", "country": "FI",
        "contact_name": "Kaisa Kestrel", "contact_email": "kaisa@kestrel-security.fi",
        "description": "ISO 27001 audits.", "frameworks": ["NIS2"], "consent_to_contact": True, "language": "en"}


def _fill(at, *, email: str = "kaisa@kestrel-security.fi", consent: bool = True):  # type: ignore[no-untyped-def]
    at.text_input(key="apply_firm").input("Kestrel Security Oy")
    at.text_input(key="apply_domain").input("kestrel-security.fi")
    at.selectbox(key="apply_country").select("FI")
    at.text_input(key="apply_name").input("Kaisa Kestrel")
    at.text_input(key="apply_email").input(email)
    at.multiselect(key="apply_frameworks").select("NIS2").select("ISO 27001")
    at.text_area(key="apply_about").input("ISO 27001 audits and NIS2 readiness.")
    if consent:
        at.checkbox(key="apply_consent").check()
    return at.button(key="apply_submit").click().run()


def _applied(world: World) -> list[PartnerApplication]:
    with world.session() as s:
        return list(s.execute(sa.select(PartnerApplication)).scalars())


def test_a_signed_out_visitor_finds_the_application_and_applies(app, world):
    home = app().run()
    assert any(link.proto.page == "apply" for link in home.sidebar.get("page_link"))
    at = app().switch_page(PAGE).run()
    assert not at.exception
    assert at.title[0].value == "Apply to become a partner"
    _fill(at)
    assert not at.exception
    assert at.success[0].value.startswith("Thank you: the application of Kestrel Security Oy is with us.")
    [sent] = _applied(world)
    assert (sent.domain, sent.contact_email, sent.frameworks) == ("kestrel-security.fi", "kaisa@kestrel-security.fi",
                                                                  "ISO 27001; NIS2")


def test_bad_fields_are_said_and_nothing_is_sent(app, world):
    at = app().switch_page(PAGE).run()
    _fill(at, email="kaisa@gmail.com", consent=False)
    assert not at.exception
    errors = [e.value for e in at.error]
    assert any("not a free-mail address" in e for e in errors)
    assert any("Agree to be contacted about your application" in e for e in errors)
    assert _applied(world) == []


def test_the_honeypot_is_off_screen_and_a_filled_one_sends_nothing(app, world):
    at = app().switch_page(PAGE).run()
    assert any("st-key-apply_website" in h.proto.body and "left:-10000px" in h.proto.body for h in at.get("html"))
    at.text_input(key="apply_website").input("http://spam.example")
    _fill(at)
    assert "Thank you" in at.success[0].value  # a bot learns nothing
    assert _applied(world) == []


def test_an_admin_accepts_an_application_from_the_home_tile(app, world):
    with world.session() as s:
        applications.submit(s, **FORM)
    home = app("admin").run()
    assert any(link.proto.page == "admin" and "tab=applications" in link.proto.query_string
               for link in home.main.get("page_link"))
    at = app("admin").run()
    at.query_params["tab"] = "applications"
    at.switch_page("pages/admin.py").run()
    assert not at.exception
    assert "Kestrel Security Oy" in all_text(at) and "ISO 27001 audits." in [t.value for t in at.text]
    at.selectbox(key="application_tier").select("gold")
    at.button(key="application_accept").click().run()
    assert not at.exception
    assert "Kestrel Security Oy is a partner now" in all_text(at)
    assert "/?invite=" in all_text(at)  # the one-time link, shown once for when email is off
    with world.session() as s:
        partner = s.execute(sa.select(Partner).where(Partner.domain == "kestrel-security.fi")).scalar_one()
        admin = s.execute(sa.select(User).where(User.email == "kaisa@kestrel-security.fi")).scalar_one()
        assert (partner.tier, admin.role, admin.partner_id) == ("gold", "partner_admin", partner.id)
    assert "No application waits for review." in all_text(at.run())


def test_an_admin_declines_with_a_reason(app, world):
    with world.session() as s:
        applications.submit(s, **FORM)
    at = app("admin").run()
    at.query_params["tab"] = "applications"
    at.switch_page("pages/admin.py").run()
    at.button(key="application_decline").click().run()
    assert [e.value for e in at.error] == ["Reason is required."]
    assert _applied(world)[0].state == "submitted"
    at.text_area(key="application_reason").input("We look for partners in Sweden this year.")
    at.button(key="application_decline").click().run()
    assert not at.exception
    assert _applied(world)[0].state == "declined"
    with world.session() as s:
        assert users.user_by_email(s, "kaisa@kestrel-security.fi") is None
