"""Bank details where the vendor pays a partner's commission: IBAN, BIC and country, checked by libraries.

IBAN and BIC are checked by schwifty (structure per country, check digits, the bank registry's BIC);
countries are ISO 3166 alpha-2 codes as Babel's CLDR data knows them. Values are stored compact and upper case.
"""

from __future__ import annotations

import babel
from schwifty import BIC, IBAN
from schwifty import exceptions as bank_errors

from partner_model import rules
from partner_model.errors import N_, ValidationError


def iban(value: object, field: str = "iban") -> str | None:
    """The IBAN in compact form ("FI2112345600000785"), or None when blank.

    Raises ValidationError(field) naming what is wrong: check digits, length or structure for its country."""
    raw = rules.clean_text(value, field, N_("IBAN"), required=False, max_length=50)
    if raw is None:
        return None
    try:
        return IBAN(raw).compact
    except (bank_errors.InvalidChecksumDigits, bank_errors.InvalidBBANChecksum):
        raise ValidationError(field, N_("The IBAN's check digits do not match: look for a typing error.")) from None
    except bank_errors.InvalidCountryCode:
        raise ValidationError(field, N_("The IBAN must start with its country's code, e.g. FI21 1234 5600 0007 85.")
                              ) from None
    except bank_errors.InvalidLength:
        raise ValidationError(field, N_("The IBAN has the wrong length for its country.")) from None
    except bank_errors.SchwiftyException:
        raise ValidationError(field, N_("This is not an IBAN: it starts with a country code and two check "
                                        "digits, e.g. FI21 1234 5600 0007 85.")) from None


def bic(value: object, field: str = "bic") -> str | None:
    """The BIC (SWIFT code) in compact form ("NDEAFIHH"), or None when blank. Raises ValidationError(field)."""
    raw = rules.clean_text(value, field, N_("BIC"), required=False, max_length=20)
    if raw is None:
        return None
    try:
        return BIC(raw).compact
    except bank_errors.SchwiftyException:
        raise ValidationError(field, N_("A BIC has 8 or 11 letters and digits with the bank's country in "
                                        "places 5 and 6, e.g. NDEAFIHH.")) from None


def country(value: object, field: str = "country") -> str | None:
    """An ISO 3166 alpha-2 country code ("FI"), or None when blank. Raises ValidationError(field)."""
    raw = rules.clean_text(value, field, N_("Country"), required=False, max_length=10)
    if raw is None:
        return None
    code = raw.upper()
    if len(code) != 2 or not code.isalpha() or code not in babel.Locale("en").territories:
        raise ValidationError(field, N_("Country must be a two-letter ISO 3166 code, e.g. FI."))
    return code


def problem(iban_value: str | None, bic_value: str | None) -> str | None:
    """Why a payout cannot go to the bank with these stored details (a message id, translated where shown), or
    None when it can."""
    if not iban_value:
        return N_("The partner has no IBAN in its billing information.")
    try:
        iban(iban_value)
        bic(bic_value)
    except ValidationError as error:
        return error.template
    return None


__all__ = ["bic", "country", "iban", "problem"]
