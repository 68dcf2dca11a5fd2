"""An application in Mes aides en ligne's wire format (what ``connectors.mesaides`` reads)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from connectors.mesaides.lifecycle import LABELS, label_of
from connectors.platforms.models import Application, Lifecycle, PaymentKind, PaymentStatus

__all__ = ["demande"]

_KINDS = {PaymentKind.ADVANCE: "Acompte", PaymentKind.BALANCE: "Solde",
          PaymentKind.SINGLE: "Versement unique"}  # fmt: skip
_STATES = {PaymentStatus.REQUESTED: "Demandé", PaymentStatus.PAID: "Versé",
           PaymentStatus.REFUSED: "Refusé"}  # fmt: skip


def _label(status: Lifecycle, given: str | None = None) -> str:
    """The portal's label for a status: the one the sandbox recorded when it is one of the
    portal's for that status (« Votée » or « Attribuée »), else the usual one."""
    if given is not None and LABELS.get(given) is status:
        return given
    return label_of(status) or "Transmise"


def _iso(value: date | datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _euros(amount: int | None) -> str | None:
    return None if amount is None else f"{amount}.00"


def demande(application: Application, scheme_title: str | None = None) -> dict[str, Any]:
    return {
        "numero": application.reference,
        "siret": application.siret,
        "dispositif": {"reference": application.scheme_id, "intitule": scheme_title},
        "intitule_projet": application.project_title,
        "statut": {
            "libelle": _label(application.status, application.platform_status),
            "depuis": _iso(application.updated_at),
        },
        "montants": {
            "demande": _euros(application.requested),
            "attribue": _euros(application.granted),
            "verse": _euros(application.paid),
        },
        "dates": {
            "depot": _iso(application.submitted_at),
            "recevabilite": _iso(application.acknowledged_at),
            "debut_eligibilite_depenses": _iso(application.expenses_from),
            "decision": _iso(application.decided_at),
            "fin_realisation": _iso(application.realisation_deadline),
            "limite_justificatifs": _iso(application.proofs_deadline),
            "modification": _iso(application.updated_at),
        },
        "pieces": [
            {"nom": d.name, "type": d.kind, "recue_le": _iso(d.received_at)}
            for d in application.documents
        ],
        "paiements": [
            {
                "nature": _KINDS[p.kind],
                "montant": _euros(p.amount),
                "etat": _STATES[p.status],
                "demande_le": _iso(p.requested_at),
                "verse_le": _iso(p.paid_at),
            }
            for p in application.payments
        ],
        "historique": [
            {"date": _iso(step.at), "statut": _label(step.status, step.label)}
            for step in application.history
        ],
        "cle_idempotence": application.idempotency_key,
    }
