"""The five interface catalogues: every marked message is in each, translated, with the same placeholders,
and each compiles. Messages are extracted from the source here, as scripts/translations.sh does, so a new
_() message without translations fails this test until the catalogues are updated and translated."""

from __future__ import annotations

import io
import re
from functools import cache
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from partner_model import i18n

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None, "ngettext": (1, 2)}
PLACEHOLDER = re.compile(r"\{(\w*)[^{}]*\}")


@cache
def source_messages() -> dict[str | tuple[str, ...], str]:
    """Every message marked in the source, with the first place it is used."""
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    found: dict[str | tuple[str, ...], str] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS):
        key = message if isinstance(message, str) else tuple(m for m in message if m)
        if key:
            found.setdefault(key, f"{filename}:{lineno}")
    return found


@cache
def catalogue(language: str) -> Catalog:
    with i18n.catalogue_path(language).open("rb") as po:
        return read_po(po, locale=language)


def test_the_source_marks_the_interface_text():
    messages = source_messages()
    assert len(messages) > 300, "far fewer marked messages than the interface has"
    for expected in ("Deal board", "Closed won", "Sign in to see this page.", "Language"):
        assert expected in messages


def test_no_message_hides_inside_an_f_string():
    """pybabel cannot see a literal inside an f-string on Python 3.11: f"**{_('Deals')}**" is never extracted."""
    hidden = re.compile(r"""f(["'])[^"']*\{\s*(_|N_|ngettext)\(\s*["']""")
    found = [f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
             for folder in ("pages", "partner_model") for path in sorted((ROOT / folder).rglob("*.py"))
             for number, line in enumerate(path.read_text().splitlines(), 1) if hidden.search(line)]
    found += [f"dashboard.py:{n}" for n, line in enumerate((ROOT / "dashboard.py").read_text().splitlines(), 1)
              if hidden.search(line)]
    assert not found, "\n".join(found)


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_every_message_is_in_the_catalogue(language):
    entries = catalogue(language)
    missing = [f"{where}: {message!r}" for message, where in source_messages().items()
               if (message if isinstance(message, str) else message[0]) not in entries]
    assert not missing, f"{len(missing)} messages missing from {language}; run scripts/translations.sh:\n" + \
        "\n".join(missing[:40])


@pytest.mark.parametrize("language", [lang for lang in i18n.LANGUAGES if lang != "en"])
def test_every_message_is_translated(language):
    untranslated = []
    for message in catalogue(language):
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            untranslated.append(message.id)
    assert not untranslated, f"{len(untranslated)} messages untranslated or fuzzy in {language}:\n" + \
        "\n".join(map(repr, untranslated[:40]))


@pytest.mark.parametrize("language", [lang for lang in i18n.LANGUAGES if lang != "en"])
def test_translations_keep_the_placeholders(language):
    wrong = []
    for message in catalogue(language):
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = {name for text in ids for name in PLACEHOLDER.findall(text)}
        for text in strings:
            if text and set(PLACEHOLDER.findall(text)) != expected:
                wrong.append(f"{message.id!r} -> {text!r}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_the_catalogue_compiles(language):
    entries = catalogue(language)
    problems = [f"{message.id!r}: {errors}" for message, errors in entries.check() if errors]
    assert not problems, "\n".join(problems)
    compiled = io.BytesIO()
    write_mo(compiled, entries)
    assert compiled.getbuffer().nbytes > 0
    assert i18n.translations(language) is not None
