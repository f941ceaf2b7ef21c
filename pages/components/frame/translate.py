"""The reader's language on every page: `_()` for text, `fmt()` for numbers, money and dates, and the picker.

Which language: the signed-in user's stored choice; else the one picked in this browser session; else the
browser's (st.context.locale); else English. Text is marked with `_("...")` (or `N_` where it is defined
before it is shown) and the catalogues are made with `bash scripts/translations.sh`. Placeholders are named
and filled after translating, `_("{count} deals").format(count=n)`, never an f-string inside `_()`, so a
translator sees the whole sentence.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import streamlit as st
from babel.numbers import NumberFormatError, parse_decimal

from pages.components.frame.data import attempt
from pages.components.frame.text import md
from partner_model import i18n, users
from partner_model.errors import N_, DomainError
from partner_model.models import UserRead

LANGUAGE_KEY = "language"  # the language of this browser session
PICKER_KEY = "language_picker"
_USER_LANGUAGE_KEY = "language_of_user"  # the signed-in user's stored language, read with the user each run

__all__ = ["N_", "_", "date_column_format", "error_text", "fmt", "language", "language_picker", "ngettext",
           "plotly_layout", "remember_user_language", "typed_number"]


def language() -> str:
    """The language of this run."""
    chosen = st.session_state.get(_USER_LANGUAGE_KEY) or st.session_state.get(LANGUAGE_KEY)
    if chosen in i18n.LANGUAGES:
        return str(chosen)
    return i18n.best_language(_browser_locale())


def _browser_locale() -> str | None:
    try:
        return st.context.locale
    except Exception:  # noqa: BLE001  (no browser behind this run, e.g. a bare script)
        return None


def _(message: str) -> str:
    """`message` in the reader's language (the English text when the catalogue lacks it)."""
    return i18n.translations(language()).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The singular or plural form for `count`, by the language's plural rule."""
    return i18n.translations(language()).ngettext(singular, plural, count)


def fmt() -> i18n.Formats:
    """Numbers, money, dates and weeks in the reader's locale."""
    return _formats(language())


_FORMATS: dict[str, i18n.Formats] = {}


def _formats(lang: str) -> i18n.Formats:
    if lang not in _FORMATS:
        _FORMATS[lang] = i18n.Formats(lang)
    return _FORMATS[lang]


def typed_number(text: object) -> object:
    """A number typed the reader's way ("12 000,50" in Finnish, "12.000,50" in German) as a Decimal for the
    services; text that is not such a number goes to the service as typed, which accepts "12000.50" in every
    language and otherwise refuses it with a message naming the field."""
    if not isinstance(text, str) or not text.strip():
        return text
    try:
        return parse_decimal("".join(text.split()), locale=fmt().locale, strict=True)  # "12 000,50" too
    except NumberFormatError:
        return text


def error_text(error: DomainError) -> str:
    """A domain error's message in the reader's language, as Markdown (st.error and the flash messages show it):
    its text parameters are looked up as DomainError.translated does (labels, statuses), then escaped, since some
    carry what a user typed (a company, a partner or user name, an email)."""
    params = {key: md(_(value)) if isinstance(value, str) and value else value for key, value in error.params.items()}
    return _(error.template).format(**params) if params else _(error.template)


# Day-month order per language for st.column_config.DateColumn (moment.js patterns; numeric, because
# the browser draws month names in its own language, not the reader's).
_DATE_COLUMN_FORMATS = {"en": "YYYY-MM-DD", "fi": "D.M.YYYY", "sv": "YYYY-MM-DD", "nl": "D-M-YYYY",
                        "de": "DD.MM.YYYY"}


def date_column_format() -> str:
    return _DATE_COLUMN_FORMATS[language()]


# st.date_input writes dates in one of a few patterns: each language's nearest one.
_DATE_INPUT_FORMATS = {"en": "YYYY-MM-DD", "fi": "DD.MM.YYYY", "sv": "YYYY-MM-DD", "nl": "DD-MM-YYYY",
                       "de": "DD.MM.YYYY"}


def date_input_format() -> str:
    """The `format` of st.date_input in the reader's language."""
    return _DATE_INPUT_FORMATS[language()]


def plotly_layout() -> dict[str, Any]:
    """Layout settings that make a Plotly chart write numbers the reader's way (decimal mark, then grouping)."""
    symbols = fmt().locale.number_symbols["latn"]
    return {"separators": symbols["decimal"] + symbols["group"]}


def remember_user_language(user: UserRead | None) -> None:
    """Called once per run with the signed-in user: their stored language wins; a language picked before
    signing in becomes their stored one when they had none."""
    if user is None:
        st.session_state.pop(_USER_LANGUAGE_KEY, None)
        return
    stored = user.language
    if stored is None and st.session_state.get(LANGUAGE_KEY) in i18n.LANGUAGES:
        stored = _save(user, st.session_state[LANGUAGE_KEY])
    st.session_state[_USER_LANGUAGE_KEY] = stored


def _save(user: UserRead, lang: str) -> str | None:
    saved, error = attempt(lambda s: users.set_language(s, user, lang))
    return lang if error is None and saved is not None else user.language


def language_picker(user: UserRead | None) -> None:
    """The sidebar's language select box; a signed-in user's choice is stored with the user."""
    current = language()
    st.session_state[PICKER_KEY] = current

    def picked() -> None:
        lang = st.session_state[PICKER_KEY]
        st.session_state[LANGUAGE_KEY] = lang
        if user is not None:
            st.session_state[_USER_LANGUAGE_KEY] = _save(user, lang)
        _keep_widget_choices()

    st.selectbox(_("Language"), i18n.LANGUAGES, format_func=i18n.LANGUAGE_NAMES.get, key=PICKER_KEY,
                 on_change=picked)


def _keep_widget_choices() -> None:
    """A select box sends back the text of its option, and a language switch changes every text, so the
    choice would be lost. Writing each chosen value back from the server's side makes the browser draw it
    again with the same choice in the new words. Only plain values: buttons (booleans) and selections (dicts)
    cannot be set, and need no help."""
    for key in list(st.session_state.keys()):
        value = st.session_state[key]
        if key == PICKER_KEY or isinstance(value, bool) or not isinstance(value, _CHOICE_TYPES):
            continue
        st.session_state[key] = value


_CHOICE_TYPES = (str, int, float, Decimal, dt.date, list, tuple)
