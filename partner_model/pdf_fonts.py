"""Unicode fonts for the PDF documents, so a name in any script is shown as written (never as "?").

fpdf2's core fonts know cp1252 only. The documents embed TrueType fonts instead (only the glyphs they use):
- the main face, regular and bold: DejaVu Sans (Debian's fonts-dejavu-core, which scripts/setup.sh installs):
  Latin, Greek, Cyrillic, Arabic, Hebrew and more, and quick to embed (about 0.1 s a document). Where it is
  missing, Kurinto Sans from the weblate-fonts package (a requirement) takes its place: as wide, slower to embed.
- fallbacks, added only when a document's text has a character the main face lacks (each costs time):
  Kurinto Sans (the other scripts: Indic, Thai, Armenian, Georgian, ...), Kurinto Sans SC, JP, KR and TC
  (Chinese, Japanese kana, Korean Hangul, traditional Chinese), all from weblate-fonts, and Noto Color Emoji
  (Debian's fonts-noto-color-emoji, where installed). A character no font has is drawn as an empty box.
Text shaping (HarfBuzz, from the uharfbuzz package) is turned on when the text needs it: Arabic letters join
and run right to left, combining marks sit on their letters, Indic letters combine.
"""

from __future__ import annotations

import importlib.util
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont
from fpdf import FPDF

FAMILY = "sans"  # the name documents pass to FPDF.set_font
DEBIAN_FONTS = Path("/usr/share/fonts/truetype")
# The most emoji one document draws in colour: fpdf2 draws colour glyphs in a Type 3 font of at most 255.
MAX_COLOUR_GLYPHS = 100


@dataclass(frozen=True)
class Face:
    """A font file (and its bold, for the main face) and the name it is added under."""

    name: str
    regular: Path
    bold: Path | None = None

    def exists(self) -> bool:
        return self.regular.is_file() and (self.bold is None or self.bold.is_file())


@cache
def _weblate_fonts() -> Path:
    """Where the weblate-fonts package keeps Kurinto Sans (a folder that does not exist without the package)."""
    spec = importlib.util.find_spec("weblate_fonts")
    folders = list(spec.submodule_search_locations or []) if spec is not None else []
    root = Path(folders[0]) if folders else Path("/nonexistent/weblate_fonts")
    return root / "static" / "weblate_fonts" / "kurinto" / "ttf"


def _kurinto(name: str) -> Path:
    """A Kurinto Sans file shipped by the weblate-fonts package."""
    return _weblate_fonts() / name


def main_faces() -> list[Face]:
    """The main faces in order of preference: the first whose files exist is used."""
    return [
        Face(FAMILY, DEBIAN_FONTS / "dejavu" / "DejaVuSans.ttf", DEBIAN_FONTS / "dejavu" / "DejaVuSans-Bold.ttf"),
        Face(FAMILY, _kurinto("KurintoSans-Rg.ttf"), _kurinto("KurintoSans-Bd.ttf")),
    ]


def fallback_faces() -> list[Face]:
    """The fallbacks in order of preference (regular only: a bold character they give is drawn regular)."""
    return [
        Face("fallback-wide", _kurinto("KurintoSans-Rg.ttf")),
        Face("fallback-sc", _kurinto("KurintoSansSC-Rg.ttf")),
        Face("fallback-jp", _kurinto("KurintoSansJP-Rg.ttf")),
        Face("fallback-kr", _kurinto("KurintoSansKR-Rg.ttf")),
        Face("fallback-tc", _kurinto("KurintoSansTC-Rg.ttf")),
        Face("fallback-emoji", DEBIAN_FONTS / "noto" / "NotoColorEmoji.ttf"),
    ]


@cache
def characters(path: Path) -> frozenset[int]:
    """The code points a font file has glyphs for (read once per process)."""
    return frozenset(TTFont(path, lazy=True).getBestCmap())


@cache
def _is_colour(path: Path) -> bool:
    tables = TTFont(path, lazy=True).keys()
    return any(table in tables for table in ("CBDT", "COLR", "sbix", "SVG "))


def needs_shaping(char: str) -> bool:
    """Whether a character is drawn right only by a shaping engine: right-to-left letters (Arabic, Hebrew,
    ...), combining marks, scripts beyond Cyrillic whose letters combine (Indic, Thai, ...), and emoji
    sequences. Latin, Greek, Cyrillic, punctuation, currency signs and CJK ideographs need none."""
    code = ord(char)
    if unicodedata.category(char).startswith("M") or unicodedata.bidirectional(char) in ("R", "AL", "AN"):
        return True
    if code < 0x0590 or 0x1E00 <= code <= 0x20CF or 0x2E80 <= code <= 0xD7FF or 0xF900 <= code <= 0xFAFF:
        return code == 0x200D  # the zero-width joiner of emoji sequences
    return not (0xFF00 <= code <= 0xFFEF or 0x20000 <= code <= 0x3FFFF)


def _shaping_available() -> bool:
    return importlib.util.find_spec("uharfbuzz") is not None


def embed_fonts(pdf: FPDF, texts: Iterable[str]) -> str:
    """Add the main face and the fallbacks `texts` need to `pdf`; turn on text shaping where they need it.
    Returns the family to pass to `pdf.set_font`. Raises RuntimeError when no main face is installed."""
    main = next((face for face in main_faces() if face.exists()), None)
    if main is None:
        raise RuntimeError("No Unicode font for PDF documents: install the requirements (weblate-fonts).")
    pdf.add_font(main.name, "", main.regular)
    pdf.add_font(main.name, "B", main.bold or main.regular)
    used = {char for text in texts for char in text if not char.isspace() and unicodedata.category(char) != "Cc"}
    missing = {ord(char) for char in used} - characters(main.regular)
    fallbacks = []
    for face in fallback_faces():
        if not missing or not face.exists():
            continue
        covered = missing & characters(face.regular)
        if not covered or (_is_colour(face.regular) and len(covered) > MAX_COLOUR_GLYPHS):
            continue
        pdf.add_font(face.name, "", face.regular)
        fallbacks.append(face.name)
        missing -= covered
    if fallbacks:
        pdf.set_fallback_fonts(fallbacks, exact_match=False)
    if _shaping_available() and any(needs_shaping(char) for char in used):
        pdf.set_text_shaping(True)
    return main.name
