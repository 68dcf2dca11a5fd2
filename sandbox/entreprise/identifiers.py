"""SIREN/SIRET check digits (INSEE rule: Luhn over the digits)."""

from __future__ import annotations

__all__ = ["LA_POSTE_SIREN", "is_siren", "is_siret", "luhn_check_digit", "luhn_valid"]

LA_POSTE_SIREN = "356000000"
"""La Poste's SIRETs follow their own rule (sum of digits multiple of 5): never generated."""


def luhn_valid(digits: str) -> bool:
    if not digits.isdigit():
        return False
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def luhn_check_digit(prefix: str) -> str:
    """The digit that makes ``prefix + digit`` Luhn-valid."""
    for digit in "0123456789":
        if luhn_valid(prefix + digit):
            return digit
    raise ValueError("not a digit string")  # pragma: no cover - unreachable for digits


def is_siren(value: str) -> bool:
    return len(value) == 9 and luhn_valid(value)


def is_siret(value: str) -> bool:
    if len(value) != 14 or not value.isdigit():
        return False
    if value.startswith(LA_POSTE_SIREN):
        return sum(int(char) for char in value) % 5 == 0
    return luhn_valid(value)
