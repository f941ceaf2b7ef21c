"""The admin page, continued: coherent "Add a user" defaults, forms emptied after a success, every bad field shown
at once, partner managers (picked per partner, shown in the list and on the billing page), and the audit log's
filters and pages."""

from __future__ import annotations

import contextlib
import datetime as dt

from pages_helpers import shown

from pages_world import PASSWORD, World
from partner_model import clock, partners, users
from partner_model.errors import AuthError


def open_admin(app):  # type: ignore[no-untyped-def]
    return app("admin").switch_page("pages/admin.py").run()


def as_admin(world, action):  # type: ignore[no-untyped-def]
    with world.session() as s:
        return action(s, users.get_user(s, world.user_ids["admin"]))


def test_add_a_user_starts_with_a_partners_role_and_asks_for_its_partner(app):
    at = open_admin(app)
    assert not at.exception
    assert at.selectbox(key="new_user_role").value == "partner_user"
    partner_box = at.selectbox(key="new_user_partner")
    assert partner_box.value is None, "no partner preselected, and no 'vendor staff' choice beside a partner role"
    assert all("vendor staff" not in option.lower() for option in partner_box.options)


def test_a_staff_role_hides_the_partner_picker(app):
    at = open_admin(app)
    at = at.selectbox(key="new_user_role").select("finance").run()
    assert not at.exception
    assert "new_user_partner" not in [box.key for box in at.selectbox]
    assert "Vendor staff belong to no partner." in [c.value for c in at.caption]


def test_a_staff_user_is_added_without_a_partner_and_the_form_is_emptied(app, world):
    at = open_admin(app)
    at = at.selectbox(key="new_user_role").select("finance").run()
    at.text_input(key="new_user_email").input("new.finance@vendor-test.example")
    at.text_input(key="new_user_name").input("New Finance")
    at.text_input(key="new_user_password").input(PASSWORD)
    at = at.button(key="create_user_submit").click().run()
    assert not at.exception
    assert [shown(s.value) for s in at.success] == ["User new.finance@vendor-test.example added as Finance."]
    assert at.text_input(key="new_user_email").value == ""
    assert at.text_input(key="new_user_name").value == ""
    assert at.text_input(key="new_user_password").value == ""
    assert at.selectbox(key="new_user_role").value == "partner_user"
    with world.session() as s:
        created = users.user_by_email(s, "new.finance@vendor-test.example")
    assert (created.role, created.partner_id) == ("finance", None)


def test_a_refused_user_keeps_what_was_typed_and_shows_every_bad_field(app, world):
    at = open_admin(app)
    at = at.selectbox(key="new_user_role").select("finance").run()
    at.text_input(key="new_user_email").input("not an email")
    at.text_input(key="new_user_name").input("Someone")
    at.text_input(key="new_user_password").input("short")
    at = at.button(key="create_user_submit").click().run()
    assert not at.exception
    assert len(at.error) >= 2, [e.value for e in at.error]  # the email and the password, each under its input
    assert at.text_input(key="new_user_email").value == "not an email"


def test_a_partner_is_added_and_the_form_is_emptied(app, world):
    at = open_admin(app)
    at.text_input(key="new_partner_name").input("Gamma Security")
    at.text_input(key="new_partner_domain").input("gamma-security.example")
    at.selectbox(key="new_partner_tier").select("gold")
    at.number_input(key="new_partner_rate").set_value(22.5)
    at = at.button(key="create_partner_submit").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["Partner Gamma Security added with a 22.5% rate."]
    assert at.text_input(key="new_partner_name").value == ""
    assert at.text_input(key="new_partner_domain").value == ""
    assert at.selectbox(key="new_partner_tier").value == "registered"
    assert at.number_input(key="new_partner_rate").value is None
    assert "Gamma Security" in set(at.dataframe[0].value["name"])
    at = at.run()
    assert not at.success, "the message shows once"


def test_every_bad_partner_field_is_shown_under_its_input(app, world):
    at = open_admin(app)
    at.text_input(key="new_partner_name").input("   ")
    at.text_input(key="new_partner_domain").input("not a domain")
    at = at.button(key="create_partner_submit").click().run()
    assert not at.exception
    children = list(at.get("form")[0].children.values())
    keys = [getattr(node, "key", None) for node in children]
    for key in ("new_partner_name", "new_partner_domain"):
        after = children[keys.index(key) + 1]
        assert after.type == "error", f"no error under {key}"
    assert at.text_input(key="new_partner_domain").value == "not a domain"


def manager_box(at, world, partner_id: int):  # type: ignore[no-untyped-def]
    partner = as_admin(world, lambda s, a: partners.get_partner(s, a, partner_id))
    return at.selectbox(key=f"manager_{partner_id}_{partner.version}"), partner


def test_admin_names_a_partners_manager_shown_in_the_list_and_on_billing(app, world):
    at = open_admin(app)
    at = at.selectbox(key="commission_partner").select(world.beta_id).run()
    box, beta = manager_box(at, world, world.beta_id)
    assert box.value is None and box.options[0] == "No partner manager"
    box.select(world.user_ids["partner_manager"])
    at = at.button(key="set_manager_submit").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["Beta Advisors is now looked after by Partner Manager."]
    listed = at.dataframe[0].value.set_index("name")["manager_name"]
    assert listed["Beta Advisors"] == "Partner Manager"
    after = as_admin(world, lambda s, a: partners.get_partner(s, a, world.beta_id))
    assert (after.manager_id, after.version) == (world.user_ids["partner_manager"], beta.version + 1)
    assert manager_box(at, world, world.beta_id)[0].value == world.user_ids["partner_manager"], "refilled"
    billing = app("admin").switch_page("pages/billing.py").run()
    billing = billing.selectbox(key="billing_partner").select(world.beta_id).run()
    assert "Partner manager: Partner Manager" in [c.value for c in billing.caption]


def test_a_partner_admin_sees_their_partner_manager_on_billing(app, world):
    as_admin(world, lambda s, a: partners.set_manager(s, a, world.acme_id, world.user_ids["partner_manager"]))
    at = app("partner_admin").switch_page("pages/billing.py").run()
    assert not at.exception
    assert "Partner manager: Partner Manager" in [c.value for c in at.caption]


def test_a_partner_without_a_manager_says_so_on_billing(app, world):
    at = app("partner_admin").switch_page("pages/billing.py").run()
    assert "No partner manager yet." in [c.value for c in at.caption]


def test_a_manager_saved_on_an_out_of_date_form_is_refused_and_the_form_refills(app, world):
    at = open_admin(app)
    at = at.selectbox(key="commission_partner").select(world.beta_id).run()
    box, seen = manager_box(at, world, world.beta_id)
    as_admin(world, lambda s, a: partners.set_commission(s, a, world.beta_id, tier="gold"))  # someone else
    box.select(world.user_ids["partner_manager"])
    at = at.button(key="set_manager_submit").click().run()
    assert not at.exception
    assert at.error and "Someone else changed this partner" in at.error[0].value
    assert as_admin(world, lambda s, a: partners.get_partner(s, a, world.beta_id)).manager_id is None
    box, now = manager_box(at, world, world.beta_id)
    assert now.version == seen.version + 1 and box.value is None, "filled again from the partner as it is now"


def test_a_manager_change_refills_the_tier_form_with_the_new_version(app, world):
    at = open_admin(app)
    at = at.selectbox(key="commission_partner").select(world.beta_id).run()
    manager_box(at, world, world.beta_id)[0].select(world.user_ids["partner_manager"])
    at = at.button(key="set_manager_submit").click().run()
    beta = as_admin(world, lambda s, a: partners.get_partner(s, a, world.beta_id))
    at.number_input(key=f"commission_rate_{world.beta_id}_{beta.version}").set_value(18.0)
    at = at.button(key="set_commission_submit").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["Beta Advisors: Registered, 18%."]


def _audit_table(at):  # type: ignore[no-untyped-def]
    return next(d.value for d in at.dataframe if "detail" in d.value.columns)


def _sign_ins(world, count: int) -> None:  # type: ignore[no-untyped-def]
    with world.session() as s:
        for _ in range(count):
            users.sign_in(s, email=World.email("finance"), password=PASSWORD)
        with contextlib.suppress(AuthError):
            users.sign_in(s, email=World.email("partner_user"), password="wrong password")


def test_the_audit_log_filters_by_who_what_and_when(app, world):
    _sign_ins(world, 2)
    at = open_admin(app)
    assert not at.exception
    at = at.selectbox(key="audit_who").select(world.user_ids["finance"]).run()
    assert set(_audit_table(at)["actor_id"]) == {"Finance"}
    at.selectbox(key="audit_who").set_value(None)  # anyone again
    at = at.selectbox(key="audit_what").select("sign_in_failed").run()
    table = _audit_table(at)
    assert set(table["kind"]) == {"Sign-in failed"} and set(table["detail"]) == {"Wrong password"}
    today = clock.today()
    at = at.date_input(key="audit_when").set_value((today + dt.timedelta(days=1), today + dt.timedelta(days=2))).run()
    assert not at.exception
    assert "No events match these filters." in [i.value for i in at.info]
    at = at.date_input(key="audit_when").set_value((today, today)).run()
    assert len(_audit_table(at)) == 1


def test_the_audit_log_pages_in_sql(app, world):
    _sign_ins(world, 55)
    at = open_admin(app)
    table = _audit_table(at)
    assert len(table) == 50
    assert any("Events 1–50 of 56" in c.value for c in at.caption)
    pager = at.get("pagination")[0]
    pager.set_value(2)
    at = at.run()
    assert not at.exception
    assert len(_audit_table(at)) == 6
    assert any("Events 51–56 of 56" in c.value for c in at.caption)


def test_the_audit_log_names_manager_changes_in_words(app, world):
    as_admin(world, lambda s, a: partners.set_manager(s, a, world.acme_id, world.user_ids["partner_manager"]))
    at = open_admin(app)
    table = _audit_table(at)
    row = table[table["kind"] == "Partner manager changed"].iloc[0]
    assert row["detail"] == "— → Partner Manager"
    assert row["actor_id"] == "Admin"


def test_a_partner_user_is_added_and_the_partner_picker_is_emptied_too(app, world):
    at = open_admin(app)
    at.selectbox(key="new_user_partner").select(world.acme_id)
    at.text_input(key="new_user_email").input("second@acme-consulting.example")
    at.text_input(key="new_user_name").input("Second Consultant")
    at.text_input(key="new_user_password").input(PASSWORD)
    at = at.button(key="create_user_submit").click().run()
    assert not at.exception
    assert [shown(s.value) for s in at.success] == ["User second@acme-consulting.example added as Partner user."]
    pickers = [box for box in at.selectbox if (box.key or "").startswith("new_user_partner")]
    assert len(pickers) == 1 and pickers[0].value is None, "a new, empty picker: the browser draws it empty"
    assert at.text_input(key="new_user_email").value == ""


def test_the_audit_log_writes_user_changes_with_roles_and_partners_in_words(app, world):
    def change(s, admin):  # type: ignore[no-untyped-def]
        made = users.create_user(s, email="moved@acme-consulting.example", name="Moved", role="partner_user",
                                 password=PASSWORD, partner_id=world.acme_id, actor=admin)
        users.update_user(s, admin, made.id, role="finance")

    as_admin(world, change)
    table = _audit_table(open_admin(app)).set_index("kind")
    assert table.loc["User created", "detail"] == "Partner user (Acme Consulting)"
    assert table.loc["User changed", "detail"] == "role: Partner user (Acme Consulting) → Finance"
