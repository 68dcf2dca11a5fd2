"""The stable sandbox identities that tests and docs name. Every person is invented."""

from __future__ import annotations

import functools
from datetime import date

from sandbox.entreprise.records import SandboxCompany, SandboxMandataire, SandboxTurnover

__all__ = ["LEROY_SIRET", "canonical_companies"]

LEROY_SIRET = "84215637400014"


def _person(first: str, last: str, role: str, born: date, place: str) -> SandboxMandataire:
    return SandboxMandataire("personne_physique", role, first, last, None, born, place)


def _turnovers(*pairs: tuple[int, int]) -> tuple[SandboxTurnover, ...]:
    return tuple(SandboxTurnover(amount, date(year, 12, 31)) for year, amount in pairs)


@functools.cache
def canonical_companies() -> tuple[SandboxCompany, ...]:
    return (
        SandboxCompany(
            siret=LEROY_SIRET, siren="842156374", company_name="LEROY SAS",
            first_name=None, last_name=None, legal_form_code="5710", naf_code="25.62A",
            workforce_code="12", category="PME", created_on=date(2018, 4, 12), closed_on=None,
            diffusion="diffusible", street_number="12", street_type="RUE",
            street_label="DE L'INDUSTRIE", commune_code="30189", postal_code="30000",
            city="NIMES",
            mandataires=(
                _person("Claire", "LEROY", "Présidente", date(1976, 5, 3), "NIMES"),
                _person("Marc", "VIDAL", "Directeur général", date(1971, 11, 19), "ALES"),
                SandboxMandataire.company(
                    "CABINET AUDIT GARRIGUES", "Commissaire aux comptes titulaire"
                ),
            ),
            turnovers=_turnovers((2023, 3_412_000), (2022, 3_105_000), (2021, 2_874_000)),
            social_up_to_date=True, fiscal_up_to_date=True,
        ),
        SandboxCompany(
            siret="51234987900027", siren="512349879", company_name="MENUISERIE FABRE",
            first_name=None, last_name=None, legal_form_code="5499", naf_code="16.23Z",
            workforce_code="11", category="PME", created_on=date(2009, 3, 2), closed_on=None,
            diffusion="diffusible", street_number="8", street_type="CHEMIN",
            street_label="DES ARTISANS", commune_code="30007", postal_code="30100", city="ALES",
            mandataires=(_person("Antoine", "FABRE", "Gérant", date(1968, 2, 14), "ALES"),),
            turnovers=_turnovers((2023, 1_480_000), (2022, 1_395_000)),
            social_up_to_date=True, fiscal_up_to_date=True,
        ),
        SandboxCompany(
            siret="79345612000013", siren="793456120", company_name="OCCITANIE DRONES",
            first_name=None, last_name=None, legal_form_code="5710", naf_code="30.30Z",
            workforce_code="12", category="PME", created_on=date(2013, 6, 17), closed_on=None,
            diffusion="diffusible", street_number="5", street_type="AVENUE",
            street_label="JEAN JAURES", commune_code="31555", postal_code="31000",
            city="TOULOUSE",
            mandataires=(_person("Inès", "MOREAU", "Présidente", date(1984, 9, 8), "TOULOUSE"),),
            turnovers=_turnovers((2023, 4_950_000), (2022, 4_210_000), (2021, 3_380_000)),
            social_up_to_date=True, fiscal_up_to_date=True,
        ),
        SandboxCompany(
            siret="44306184100047", siren="443061841", company_name="BIOCOSMETIQUES DU LANGUEDOC",
            first_name=None, last_name=None, legal_form_code="5710", naf_code="20.42Z",
            workforce_code="11", category="PME", created_on=date(2002, 10, 1), closed_on=None,
            diffusion="diffusible", street_number="140", street_type="RUE",
            street_label="DES ATELIERS", commune_code="34172", postal_code="34000",
            city="MONTPELLIER",
            mandataires=(_person("Paul", "GIRARD", "Président", date(1965, 7, 22), "SETE"),),
            turnovers=_turnovers((2023, 2_260_000), (2022, 2_105_000)),
            social_up_to_date=True, fiscal_up_to_date=False,
        ),
        SandboxCompany(
            siret="38271940900031", siren="382719409", company_name="ATLANTIQUE NUMERIQUE",
            first_name=None, last_name=None, legal_form_code="5720", naf_code="62.01Z",
            workforce_code="11", category="PME", created_on=date(2021, 1, 15), closed_on=None,
            diffusion="diffusible", street_number="3", street_type="RUE",
            street_label="DU COMMERCE", commune_code="44109", postal_code="44000",
            city="NANTES",
            mandataires=(_person("Hugo", "LEMAIRE", "Président", date(1990, 1, 30), "NANTES"),),
            turnovers=_turnovers((2023, 1_120_000), (2022, 640_000)),
            social_up_to_date=True, fiscal_up_to_date=True,
        ),
        SandboxCompany(
            siret="90012345600015", siren="900123456", company_name=None,
            first_name="Sophie", last_name="BONNET", legal_form_code="1000", naf_code="74.10Z",
            workforce_code="NN", category="PME", created_on=date(2021, 3, 8), closed_on=None,
            diffusion="partiellement_diffusible", street_number="27", street_type="RUE",
            street_label="PASTEUR", commune_code="34172", postal_code="34000",
            city="MONTPELLIER", mandataires=(),
            turnovers=_turnovers((2023, 58_000)),
            social_up_to_date=True, fiscal_up_to_date=True,
        ),
        SandboxCompany(
            siret="32112345700012", siren="321123457", company_name="TONNELLERIE DU MINERVOIS",
            first_name=None, last_name=None, legal_form_code="5499", naf_code="16.10A",
            workforce_code="03", category="PME", created_on=date(1981, 5, 4),
            closed_on=date(2022, 6, 30), diffusion="diffusible", street_number="2",
            street_type="ROUTE", street_label="DE LA MER", commune_code="11262",
            postal_code="11100", city="NARBONNE",
            mandataires=(_person("Yannick", "SABATIER", "Gérant", date(1955, 4, 2), "NARBONNE"),),
            turnovers=_turnovers((2021, 610_000), (2020, 655_000)),
            social_up_to_date=False, fiscal_up_to_date=False,
        ),
    )  # fmt: skip
