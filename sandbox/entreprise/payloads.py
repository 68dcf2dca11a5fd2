"""Sandbox records → API Entreprise wire format (``{data, links, meta}``, ``{errors: [...]}``).

Shapes follow the published v3/v4 payloads: INSEE dates are Unix timestamps of midnight,
Paris time; DGFIP/URSSAF dates are ISO strings. Certificate validity is computed from the day
of the request, so the sandbox stays current without changing its seed.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sandbox.entreprise import finances
from sandbox.entreprise.records import SandboxCompany
from sandbox.entreprise.tables import WORKFORCE_BANDS

__all__ = [
    "attestation_fiscale",
    "attestation_vigilance",
    "chiffres_affaires",
    "error_body",
    "etablissement",
    "mandataires_sociaux",
    "unite_legale",
]

_PARIS = ZoneInfo("Europe/Paris")
_API = "https://entreprise.api.gouv.fr"


def timestamp(day: date | None) -> int | None:
    if day is None:
        return None
    return int(datetime(day.year, day.month, day.day, tzinfo=_PARIS).timestamp())


def error_body(code: str, title: str, detail: str, **meta: Any) -> dict[str, Any]:
    return {"errors": [{"code": code, "title": title, "detail": detail, "meta": meta}]}


def _workforce(company: SandboxCompany) -> dict[str, Any]:
    code, label, low, high = WORKFORCE_BANDS[company.workforce_code]
    reference = None if code == "NN" else "2022"
    return {"de": low, "a": high, "code": code, "date_reference": reference, "intitule": label}


def _unite_legale_data(company: SandboxCompany) -> dict[str, Any]:
    return {
        "siren": company.siren,
        "siret_siege_social": company.siret,
        "categorie_entreprise": company.category,
        "diffusable_commercialement": company.diffusion == "diffusible",
        "status_diffusion": company.diffusion,
        "type": "personne_physique" if company.sole_trader else "personne_morale",
        "personne_morale_attributs": {"raison_sociale": company.company_name, "sigle": None},
        "personne_physique_attributs": {
            "pseudonyme": None,
            "prenom_usuel": company.first_name,
            "prenom_1": company.first_name,
            "prenom_2": None,
            "prenom_3": None,
            "prenom_4": None,
            "nom_usage": None,
            "nom_naissance": company.last_name,
            "sexe": None,
        },
        "forme_juridique": {"code": company.legal_form_code, "libelle": company.legal_form_label},
        "activite_principale": {
            "code": company.naf_code,
            "nomenclature": "NAFRev2",
            "libelle": company.naf_label,
        },
        "tranche_effectif_salarie": _workforce(company),
        "economie_sociale_et_solidaire": company.legal_form_code == "9220",
        "etat_administratif": "A" if company.active else "C",
        "date_cessation": timestamp(company.closed_on),
        "date_creation": timestamp(company.created_on),
    }


def _adresse(company: SandboxCompany) -> dict[str, Any]:
    return {
        "siret": company.siret,
        "status_diffusion": company.diffusion,
        "complement_adresse": None,
        "numero_voie": company.street_number,
        "indice_repetition_voie": None,
        "type_voie": company.street_type,
        "libelle_voie": company.street_label,
        "code_postal": company.postal_code,
        "libelle_commune": company.city,
        "libelle_commune_etranger": None,
        "distribution_speciale": None,
        "code_commune": company.commune_code,
        "code_cedex": None,
        "libelle_cedex": None,
        "code_pays_etranger": None,
        "libelle_pays_etranger": None,
        "acheminement_postal": {
            "l1": company.display_name,
            "l2": "",
            "l3": "",
            "l4": company.street,
            "l5": "",
            "l6": f"{company.postal_code} {company.city}",
            "l7": "FRANCE",
        },
    }


def etablissement(company: SandboxCompany) -> dict[str, Any]:
    data = {
        "siret": company.siret,
        "siege_social": True,
        "etat_administratif": "A" if company.active else "F",
        "date_fermeture": timestamp(company.closed_on),
        "enseigne": None,
        "status_diffusion": company.diffusion,
        "activite_principale": {
            "code": company.naf_code,
            "nomenclature": "NAFRev2",
            "libelle": company.naf_label,
        },
        "tranche_effectif_salarie": _workforce(company),
        "diffusable_commercialement": company.diffusion == "diffusible",
        "date_creation": timestamp(company.created_on),
        "unite_legale": _unite_legale_data(company),
        "adresse": _adresse(company),
    }
    return {
        "data": data,
        "links": {"unite_legale": f"{_API}/v3/insee/sirene/unites_legales/{company.siren}"},
        "meta": {
            "date_derniere_mise_a_jour": timestamp(date(2025, 1, 6)),
            "redirect_from_siret": None,
        },
    }


def unite_legale(company: SandboxCompany) -> dict[str, Any]:
    return {
        "data": _unite_legale_data(company),
        "links": {
            "siege_social": f"{_API}/v3/insee/sirene/etablissements/{company.siret}",
            "siege_social_adresse": f"{_API}/v3/insee/sirene/etablissements/{company.siret}/adresse",
        },
        "meta": {
            "date_derniere_mise_a_jour": timestamp(date(2025, 1, 6)),
            "redirect_from_siren": None,
        },
    }


def mandataires_sociaux(company: SandboxCompany) -> dict[str, Any]:
    items = []
    for mandataire in company.mandataires:
        if mandataire.kind == "personne_morale":
            data: dict[str, Any] = {
                "numero_identification": None,
                "type": "personne_morale",
                "fonction": mandataire.role,
                "raison_sociale": mandataire.company_name,
                "code_greffe": None,
                "libelle_greffe": None,
            }
        else:
            born = mandataire.birth_date
            data = {
                "type": "personne_physique",
                "fonction": mandataire.role,
                "nom": mandataire.last_name,
                "prenom": mandataire.first_name,
                "date_naissance": born.isoformat() if born else None,
                "date_naissance_timestamp": timestamp(born),
                "lieu_naissance": mandataire.birth_place,
                "pays_naissance": "FRANCE",
                "code_pays_naissance": "FR",
                "nationalite": "FRANCAISE",
                "code_nationalite": "FR",
            }
        items.append({"data": data, "links": {}, "meta": {}})
    people = sum(1 for m in company.mandataires if m.kind == "personne_physique")
    return {
        "data": items,
        "links": {},
        "meta": {
            "personnes_physiques_count": people,
            "personnes_morales_count": len(items) - people,
            "count": len(items),
        },
    }


def chiffres_affaires(company: SandboxCompany) -> dict[str, Any]:
    items = [
        {
            "data": {
                "chiffre_affaires": turnover.amount,
                "date_fin_exercice": turnover.closing_date.isoformat(),
            },
            "links": {},
            "meta": {},
        }
        for turnover in company.turnovers
    ]
    return {"data": items, "links": {}, "meta": {}}


def attestation_vigilance(company: SandboxCompany, today: date) -> dict[str, Any]:
    if company.social_up_to_date:
        start = today.replace(day=1) - timedelta(days=1)
        data = {
            "document_url": f"https://storage.sandbox.invalid/attestation_vigilance_{company.siren}.pdf",
            "document_url_expires_in": 86400,
            "date_debut_validite": start.isoformat(),
            "date_fin_validite": (start + timedelta(days=181)).isoformat(),
            "code_securite": f"SBX{company.siren}",
            "entity_status": {
                "code": "ok",
                "libelle": "Attestation délivrée par l'Urssaf",
                "description": "L'entité est à jour de ses cotisations et contributions.",
            },
        }
    else:
        data = {
            "document_url": None,
            "document_url_expires_in": None,
            "date_debut_validite": None,
            "date_fin_validite": None,
            "code_securite": None,
            "entity_status": {
                "code": "refus_de_delivrance",
                "libelle": "Délivrance de l'attestation refusée par l'Urssaf",
                "description": "L'entité n'est pas à jour de ses cotisations sociales.",
            },
        }
    return {"data": data, "links": {}, "meta": {}}


def attestation_fiscale(company: SandboxCompany, today: date) -> dict[str, Any]:
    if company.fiscal_up_to_date:
        data: dict[str, Any] = {
            "document_url": f"https://storage.sandbox.invalid/attestation_fiscale_{company.siren}.pdf",
            "document_url_expires_in": 86400,
            "date_delivrance_attestation": today.isoformat(),
            "date_periode_analysee": (today.replace(day=1) - timedelta(days=1)).isoformat(),
            "entity_status": {"code": "ok", "libelle": "Attestation délivrée par la DGFIP"},
        }
    else:
        data = {
            "document_url": None,
            "document_url_expires_in": None,
            "date_delivrance_attestation": None,
            "date_periode_analysee": (today.replace(day=1) - timedelta(days=1)).isoformat(),
            "entity_status": {
                "code": "refus_de_delivrance",
                "libelle": "Délivrance de l'attestation refusée par la DGFIP",
            },
        }
    return {"data": data, "links": {}, "meta": {}}


def effectifs_annuels(company: SandboxCompany, today: date) -> dict[str, Any] | None:
    """GIP-MDS annual average headcount of the last complete year (modelled on API
    Entreprise's ``effectifs_annuels``; the real field names may differ, see docs/sandbox.md)."""
    staff = finances.headcount(company)
    if staff is None:
        return None
    return {
        "data": {
            "siren": company.siren,
            "annee": str(today.year - 1),
            "nature": "effectif_moyen_annuel",
            "effectifs": [
                {"regime": "regime_general", "valeur": staff},
                {"regime": "regime_agricole", "valeur": None},
            ],
        },
        "links": {},
        "meta": {},
    }


def bilans(company: SandboxCompany, today: date) -> dict[str, Any] | None:
    """The last three balance sheets (modelled on API Entreprise's Banque de France
    ``bilans``: the figures the hub's criteria need)."""
    sheets = finances.balance_sheets(company)
    if not sheets:
        return None
    items = [
        {
            "data": {
                "annee": str(sheet.closing_date.year),
                "date_arret_exercice": sheet.closing_date.isoformat(),
                "devise": "EUR",
                "valeurs": {
                    "chiffre_affaires_ht": sheet.turnover,
                    "total_bilan": sheet.total,
                    "capital_social": sheet.share_capital,
                    "capitaux_propres": sheet.equity,
                },
            },
            "links": {},
            "meta": {},
        }
        for sheet in sheets[:3]
    ]
    return {"data": items, "links": {}, "meta": {}}
