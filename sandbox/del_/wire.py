"""An application as a démarches-simplifiées ``Dossier`` (plain dicts: graphql-core's
default resolvers read them, ``__typename`` picks the union member and champ type)."""

from __future__ import annotations

import base64
from datetime import date, datetime
from typing import Any

from connectors.del_.lifecycle import state_of
from connectors.platforms.models import Application, Lifecycle, PaymentKind, PaymentStatus

__all__ = ["dossier", "pair"]

_KINDS = {PaymentKind.ADVANCE: "acompte", PaymentKind.BALANCE: "solde",
          PaymentKind.SINGLE: "unique"}  # fmt: skip
_STATES = {PaymentStatus.REQUESTED: "demande", PaymentStatus.PAID: "verse",
           PaymentStatus.REFUSED: "refuse"}  # fmt: skip


def _iso(value: date | datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def pair(status: Lifecycle) -> tuple[str, str | None]:
    return state_of(status) or ("en_construction", None)


def _champ(typename: str, label: str, value: str | None, **more: Any) -> dict[str, Any]:
    ident = base64.b64encode(f"Champ-{label}".encode()).decode()
    return {"__typename": typename, "id": ident, "label": label, "stringValue": value, **more}


def dossier(application: Application, demarche: tuple[int, str]) -> dict[str, Any]:
    number = int(application.reference)
    state, suivi = pair(application.status)
    processed = [s for s in application.history if s.status in _PROCESSED]
    return {
        "id": base64.b64encode(f"Dossier-{number}".encode()).decode(),
        "number": number,
        "state": state,
        "dateDepot": _iso(application.submitted_at or application.updated_at),
        "datePassageEnInstruction": _iso(application.acknowledged_at),
        "dateTraitement": _iso(processed[-1].at) if processed else None,
        "dateDerniereModification": _iso(application.updated_at),
        "motivation": "Le projet ne relève pas du dispositif."
        if application.status is Lifecycle.REJECTED else None,
        "usager": {"id": f"usager-{number}", "email": f"depot-{number}@entreprise.example"},
        "demandeur": {"__typename": "PersonneMorale", "id": f"pm-{number}",
                      "siret": application.siret,
                      "entreprise": {"raisonSociale": None, "siren": application.siret[:9]}},
        "demarche": {"number": demarche[0], "title": demarche[1]},
        "champs": [
            _champ("TextChamp", "Dispositif", application.scheme_id),
            _champ("TextChamp", "Intitulé du projet", application.project_title),
            _champ("DecimalNumberChamp", "Montant sollicité", f"{application.requested}.00",
                   decimalNumber=float(application.requested)),
            *(
                _champ("PieceJustificativeChamp", d.kind, d.name, files=[{
                    "filename": d.name, "contentType": "application/pdf", "byteSize": 20480,
                    "createdAt": _iso(d.received_at or application.updated_at)}])
                for d in application.documents
            ),
        ],
        "annotations": [
            _champ("DropDownListChamp", "Suivi", suivi),
            _champ("DateChamp", "Date de recevabilité", _iso(application.acknowledged_at)),
            _champ("DateChamp", "Début d'éligibilité des dépenses", _iso(application.expenses_from)),
            _champ("TextChamp", "Montant attribué",
                   None if application.granted is None else f"{application.granted}.00"),
            _champ("TextChamp", "Montant versé", f"{application.paid}.00"),
            _champ("DateChamp", "Date de fin de réalisation", _iso(application.realisation_deadline)),
            _champ("DateChamp", "Date limite des justificatifs", _iso(application.proofs_deadline)),
        ],
        "messages": [],
        "traitements": [
            {"state": pair(step.status)[0], "suivi": pair(step.status)[1],
             "dateTraitement": _iso(step.at), "motivation": None, "emailAgentTraitant": None}
            for step in application.history if step.status is not Lifecycle.SUBMITTED
        ],
        "idempotencyKey": application.idempotency_key,
        "paiements": [
            {"nature": _KINDS[p.kind], "montant": f"{p.amount}.00", "etat": _STATES[p.status],
             "demandeLe": _iso(p.requested_at), "verseLe": _iso(p.paid_at)}
            for p in application.payments
        ],
    }  # fmt: skip


_PROCESSED = {Lifecycle.GRANTED, Lifecycle.REJECTED, Lifecycle.WITHDRAWN}
