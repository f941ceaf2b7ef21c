"""Text a user typed, as every service takes it: trimmed, bounded, without control characters.

Blank is blank: text made only of white space, zero-width or other invisible characters counts as empty for
every required field (a Closed lost note of one zero-width space is no note).
"""

from __future__ import annotations

import unicodedata

from partner_model.errors import N_, ValidationError

# Characters that draw nothing although Unicode files them as letters or symbols.
_INVISIBLE_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u180e")
# Unicode categories that never draw a visible mark: format (zero-width space, joiners, soft hyphen, BOM),
# separators (spaces, line and paragraph). Control characters are refused, not blank.
_INVISIBLE_CATEGORIES = frozenset({"Cf", "Zs", "Zl", "Zp"})


def is_invisible(ch: str) -> bool:
    """True for a character that shows nothing on screen (white space, zero-width, fillers)."""
    return ch.isspace() or ch in _INVISIBLE_LETTERS or unicodedata.category(ch) in _INVISIBLE_CATEGORIES


def is_blank(value: object) -> bool:
    """True for None and for text with no visible character."""
    return value is None or (isinstance(value, str) and all(is_invisible(ch) for ch in value))


def trim(text: str) -> str:
    """`text` without the invisible characters at either end."""
    start, end = 0, len(text)
    while start < end and is_invisible(text[start]):
        start += 1
    while end > start and is_invisible(text[end - 1]):
        end -= 1
    return text[start:end]


def clean_text(value: object, field: str, label: str, *, required: bool = True, max_length: int = 200) -> str | None:
    """Trimmed text, or None when optional and blank. Refuses control characters and over-long text.

    Raises ValidationError(`field`): required and blank (invisible characters only), not text, control or
    surrogate characters, longer than `max_length`.
    """
    if isinstance(value, str) and value.isascii() and value.isprintable():
        # Printable ASCII (most text, and the product feed's millions of names and kinds): the only invisible
        # character is the space and no control character can be in it, so strip() does trim and blank at once.
        stripped = value.strip()
        if stripped and len(stripped) <= max_length:
            return stripped
    if is_blank(value):
        if required:
            # TRANSLATORS: {label} is the name of a form field, e.g. "Company name" (translated on its own).
            raise ValidationError(field, N_("{label} is required."), label=label)
        return None
    if not isinstance(value, str):
        raise ValidationError(field, N_("{label} must be text."), label=label)
    text = trim(value)
    if any(unicodedata.category(ch) == "Cc" and ch not in "\n\t" for ch in text):
        raise ValidationError(field, N_("{label} contains characters that are not allowed."), label=label)
    if any(unicodedata.category(ch) == "Cs" for ch in text):
        raise ValidationError(field, N_("{label} contains characters that are not allowed."), label=label)
    if len(text) > max_length:
        raise ValidationError(field, N_("{label} must be at most {count} characters."), label=label,
                              count=max_length)
    return text
