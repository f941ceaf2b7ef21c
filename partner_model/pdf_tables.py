"""What the PDF documents (commission statements, invoices and credit notes) share for their tables: headings that
shrink to fit a column, cells cut with an ellipsis, and text made plain for the PDF."""

from __future__ import annotations

import unicodedata

from fpdf import FPDF


def header_row(pdf: FPDF, font: str, headers: list[str], widths: tuple[int, ...]) -> None:
    """Bold headings, each made smaller where a language's word is wider than its column."""
    for header, width in zip(headers, widths, strict=True):
        text, size = pdf_text(header), 9.0
        pdf.set_font(font, "B", size)
        while size > 6 and pdf.get_string_width(text) > width - 2 * pdf.c_margin:
            size -= 0.5
            pdf.set_font(font, "B", size)
        pdf.cell(width, 7, fit(pdf, text, width), border=1)
    pdf.ln()
    pdf.set_font(font, size=9)


def fit(pdf: FPDF, text: str, width: float) -> str:
    """`text` cut with an ellipsis where it is wider than a cell of `width` (the cell would spill over)."""
    room = width - 2 * pdf.c_margin
    if pdf.get_string_width(text) <= room:
        return text
    while text and pdf.get_string_width(text + "\u2026") > room:
        text = text[:-1]
    return text + "\u2026"


# Spaces and dashes Babel writes in numbers and dates, made their plain kin so the PDF's text reads, searches
# and copies as typed: the narrow no-break space (grouping in some locales) and the figure space become a
# no-break space, thin spaces around an en dash in date ranges a space, the minus sign and the non-breaking
# hyphen a hyphen-minus (a spreadsheet reads "-800" pasted from the PDF as a number); soft hyphens go.
_PDF_REPLACEMENTS = str.maketrans({"\u202f": "\u00a0", "\u2009": " ", "\u200a": " ", "\u2007": "\u00a0",
                                   "\u2212": "-", "\u2011": "-", "\u00ad": ""})


def pdf_text(text: str) -> str:
    """`text` as the PDF shows it: composed (NFC: a letter typed with a separate accent is one character) and
    with Babel's special spaces and minus signs made plain. Every other character is kept: the embedded fonts
    have it."""
    return unicodedata.normalize("NFC", text).translate(_PDF_REPLACEMENTS)
