"""Shared UI: the page guard and sidebar, the database session helpers, error display, product labels."""

from pages.components.access import PAGES, may_see
from pages.components.data import FieldErrors, attempt, session, show_error
from pages.components.frame import guard, page_frame

__all__ = ["PAGES", "FieldErrors", "attempt", "guard", "may_see", "page_frame", "session", "show_error"]
