"""Nordic, Benelux and DACH company names, domains and people, generated combinatorially.

A company is (region stem, sector word, variant, country). Its domain spells every part with a
separator, so distinct tuples give distinct domains: sampling tuples without replacement gives
unique domains without a lookup.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Country code -> (region, top-level domain, legal suffixes, currency, interface language).
COUNTRIES: dict[str, tuple[str, str, tuple[str, ...], str, str]] = {
    "FI": ("nordic", "fi", ("Oy", "Oy", "Oy", "Oyj"), "EUR", "fi"),
    "SE": ("nordic", "se", ("AB",), "SEK", "sv"),
    "NO": ("nordic", "no", ("AS", "AS", "ASA"), "NOK", "en"),
    "DK": ("nordic", "dk", ("A/S", "ApS"), "DKK", "en"),
    "NL": ("benelux", "nl", ("B.V.", "B.V.", "N.V."), "EUR", "nl"),
    "BE": ("benelux", "be", ("BV", "NV", "SRL"), "EUR", "nl"),
    "DE": ("dach", "de", ("GmbH", "GmbH", "AG", "GmbH & Co. KG"), "EUR", "de"),
    "AT": ("dach", "at", ("GmbH", "AG"), "EUR", "de"),
    "CH": ("dach", "ch", ("AG", "GmbH", "SA"), "CHF", "de"),
}
CITIES: dict[str, tuple[tuple[str, str], ...]] = {
    "FI": (("00100", "Helsinki"), ("33100", "Tampere"), ("20100", "Turku"), ("90100", "Oulu"), ("02150", "Espoo")),
    "SE": (("111 22", "Stockholm"), ("411 03", "Göteborg"), ("211 20", "Malmö"), ("753 20", "Uppsala")),
    "NO": (("0150", "Oslo"), ("5003", "Bergen"), ("7010", "Trondheim"), ("4006", "Stavanger")),
    "DK": (("1050", "København"), ("8000", "Aarhus"), ("5000", "Odense"), ("9000", "Aalborg")),
    "NL": (("1012 AB", "Amsterdam"), ("3011 AA", "Rotterdam"), ("3511 AA", "Utrecht"), ("5611 AA", "Eindhoven")),
    "BE": (("1000", "Brussel"), ("2000", "Antwerpen"), ("9000", "Gent"), ("3000", "Leuven")),
    "DE": (("10115", "Berlin"), ("80331", "München"), ("20095", "Hamburg"), ("50667", "Köln")),
    "AT": (("1010", "Wien"), ("8010", "Graz"), ("4020", "Linz"), ("5020", "Salzburg")),
    "CH": (("8001", "Zürich"), ("3011", "Bern"), ("4051", "Basel"), ("1003", "Lausanne")),
}
STREETS = {"nordic": ("Kauppakatu", "Storgatan", "Kirkegata", "Havnegade", "Rantatie", "Drottninggatan"),
           "benelux": ("Keizersgracht", "Stationsstraat", "Kerkstraat", "Marktplein", "Havenweg"),
           "dach": ("Hauptstraße", "Bahnhofstrasse", "Ringstraße", "Marktgasse", "Industriestraße")}

_STEM_PARTS = {
    "nordic": (
        "Nord Sol Fjell Berg Vik Lind Ek Hav Skog Stor Vest Ost Sund Strand Dal Holm Al Bjork Gran Kivi Metsa "
        "Jarvi Koski Lumi Tuuli Revon Karhu Salmi Aalto Vesi Ilma Kallio Hirvi Kuusi Rauta Tammi Ranta Vala Fjord "
        "Norr Sjo Lyng Rune Tor Frost Havs",
        "vik berg lund dal holm strand nes by gard fors stad heim sund strom mark skog linna niemi lahti maa koski "
        "saari vaara harju valo tie kumpu maki haug ness voll",
    ),
    "benelux": (
        "Oost West Noord Zuid Groen Hoog Zee Dijk Brug Polder Molen Rijn Maas Schel Veld Hout Steen Zon Wind Lelie "
        "Tulp Klaver Eik Linde Duin Haven Kaap Vos Valk Meer Beek Kempen Ijssel",
        "veld dijk burg hoven dam daal hout broek beek horst wijk kerk sloot meer land stein haven poort bosch "
        "rode zande donk heide gaard",
    ),
    "dach": (
        "Alpen Berg Stein Wald Rhein Donau Eichen Linden Buchen Falken Adler Sonnen Licht Hoch Tal Feld Hof Burg "
        "Brunnen Kron Silber Gold Eisen Rosen Wiesen Schnee Nord Sued Ost West Elb Isar Main Boden",
        "berg tal feld hof stein bach au heim burg wald dorf haus brunn hausen egg wil ingen stadt see horn "
        "mark tor werk",
    ),
}
CUSTOMER_SECTORS = (
    "Data Systems Logistics Health Energy Foods Bank Insurance Media Software Robotics Marine Medical Pharma "
    "Retail Bygg Metall Telecom Finans Invest Analytics Cloud Labs Mobility Transport Shipping Capital Care "
    "Clinic Security Payments Fintech Biotech Textiles Packaging Water Power Solar Wind Grid Agro Dairy Timber "
    "Paper Steel Chemicals Optics Devices Print Travel Hotels Games Audio Studio Engineering Automation Sensors "
    "Housing Properties Education Learning Legal Recruiting Staffing Fashion Beverages Bakery Nets"
).split()
PARTNER_SECTORS = (
    "Consulting Advisory Assurance Compliance Cyber Governance Risk Audit Trust Partners Infosec Privacy "
    "Resilience Controls Certification Secure Protect Defence Shield Guard"
).split()
VARIANTS = (("", ""), (" Group", "-group"), (" Holding", "-holding"), (" Nordic", "-nordic"), (" Europe", "-europe"))
# Only for a program larger than the name space above (xlarge: 7,000,000 companies); smaller ones keep their names.
MORE_VARIANTS = ((" Services", "-services"), (" Solutions", "-solutions"), (" Partners", "-partners"),
                 (" International", "-international"), (" Digital", "-digital"), (" Labs", "-labs"),
                 (" Consulting", "-consulting"))

FIRST_NAMES = {
    "nordic": "Mikko Anna Johanna Lars Erik Sofia Elina Jukka Ingrid Henrik Maja Oskar Liisa Antti Kari Nils "
              "Astrid Timo Sanna Magnus Freja Emil Hanna Ville Sigrid".split(),
    "benelux": "Daan Sanne Bram Lotte Jeroen Femke Pieter Eva Thijs Anouk Joris Inge Wouter Marloes Bas Lieke "
               "Koen Els Ruben Noor".split(),
    "dach": "Lukas Anna Felix Lena Jonas Marie Tobias Sarah Stefan Julia Matthias Katharina Florian Laura "
            "Andreas Sabine Markus Nina Thomas Claudia".split(),
}
LAST_NAMES = {
    "nordic": "Virtanen Korhonen Nieminen Lindqvist Johansson Andersson Hansen Nielsen Berg Lahtinen Makinen "
              "Jensen Larsen Karlsson Heikkinen Olsen Nyberg Lund Salonen Dahl Eriksson Laine Holm".split(),
    "benelux": "de Vries Jansen Bakker Visser Smit Meijer Mulder Bos Vos Peeters Janssens Maes Claes Willems "
               "Dekker Brouwer Kok Hendriks Wouters".split(),
    "dach": "Muller Schmidt Schneider Fischer Weber Meyer Wagner Becker Hofmann Koch Bauer Richter Klein Wolf "
            "Huber Gruber Steiner Keller Brunner Graf".split(),
}
FREE_MAIL = ("gmail.com", "outlook.com", "hotmail.com", "yahoo.com", "gmx.de", "live.se")


def _stems(region: str) -> list[str]:
    first, second = _STEM_PARTS[region]
    return sorted({a + b for a in first.split() for b in second.split()})


_REGIONS = ("nordic", "benelux", "dach")
_STEMS = {region: _stems(region) for region in _REGIONS}
_CODES = {region: [code for code, info in COUNTRIES.items() if info[0] == region] for region in _REGIONS}


@dataclass
class Companies:
    """Generated companies; parallel lists."""

    names: list[str]
    domains: list[str]
    countries: np.ndarray  # country code per company (object array)


def _space(region: str, sectors: list[str], variants: tuple[tuple[str, str], ...] = VARIANTS,
           ) -> tuple[int, int, int, int]:
    return len(_STEMS[region]), len(sectors), len(variants), len(_CODES[region])


def _draw(rng: np.random.Generator, sizes: list[int], count: int, variants: int) -> np.ndarray:
    """`count` distinct positions in the name space; plain names are ten times likelier than variants.

    Weighted sampling without replacement (Efraimidis-Spirakis): the `count` largest u ** (1 / weight).
    """
    total = sum(sizes)
    if count > total:
        raise ValueError(f"The name space holds {total} companies; {count} asked.")
    keys = rng.random(total)
    variant = np.concatenate([
        (np.arange(size) // len(_CODES[region])) % variants for region, size in zip(_REGIONS, sizes, strict=True)
    ])
    keys = np.where(variant == 0, keys, keys**10)  # u ** (1 / 0.1)
    picks = np.argpartition(-keys, count - 1)[:count] if count < total else np.arange(total)
    picks.sort()
    rng.shuffle(picks)  # ids follow the draw, not the alphabet
    return picks


def companies(rng: np.random.Generator, count: int, sectors: list[str]) -> Companies:
    """`count` companies with unique names and domains, drawn without replacement from the name space."""
    variants = VARIANTS
    sizes = [int(np.prod(_space(region, sectors))) for region in _REGIONS]
    if count > sum(sizes):
        variants = VARIANTS + MORE_VARIANTS
        sizes = [int(np.prod(_space(region, sectors, variants))) for region in _REGIONS]
    picks = _draw(rng, sizes, count, len(variants))
    offsets = np.cumsum([0, *sizes])
    region_of = np.searchsorted(offsets, picks, side="right") - 1
    names = [""] * count
    domains = [""] * count
    countries = np.empty(count, dtype=object)
    for r, region in enumerate(_REGIONS):
        where = np.flatnonzero(region_of == r)
        stem_n, sector_n, variant_n, country_n = _space(region, sectors, variants)
        rest, country_i = np.divmod(picks[where] - offsets[r], country_n)
        rest, variant_i = np.divmod(rest, variant_n)
        stem_i, sector_i = np.divmod(rest, sector_n)
        stems, codes = _STEMS[region], _CODES[region]
        for at, st, se, va, co in zip(where.tolist(), stem_i.tolist(), sector_i.tolist(), variant_i.tolist(),
                                      country_i.tolist(), strict=True):
            code = codes[co]
            _, tld, suffixes, _, _ = COUNTRIES[code]
            names[at] = f"{stems[st]} {sectors[se]}{variants[va][0]} {suffixes[(st + se) % len(suffixes)]}"
            domains[at] = f"{stems[st].lower()}-{sectors[se].lower()}{variants[va][1]}.{tld}"
            countries[at] = code
    return Companies(names, domains, countries)


def people(rng: np.random.Generator, countries: np.ndarray) -> tuple[list[str], list[str]]:
    """A contact name and the local part of their email for each country code."""
    firsts = rng.integers(0, 1 << 30, size=len(countries)).tolist()
    lasts = rng.integers(0, 1 << 30, size=len(countries)).tolist()
    names, locals_ = [], []
    for code, f, la in zip(countries.tolist(), firsts, lasts, strict=True):
        region = COUNTRIES[code][0]
        first = FIRST_NAMES[region][f % len(FIRST_NAMES[region])]
        last = LAST_NAMES[region][la % len(LAST_NAMES[region])]
        names.append(f"{first} {last}")
        locals_.append(f"{first}.{last.replace(' ', '')}".lower())
    return names, locals_


def vat_id(code: str, number: int) -> str:
    """A VAT id shaped like the country's (the checksum is not real)."""
    digits = f"{number:012d}"
    shapes = {"FI": f"FI{digits[:8]}", "SE": f"SE{digits[:10]}01", "NO": f"NO{digits[:9]}MVA",
              "DK": f"DK{digits[:8]}", "NL": f"NL{digits[:9]}B01", "BE": f"BE0{digits[:9]}",
              "DE": f"DE{digits[:9]}", "AT": f"ATU{digits[:8]}", "CH": f"CHE{digits[:9]}"}
    return shapes[code]


def address(code: str, number: int) -> str:
    postcode, city = CITIES[code][number % len(CITIES[code])]
    streets = STREETS[COUNTRIES[code][0]]
    return f"{streets[number % len(streets)]} {1 + number % 97}, {postcode} {city}"
