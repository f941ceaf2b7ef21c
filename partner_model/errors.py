"""Domain errors. Messages are written for end users, as English templates marked with N_ for the catalogue:
pages show `error.translated(_)`, the message in the reader's language."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def N_(message: str) -> str:  # noqa: N802  (gettext's name for "mark for translation, translate later")
    """Marks a message for the catalogue; it is translated where it is shown, in the reader's language."""
    return message


class DomainError(Exception):
    """Base of every error a service raises on purpose. A service that raises has written nothing.

    The message is an English template with named parameters, so each page can show it in the
    user's language: `error.translated(gettext)`; `str(error)` is the English text.
    """

    def __init__(self, message: str, **params: Any) -> None:
        self.template = message
        self.params = params
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return self.template.format(**self.params) if self.params else self.template

    def translated(self, gettext: Callable[[str], str]) -> str:
        """The message in another language; text parameters (labels, statuses) are looked up too.

        An empty text stays empty: gettext("") is the catalogue's header, not a translation.
        """
        params = {k: gettext(v) if isinstance(v, str) and v else v for k, v in self.params.items()}
        return gettext(self.template).format(**params) if params else gettext(self.template)

    def __str__(self) -> str:
        return self.message


class ValidationError(DomainError):
    """Bad input, or a rule the input breaks. `field` names the input at fault (the first one, when several are);
    `errors` lists every field's error (this one first), so a form shows each under its input at once."""

    def __init__(self, field: str, message: str, **params: Any) -> None:
        super().__init__(message, **params)
        self.field = field
        self.errors: list[ValidationError] = [self]


class FieldChecks:
    """Run a form's field checks and report every failure together:

        checks = FieldChecks()
        name = checks.run(rules.clean_text, value, "name", N_("Name"))
        ...
        checks.raise_any()   # one ValidationError: .field the first bad field, .errors all of them

    `run` returns the check's result, or None when it raised a ValidationError (kept for raise_any)."""

    def __init__(self) -> None:
        self.errors: list[ValidationError] = []

    def run(self, check: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        try:
            return check(*args, **kwargs)
        except ValidationError as error:
            self.errors.extend(error.errors)
            return None

    def raise_any(self) -> None:
        """Raise the first error, carrying every error in `.errors`, when any check failed."""
        if self.errors:
            first = self.errors[0]
            first.errors = list(self.errors)
            raise first


class PermissionDenied(DomainError):
    """The actor may not see or do this."""


class NotFound(DomainError):
    """The row does not exist, or the actor may not know it exists."""


class Conflict(DomainError):
    """The row changed since it was read, was already reviewed, or already exists."""


class AuthError(DomainError):
    """Sign-in failed. Never says whether the email exists."""


class AlreadyExists(ValidationError, Conflict):
    """The input names something that exists already (a domain with an account, an email with a user).

    Both a ValidationError on `field`, so forms show it by the field, and a Conflict with an existing row.
    """
