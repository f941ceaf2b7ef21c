"""Text a user typed, as every service takes it: trimmed, bounded, without control characters."""

from __future__ import annotations

import unicodedata

from partner_model.errors import N_, ValidationError


def clean_text(value: object, field: str, label: str, *, required: bool = True, max_length: int = 200) -> str | None:
    """Trimmed text, or None when optional and blank. Refuses control characters and over-long text."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            # TRANSLATORS: {label} is the name of a form field, e.g. "Company name" (translated on its own).
            raise ValidationError(field, N_("{label} is required."), label=label)
        return None
    if not isinstance(value, str):
        raise ValidationError(field, N_("{label} must be text."), label=label)
    text = value.strip()
    if any(unicodedata.category(ch) == "Cc" and ch not in "\n\t" for ch in text):
        raise ValidationError(field, N_("{label} contains characters that are not allowed."), label=label)
    if any(unicodedata.category(ch) == "Cs" for ch in text):
        raise ValidationError(field, N_("{label} contains characters that are not allowed."), label=label)
    if len(text) > max_length:
        raise ValidationError(field, N_("{label} must be at most {count} characters."), label=label,
                              count=max_length)
    return text
