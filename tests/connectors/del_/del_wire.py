"""DEL dossiers as démarches-simplifiées' GraphQL API sends them, for the connector's tests."""

from __future__ import annotations

from typing import Any

BASE_URL = "http://del.test"
TOKEN = "del-test-token"
SIRET = "84215637400014"
PATH = "/api/v2/graphql"


class FakeSleep:
    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


def dossier(number: int = 4021, state: str = "accepte", suivi: str | None = "Avance versée",
            **over: Any) -> dict[str, Any]:  # fmt: skip
    body: dict[str, Any] = {
        "id": f"RG9zc2llci0{number}",
        "number": number,
        "state": state,
        "dateDepot": "2022-02-01T10:00:00+01:00",
        "datePassageEnInstruction": "2022-02-15T10:00:00+01:00",
        "dateTraitement": "2022-04-16T10:00:00+02:00",
        "dateDerniereModification": "2022-06-01T10:00:00+02:00",
        "motivation": None,
        "idempotencyKey": None,
        "demandeur": {"__typename": "PersonneMorale", "siret": SIRET},
        "champs": [
            {"__typename": "TextChamp", "label": "Dispositif",
             "stringValue": "region:parcours-industrie-du-futur"},
            {"__typename": "TextChamp", "label": "Intitulé du projet",
             "stringValue": "Diagnostic Industrie du futur"},
            {"__typename": "DecimalNumberChamp", "label": "Montant sollicité",
             "stringValue": "20000.00"},
            {"__typename": "PieceJustificativeChamp", "label": "Devis", "stringValue": "",
             "files": [{"filename": "devis.pdf", "createdAt": "2022-02-01T10:00:00+01:00"}]},
        ],
        "annotations": [
            {"label": "Suivi", "stringValue": suivi or ""},
            {"label": "Date de recevabilité", "stringValue": "2022-02-15T10:00:00+01:00"},
            {"label": "Début d'éligibilité des dépenses", "stringValue": "2022-02-15"},
            {"label": "Montant attribué", "stringValue": "20000.00"},
            {"label": "Montant versé", "stringValue": "14000.00"},
            {"label": "Date de fin de réalisation", "stringValue": "2024-04-16"},
            {"label": "Date limite des justificatifs", "stringValue": "2024-10-16"},
        ],
        "traitements": [
            {"state": "en_instruction", "suivi": None, "dateTraitement": "2022-02-15T10:00:00+01:00"},
            {"state": "accepte", "suivi": None, "dateTraitement": "2022-04-16T10:00:00+02:00"},
        ],
        "paiements": [{"nature": "acompte", "montant": "14000.00", "etat": "verse",
                       "demandeLe": "2022-05-02T10:00:00+02:00",
                       "verseLe": "2022-06-01T10:00:00+02:00"}],
    }  # fmt: skip
    body.update(over)
    return body


def connection(nodes: list[dict[str, Any]], end: str | None = None) -> dict[str, Any]:
    return {"data": {"dossiers": {"pageInfo": {"hasNextPage": end is not None, "endCursor": end},
                                  "nodes": nodes}}}  # fmt: skip
