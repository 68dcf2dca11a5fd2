"""DEL's wire format: a démarches-simplifiées ``Dossier`` → ``Application``, and the inputs
of the hub's two mutations. The champs and annotations the hub reads are named by label."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Any

from connectors.del_.lifecycle import SUIVI_LABEL, label, lifecycle_of
from connectors.platforms.models import (
    Application,
    Document,
    HistoryEntry,
    Lifecycle,
    NewApplication,
    Payment,
    PaymentKind,
    PaymentRequest,
    PaymentStatus,
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

__all__ = [
    "ANNOTATIONS",
    "CHAMPS",
    "PAYMENT_KINDS",
    "PAYMENT_STATES",
    "deposer_input",
    "paiement_input",
    "parse_dossier",
]

CHAMPS = MappingProxyType({
    "scheme": "Dispositif",
    "title": "Intitulé du projet",
    "requested": "Montant sollicité",
    "planned_start": "Date de début prévisionnelle",
    "expenses": "Dépenses prévisionnelles",
    "de_minimis": "Aides de minimis déclarées",
})  # fmt: skip
ANNOTATIONS = MappingProxyType({
    "suivi": SUIVI_LABEL,
    "acknowledged": "Date de recevabilité",
    "expenses_from": "Début d'éligibilité des dépenses",
    "granted": "Montant attribué",
    "paid": "Montant versé",
    "realisation": "Date de fin de réalisation",
    "proofs": "Date limite des justificatifs",
})  # fmt: skip
PAYMENT_KINDS = MappingProxyType(
    {"acompte": PaymentKind.ADVANCE, "solde": PaymentKind.BALANCE, "unique": PaymentKind.SINGLE}
)
PAYMENT_STATES = MappingProxyType(
    {"demande": PaymentStatus.REQUESTED, "verse": PaymentStatus.PAID,
     "refuse": PaymentStatus.REFUSED}
)  # fmt: skip


def parse_dossier(item: Mapping[str, Any]) -> Application:
    state = required_str(item, "state")
    champs = _by_label(item.get("champs"))
    notes = _by_label(item.get("annotations"))
    suivi = notes.get(ANNOTATIONS["suivi"])
    status = lifecycle_of(state, suivi)
    if status is None:
        raise PayloadError(f"unknown state {state!r}")
    siret = optional_str(mapping(item.get("demandeur")).get("siret"))
    if siret is None:
        raise PayloadError("a dossier without a SIRET (not a PersonneMorale)")
    processed = iso_datetime(item.get("dateTraitement"))
    submitted = iso_datetime(item.get("dateDepot"))
    return Application(
        platform=Platform.DEL,
        reference=required_str(item, "number"),
        siret=siret,
        scheme_id=champs.get(CHAMPS["scheme"]),
        project_title=champs.get(CHAMPS["title"]) or "",
        status=status,
        platform_status=label(state, suivi),
        requested=euros(champs.get(CHAMPS["requested"])),
        granted=optional_euros(notes.get(ANNOTATIONS["granted"])),
        paid=euros(notes.get(ANNOTATIONS["paid"])),
        submitted_at=submitted,
        acknowledged_at=iso_datetime(notes.get(ANNOTATIONS["acknowledged"])),
        expenses_from=iso_date(notes.get(ANNOTATIONS["expenses_from"])),
        decided_at=processed.date() if processed and state in ("accepte", "refuse") else None,
        realisation_deadline=iso_date(notes.get(ANNOTATIONS["realisation"])),
        proofs_deadline=iso_date(notes.get(ANNOTATIONS["proofs"])),
        updated_at=required_datetime(item, "dateDerniereModification"),
        documents=tuple(_documents(item.get("champs"))),
        payments=tuple(_payment(p) for p in records(item.get("paiements"))),
        history=tuple(_history(submitted, item.get("traitements"))),
        idempotency_key=optional_str(item.get("idempotencyKey")),
    )


def _by_label(champs: Any) -> dict[str, str]:
    return {
        required_str(champ, "label"): value
        for champ in records(champs)
        if (value := optional_str(champ.get("stringValue"))) is not None
    }


def _documents(champs: Any) -> list[Document]:
    return [
        Document(
            name=required_str(file, "filename"),
            kind=required_str(champ, "label"),
            received_at=iso_datetime(file.get("createdAt")),
        )
        for champ in records(champs)
        if champ.get("__typename") == "PieceJustificativeChamp"
        for file in records(champ.get("files"))
    ]


def _payment(payment: Mapping[str, Any]) -> Payment:
    kind = PAYMENT_KINDS.get(required_str(payment, "nature"))
    state = PAYMENT_STATES.get(required_str(payment, "etat"))
    if kind is None or state is None:
        raise PayloadError(f"unknown payment {payment.get('nature')!r}/{payment.get('etat')!r}")
    return Payment(
        kind=kind,
        amount=euros(payment.get("montant")),
        status=state,
        requested_at=required_datetime(payment, "demandeLe"),
        paid_at=iso_datetime(payment.get("verseLe")),
    )


def _history(submitted: datetime | None, traitements: Any) -> list[HistoryEntry]:
    """The deposit, then each step the instructors took."""
    steps = (
        []
        if submitted is None
        else [HistoryEntry(submitted, Lifecycle.SUBMITTED, "en_construction")]
    )
    for step in records(traitements):
        state, suivi = required_str(step, "state"), optional_str(step.get("suivi"))
        steps.append(
            HistoryEntry(
                at=required_datetime(step, "dateTraitement"),
                status=_status(state, suivi),
                label=label(state, suivi),
            )
        )
    return steps


def _status(state: str, suivi: str | None) -> Lifecycle:
    status = lifecycle_of(state, suivi)
    if status is None:
        raise PayloadError(f"unknown state {state!r}")
    return status


def deposer_input(new: NewApplication, idempotency_key: str) -> dict[str, Any]:
    expenses = "; ".join(f"{e.label}: {wire_euros(e.amount)}" for e in new.expenses)
    aids = "; ".join(
        f"{a.grantor}: {wire_euros(a.amount)} ({a.granted_on.isoformat()})" for a in new.de_minimis
    )
    champs = {
        CHAMPS["scheme"]: new.scheme_id,
        CHAMPS["title"]: new.project_title,
        CHAMPS["requested"]: wire_euros(new.requested),
        CHAMPS["planned_start"]: new.planned_start.isoformat() if new.planned_start else "",
        CHAMPS["expenses"]: expenses,
        CHAMPS["de_minimis"]: aids,
    }
    return {
        "siret": new.siret,
        "dispositif": new.scheme_id,
        "idempotencyKey": idempotency_key,
        "champs": [{"label": name, "value": value} for name, value in champs.items()],
    }


def paiement_input(number: int, request: PaymentRequest, idempotency_key: str) -> dict[str, Any]:
    nature = next(name for name, kind in PAYMENT_KINDS.items() if kind is request.kind)
    return {
        "dossierNumber": number,
        "nature": nature,
        "montant": wire_euros(request.amount),
        "idempotencyKey": idempotency_key,
        "factures": [
            {
                "reference": invoice.reference,
                "montant": wire_euros(invoice.amount),
                "acquitteeLe": invoice.paid_on.isoformat() if invoice.paid_on else None,
                "cachet": invoice.stamped,
                "signature": invoice.signed,
            }
            for invoice in request.invoices
        ],
    }
