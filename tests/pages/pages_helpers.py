"""Reading what an AppTest run shows."""

from __future__ import annotations

import re

from streamlit.testing.v1 import AppTest

# Text that only shows when a page reads the world's data (see pages_world.build_world).
DATA_MARKERS = ("Acme Consulting", "Beta Advisors", "Nordic Retail", "Pending Co", "Winner Co",
                "acme-consulting.example")


_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()<>#+\-.!|~:$=@&%^\"'])")


def shown(markdown: str) -> str:
    """What a reader sees of Markdown whose values were escaped with frame/text.md(): the backslash escapes
    undone and the invisible word joiners dropped (the template's own Markdown, such as **bold**, stays)."""
    return _ESCAPE.sub(r"\1", markdown).replace("\u2060", "")


def _text(node) -> str:  # type: ignore[no-untyped-def]
    """The node's protobuf and its children's, as text."""
    proto = getattr(node, "proto", None)
    parts = [str(proto)] if proto is not None else []
    parts += [_text(child) for child in (getattr(node, "children", None) or {}).values()]
    return "\n".join(parts)


def all_text(at: AppTest) -> str:
    """Everything the run drew, main area and sidebar: what a browser could show."""
    return _text(at._tree)


def main_text(at: AppTest) -> str:
    return _text(at.main)


def shows_no_data(at: AppTest) -> bool:
    text = all_text(at)
    return not any(marker in text for marker in DATA_MARKERS) and not at.dataframe and not at.metric


def sidebar_links(at: AppTest) -> list[str]:
    return [link.proto.label for link in at.sidebar.get("page_link")]
