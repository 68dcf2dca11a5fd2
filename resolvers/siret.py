"""SIRET validation: 14 digits and a valid key, checked before any upstream call."""

from __future__ import annotations

from resolvers.errors import BAD_USER_INPUT, coded_error

__all__ = ["validate_siret"]

_LA_POSTE_SIREN = "356000000"


def _luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def validate_siret(raw: str) -> str:
    """The SIRET, spaces removed; a ``BAD_USER_INPUT`` error saying what is wrong otherwise.

    La Poste's establishments (SIREN 356000000) have their own rule: the sum of the digits
    is a multiple of 5 (its head office also passes Luhn)."""
    siret = raw.replace(" ", "")
    if siret and (not siret.isascii() or not siret.isdigit()):
        raise coded_error("A SIRET has digits only.", BAD_USER_INPUT, argument="siret")
    if len(siret) != 14:
        raise coded_error(
            f"A SIRET has 14 digits; this one has {len(siret)}.", BAD_USER_INPUT, argument="siret"
        )
    la_poste = siret.startswith(_LA_POSTE_SIREN) and sum(int(c) for c in siret) % 5 == 0
    if not (la_poste or _luhn_valid(siret)):
        raise coded_error(
            "This SIRET's check digit is wrong (Luhn key): check for a typing error.",
            BAD_USER_INPUT,
            argument="siret",
        )
    return siret
