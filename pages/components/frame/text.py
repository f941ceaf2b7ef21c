"""The one way to show text a user typed (company and contact names, notes, billing details) as text.

Streamlit renders Markdown, LaTeX, colour directives, images and links in most of its labels and messages; text
from a user must never take effect there. `md()` escapes every character Markdown, GFM autolinks, LaTeX and
Streamlit directives use, so the text shows as it was written.
"""

from __future__ import annotations

import re

_MARKDOWN = str.maketrans({c: "\\" + c for c in "\\`*_{}[]()<>#+-.!|~:$=@&%^\"'"})
WORD_JOINER = "\u2060"  # invisible; splits what GFM would otherwise turn into a link (emails, www., scheme://)
_AUTOLINK = re.compile(r"(@|://|(?i:www)(?=\.))")


def md(text: object) -> str:
    """Text a user typed, escaped so st.markdown (and every element that renders Markdown) shows it as written:
    no formatting, LaTeX, colour directive, image, link or HTML, and no bare email or URL turned into a link."""
    return _AUTOLINK.sub(lambda m: m.group(0) + WORD_JOINER, str(text)).translate(_MARKDOWN)
