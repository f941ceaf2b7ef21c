"""Every page in every language (issue 7): rendered without an exception, in the reader's words; the sidebar's
language picker is remembered per user, and the browser's language applies until a user picks one."""

from __future__ import annotations

import pytest
from pages_helpers import all_text, sidebar_links

from pages.components.frame.access import PAGES, may_see
from partner_model import i18n, users

LANGUAGES = i18n.LANGUAGES
PAGES_AND_ROLES = [(page, role) for page in PAGES for role in ("admin", "partner_user") if may_see(role, page)]


def words(language: str, message: str) -> str:
    return i18n.translations(language).gettext(message)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("page", "role"), PAGES_AND_ROLES)
def test_every_page_renders_in_every_language(app, page, role, language):
    at = app(role)
    at.session_state["language"] = language
    at.switch_page(PAGES[page].path).run()
    assert not at.exception, [e.value for e in at.exception]
    if page != "home":
        assert at.title[0].value == words(language, PAGES[page].label)
    assert sidebar_links(at)[0] == words(language, "Home")
    if language != "en":  # the page is written in the language, not English
        assert words(language, "Sign out") != "Sign out"
        assert words(language, "Sign out") in all_text(at)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_sign_in_form_in_every_language(app, language):
    at = app()
    at.session_state["language"] = language
    at.run()
    assert not at.exception
    assert at.button(key="sign_in_submit").proto.label == words(language, "Sign in")


def test_a_picked_language_is_stored_with_the_user_and_used_in_the_next_session(app, world):
    at = app("partner_user").switch_page(PAGES["deal_board"].path).run()
    assert at.title[0].value == "Deal board"
    at.selectbox(key="language_picker").select("fi").run()
    assert not at.exception
    assert at.title[0].value == words("fi", "Deal board") != "Deal board"
    with world.session() as s:
        assert users.get_user(s, world.user_ids["partner_user"]).language == "fi"
    again = app("partner_user").switch_page(PAGES["deal_board"].path).run()  # a new browser session
    assert again.title[0].value == words("fi", "Deal board")
    assert again.selectbox(key="language_picker").value == "fi"


def test_the_browsers_language_applies_until_the_user_picks_one(app, monkeypatch):
    monkeypatch.setattr("pages.components.frame.translate._browser_locale", lambda: "de-DE")
    at = app("finance").switch_page(PAGES["commissions"].path).run()
    assert at.title[0].value == words("de", "Commissions") != "Commissions"
    monkeypatch.setattr("pages.components.frame.translate._browser_locale", lambda: "pt-BR")  # not offered: English
    assert app("finance").switch_page(PAGES["commissions"].path).run().title[0].value == "Commissions"


def test_a_stored_language_wins_over_the_browsers(app, world, monkeypatch):
    with world.session() as s:
        users.set_language(s, users.get_user(s, world.user_ids["admin"]), "sv")
    monkeypatch.setattr("pages.components.frame.translate._browser_locale", lambda: "de-DE")
    at = app("admin").switch_page(PAGES["pipeline"].path).run()
    assert at.title[0].value == words("sv", "Pipeline")
    assert words("sv", "Sign out") in all_text(at)


def test_a_language_picked_before_signing_in_is_kept_after(app, world):
    from pages_world import PASSWORD, World

    at = app().run()
    at.selectbox(key="language_picker").select("nl").run()
    assert at.button(key="sign_in_submit").proto.label == words("nl", "Sign in")
    at.text_input(key="sign_in_email").input(World.email("partner_admin"))
    at.text_input(key="sign_in_password").input(PASSWORD)
    at.button(key="sign_in_submit").click().run()
    assert not at.exception
    with world.session() as s:
        assert users.get_user(s, world.user_ids["partner_admin"]).language == "nl"


def test_a_domain_error_is_shown_in_the_readers_language(app):
    at = app("partner_user")
    at.session_state["language"] = "de"
    at.switch_page(PAGES["customers"].path).run()
    at.text_input(key="customers_search").input("bad\x07text").run()
    assert not at.exception
    shown = [e.value for e in at.error]
    expected = words("de", "{label} contains characters that are not allowed.").format(label=words("de", "Search"))
    assert expected in shown, shown
