"""Realistic API Entreprise wire payloads for the connector tests (shapes from the published
v3/v4 examples; the people are invented)."""

from __future__ import annotations

import copy
from typing import Any

import httpx
import respx

from connectors.cache import RawCache
from connectors.entreprise import EntrepriseConfig, EntrepriseConnector

BASE_URL = "https://entreprise.api.test"
TOKEN = "tok-3f9c2b7e-very-secret"
RECIPIENT = "13002526500013"
SIRET = "84215637400014"
SIREN = "842156374"

ETABLISSEMENT_PATH = f"/v3/insee/sirene/etablissements/{SIRET}"
UNITE_LEGALE_PATH = f"/v3/insee/sirene/unites_legales/{SIREN}"
MANDATAIRES_PATH = f"/v3/infogreffe/rcs/unites_legales/{SIREN}/mandataires_sociaux"
CHIFFRES_PATH = f"/v3/dgfip/etablissements/{SIRET}/chiffres_affaires"
VIGILANCE_PATH = f"/v4/urssaf/unites_legales/{SIREN}/attestation_vigilance"
FISCALE_PATH = f"/v4/dgfip/unites_legales/{SIREN}/attestation_fiscale"

_UNITE_LEGALE_DATA: dict[str, Any] = {
    "siren": SIREN,
    "siret_siege_social": SIRET,
    "type": "personne_morale",
    "status_diffusion": "diffusible",
    "personne_morale_attributs": {"raison_sociale": "LEROY SAS", "sigle": None},
    "personne_physique_attributs": {
        "pseudonyme": None,
        "prenom_usuel": None,
        "prenom_1": None,
        "prenom_2": None,
        "prenom_3": None,
        "prenom_4": None,
        "nom_usage": None,
        "nom_naissance": None,
        "sexe": None,
    },
    "categorie_entreprise": "PME",
    "diffusable_commercialement": True,
    "forme_juridique": {"code": "5710", "libelle": "SAS, société par actions simplifiée"},
    "activite_principale": {"code": "25.62A", "nomenclature": "NAFRev2", "libelle": "Décolletage"},
    "tranche_effectif_salarie": {
        "de": 20,
        "a": 49,
        "code": "12",
        "date_reference": "2022",
        "intitule": "20 à 49 salariés",
    },
    "economie_sociale_et_solidaire": False,
    "date_creation": 1523484000,  # 2018-04-12, midnight Paris
    "etat_administratif": "A",
    "date_cessation": None,
}

ETABLISSEMENT: dict[str, Any] = {
    "data": {
        "siret": SIRET,
        "siege_social": True,
        "etat_administratif": "A",
        "date_fermeture": None,
        "enseigne": None,
        "status_diffusion": "diffusible",
        "activite_principale": {
            "code": "25.62A",
            "nomenclature": "NAFRev2",
            "libelle": "Décolletage",
        },
        "tranche_effectif_salarie": {
            "de": 20,
            "a": 49,
            "code": "12",
            "date_reference": "2022",
            "intitule": "20 à 49 salariés",
        },
        "diffusable_commercialement": True,
        "date_creation": 1523484000,
        "unite_legale": _UNITE_LEGALE_DATA,
        "adresse": {
            "siret": SIRET,
            "complement_adresse": None,
            "numero_voie": "12",
            "status_diffusion": "diffusible",
            "indice_repetition_voie": None,
            "type_voie": "RUE",
            "libelle_voie": "DE L'INDUSTRIE",
            "code_postal": "30000",
            "libelle_commune": "NIMES",
            "libelle_commune_etranger": None,
            "distribution_speciale": None,
            "code_commune": "30189",
            "code_cedex": None,
            "libelle_cedex": None,
            "code_pays_etranger": None,
            "libelle_pays_etranger": None,
        },
    },
    "links": {"unite_legale": f"https://entreprise.api.gouv.fr{UNITE_LEGALE_PATH}"},
    "meta": {"date_derniere_mise_a_jour": 1661724000, "redirect_from_siret": None},
}

UNITE_LEGALE: dict[str, Any] = {
    "data": _UNITE_LEGALE_DATA,
    "links": {"siege_social": f"https://entreprise.api.gouv.fr{ETABLISSEMENT_PATH}"},
    "meta": {"date_derniere_mise_a_jour": 1661724000, "redirect_from_siren": None},
}

MANDATAIRES: dict[str, Any] = {
    "data": [
        {
            "data": {
                "type": "personne_physique",
                "fonction": "Présidente",
                "nom": "LEROY",
                "prenom": "Claire",
                "date_naissance": "1976-05-03",
                "date_naissance_timestamp": 200012400,
                "lieu_naissance": "NIMES",
                "pays_naissance": "FRANCE",
                "code_pays_naissance": "FR",
                "nationalite": "FRANCAISE",
                "code_nationalite": "FR",
            },
            "links": {},
            "meta": {},
        },
        {
            "data": {
                "numero_identification": "784824153",
                "type": "personne_morale",
                "fonction": "COMMISSAIRE AUX COMPTES TITULAIRE",
                "raison_sociale": "CABINET AUDIT GARRIGUES",
                "code_greffe": "3002",
                "libelle_greffe": "NIMES",
            },
            "links": {},
            "meta": {},
        },
    ],
    "links": {},
    "meta": {"personnes_physiques_count": 1, "personnes_morales_count": 1, "count": 2},
}

CHIFFRES_AFFAIRES: dict[str, Any] = {
    "data": [
        {"data": {"chiffre_affaires": 3105000, "date_fin_exercice": "2022-12-31"}, "links": {}},
        {"data": {"chiffre_affaires": 3412000, "date_fin_exercice": "2023-12-31"}, "links": {}},
        {"data": {"chiffre_affaires": 2874000, "date_fin_exercice": "2021-12-31"}, "links": {}},
    ],
    "links": {},
    "meta": {},
}

VIGILANCE: dict[str, Any] = {
    "data": {
        "document_url": "https://storage.entreprise.api.gouv.fr/attestation.pdf",
        "document_url_expires_in": 86400,
        "date_debut_validite": "2025-01-31",
        "date_fin_validite": "2025-07-31",
        "code_securite": "YAB458G1B2T8IZW",
        "entity_status": {"code": "ok", "libelle": "Attestation délivrée par l'Urssaf"},
    },
    "links": {},
    "meta": {},
}

FISCALE: dict[str, Any] = {
    "data": {
        "document_url": "https://storage.entreprise.api.gouv.fr/attestation_fiscale.pdf",
        "document_url_expires_in": 86400,
        "date_delivrance_attestation": "2025-02-03",
        "date_periode_analysee": "2025-01-31",
    },
    "links": {},
    "meta": {},
}


def errors(code: str, title: str, detail: str = "détail") -> dict[str, Any]:
    return {"errors": [{"code": code, "title": title, "detail": detail, "meta": {}}]}


NOT_FOUND = errors("04003", "Entité non trouvée")
BAD_GATEWAY = errors("04501", "Erreur du fournisseur de données")


def wire(payload: dict[str, Any]) -> dict[str, Any]:
    """A deep copy, so a test may alter its payload freely."""
    return copy.deepcopy(payload)


class FakeSleep:
    """Records the waits the connector asks for and returns at once."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


class Clock:
    """A clock the test moves (a cache's ``clock``)."""

    def __init__(self) -> None:
        self.now = 1_750_000_000.0

    def __call__(self) -> float:
        return self.now


def connector_on(
    router: respx.MockRouter, config: EntrepriseConfig, cache: RawCache
) -> EntrepriseConnector:
    """A connector whose calls go to ``router``, on ``cache``."""
    client = httpx.AsyncClient(
        base_url=config.base_url, transport=httpx.MockTransport(router.async_handler)
    )
    return EntrepriseConnector(client, config, cache)
