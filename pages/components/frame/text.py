"""The one way to show text a user typed (company, contact, partner and user names, emails, notes, attention items,
billing details, framework names) as text, whatever draws it.

Streamlit renders Markdown, LaTeX, colour directives, images and links in most of its elements; Plotly renders a
subset of HTML (<a href>, <b>, <i>, <span style>, <br>, ...) in chart titles, tick labels, legend and hover texts.
Text from a user must never take effect in either. Which function for which element (checked on Streamlit 1.67
and Plotly 7):

- `md()`: Markdown bodies: st.markdown, st.caption, st.success/info/warning/error, st.toast, st.table cells,
  `help` tooltips, and each value put into a translated Markdown template (escape the value, never the template).
- `md_line()`: Markdown labels and titles, shown on one line: st.dialog title, st.expander label,
  st.title/header/subheader, st.metric label, widget labels, st.tabs, st.page_link label.
- `badge_text()`: st.badge's label (st.badge escapes square brackets itself: `md_line()`'s would show).
- `plotly_text()`: every text a Plotly figure draws: titles, axis titles, category values (tick labels and the
  %{x}/%{y} of hover texts), legend and trace names, hover templates.
- No escape: st.text, st.code, st.dataframe cells (text columns), st.selectbox / st.multiselect option texts
  (format_func) and text-input values show text as it is; escaping there would show the backslashes. Option texts
  of st.radio, st.pills and st.segmented_control render Markdown: `md_line()` there.

Beyond backslashes, `md()` puts an invisible word joiner (U+2060) after "@", "://", "www" and a colon that opens a
shortcode: a browser shows the text as written, but a test that looks for it must drop the joiners first.
"""

from __future__ import annotations

import re

_MARKDOWN = str.maketrans({c: "\\" + c for c in "\\`*_{}[]()<>#+-.!|~:$=@&%^\"'"})
WORD_JOINER = "\u2060"  # invisible; splits what GFM would otherwise turn into a link (emails, www., scheme://)
# After "@", "://" and "www" (GFM autolinks), and after a colon that opens a shortcode such as ":material/home:" or
# ":streamlit:": Streamlit turns those into icons before it reads the Markdown, so a backslash does not stop them.
_AUTOLINK = re.compile(r"(@|://|(?i:www)(?=\.)|:(?=[\w/+-]+:))")
_LINE_BREAKS = re.compile(r"\s*(?:\r\n|[\r\n\v\f\u2028\u2029])\s*")
# Plotly decodes these entities in the text it draws, after it has read its tags: "&lt;b&gt;" shows as "<b>".
# "$" is written as an entity too, so a text between dollars is never typeset as TeX (MathJax, when a page has it),
# and "%" so a text put into a hover template never reads as a "%{...}" placeholder.
_PLOTLY = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "$": "&#36;", "%": "&#37;"})


def md(text: object) -> str:
    """Text a user typed, escaped so st.markdown (and every element that renders Markdown) shows it as written:
    no formatting, LaTeX, colour directive, image, link or HTML, and no bare email or URL turned into a link."""
    return _AUTOLINK.sub(lambda m: m.group(0) + WORD_JOINER, str(text)).translate(_MARKDOWN)


def one_line(text: object) -> str:
    """The text with every line break (and the white space around it) as one space: for labels and titles."""
    return _LINE_BREAKS.sub(" ", str(text))


def md_line(text: object) -> str:
    """Text a user typed, for a Markdown label or title (a dialog title, an expander, a heading, a metric label,
    a widget label, a tab, a page link, a segmented control's option): escaped as `md()` does, on one line."""
    return md(one_line(text))


def badge_text(text: object) -> str:
    """Text a user typed, for st.badge's label: as `md_line()`, but square brackets are left to st.badge, which
    escapes them itself."""
    return md_line(text).replace("\\[", "[").replace("\\]", "]")


def plotly_text(text: object) -> str:
    """Text a user typed, for anything a Plotly figure draws (titles, tick labels, legend, hover): its HTML-like
    tags, entities, TeX dollars and template percent signs written as entities, so it shows as written."""
    return one_line(text).translate(_PLOTLY)
