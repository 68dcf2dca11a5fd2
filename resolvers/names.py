"""Comparing a person's name with the registry's: accents, case and order do not matter."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from connectors.entreprise import Mandataire

__all__ = ["name_key", "named_mandataire"]

_SEPARATORS = re.compile(r"[\s\-'’.,]+")


def name_key(name: str) -> tuple[str, ...]:
    """ "Hélène  VIDAL-Roux" and "roux vidal helene" give the same key."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return tuple(sorted(token for token in _SEPARATORS.split(plain) if token))


def named_mandataire(name: str, mandataires: Iterable[Mandataire]) -> Mandataire | None:
    """The mandataire social (a person) whose first and last names are ``name``'s, if any."""
    wanted = name_key(name)
    if not wanted:
        return None
    for mandataire in mandataires:
        if mandataire.first_name is None and mandataire.last_name is None:
            continue  # a company holding the office cannot sign in as a person
        full = f"{mandataire.first_name or ''} {mandataire.last_name or ''}"
        if name_key(full) == wanted:
            return mandataire
    return None
