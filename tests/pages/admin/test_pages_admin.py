"""The admin page: partners (create, tier, rate), users (create, role, partner, deactivate, password, unlock), audit."""

from __future__ import annotations

import contextlib
from decimal import Decimal

from pages_helpers import shown

from pages_world import PASSWORD, World
from partner_model import api_tokens, i18n, partners, rules, users
from partner_model.errors import AuthError


def open_admin(app):  # type: ignore[no-untyped-def]
    return app("admin").switch_page("pages/admin.py").run()


def as_admin(world, action):  # type: ignore[no-untyped-def]
    with world.session() as s:
        return action(s, users.get_user(s, world.user_ids["admin"]))


def test_admin_page_lists_partners_users_and_the_audit_log(app, world):
    with world.session() as s:
        users.sign_in(s, email=World.email("partner_manager"), password=PASSWORD)
    at = open_admin(app)
    assert not at.exception
    assert [t.label for t in at.tabs] == ["Partners", "Users", "Applications", "Audit log", "API tokens"]
    partner_frame, user_frame, audit = (d.value for d in at.dataframe)
    assert set(partner_frame["name"]) == {"Acme Consulting", "Beta Advisors"}
    assert set(partner_frame["commission_rate"]) == {"20%", "15%"}  # the reader's percent format
    assert World.email("finance") in set(user_frame["email"])
    assert ("Signed in", World.email("partner_manager"), "Partner Manager") in set(
        zip(audit["kind"], audit["subject"], audit["actor_id"], strict=True))


def test_admin_creates_a_partner_with_tier_and_rate(app, world):
    at = open_admin(app)
    at.text_input(key="new_partner_name").input("Gamma Security")
    at.text_input(key="new_partner_domain").input("gamma-security.example")
    at.selectbox(key="new_partner_tier").select("gold")
    at.number_input(key="new_partner_rate").set_value(22.5)
    at = at.button(key="create_partner_submit").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["Partner Gamma Security added with a 22.5% rate."]
    frame, _ = as_admin(world, lambda s, a: partners.list_partners(s, a, search="gamma"))
    assert (frame.loc[0, "tier"], frame.loc[0, "commission_rate"]) == ("gold", Decimal("0.2250"))
    log = as_admin(world, lambda s, a: users.audit_log(s, a))
    assert "partner_created" in set(log["kind"])


def test_bad_partner_domain_is_shown_and_nothing_is_written(app, world):
    at = open_admin(app)
    at.text_input(key="new_partner_name").input("Nowhere")
    at.text_input(key="new_partner_domain").input("not a domain")
    at = at.button(key="create_partner_submit").click().run()
    assert not at.exception
    assert len(at.error) == 1 and "domain" in at.error[0].value.lower()
    assert as_admin(world, lambda s, a: partners.list_partners(s, a))[1] == 2


def test_taken_partner_domain_is_refused(app, world):
    at = open_admin(app)
    at.text_input(key="new_partner_name").input("Acme Again")
    at.text_input(key="new_partner_domain").input("acme-consulting.example")
    at = at.button(key="create_partner_submit").click().run()
    assert not at.exception
    assert "already exists" in at.error[0].value
    assert as_admin(world, lambda s, a: partners.list_partners(s, a))[1] == 2


def _tier_box(at, world, partner_id: int):  # type: ignore[no-untyped-def]
    partner = as_admin(world, lambda s, a: partners.get_partner(s, a, partner_id))
    return at.selectbox(key=f"commission_tier_{partner_id}_{partner.version}"), partner


def test_admin_changes_a_partners_tier_to_the_tiers_rate_after_confirming(app, world):
    at = open_admin(app)
    at = at.selectbox(key="commission_partner").select(world.beta_id).run()
    tier_box, __ = _tier_box(at, world, world.beta_id)
    tier_box.select("platinum")
    at = at.button(key="set_commission_submit").click().run()
    assert not at.exception
    assert "Registered" in at.warning[0].value and "Platinum" in at.warning[0].value, "a tier change asks first"
    assert as_admin(world, lambda s, a: partners.get_partner(s, a, world.beta_id)).tier == "registered"
    at = at.button(key="commission_confirm").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["Beta Advisors: Platinum, 25%."]
    beta = as_admin(world, lambda s, a: partners.get_partner(s, a, world.beta_id))
    assert (beta.tier, beta.commission_rate) == ("platinum", rules.TIER_RATES["platinum"])


def test_admin_creates_a_partner_user(app, world):
    at = open_admin(app)
    at.text_input(key="new_user_email").input("new.consultant@acme-consulting.example")
    at.text_input(key="new_user_name").input("New Consultant")
    at.selectbox(key="new_user_role").select("partner_user")
    at.selectbox(key="new_user_partner").select(world.acme_id)
    at.text_input(key="new_user_password").input(PASSWORD)
    at = at.button(key="create_user_submit").click().run()
    assert not at.exception
    assert [shown(s.value) for s in at.success] == [
        "User new.consultant@acme-consulting.example added as Partner user."]
    with world.session() as s:
        created = users.user_by_email(s, "new.consultant@acme-consulting.example")
        log = users.audit_log(s, users.get_user(s, world.user_ids["admin"]))
    assert (created.role, created.partner_id) == ("partner_user", world.acme_id)
    created_rows = log[log["kind"] == "user_created"]  # audited, by the admin who did it
    assert list(created_rows["subject"]) == ["new.consultant@acme-consulting.example"]
    assert list(created_rows["actor_id"]) == [world.user_ids["admin"]]


def test_partner_user_without_a_partner_is_refused_by_the_partner_field(app, world):
    at = open_admin(app)
    at.text_input(key="new_user_email").input("orphan@acme-consulting.example")
    at.text_input(key="new_user_name").input("Orphan")
    at.selectbox(key="new_user_role").select("partner_user")
    at.text_input(key="new_user_password").input(PASSWORD)
    at = at.button(key="create_user_submit").click().run()
    assert not at.exception
    assert at.error[0].value == "A partner user must belong to a partner."
    with world.session() as s:
        assert users.user_by_email(s, "orphan@acme-consulting.example") is None


def test_short_password_is_refused(app, world):
    at = open_admin(app)
    at.text_input(key="new_user_email").input("short@vendor-test.example")
    at.text_input(key="new_user_name").input("Short")
    at.selectbox(key="new_user_role").select("finance")
    at.text_input(key="new_user_password").input("short")
    at = at.button(key="create_user_submit").click().run()
    assert "at least 12 characters" in at.error[0].value
    with world.session() as s:
        assert users.user_by_email(s, "short@vendor-test.example") is None


def test_a_weak_first_password_is_refused_saying_why(app, world):
    at = open_admin(app)
    at.text_input(key="new_user_email").input("weak@vendor-test.example")
    at.text_input(key="new_user_name").input("Weak")
    at.selectbox(key="new_user_role").select("finance")
    at.text_input(key="new_user_password").input("password1234")
    at = at.button(key="create_user_submit").click().run()
    assert not at.exception
    assert "commonly used password" in at.error[0].value and "longer passphrase" in at.error[0].value
    with world.session() as s:
        assert users.user_by_email(s, "weak@vendor-test.example") is None


def pick_user(at, world, role: str):  # type: ignore[no-untyped-def]
    return at.selectbox(key="picked_user").select(world.user_ids[role]).run()


def test_admin_changes_a_users_role_and_deactivates_them(app, world):
    at = pick_user(open_admin(app), world, "partner_user")
    uid = world.user_ids["partner_user"]
    at.selectbox(key=f"role_{uid}").select("partner_admin")
    at.checkbox(key=f"active_{uid}").uncheck()
    at = at.button(key="change_user_submit").click().run()
    assert not at.exception
    assert "User saved." in [s.value for s in at.success]
    frame = as_admin(world, lambda s, a: users.list_users(s, a)).set_index("id")
    assert (frame.loc[uid, "role"], bool(frame.loc[uid, "active"])) == ("partner_admin", False)


def test_staff_role_with_a_partner_is_refused(app, world):
    at = pick_user(open_admin(app), world, "partner_user")
    uid = world.user_ids["partner_user"]
    at.selectbox(key=f"role_{uid}").select("finance")
    at = at.button(key="change_user_submit").click().run()
    assert not at.exception
    assert at.error[0].value == "Vendor staff do not belong to a partner."
    assert as_admin(world, lambda s, a: users.get_user(s, uid)).role == "partner_user"


def test_admin_resets_a_password_and_unlocks_a_locked_user(app, world):
    with world.session() as s:
        for _ in range(rules.MAX_LOCKOUT_FAILURES):
            with contextlib.suppress(AuthError):
                users.sign_in(s, email=World.email("finance"), password="wrong password")
    at = pick_user(open_admin(app), world, "finance")
    assert any("Locked until" in w.value for w in at.warning)
    at = at.button(key="unlock_user").click().run()
    assert not at.exception
    assert "Unlocked." in [s.value for s in at.success]
    assert not any("Locked until" in w.value for w in at.warning), "no stale warning beside the success"
    assert at.button(key="unlock_user").disabled
    uid = world.user_ids["finance"]
    at.text_input(key=f"new_password_{uid}").input("a brand new password")
    at = at.button(key="reset_password_submit").click().run()
    assert not at.exception
    with world.session() as s:
        assert users.sign_in(s, email=World.email("finance"), password="a brand new password").id == uid
    kinds = set(as_admin(world, lambda s, a: users.audit_log(s, a))["kind"])
    assert {"user_unlocked", "password_reset"} <= kinds


def test_the_users_language_shows_in_its_own_name_or_the_browsers(app, world):
    with world.session() as s:
        users.set_language(s, users.get_user(s, world.user_ids["finance"]), "fi")
    at = open_admin(app)
    assert not at.exception
    shown = at.dataframe[1].value.set_index("email")["language"]
    assert shown[World.email("finance")] == "Suomi"
    assert shown[World.email("partner_user")] == "Browser's language"  # none picked yet


def test_the_admin_page_works_in_another_language(app, world):
    with world.session() as s:
        for _ in range(rules.MAX_LOCKOUT_FAILURES):
            with contextlib.suppress(AuthError):
                users.sign_in(s, email=World.email("finance"), password="wrong password")
    at = app("admin")
    at.session_state["language"] = "de"
    at = at.switch_page("pages/admin.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert set(at.dataframe[0].value["commission_rate"]) == {"20\xa0%", "15\xa0%"}
    words = i18n.translations("de").gettext
    assert at.title[0].value == words("Admin")
    assert at.selectbox(key="new_partner_tier").options[0] == words("Registered")  # "Registriert"
    assert words("Finance") in at.selectbox(key="new_user_role").options
    partner_box = at.selectbox(key="new_user_partner")  # the default role is a partner's: pick its partner
    assert partner_box.value is None and partner_box.placeholder == words("Choose a partner")
    at = pick_user(at, world, "finance")
    assert not at.exception
    assert at.warning  # locked, with the moment in German
    assert at.selectbox(key=f"role_{world.user_ids['finance']}").value == "finance"
    at.number_input(key="new_partner_rate").set_value(22.5)
    at.text_input(key="new_partner_name").input("Gamma Security")
    at.text_input(key="new_partner_domain").input("gamma-security.example")
    at.selectbox(key="new_partner_tier").select("gold")  # chosen outside the run, drawn in German
    at = at.button(key="create_partner_submit").click().run()
    assert not at.exception
    assert "22,5\xa0%" in at.success[0].value
    frame, _ = as_admin(world, lambda s, a: partners.list_partners(s, a, search="gamma"))
    assert frame.loc[0, "tier"] == "gold"


def test_saving_a_rate_keeps_the_partners_tier_shown_in_the_form(app, world):
    """Issue 12, case 2: the Tier box showed "Registered" for a Gold partner, and saving a rate demoted it."""
    as_admin(world, lambda s, a: partners.set_commission(s, a, world.beta_id, tier="gold"))
    at = open_admin(app)
    at = at.selectbox(key="commission_partner").select(world.beta_id).run()
    tier_box, beta = _tier_box(at, world, world.beta_id)
    assert tier_box.value == "gold", "the form is filled from the partner it edits"
    at.number_input(key=f"commission_rate_{world.beta_id}_{beta.version}").set_value(22.0)
    at = at.button(key="set_commission_submit").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["Beta Advisors: Gold, 22%."]
    beta = as_admin(world, lambda s, a: partners.get_partner(s, a, world.beta_id))
    assert (beta.tier, beta.commission_rate) == ("gold", Decimal("0.2200"))


def test_a_rate_saved_on_an_out_of_date_form_is_refused_and_the_form_refills(app, world):
    at = open_admin(app)
    at = at.selectbox(key="commission_partner").select(world.beta_id).run()
    __, seen = _tier_box(at, world, world.beta_id)
    as_admin(world, lambda s, a: partners.set_commission(s, a, world.beta_id, commission_rate=Decimal("0.17")))
    at.number_input(key=f"commission_rate_{world.beta_id}_{seen.version}").set_value(30.0)
    at = at.button(key="set_commission_submit").click().run()
    assert not at.exception
    assert at.error and "Someone else changed this partner" in at.error[0].value
    beta = as_admin(world, lambda s, a: partners.get_partner(s, a, world.beta_id))
    assert beta.commission_rate == Decimal("0.1700"), "nothing written"


def sessions_table(at):  # type: ignore[no-untyped-def]
    """The picked user's sign-in sessions (the table with a browser column)."""
    return next(d.value for d in at.dataframe if "user_agent" in d.value.columns)


def test_admin_sees_a_users_sign_in_sessions_and_ends_one_then_all_audited(app, world):
    from partner_model import sign_in_sessions

    uid = world.user_ids["finance"]
    with world.session() as s:
        first = sign_in_sessions.start_with_handoff(s, uid, user_agent="Firefox on Linux")
        sign_in_sessions.start_with_handoff(s, uid, user_agent="Safari on macOS")
    at = pick_user(open_admin(app), world, "finance")
    assert not at.exception
    sessions = sessions_table(at)
    assert list(sessions["user_agent"]) == ["Safari on macOS", "Firefox on Linux"]
    assert set(sessions["status"]) == {"Active"}
    at.selectbox(key=f"picked_session_{uid}").select(first.session_id)
    at = at.button(key="end_session").click().run()
    assert not at.exception
    assert "1 session ended: that browser is signed out at its next step." in [x.value for x in at.success]
    assert list(sessions_table(at)["status"]) == ["Active", "Ended by an admin"]
    at = at.button(key="end_all_sessions").click().run()
    assert "1 session ended: that browser is signed out at its next step." in [x.value for x in at.success]
    with world.session() as s:
        assert sign_in_sessions.check_session(s, first.session_id) is None
        listed = sign_in_sessions.list_sessions(s, users.get_user(s, world.user_ids["admin"]), uid)
    assert not listed["active"].any()
    log = as_admin(world, lambda s, a: users.audit_log(s, a))
    assert list(log.loc[log["kind"] == "sessions_ended", "subject"]) == [World.email("finance")] * 2
    assert set(sessions_table(at)["status"]) == {"Ended by an admin"}
    assert "No active sessions." in [c.value for c in at.run().caption]


def test_the_users_list_is_found_by_name_or_email_and_paged(app, world):
    """Issue 14: the Users tab reads one page of users in SQL (the large program has 4,000), a search and a role
    narrow it, and the picker offers the users shown."""
    with world.session() as s:
        admin = users.get_user(s, world.user_ids["admin"])
        for i in range(55):
            users.create_user(s, email=f"bulk{i:02d}@vendor-test.example", name=f"Bulk Person {i:02d}",
                              role="finance", password="correct horse battery staple 42", actor=admin)
    at = open_admin(app)
    user_frame = at.dataframe[1].value
    assert len(user_frame) == 50 and "Users 1–50 of 61, by email." in [shown(c.value) for c in at.caption]
    at.text_input(key="users_search").input("PERSON 07").run()
    assert list(at.dataframe[1].value["email"]) == ["bulk07@vendor-test.example"]
    assert at.selectbox(key="picked_user").options == ["Bulk Person 07 <bulk07@vendor-test.example>"]
    at.text_input(key="users_search").input("").run()
    at = at.selectbox(key="users_role").select("partner_manager").run()
    assert list(at.dataframe[1].value["email"]) == [World.email("partner_manager")]
    at.text_input(key="users_search").input("nobody-like-this").run()
    assert "No user matches these filters." in [i.value for i in at.info]


def test_an_admin_creates_a_token_sees_it_once_and_revokes_it(app, world):
    """Issue 17: tokens on the Admin page: a blank name is refused under its field; the secret shows once, in full,
    and is gone on the next run; the list shows no secret; a revoked token no longer authenticates."""
    at = open_admin(app)
    at = at.button(key="create_token_submit").click().run()
    assert "Token name is required." in [e.value for e in at.error]
    at.text_input(key="new_token_name").input("Product EU")
    at = at.button(key="create_token_submit").click().run()
    assert not at.exception
    secret = at.code[0].value
    assert secret.startswith("ppf_") and "Token Product EU created." in [s.value for s in at.success]
    assert at.text_input(key="new_token_name").value == ""
    table = at.dataframe[-1].value
    assert list(table["name"]) == ["Product EU"] and list(table["state"]) == ["Active"]
    assert secret not in str(table.to_dict())
    at = at.run()
    assert not at.code  # shown once
    with world.session() as s:
        assert api_tokens.authenticate(s, secret) is not None
    at = at.selectbox(key="revoke_token_pick").select_index(0).run()
    at = at.button(key="revoke_token_submit").click().run()
    assert any("revoked" in s.value for s in at.success)
    assert list(at.dataframe[-1].value["state"]) == ["Revoked"]
    with world.session() as s:
        assert api_tokens.authenticate(s, secret) is None
