"""identity.normalise_domain: one form per domain. Plain letters-digits-hyphens names skip the IDNA library (the
product feed normalises hundreds of thousands); every other name goes through it, and both ways agree."""

from __future__ import annotations

import idna
import pytest

from partner_model import identity


@pytest.mark.parametrize(("text", "expected"), [
    ("Example.COM", "example.com"),
    ("https://www.example.com/path?x=1", "example.com"),
    ("first-last.co.uk.", "first-last.co.uk"),
    ("ab--cd.com", None),  # "--" in the third and fourth place is kept for IDNA's own prefixes
    ("xn--mller-gmbh-9db.de", "xn--mller-gmbh-9db.de"),
    ("Müller-GmbH.de", "xn--mller-gmbh-9db.de"),
    ("xn--zz.com", None),  # not valid punycode
    ("-lead.com", None),
    ("a..b.com", None),
    ("no_underscore.com", None),
    ("x" * 64 + ".com", None),
])
def test_each_domain_has_one_form_or_none(text, expected):
    assert identity.normalise_domain(text) == expected


@pytest.mark.parametrize("text", ["simple.fi", "a-b.example", "x1.y2.z3.io", "customer-7.example"])
def test_the_plain_names_shortcut_agrees_with_the_idna_library(text):
    assert identity.normalise_domain(text) == idna.encode(text, uts46=True).decode("ascii")
