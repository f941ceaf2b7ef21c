"""What every page shares: the guard and sidebar, sign-in, translation, session and error display, labels."""

from pages.components.frame.access import PAGES, may_see
from pages.components.frame.data import attempt, session
from pages.components.frame.errors import FieldErrors, show_error
from pages.components.frame.guard import guard, page_frame

__all__ = ["PAGES", "FieldErrors", "attempt", "guard", "may_see", "page_frame", "session", "show_error"]
