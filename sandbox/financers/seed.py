"""The three financers' sandbox content, written out (no random draw): the same records on
every start, in each partner's own wire format.

The hub FAQ names the financers ("Région Occitanie, Bpifrance, Créalia, France Initiative,
Irdi-Soridec"); what they offer here is the sandbox's invention, plausible and no more:
amounts, durations, tickets, platforms' names and contacts (``.example`` addresses, telephone
numbers from ARCEP's ranges reserved for fiction)."""

from __future__ import annotations

from typing import Any

__all__ = ["OCCITANIE_DEPARTMENTS", "crealia_loans", "initiative_document", "irdi_funds"]

OCCITANIE_DEPARTMENTS: dict[str, str] = {
    "09": "Ariège", "11": "Aude", "12": "Aveyron", "30": "Gard", "31": "Haute-Garonne",
    "32": "Gers", "34": "Hérault", "46": "Lot", "48": "Lozère", "65": "Hautes-Pyrénées",
    "66": "Pyrénées-Orientales", "81": "Tarn", "82": "Tarn-et-Garonne",
}  # fmt: skip
_PAYS_DE_LA_LOIRE = {"44": "Loire-Atlantique", "49": "Maine-et-Loire"}


def _crealia(
    reference: str, intitule: str, accroche: str, *, cibles: list[str], secteurs: list[str],
    montant: tuple[int, int], duree: int, differe: int, age_max: int | None,
    departements: list[str] | None = None, ouvert_au: str | None = None,
    mode: str = "accompagnateur", number: int = 10,
) -> dict[str, Any]:  # fmt: skip
    return {
        "reference": reference,
        "intitule": intitule,
        "accroche": accroche,
        "presentation": (
            f"{accroche} Le prêt d'honneur est un prêt personnel au créateur ou au repreneur, "
            "sans intérêt ni garantie, qui renforce ses fonds propres et facilite l'obtention "
            "d'un prêt bancaire. (Contenu de démonstration du bac à sable.)"
        ),
        "type_pret": "pret_honneur",
        "montant_min": montant[0],
        "montant_max": montant[1],
        "taux": 0,
        "duree_mois": duree,
        "differe_mois": differe,
        "garantie": False,
        "cibles": cibles,
        "secteurs": secteurs,
        "departements": departements,
        "entreprise_age_max_mois": age_max,
        "ouvert_du": "2024-01-01",
        "ouvert_au": ouvert_au,
        "candidature": {"mode": mode, "lien": f"https://crealia.example/prets/{reference.lower()}"},
        "besoins_finances": [
            "Apport personnel au capital",
            "Besoin en fonds de roulement",
            "Investissements de démarrage",
        ],
        "modalites": ["Le dossier est présenté par une structure d'accompagnement du réseau."],
        "charge_de_mission": {
            "prenom_nom": f"Chargé·e de mission Créalia {number}",
            "mel": f"mission{number}@crealia.example",
            "tel": f"05 36 49 10 {number:02d}",
        },
        "minimis": None,
    }


def crealia_loans() -> tuple[dict[str, Any], ...]:
    """Créalia's honour loans, in its order (by reference)."""
    loans = (
        _crealia("CRE-AGRI", "Prêt d'honneur Créalia Installation rurale",
                 "Pour les créations et reprises en zone rurale.",
                 cibles=["createur", "repreneur"], secteurs=["agriculture", "commerce"],
                 montant=(2_000, 15_000), duree=60, differe=6, age_max=12,
                 departements=["09", "12", "46", "48", "65"], number=11),
        _crealia("CRE-CREATION", "Prêt d'honneur Créalia Création",
                 "Pour financer le démarrage d'une entreprise créée en Occitanie.",
                 cibles=["createur"], secteurs=["creation"], montant=(3_000, 20_000),
                 duree=60, differe=6, age_max=12, number=12),
        _crealia("CRE-ESS", "Prêt d'honneur Créalia Économie sociale et solidaire",
                 "Pour les projets de l'économie sociale et solidaire.",
                 cibles=["createur", "repreneur"], secteurs=["ess", "creation"],
                 montant=(2_000, 15_000), duree=60, differe=6, age_max=24, number=13),
        _crealia("CRE-INNOVATION", "Prêt d'honneur Créalia Innovation",
                 "Pour les créateurs d'entreprises innovantes.",
                 cibles=["createur"], secteurs=["innovation", "creation"],
                 montant=(10_000, 40_000), duree=84, differe=12, age_max=36, mode="dossier",
                 number=14),
        _crealia("CRE-REBOND-2021", "Prêt d'honneur Créalia Rebond 2021",
                 "Pour les entreprises créées juste avant la crise sanitaire.",
                 cibles=["dirigeant"], secteurs=["developpement"], montant=(2_000, 10_000),
                 duree=48, differe=12, age_max=36, ouvert_au="2021-12-31", number=15),
        _crealia("CRE-REPRISE", "Prêt d'honneur Créalia Reprise",
                 "Pour financer la reprise d'une entreprise en Occitanie.",
                 cibles=["repreneur"], secteurs=["transmission"], montant=(5_000, 30_000),
                 duree=84, differe=6, age_max=12, number=16),
    )  # fmt: skip
    return loans


def _slug(name: str) -> str:
    table = str.maketrans("èéêàâôç' ", "eeeaaoc--")
    return name.lower().translate(table)


def _platforms() -> list[dict[str, Any]]:
    territories = {**OCCITANIE_DEPARTMENTS, **_PAYS_DE_LA_LOIRE}
    platforms = []
    for number, (code, name) in enumerate(sorted(territories.items()), start=1):
        slug = f"initiative-{_slug(name)}"
        region = "52" if code in _PAYS_DE_LA_LOIRE else "76"
        phone = "02 61 91" if region == "52" else "04 65 71"
        platforms.append({
            "type": "platform", "id": slug,
            "attributes": {
                "name": f"Initiative {name}", "department": code, "region": region,
                "email": f"contact@{slug}.example", "phone": f"{phone} 20 {number:02d}",
            },
        })  # fmt: skip
    return platforms


_LOANS = (
    ("creation", "Prêt d'honneur Initiative Création", (3_000, 15_000), (12, 60), 12,
     ["creator"], "Pour créer son entreprise, avec le parrainage d'un chef d'entreprise."),
    ("reprise", "Prêt d'honneur Initiative Reprise", (5_000, 25_000), (12, 84), 12,
     ["buyer"], "Pour reprendre une entreprise, avec le parrainage d'un chef d'entreprise."),
    ("croissance", "Prêt d'honneur Initiative Croissance", (5_000, 30_000), (12, 60), 60,
     ["company"], "Pour le premier développement d'une jeune entreprise."),
)  # fmt: skip


def initiative_document() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """France Initiative's honour loans (JSON:API resources, by id) and the platforms they
    relate to."""
    platforms = _platforms()
    loans = []
    for platform in platforms:
        name = platform["attributes"]["name"]
        for loan_type, title, amount, term, age_max, audiences, summary in _LOANS:
            loans.append({
                "type": "honour-loan",
                "id": f"{platform['id']}-{loan_type}",
                "attributes": {
                    "title": f"{title} ({name})",
                    "summary": summary,
                    "body": (
                        f"{summary} Un prêt personnel à taux zéro, sans garantie, accordé par "
                        f"le comité d'agrément d'{name}. (Contenu de démonstration du bac à "
                        "sable.)"
                    ),
                    "loan_type": loan_type,
                    "amount": {"min": amount[0], "max": amount[1], "currency": "EUR"},
                    "rate_percent": 0,
                    "term_months": {"min": term[0], "max": term[1]},
                    "guarantee_required": False,
                    "audiences": audiences,
                    "themes": [],
                    "max_company_age_months": age_max,
                    "opens_at": "2023-01-01",
                    "closes_at": None,
                    "apply_url": f"https://{platform['id']}.example/demande",
                    "eligible_needs": ["Apport personnel", "Besoin en fonds de roulement"],
                    "conditions": ["Un accompagnement par la plateforme, puis un parrainage."],
                },
                "relationships": {"platform": {"data": {"type": "platform",
                                                        "id": platform["id"]}}},
            })  # fmt: skip
    return sorted(loans, key=lambda loan: loan["id"]), platforms


def _fund(
    code: str, nom: str, resume: str, *, stades: list[str], ticket: tuple[int, int],
    secteurs: list[str], instruments: list[str], effectif_max: int | None = None,
    ca_max_meur: int | None = None, anciennete_min: int | None = None,
    anciennete_max: int | None = None, fin: str = "2030-12-31", number: int = 1,
) -> dict[str, Any]:  # fmt: skip
    return {
        "code": code,
        "nom": nom,
        "resume": resume,
        "description": f"{resume} (Contenu de démonstration du bac à sable.)",
        "stades": stades,
        "ticket_keur": {"min": ticket[0], "max": ticket[1]},
        "instruments": instruments,
        "minoritaire": True,
        "secteurs": secteurs,
        "regions": ["76"],
        "departements": [],
        "effectif_max": effectif_max,
        "ca_max_meur": ca_max_meur,
        "anciennete_min_mois": anciennete_min,
        "anciennete_max_mois": anciennete_max,
        "periode_investissement": {"debut": "2019-01-01", "fin": fin},
        "candidature_url": f"https://irdi-soridec.example/deposer/{code.lower()}",
        "contact": {
            "nom": f"Chargé·e d'affaires {number}",
            "courriel": f"affaires{number}@irdi-soridec.example",
            "telephone": f"05 36 49 30 {number:02d}",
        },
        "conditions": ["Un plan d'affaires et un prévisionnel sur trois ans."],
    }


def irdi_funds() -> tuple[dict[str, Any], ...]:
    """Irdi-Soridec's funds, in its order (by code)."""
    return (
        _fund("AMORCAGE", "Irdi-Soridec Amorçage innovation",
              "Premiers tours de table des jeunes entreprises innovantes.",
              stades=["amorcage"], ticket=(100, 1_500), secteurs=["numerique", "industrie"],
              instruments=["actions", "obligations_convertibles"], effectif_max=49,
              anciennete_max=60, number=1),
        _fund("CROISSANCE-2015", "Irdi-Soridec Croissance 2015",
              "Un fonds de 2015, en gestion : il n'investit plus.",
              stades=["developpement"], ticket=(300, 3_000), secteurs=[],
              instruments=["actions"], effectif_max=249, fin="2022-12-31", number=2),
        _fund("DEVELOPPEMENT", "Irdi-Soridec Développement PME",
              "Fonds propres pour les PME régionales qui se développent.",
              stades=["developpement"], ticket=(500, 5_000), secteurs=["industrie", "export"],
              instruments=["actions", "obligations_convertibles", "comptes_courants"],
              effectif_max=249, ca_max_meur=50, anciennete_min=36, number=3),
        _fund("MEZZANINE", "Irdi-Soridec Mezzanine",
              "Quasi-fonds propres pour financer un développement ou une reprise.",
              stades=["developpement", "transmission"], ticket=(1_000, 10_000), secteurs=[],
              instruments=["obligations_convertibles"], effectif_max=249, ca_max_meur=50,
              anciennete_min=36, number=4),
        _fund("TRANSMISSION", "Irdi-Soridec Transmission",
              "Accompagner la reprise d'une PME par ses cadres ou un repreneur.",
              stades=["transmission"], ticket=(500, 8_000), secteurs=[],
              instruments=["actions", "obligations_convertibles"], effectif_max=249,
              anciennete_min=36, number=5),
    )  # fmt: skip
