"""The mandataire check: accents, case, order and hyphens do not matter; homonyms do."""

from __future__ import annotations

import pytest

from connectors.entreprise import Mandataire
from resolvers.names import name_key, named_mandataire

LEROY = Mandataire(
    kind="PERSON", first_name="Claire", last_name="LEROY", company_name=None, role="Présidente"
)
VIDAL = Mandataire(
    kind="PERSON",
    first_name="Hélène",
    last_name="VIDAL-ROUX",
    company_name=None,
    role="Directrice générale",
)
HOLDING = Mandataire(
    kind="COMPANY",
    first_name=None,
    last_name=None,
    company_name="LEROY HOLDING",
    role="Commissaire aux comptes",
)


@pytest.mark.parametrize("name", ["Claire Leroy", "LEROY Claire", "claire   leroy", "Clairé Leroy"])
def test_the_registrys_mandataire_is_recognised(name: str) -> None:
    assert named_mandataire(name, [HOLDING, LEROY]) is LEROY


def test_accents_hyphens_and_order_do_not_matter() -> None:
    assert named_mandataire("Helene Vidal Roux", [VIDAL]) is VIDAL
    assert named_mandataire("vidal-roux hélène", [VIDAL]) is VIDAL
    assert name_key("Hélène VIDAL-Roux") == name_key("roux vidal helene")


@pytest.mark.parametrize("name", ["Claire Leroux", "Claire", "Thomas Leroy", "", "LEROY HOLDING"])
def test_other_people_and_companies_are_refused(name: str) -> None:
    assert named_mandataire(name, [HOLDING, LEROY]) is None
