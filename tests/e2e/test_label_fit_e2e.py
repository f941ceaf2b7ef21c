"""Labels fit in every language (issue: "Vaativat huomi…", "Positic", "Abrechnungsar"): every page, in English,
Finnish, Swedish, Dutch and German, at 1440×1000 in Chromium, for an admin (every staff page) and a partner admin
(the partner pages, the team page too), every tab opened; no widget label, metric label, tab, expander, button or
option may be cut by the browser (label_fit.py says how that is measured).

Screenshots: tests/e2e/screenshots/labels_<language>_<role>_<page>.png.
"""

from __future__ import annotations

import pytest
from label_fit import cut_labels
from page_tour import show_every_tab, tour

from e2e_support import save_shot

LANGUAGES = ("en", "fi", "sv", "nl", "de")
VIEWPORT = {"width": 1440, "height": 1000}


@pytest.fixture
def wide_page(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(30_000)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("role", ["admin", "partner_admin"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_no_label_is_cut_on_any_page(server, wide_page, language, role):
    page = wide_page
    found: list[str] = []
    for key in tour(page, server, role, language):
        for tab in show_every_tab(page):
            where = f"{key}{' / ' + tab if tab else ''}"
            for cut in cut_labels(page):
                line = (f"{where}: {cut['kind']} {cut['text']!r} ({cut['how']}): needs {cut['needs']} px, "
                        f"has {cut['box']} px")
                if line not in found:
                    found.append(line)
            if key in ("admin", "billing") and language in ("en", "fi"):
                save_shot(page, f"labels_{language}_{role}_{key}_{tab or 'page'}".replace(" ", "_"))
    assert found == [], "\n".join(found)


def test_the_check_finds_each_kind_of_cut_label(server, wide_page):
    """The measure itself: an ellipsis, an option clipped by its container and a word broken across lines are
    found; the same labels with room are not."""
    page = wide_page
    page.set_content(
        '<div data-testid="stWidgetLabel" style="width:60px"><p style="overflow:hidden;text-overflow:ellipsis;'
        'white-space:nowrap">Vaativat huomiota</p></div>'
        '<div style="width:50px;overflow:hidden"><div data-testid="stButtonGroup" style="display:flex">'
        '<button>Positionen</button></div></div>'
        '<div data-testid="stWidgetLabel" style="width:70px;overflow-wrap:anywhere"><p>Abrechnungsart</p></div>'
        '<div data-testid="stWidgetLabel" style="width:600px"><p style="overflow:hidden;text-overflow:ellipsis;'
        'white-space:nowrap">Room enough</p></div>'
        '<div data-testid="stWidgetLabel" style="width:90px"><p>Words that wrap at spaces</p></div>')
    found = {c["text"]: c["how"] for c in cut_labels(page)}
    assert found == {"Vaativat huomiota": "ellipsis or cut", "Positionen": "clipped by its container",
                     "Abrechnungsart": "word broken: Abrechnungsart"}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_admin_pages_user_forms_fit_in_every_language(server, wide_page, language):
    """A picked user's forms (role, partner, password, unlock, sessions) are drawn only once a user is picked."""
    import re

    from page_tour import words
    from playwright.sync_api import expect

    from e2e_support import settle

    page, say = wide_page, words(language)
    next(tour(page, server, "admin", language, only={"admin"}))
    page.get_by_test_id("stMain").get_by_role("tab", name=say("Users")).click()
    page.get_by_role("combobox", name=say("User"), exact=True).click()
    page.get_by_role("option", name=re.compile("^Finance <")).click()
    expect(page.get_by_role("button", name=say("Save user"))).to_be_visible()
    settle(page)
    if language in ("en", "fi"):
        save_shot(page, f"labels_{language}_admin_user_picked")
    cut = [f"{c['kind']} {c['text']!r} ({c['how']}): needs {c['needs']} px, has {c['box']} px"
           for c in cut_labels(page)]
    assert cut == [], "\n".join(cut)
