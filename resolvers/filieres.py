"""The Région's filières (the hub FAQ: a user "paramètre les actualités et événements en
fonction des filières qui l'intéressent"): a fixed list, the same slugs as the agents'
filières of speciality in the directory, and the words that tie an event's keywords or a news
item's categories to them (compared folded: case and accents ignored)."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from enum import StrEnum

from connectors.text import fold

__all__ = ["FILIERES", "Filiere", "filieres_of"]


class Filiere(StrEnum):
    """The filières, by the directory's slugs."""

    AERONAUTIQUE = "aeronautique"
    SPATIAL = "spatial"
    AGROALIMENTAIRE = "agroalimentaire"
    VITICULTURE = "viticulture"
    NUMERIQUE = "numerique"
    SANTE = "sante"
    INDUSTRIE = "industrie"
    TOURISME = "tourisme"
    HYDROGENE = "hydrogene"
    ENERGIE = "energie"
    ENERGIES_RENOUVELABLES = "energies-renouvelables"
    BTP = "btp"
    BOIS = "bois"
    ESS = "ess"
    ARTISANAT = "artisanat"
    COMMERCE = "commerce"
    TEXTILE = "textile"
    NAUTISME = "nautisme"


FILIERES: dict[str, tuple[str, tuple[str, ...]]] = {
    "aeronautique": ("Aéronautique", ("aeronautique", "aerospatial", "aviation")),
    "spatial": ("Spatial", ("spatial", "satellite")),
    "agroalimentaire": ("Agroalimentaire", ("agroalimentaire", "agriculture", "circuits courts")),
    "viticulture": ("Viticulture", ("viticulture", "vin", "oenotourisme")),
    "numerique": ("Numérique", ("numerique", "digital", "cybersecurite", "intelligence artificielle")),
    "sante": ("Santé", ("sante", "medtech", "biotech", "dispositifs medicaux")),
    "industrie": ("Industrie", ("industrie", "robotique", "usine")),
    "tourisme": ("Tourisme", ("tourisme", "oenotourisme")),
    "hydrogene": ("Hydrogène", ("hydrogene",)),
    "energie": ("Énergie", ("energie", "transition energetique")),
    "energies-renouvelables": (
        "Énergies renouvelables", ("energies renouvelables", "eolien", "solaire", "photovoltaique")
    ),
    "btp": ("BTP", ("btp", "construction", "batiment")),
    "bois": ("Bois", ("bois", "foret")),
    "ess": ("Économie sociale et solidaire", ("ess", "economie sociale", "insertion")),
    "artisanat": ("Artisanat", ("artisanat", "artisan")),
    "commerce": ("Commerce", ("commerce",)),
    "textile": ("Textile", ("textile", "mode")),
    "nautisme": ("Nautisme", ("nautisme", "mer", "nautique")),
}  # fmt: skip
"""slug → (label, words). A word matches a keyword that is it, or holds it as whole words
("industrie du futur" is industrie; "commerce de proximité" is commerce)."""


def filieres_of(terms: Iterable[str]) -> frozenset[str]:
    """The filières a record's keywords or categories name (kept for the records seen
    lately: every request filters the same cached items)."""
    return _filieres_of(tuple(terms))


@functools.lru_cache(maxsize=4096)
def _filieres_of(terms: tuple[str, ...]) -> frozenset[str]:
    found: set[str] = set()
    for term in terms:
        words = f" {fold(term).replace('-', ' ').replace(chr(39), ' ')} "
        for slug, (_label, synonyms) in FILIERES.items():
            if any(f" {synonym} " in words for synonym in synonyms):
                found.add(slug)
    return frozenset(found)
