"""The PDF documents' Unicode fonts (partner_model.pdf_fonts): the main face, fallbacks only where needed,
text shaping only where a script needs it; the text read back from the PDF with pypdf."""

from __future__ import annotations

import io

import pytest
from fpdf import FPDF
from pypdf import PdfReader

from partner_model import pdf_fonts


def _render(texts: list[str]) -> tuple[FPDF, bytes]:
    pdf = FPDF()
    family = pdf_fonts.embed_fonts(pdf, texts)
    pdf.add_page()
    pdf.set_font(family, size=10)
    for text in texts:
        pdf.cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, "B", size=10)
    pdf.cell(0, 6, texts[0])
    return pdf, bytes(pdf.output())


def _text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_latin_greek_cyrillic_and_polish_need_no_fallback_and_no_shaping():
    names = ["Müller & Söhne GmbH", "Ελληνικά Α.Ε.", "ООО Москва", "Łódź sp. z o.o.", "1\u00a0234,56\u00a0€ – “x”"]
    pdf, data = _render(names)
    assert list(pdf.fonts) == ["sans", "sansB"]  # the main face, regular and bold, nothing else
    assert pdf.text_shaping is None
    text = _text(data)
    assert all(name in text for name in names), text


@pytest.mark.parametrize(("name", "fallback"), [
    ("東京株式会社", "fallback-sc"),   # Chinese characters (kanji)
    ("ひらがな株式会社", "fallback-sc"),  # kana as well (Kurinto Sans has them)
    ("한국 주식회사", "fallback-kr"),  # Hangul
])
def test_cjk_takes_a_fallback_font_only_when_the_text_has_it(name, fallback):
    pdf, data = _render([name, "Acme Oy"])
    assert fallback in pdf.fonts
    assert name in _text(data)


def test_arabic_is_shaped_and_read_back_in_order():
    pdf, data = _render(["شركة النور", "Acme Oy"])
    assert pdf.text_shaping is not None and pdf.text_shaping["use_shaping_engine"]
    assert "شركة النور" in _text(data)


@pytest.mark.skipif(not pdf_fonts.fallback_faces()[-1].exists(),
                    reason="Debian's fonts-noto-color-emoji is not installed (scripts/setup.sh installs it)")
def test_emoji_take_the_colour_emoji_font():
    pdf, data = _render(["Rocket 🚀 Oy"])
    assert "fallback-emoji" in pdf.fonts
    assert "Rocket 🚀 Oy" in _text(data)


def test_without_debians_dejavu_the_kurinto_face_from_pypi_is_the_main_face(monkeypatch, tmp_path):
    monkeypatch.setattr(pdf_fonts, "DEBIAN_FONTS", tmp_path)  # no Debian fonts at all
    names = ["Müller & Söhne GmbH", "Ελληνικά", "Łódź", "Москва", "شركة", "東京株式会社"]
    pdf, data = _render(names)
    assert "kurinto" in str(pdf.fonts["sans"].ttffile).lower()
    text = _text(data)
    assert all(name in text for name in names), text


def test_no_font_at_all_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setattr(pdf_fonts, "main_faces", lambda: [pdf_fonts.Face("sans", tmp_path / "none.ttf")])
    with pytest.raises(RuntimeError, match="weblate-fonts"):
        pdf_fonts.embed_fonts(FPDF(), ["x"])


@pytest.mark.parametrize(("char", "shaped"), [
    ("a", False), ("Ł", False), ("Ω", False), ("Ж", False), ("€", False), ("–", False), ("東", False),
    ("한", False), ("ش", True), ("א", True), ("ह", True), ("ไ", True), ("\u0301", True), ("\u200d", True),
    ("🚀", True),
])
def test_which_characters_need_shaping(char, shaped):
    assert pdf_fonts.needs_shaping(char) is shaped
