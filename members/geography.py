"""The countries the alliance accepts members from, and their first-level regions (ISO 3166-2),
both from the maintained `pycountry` package, with names in the reader's language."""

import gettext
from functools import cache

import pycountry
from django.utils.translation import get_language

EU_MEMBER_STATES = (
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
    "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
)  # fmt: skip
EEA_MEMBER_STATES = ("IS", "LI", "NO")
EU_CANDIDATE_COUNTRIES = ("AL", "BA", "GE", "MD", "ME", "MK", "RS", "TR", "UA")
ELIGIBLE_COUNTRIES = EU_MEMBER_STATES + EEA_MEMBER_STATES + EU_CANDIDATE_COUNTRIES

# NUTS writes Greece as EL; every other eligible country uses its ISO code.
NUTS_COUNTRY_PREFIX = {"GR": "EL"}


@cache
def _country_translation(language: str):
    return gettext.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True
    )


def country_name(code: str, language: str | None = None) -> str:
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    name = getattr(country, "common_name", None) or country.name
    return _country_translation((language or get_language() or "en")[:2]).gettext(name)


def country_choices():
    """(code, name) of eligible countries, sorted by name in the active language."""
    return sorted(((code, country_name(code)) for code in ELIGIBLE_COUNTRIES), key=lambda c: c[1])


@cache
def regions_of(country_code: str) -> tuple[tuple[str, str], ...]:
    """First-level subdivisions of a country as (ISO 3166-2 code, name), sorted by name."""
    subdivisions = pycountry.subdivisions.get(country_code=country_code) or []
    return tuple(
        sorted(
            ((s.code, s.name) for s in subdivisions if s.parent_code is None),
            key=lambda r: r[1],
        )
    )


def region_name(region_code: str) -> str:
    subdivision = pycountry.subdivisions.get(code=region_code)
    return subdivision.name if subdivision else region_code


def region_choices():
    """All eligible countries' regions, grouped by country, for a select."""
    return [
        (country_name(code), list(regions_of(code)))
        for code, _name in country_choices()
        if regions_of(code)
    ]


def is_region_of(region_code: str, country_code: str) -> bool:
    return any(code == region_code for code, _name in regions_of(country_code))
