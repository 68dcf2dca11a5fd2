"""Mes aides en ligne demandes as the portal sends them, for the connector's tests."""

from __future__ import annotations

from typing import Any

BASE_URL = "http://mesaides.test"
TOKEN = "mesaides-test-token"
SIRET = "84215637400014"


class FakeSleep:
    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


def demande(
    numero: str = "MAEL-2023-000123", statut: str = "Acompte versé", **over: Any
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "numero": numero,
        "siret": SIRET,
        "dispositif": {"reference": "paysdelaloire:investissement-numerique",
                       "intitule": "Pays de la Loire Investissement numérique"},
        "intitule_projet": "Logiciel de gestion de production",
        "statut": {"libelle": statut, "depuis": "2023-06-01T09:00:00+02:00"},
        "montants": {"demande": "15000.00", "attribue": "15000.00", "verse": "4500.00"},
        "dates": {
            "depot": "2023-03-01T10:00:00+01:00",
            "recevabilite": "2023-03-10T11:00:00+01:00",
            "debut_eligibilite_depenses": "2023-03-10",
            "decision": "2023-04-16",
            "fin_realisation": "2025-04-16",
            "limite_justificatifs": "2025-10-16",
            "modification": "2023-06-01T09:00:00+02:00",
        },
        "pieces": [{"nom": "devis-signe.pdf", "type": "devis", "recue_le": "2023-03-01T10:00:00+01:00"}],
        "paiements": [{"nature": "Acompte", "montant": "4500.00", "etat": "Versé",
                       "demande_le": "2023-05-02T10:00:00+02:00",
                       "verse_le": "2023-06-01T09:00:00+02:00"}],
        "historique": [{"date": "2023-03-01T10:00:00+01:00", "statut": "Transmise"},
                       {"date": "2023-06-01T09:00:00+02:00", "statut": statut}],
        "cle_idempotence": None,
    }  # fmt: skip
    body.update(over)
    return body


def page(items: list[dict[str, Any]], page: int = 1, pages: int = 1) -> dict[str, Any]:
    return {"demandes": items, "pagination": {"page": page, "par_page": 50, "total": len(items),
                                              "pages": pages}}  # fmt: skip
