"""No raw None, nan, NaN or NaT anywhere in the interface: every page, for every staff role and the partner roles,
with a world in which many values are missing (users without a partner, a partner without a manager, a failed
sign-in by nobody known, a locked user, an empty billing record).

What is scanned: every cell of every table a page draws (st.dataframe and st.table; columns hidden or left out of
column_order are not shown, so not scanned); a missing value counts, since Chromium shows it as the word "None",
unless the table names another text for it (st.dataframe(placeholder="—")). And every text an element carries
(labels, options, bodies, captions, help, placeholders, values), read from its protobuf, so nothing drawn is
missed. The product's own sentences that use the word ("None is overdue.") are told apart by the marked messages
in the sources: only a "None" outside them is raw.
"""

from __future__ import annotations

import ast
import contextlib
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from google.protobuf.descriptor import FieldDescriptor
from streamlit.testing.v1 import AppTest

from pages_world import PAGE_FILES, PASSWORD, ROOT, World
from partner_model import partners, rules, users
from partner_model.errors import AuthError

ROLES = ("admin", "partner_manager", "finance", "partner_admin", "partner_user")
PAGES = ("dashboard.py", *(f"pages/{name}.py" for name in PAGE_FILES))
RAW = re.compile(r"(?<![\w])(None|nan|NaN|NaT|<NA>)(?![\w])")
# Proto fields that are identifiers or data for the browser's code, never shown as text.
NOT_SHOWN = frozenset({"id", "form_id", "key", "icon", "type", "spec", "columns", "css", "theme", "page_script_hash",
                       "url_path", "page", "fragment_id", "column_order", "selection_mode", "data", "page_name",
                       "format", "default", "step", "arrow_data", "editing_mode", "width", "height"})


@pytest.fixture(scope="module")
def gappy(world_template: tuple[Path, World], tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """The page world with missing values everywhere a page could show them: audit rows without an actor, a
    change from no partner to one and back, a partner with a manager and one without, a locked user, users who
    never picked a language. One copy for the module: the pages only read it."""
    template, built = world_template
    path = tmp_path_factory.mktemp("no-raw-none") / "partners.db"
    shutil.copyfile(template, path)
    world = World(url=f"sqlite:///{path}", acme_id=built.acme_id, beta_id=built.beta_id,
                  user_ids=dict(built.user_ids))
    with world.session() as s:
        admin = users.get_user(s, world.user_ids["admin"])
        for role in ROLES:
            users.sign_in(s, email=World.email(role), password=PASSWORD)
        with contextlib.suppress(AuthError):
            users.sign_in(s, email="nobody@nowhere.example", password="wrong password")
        for _ in range(rules.MAX_LOCKOUT_FAILURES):
            with contextlib.suppress(AuthError):
                users.sign_in(s, email="admin@beta-advisors.example", password="wrong password")
        acme = partners.get_partner(s, admin, world.acme_id)
        partners.set_manager(s, admin, acme.id, world.user_ids["partner_manager"], expected_version=acme.version)
        vendor = users.create_user(s, email="vendor.staff@vendor-test.example", name="Vendor Staff", role="finance",
                                   password=PASSWORD, actor=admin)
        users.update_user(s, admin, vendor.id, role="partner_user", partner_id=world.beta_id)
        users.update_user(s, admin, vendor.id, role="finance")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DATABASE_URL", world.url)
        patch.setenv("PARTNER_COOKIE_SECRET", "page-tests-secret")
        yield world
        from pages.components.frame.data import _engine_for

        _engine_for.clear()


def run_page(world: World, role: str, page: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=30)
    at.session_state["user_id"] = world.user_ids[role]
    at.run()
    return at if page == "dashboard.py" else at.switch_page(page).run()


def _marked_messages() -> Iterator[str]:
    """Every interface message marked in the sources (_, N_, ngettext), whether or not the catalogue has it yet."""
    for path in [ROOT / "dashboard.py", *sorted((ROOT / "pages").rglob("*.py")),
                 *sorted((ROOT / "partner_model").rglob("*.py"))]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("_", "N_", "ngettext"):
                yield from (arg.value for arg in node.args
                            if isinstance(arg, ast.Constant) and isinstance(arg.value, str))


def _product_words() -> re.Pattern[str]:
    """The product's own sentences that use "None" as a word ("None is overdue."): the placeholder-free part of
    each marked message around the word, cut out of a text before it is scanned (a value put into a placeholder
    is never part of it, so a raw None there is still found)."""
    literals = {part.strip() for message in _marked_messages() for part in re.split(r"\{[^{}]*\}", message)
                if RAW.search(part)}
    if not literals:
        return re.compile(r"(?!x)x")
    return re.compile("|".join(re.escape(text) for text in sorted(literals, key=len, reverse=True)))


PRODUCT_WORDS = _product_words()


def _shows_raw(text: str) -> bool:
    return RAW.search(PRODUCT_WORDS.sub(" ", text)) is not None


def _strings(message: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every string a protobuf message carries, with its field path, except identifiers and data."""
    for descriptor, value in message.ListFields():
        if descriptor.name in NOT_SHOWN:
            continue
        where = f"{path}.{descriptor.name}" if path else descriptor.name
        values = list(value) if descriptor.is_repeated else [value]
        for item in values:
            if descriptor.type == FieldDescriptor.TYPE_MESSAGE:
                yield from _strings(item, where)
            elif descriptor.type == FieldDescriptor.TYPE_STRING:
                yield where, item


def _shown_columns(frame: pd.DataFrame, proto: Any) -> list[str]:
    """The columns a browser shows: those of column_order when given, less those column_config hides."""
    try:
        config = json.loads(getattr(proto, "columns", "") or "{}")
    except ValueError:
        config = {}
    hidden = {name.removeprefix("col:") for name, conf in config.items()
              if isinstance(conf, dict) and conf.get("hidden")}
    order = list(getattr(proto, "column_order", []) or [])
    return [str(c) for c in frame.columns if str(c) not in hidden and (not order or str(c) in order)]


def _placeholder(proto: Any) -> str | None:
    """The text st.dataframe shows for a missing value (placeholder=...); None: Streamlit's own, "None"."""
    try:
        return proto.placeholder if proto.HasField("placeholder") else None
    except ValueError:  # st.table has none
        return None


def _raw_cell(value: object, placeholder: str | None) -> bool:
    if isinstance(value, (list, tuple, dict)):
        return False
    with contextlib.suppress(TypeError, ValueError):
        if pd.isna(value):
            return placeholder is None or _shows_raw(placeholder)
    return isinstance(value, str) and _shows_raw(value)


def raw_values(at: AppTest) -> list[str]:
    """Where the run shows a raw None/nan/NaN/NaT: "element (field): text"."""
    found: list[str] = []

    def walk(node: Any) -> None:
        kind = getattr(node, "type", type(node).__name__)
        proto = getattr(node, "proto", None)
        if kind in ("arrow_data_frame", "dataframe", "table") and proto is not None:
            frame = node.value
            frame = frame.reset_index() if kind == "table" and frame.index.name else frame
            placeholder = _placeholder(proto)
            found.extend(f"{kind} cell [{column}]: {value!r}" for column in _shown_columns(frame, proto)
                         for value in frame[column] if _raw_cell(value, placeholder))
            found.extend(f"{kind} column heading: {column!r}" for column in frame.columns if RAW.search(str(column)))
        elif proto is not None and hasattr(proto, "ListFields"):
            found.extend(f"{kind} ({where}): {text!r}" for where, text in _strings(proto) if _shows_raw(text))
        for child in (getattr(node, "children", None) or {}).values():
            walk(child)

    walk(at._tree)
    return found


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("role", ROLES)
def test_no_page_shows_a_raw_none_or_nan(gappy, role, page):
    at = run_page(gappy, role, page)
    assert not at.exception, [e.value for e in at.exception]
    assert raw_values(at) == []


def test_the_admin_page_with_a_user_picked_shows_no_raw_none(gappy):
    """The picked user's forms, lock, sessions and the audit log's details, where missing values gather."""
    at = run_page(gappy, "admin", "pages/admin.py")
    at = at.selectbox(key="picked_user").select(gappy.user_ids["beta_admin"]).run()
    assert not at.exception, [e.value for e in at.exception]
    assert raw_values(at) == []


def test_the_scan_finds_a_raw_none():
    """The check itself: a table cell that is missing and a text that says None are both found."""
    script = AppTest.from_string(
        "import streamlit as st\nimport pandas as pd\n"
        "st.dataframe(pd.DataFrame({'a': [1, None], 'b': ['x', 'y']}))\n"
        "st.caption('Manager: None')\nst.selectbox('Pick', ['nan', 'fine'])\n")
    script.run()
    found = raw_values(script)
    assert any("dataframe cell [a]" in f for f in found), found
    assert any("Manager: None" in f for f in found), found
    assert any("'nan'" in f for f in found), found

