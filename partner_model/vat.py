"""VAT ids and the reverse-charge rule, by python-stdnum's per-country rules for the EU member states.

A VAT id of an EU member state must have its country's format and length (stdnum.eu.vat); a wrong check digit
alone is let through, because a check digit can only say "probably mistyped" while the tax office's register is
the authority, and the ids already stored (e.g. the documented example FI12345678) must stay editable. Ids of
other countries must start with their two-letter code.
"""

from __future__ import annotations

import re

from stdnum import exceptions as number_errors
from stdnum.eu import vat as eu_vat

from partner_model import rules
from partner_model.errors import N_, ValidationError

_SHAPE = re.compile(r"^[A-Z]{2}[0-9A-Z+*]{2,12}$")
EU_PREFIXES = frozenset(code.upper() for code in eu_vat.MEMBER_STATES) | {"EL"}  # EL: Greece's VAT prefix


def vat_id(value: object, field: str = "vat_id") -> str | None:
    """The VAT id in compact form ("FI12345678"), or None when blank.

    Raises ValidationError(field): not starting with a country code; an EU id not in its country's format."""
    raw = rules.clean_text(value, field, N_("VAT id"), required=False, max_length=30)
    if raw is None:
        return None
    compact = re.sub(r"[\s.\-/]", "", raw).upper()
    if not _SHAPE.match(compact):
        raise ValidationError(field, N_("VAT id must start with the country code, e.g. FI12345678."))
    if compact[:2] in EU_PREFIXES:
        try:
            eu_vat.validate(compact)
        except number_errors.InvalidChecksum:
            pass  # see the module's docstring
        except number_errors.ValidationError:
            raise ValidationError(field, N_("{vat_id} is not a VAT id of the form its country uses."),
                                  vat_id=compact) from None
    return compact


def in_eu(country: str | None) -> bool:
    """Whether an ISO 3166 alpha-2 country is an EU member state (Greece is GR here, EL only in VAT ids)."""
    return bool(country) and (country.upper() in EU_PREFIXES and country.upper() != "EL")  # type: ignore[union-attr]


def reverse_charge(vendor_country: str | None, partner_country: str | None) -> bool:
    """An invoice to a business in another EU member state than the vendor's: VAT is accounted for by the buyer."""
    if not (in_eu(vendor_country) and in_eu(partner_country)):
        return False
    return vendor_country.upper() != partner_country.upper()  # type: ignore[union-attr]


__all__ = ["EU_PREFIXES", "in_eu", "reverse_charge", "vat_id"]
