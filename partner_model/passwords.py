"""The password rule: at least rules.MIN_PASSWORD_LENGTH characters and hard to guess (zxcvbn scores it 3 or 4).

zxcvbn estimates how many guesses a password takes, knowing common passwords, words, names, keyboard walks,
repeats, sequences, dates, and the user's own email and name (passed as `user_inputs`). Its feedback is English
only, so the refusal is our own sentence, translated, with the reason as a parameter chosen from our own
translated reasons by what zxcvbn found. Pure: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from zxcvbn import zxcvbn

from partner_model import rules
from partner_model.errors import N_, ValidationError

MIN_SCORE = 3  # zxcvbn's 0..4; 3 is "safely unguessable: moderate protection from offline attacks"
MAX_LENGTH = 200
# zxcvbn looks at this many characters (its own default is 72): a longer passphrase is judged by its start.
_ZXCVBN_MAX_LENGTH = 100

TOO_EASY = N_("This password is too easy to guess: {reason}. Use a longer passphrase of unusual words, "
              "at least {count} characters, for example four words that do not belong together.")

# Why zxcvbn found it easy, in order of what to tell first. Keys are zxcvbn's match patterns (and dictionaries).
REASONS: dict[str, str] = {
    "user_inputs": N_("it contains your name or email address"),
    "passwords": N_("it is, or is close to, a commonly used password"),
    "spatial": N_("it follows a pattern on the keyboard"),
    "date": N_("it contains a date or a year"),
    "sequence": N_("it is a sequence such as abcd or 1234"),
    "repeat": N_("it repeats characters or words"),
    "words": N_("it is made of common words or names"),
    "other": N_("it is too short or too predictable"),
}


def user_inputs(*texts: str | None) -> list[str]:
    """The words of a user's email and name that a password should not lean on: the address, its parts
    and the words of the name ("mia.virtanen@acme.fi", "Mia Virtanen" -> mia, virtanen, acme, ...)."""
    found: list[str] = []
    for text in texts:
        if not text:
            continue
        text = text.strip().lower()
        found.append(text)
        found.extend(text.split("@"))  # an email's local part and domain, whole
        found.extend(part for part in re.split(r"[\s@.+_\-]+", text) if len(part) >= 3)
    return list(dict.fromkeys(found))


def _reason(sequence: Iterable[dict]) -> str:
    found: set[str] = set()
    for match in sequence:
        pattern = match.get("pattern")
        if pattern == "dictionary":
            name = match.get("dictionary_name")
            found.add(name if name in ("user_inputs", "passwords") else "words")
        elif pattern == "regex":  # zxcvbn's only regex is a recent year
            found.add("date")
        elif pattern in REASONS:
            found.add(pattern)
    return next((REASONS[key] for key in REASONS if key in found), REASONS["other"])


def weakness(password: str, inputs: Iterable[str] = ()) -> str | None:
    """Why zxcvbn finds `password` easy to guess (one of REASONS, marked N_ to translate where it is shown), or
    None when it scores MIN_SCORE or more. `inputs` are the words the password must not lean on (user_inputs)."""
    result = zxcvbn(password, user_inputs=list(inputs), max_length=_ZXCVBN_MAX_LENGTH)
    if result["score"] >= MIN_SCORE:
        return None
    return _reason(result["sequence"])


def is_weak(password: object, inputs: Iterable[str] = ()) -> bool:
    """True when `password` would be refused as a new password today (sign-in asks such users to change it)."""
    if not isinstance(password, str) or len(password) < rules.MIN_PASSWORD_LENGTH:
        return True
    return len(password) <= MAX_LENGTH and weakness(password, inputs) is not None


def check(password: object, inputs: Iterable[str] = ()) -> str:
    """The password when it passes the rule. Raises ValidationError on field "password": too short, too long
    (over 200 characters), or too easy to guess, saying why and what would pass."""
    if not isinstance(password, str) or len(password) < rules.MIN_PASSWORD_LENGTH:
        raise ValidationError("password", N_("Password must be at least {count} characters."),
                              count=rules.MIN_PASSWORD_LENGTH)
    if len(password) > MAX_LENGTH:
        raise ValidationError("password", N_("Password must be at most 200 characters."))
    reason = weakness(password, inputs)
    if reason is not None:
        raise ValidationError("password", TOO_EASY, reason=reason, count=rules.MIN_PASSWORD_LENGTH)
    return password
