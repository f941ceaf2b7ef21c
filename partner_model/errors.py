"""Domain errors. Messages are written for end users: pages show str(error) as is."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error a service raises on purpose. A service that raises has written nothing."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ValidationError(DomainError):
    """Bad input, or a rule the input breaks. `field` names the input at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
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
