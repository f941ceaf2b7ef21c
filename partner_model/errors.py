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
    """Bad input, or a rule the input breaks. `field` names the input at fault."""

    def __init__(self, field: str, message: str, **params: Any) -> None:
        super().__init__(message, **params)
        self.field = field


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
