"""Mes aides en ligne's wire format: a « demande » as JSON → ``Application``, and the bodies
the hub sends (a new demande, a payment request)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from connectors.mesaides.lifecycle import (
    PAYMENT_KINDS,
    PAYMENT_STATES,
    lifecycle_of,
    payment_kind_label,
)
from connectors.platforms.models import (
    Application,
    Document,
    HistoryEntry,
    NewApplication,
    Payment,
    PaymentRequest,
    Platform,
)
from connectors.platforms.wire import (
    PayloadError,
    euros,
    iso_date,
    iso_datetime,
    mapping,
    optional_euros,
    optional_str,
    records,
    required_datetime,
    required_str,
    wire_euros,
)

__all__ = ["new_demande", "parse_demande", "payment_body"]


def parse_demande(item: Mapping[str, Any]) -> Application:
    label = required_str(mapping(item.get("statut")), "libelle")
    status = lifecycle_of(label)
    if status is None:
        raise PayloadError(f"unknown status {label!r}")
    amounts, dates = mapping(item.get("montants")), mapping(item.get("dates"))
    return Application(
        platform=Platform.MES_AIDES_EN_LIGNE,
        reference=required_str(item, "numero"),
        siret=required_str(item, "siret"),
        scheme_id=optional_str(mapping(item.get("dispositif")).get("reference")),
        project_title=optional_str(item.get("intitule_projet")) or "",
        status=status,
        platform_status=label,
        requested=euros(amounts.get("demande")),
        granted=optional_euros(amounts.get("attribue")),
        paid=euros(amounts.get("verse")),
        submitted_at=iso_datetime(dates.get("depot")),
        acknowledged_at=iso_datetime(dates.get("recevabilite")),
        expenses_from=iso_date(dates.get("debut_eligibilite_depenses")),
        decided_at=iso_date(dates.get("decision")),
        realisation_deadline=iso_date(dates.get("fin_realisation")),
        proofs_deadline=iso_date(dates.get("limite_justificatifs")),
        updated_at=required_datetime(dates, "modification"),
        documents=tuple(_document(piece) for piece in records(item.get("pieces"))),
        payments=tuple(_payment(payment) for payment in records(item.get("paiements"))),
        history=tuple(_step(step) for step in records(item.get("historique"))),
        idempotency_key=optional_str(item.get("cle_idempotence")),
    )


def _document(piece: Mapping[str, Any]) -> Document:
    return Document(
        name=required_str(piece, "nom"),
        kind=optional_str(piece.get("type")) or "autre",
        received_at=iso_datetime(piece.get("recue_le")),
    )


def _payment(payment: Mapping[str, Any]) -> Payment:
    kind = PAYMENT_KINDS.get(required_str(payment, "nature"))
    state = PAYMENT_STATES.get(required_str(payment, "etat"))
    if kind is None or state is None:
        raise PayloadError(f"unknown payment {payment.get('nature')!r}/{payment.get('etat')!r}")
    return Payment(
        kind=kind,
        amount=euros(payment.get("montant")),
        status=state,
        requested_at=required_datetime(payment, "demande_le"),
        paid_at=iso_datetime(payment.get("verse_le")),
    )


def _step(step: Mapping[str, Any]) -> HistoryEntry:
    label = required_str(step, "statut")
    status = lifecycle_of(label)
    if status is None:
        raise PayloadError(f"unknown status {label!r}")
    return HistoryEntry(at=required_datetime(step, "date"), status=status, label=label)


def new_demande(new: NewApplication) -> dict[str, Any]:
    return {
        "siret": new.siret,
        "dispositif": new.scheme_id,
        "intitule_projet": new.project_title,
        "montant_demande": wire_euros(new.requested),
        "date_debut_previsionnelle": new.planned_start.isoformat() if new.planned_start else None,
        "depenses": [
            {
                "libelle": expense.label,
                "montant": wire_euros(expense.amount),
                "engagee_le": expense.committed_on.isoformat() if expense.committed_on else None,
            }
            for expense in new.expenses
        ],
        "aides_minimis": [
            {
                "financeur": aid.grantor,
                "montant": wire_euros(aid.amount),
                "date_octroi": aid.granted_on.isoformat(),
                "reglement": aid.regulation,
            }
            for aid in new.de_minimis
        ],
    }


def payment_body(request: PaymentRequest) -> dict[str, Any]:
    return {
        "nature": payment_kind_label(request.kind),
        "montant": wire_euros(request.amount),
        "factures": [
            {
                "reference": invoice.reference,
                "montant": wire_euros(invoice.amount),
                "acquittee_le": invoice.paid_on.isoformat() if invoice.paid_on else None,
                "cachet": invoice.stamped,
                "signature": invoice.signed,
            }
            for invoice in request.invoices
        ],
    }
