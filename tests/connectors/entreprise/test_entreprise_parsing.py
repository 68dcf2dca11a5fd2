"""Every endpoint's wire payload becomes its model."""

from __future__ import annotations

from datetime import date

import httpx
import pytest
import respx
from entreprise_wire import (
    CHIFFRES_AFFAIRES,
    CHIFFRES_PATH,
    ETABLISSEMENT,
    ETABLISSEMENT_PATH,
    FISCALE,
    FISCALE_PATH,
    MANDATAIRES,
    MANDATAIRES_PATH,
    SIREN,
    SIRET,
    UNITE_LEGALE,
    UNITE_LEGALE_PATH,
    VIGILANCE,
    VIGILANCE_PATH,
    wire,
)

from connectors.entreprise import (
    Address,
    Compliance,
    EntrepriseConnector,
    Etablissement,
    Mandataire,
    Turnover,
    UniteLegale,
)
from connectors.entreprise.geography import department_of_commune, region_of_department
from connectors.errors import UpstreamUnavailable

OBJECT = "Fiche entreprise"


async def test_etablissement_is_parsed(
    router: respx.MockRouter, connector: EntrepriseConnector
) -> None:
    router.get(ETABLISSEMENT_PATH).respond(200, json=wire(ETABLISSEMENT))

    etablissement = await connector.etablissement(SIRET, object=OBJECT)

    assert etablissement == Etablissement(
        siret=SIRET,
        siren=SIREN,
        name="LEROY SAS",
        diffusible=True,
        naf_code="25.62A",
        naf_label="Décolletage",
        legal_form_code="5710",
        legal_form_label="SAS, société par actions simplifiée",
        workforce_code="12",
        workforce_label="20 à 49 salariés",
        created_on=date(2018, 4, 12),
        head_office=True,
        active=True,
        address=Address(
            street="12 RUE DE L'INDUSTRIE",
            postal_code="30000",
            city="NIMES",
            commune_code="30189",
            department_code="30",
            region_code="76",
        ),
        category="PME",
    )


async def test_non_diffusible_sole_trader_is_flagged_and_named_after_the_person(
    router: respx.MockRouter, connector: EntrepriseConnector
) -> None:
    payload = wire(ETABLISSEMENT)
    payload["data"]["status_diffusion"] = "partiellement_diffusible"
    unit = payload["data"]["unite_legale"]
    unit["type"] = "personne_physique"
    unit["status_diffusion"] = "partiellement_diffusible"
    unit["personne_morale_attributs"]["raison_sociale"] = None
    unit["personne_physique_attributs"].update(
        {"prenom_usuel": "SOPHIE", "prenom_1": "SOPHIE", "nom_naissance": "BONNET"}
    )
    router.get(ETABLISSEMENT_PATH).respond(200, json=payload)

    etablissement = await connector.etablissement(SIRET, object=OBJECT)

    assert etablissement.diffusible is False
    assert etablissement.name == "SOPHIE BONNET"


async def test_closed_etablissement_is_inactive(
    router: respx.MockRouter, connector: EntrepriseConnector
) -> None:
    payload = wire(ETABLISSEMENT)
    payload["data"]["etat_administratif"] = "F"
    payload["data"]["date_fermeture"] = 1656540000
    router.get(ETABLISSEMENT_PATH).respond(200, json=payload)

    assert (await connector.etablissement(SIRET, object=OBJECT)).active is False


async def test_unite_legale_is_parsed(
    router: respx.MockRouter, connector: EntrepriseConnector
) -> None:
    router.get(UNITE_LEGALE_PATH).respond(200, json=wire(UNITE_LEGALE))

    assert await connector.unite_legale(SIREN, object=OBJECT) == UniteLegale(
        siren=SIREN,
        name="LEROY SAS",
        diffusible=True,
        legal_form_code="5710",
        legal_form_label="SAS, société par actions simplifiée",
        category="PME",
        created_on=date(2018, 4, 12),
        active=True,
        head_office_siret=SIRET,
    )


async def test_mandataires_are_parsed_without_birth_data(
    router: respx.MockRouter, connector: EntrepriseConnector
) -> None:
    router.get(MANDATAIRES_PATH).respond(200, json=wire(MANDATAIRES))

    mandataires = await connector.mandataires_sociaux(SIREN, object=OBJECT)

    assert mandataires == (
        Mandataire("PERSON", "Claire", "LEROY", None, "Présidente"),
        Mandataire(
            "COMPANY", None, None, "CABINET AUDIT GARRIGUES", "COMMISSAIRE AUX COMPTES TITULAIRE"
        ),
    )
    carried = repr(mandataires)
    assert "1976" not in carried and "NIMES" not in carried and "FRANCAISE" not in carried


async def test_chiffres_affaires_are_newest_first(
    router: respx.MockRouter, connector: EntrepriseConnector
) -> None:
    router.get(CHIFFRES_PATH).respond(200, json=wire(CHIFFRES_AFFAIRES))

    assert await connector.chiffres_affaires(SIRET, object=OBJECT) == (
        Turnover(2023, 3_412_000, date(2023, 12, 31)),
        Turnover(2022, 3_105_000, date(2022, 12, 31)),
        Turnover(2021, 2_874_000, date(2021, 12, 31)),
    )


async def test_attestation_vigilance_delivered_means_up_to_date(
    router: respx.MockRouter, connector: EntrepriseConnector
) -> None:
    router.get(VIGILANCE_PATH).respond(200, json=wire(VIGILANCE))

    assert await connector.attestation_vigilance(SIREN, object=OBJECT) == Compliance(
        up_to_date=True, issued_on=date(2025, 1, 31), valid_until=date(2025, 7, 31)
    )


async def test_attestation_vigilance_refused_means_not_up_to_date(
    router: respx.MockRouter, connector: EntrepriseConnector
) -> None:
    payload = wire(VIGILANCE)
    payload["data"].update(
        document_url=None, date_debut_validite=None, date_fin_validite=None, code_securite=None
    )
    payload["data"]["entity_status"] = {"code": "refus_de_delivrance", "libelle": "Refusée"}
    router.get(VIGILANCE_PATH).respond(200, json=payload)

    assert await connector.attestation_vigilance(SIREN, object=OBJECT) == Compliance(
        up_to_date=False, issued_on=None, valid_until=None
    )


async def test_attestation_fiscale_is_parsed(
    router: respx.MockRouter, connector: EntrepriseConnector
) -> None:
    router.get(FISCALE_PATH).respond(200, json=wire(FISCALE))

    assert await connector.attestation_fiscale(SIREN, object=OBJECT) == Compliance(
        up_to_date=True, issued_on=date(2025, 2, 3), valid_until=None
    )


async def test_unreadable_payload_is_unavailable_not_a_crash(
    router: respx.MockRouter, connector: EntrepriseConnector
) -> None:
    router.get(ETABLISSEMENT_PATH).respond(200, json={"data": None})

    with pytest.raises(UpstreamUnavailable) as caught:
        await connector.etablissement(SIRET, object=OBJECT)
    assert caught.value.source == "insee"


async def test_non_json_body_is_unavailable(
    router: respx.MockRouter, connector: EntrepriseConnector
) -> None:
    router.get(ETABLISSEMENT_PATH).mock(return_value=httpx.Response(200, text="<html>"))

    with pytest.raises(UpstreamUnavailable):
        await connector.etablissement(SIRET, object=OBJECT)


@pytest.mark.parametrize(
    ("commune", "department", "region"),
    [
        ("30189", "30", "76"),  # Nîmes, Occitanie
        ("44109", "44", "52"),  # Nantes, Pays de la Loire
        ("2A004", "2A", "94"),  # Ajaccio, Corse
        ("2B033", "2B", "94"),  # Bastia, Corse
        ("97411", "974", "04"),  # Saint-Denis, La Réunion
        ("75108", "75", "11"),  # Paris 8e
        ("98735", None, None),  # Papeete: no department
        (None, None, None),
    ],
)
def test_department_and_region_come_from_the_commune_code(
    commune: str | None, department: str | None, region: str | None
) -> None:
    assert department_of_commune(commune) == department
    assert region_of_department(department) == region
