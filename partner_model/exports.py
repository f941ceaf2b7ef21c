"""The one CSV writer of every download: numbers stay numbers, text never runs as a spreadsheet formula.

A spreadsheet opening a CSV reads a cell that starts with "=", "+", "-" or "@" as a formula (and a tab, a
carriage return or a NUL in front hides such a start), so a company name typed as `=HYPERLINK(...)` would run
on the reader's machine. Following OWASP's CSV-injection guidance (and ASVS 1.2.10), every *text* cell that
starts with one of those characters gets a single quote in front: `=1+1` is written `'=1+1` and shows as
text. The same is done where such a character follows a comma, a semicolon or a line break inside the text:
a spreadsheet that splits the file on the other separator (a Finnish Excel opening the English file, or the
other way round) would start a cell there. Numbers (int, float, Decimal) are never text: -800.00 stays a
negative number.

Cells are quoted as RFC 4180 says: a text cell holding the separator, a double quote, a line feed or a
carriage return is put in double quotes, its double quotes doubled (Python's csv module would leave a lone
carriage return unquoted, and a spreadsheet would break the row there). Lines end in a line feed.
"""

from __future__ import annotations

import datetime as dt
import numbers
import re
from decimal import Decimal

import pandas as pd

# What a text cell may not start with: a spreadsheet would read a formula (=, +, -, @) or skip a tab, a
# carriage return or a NUL and read the formula after it.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\0")
# A formula start at the start of the text, or right after a separator or a line break inside it.
_FORMULA_START = re.compile(r"(?:^|(?<=[,;\n\r]))(?=[=+\-@\t\r\0])")
_RISKY = r"(?:^|[,;\n\r])[=+\-@\t\r\x00]"  # the same, without look-around: whole columns are searched with it


def safe_text(text: str) -> str:
    """`text` that a spreadsheet shows as text: a single quote before a formula start (see the module)."""
    return _FORMULA_START.sub("'", text)


def safe_cell(value: object) -> object:
    """A cell's value made safe for a spreadsheet: text neutralised with `safe_text`; numbers (int, float,
    Decimal), dates and missing values unchanged."""
    return safe_text(value) if isinstance(value, str) else value


def _quoted(text: str, sep: str) -> str:
    """A text cell as RFC 4180 writes it: in double quotes (its own doubled) when it holds the separator, a
    double quote or a line break."""
    if sep in text or '"' in text or "\n" in text or "\r" in text:
        return '"' + text.replace('"', '""') + '"'
    return text


def _missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float | Decimal) and value != value  # NaN


def _number_text(value: object, decimal: str) -> str:
    """A number as a spreadsheet reads it: digits, a minus sign, `decimal` for the decimal point; never
    grouped, never an exponent for a Decimal."""
    if isinstance(value, Decimal):
        text = format(value, "f")
    elif isinstance(value, numbers.Integral):
        text = str(int(value))
    else:
        text = str(value)
    return text.replace(".", decimal) if decimal != "." else text


def _cell_text(value: object, sep: str, decimal: str) -> str:
    """One cell as the CSV writes it: missing as empty, numbers as numbers, dates in ISO form, and everything
    else as text, made safe and quoted."""
    if isinstance(value, str):
        return _quoted(safe_text(value), sep)
    if _missing(value):
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, numbers.Number) and not isinstance(value, complex):
        return _number_text(value, decimal)
    if isinstance(value, dt.date):
        return str(value)
    return _quoted(safe_text(str(value)), sep)


def _texts(column: pd.Series, sep: str) -> list[str]:
    """A column of text (missing: empty), made safe and quoted; the search for the few cells that need it runs
    over the whole column at once."""
    texts = column.fillna("")
    cells = texts.tolist()
    risky = texts.str.contains(_RISKY, regex=True).to_numpy(dtype=bool, na_value=False)
    for i in risky.nonzero()[0]:
        cells[i] = safe_text(cells[i])
    special = "[" + re.escape(sep) + '"\r\n]'
    for i in texts.str.contains(special, regex=True).to_numpy(dtype=bool, na_value=False).nonzero()[0]:
        cells[i] = _quoted(cells[i], sep)
    return cells


def _column_texts(column: pd.Series, sep: str, decimal: str) -> list[str]:
    """A whole column's cells. Integer and text columns are handled as whole columns, other columns cell by
    cell (each day once): the customers CSV can hold 200,000 rows."""
    dtype = column.dtype
    if pd.api.types.is_integer_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype):
        return column.astype("string").fillna("").tolist()
    kind = "string" if isinstance(dtype, pd.StringDtype) else pd.api.types.infer_dtype(column, skipna=True)
    if kind == "empty":  # nothing but missing values
        return [""] * len(column)
    if kind == "string":
        return _texts(column, sep)
    days: dict[dt.date, str] = {}  # a day's text, once per day (equal amounts may be written differently)
    cells = []
    for value in column.tolist():
        if isinstance(value, dt.date) and value.__class__ is dt.date:  # not a datetime
            text = days.get(value)
            if text is None:
                text = days[value] = str(value)
        else:
            text = _cell_text(value, sep, decimal)
        cells.append(text)
    return cells


def csv_bytes(frame: pd.DataFrame, *, sep: str = ",", decimal: str = ".", bom: bool = True) -> bytes:
    """`frame` as a CSV file: a heading row of its column names, then one row per row, columns separated by
    `sep`, numbers with `decimal` as their decimal point, every text cell made safe and quoted (see the
    module), UTF-8 with a byte order mark when `bom` (so spreadsheets read the letters right)."""
    if len(sep) != 1 or sep in '"\r\n' or sep == decimal:
        raise ValueError("the separator must be one character, neither a quote, a line break nor the decimal point")
    header = [_cell_text(name, sep, decimal) for name in frame.columns]
    columns = [_column_texts(frame.iloc[:, i], sep, decimal) for i in range(frame.shape[1])]
    if len(columns) == 1:  # a row of one empty cell is written "", not as an empty line a reader would skip
        columns = [[cell or '""' for cell in columns[0]]]
        header = [cell or '""' for cell in header]
    lines = [sep.join(header), *map(sep.join, zip(*columns, strict=True))]
    return ("\n".join(lines) + "\n").encode("utf-8-sig" if bom else "utf-8")


def xlsx_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """An Excel workbook (openpyxl) with one sheet per frame, in order; headings bold, columns sized to fit.

    Numbers are written as numbers (Decimal as an exact float of its cents, with a two-decimal format); text is
    always a string cell, never a formula, and carries the same single quote as the CSV where it starts like one
    (safe_text), so a spreadsheet that re-exports it stays safe too."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    for title, frame in sheets.items():
        sheet = book.create_sheet(title=title[:31])
        sheet.append([str(column) for column in frame.columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in frame.itertuples(index=False):
            sheet.append([None if _missing(v) else v for v in row])
            for cell, value in zip(sheet[sheet.max_row], row, strict=True):
                if isinstance(value, str):
                    cell.value = safe_text(value)
                    cell.data_type = "s"  # a string, never a formula
                elif isinstance(value, Decimal) and not _missing(value):
                    cell.value = float(value)
                    cell.number_format = "0.00" if value == value.quantize(Decimal("0.01")) else "0.0000"
        for index, column in enumerate(frame.columns, start=1):
            width = max([len(str(column))] + [len(str(v)) for v in frame[column].head(500)])
            sheet.column_dimensions[get_column_letter(index)].width = min(60, width + 2)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
