"""Mes aides en ligne's status labels ↔ the one lifecycle, both ways.

Every label the portal shows maps to one lifecycle status; « Votée » and « Attribuée » both
mean the arrêté is signed (GRANTED). The way back names the label the portal uses for a
status (« Attribuée » for GRANTED); ``UNCONFIRMED`` is the hub's own and has none.
"""

from __future__ import annotations

from types import MappingProxyType

from connectors.platforms.models import Lifecycle, PaymentKind, PaymentStatus

__all__ = [
    "LABELS",
    "PAYMENT_KINDS",
    "PAYMENT_STATES",
    "label_of",
    "lifecycle_of",
    "payment_kind_label",
]

_L = Lifecycle
LABELS = MappingProxyType({
    "Brouillon": _L.DRAFT,
    "Transmise": _L.SUBMITTED,
    "Demande de compléments": _L.INCOMPLETE,
    "Recevable": _L.ACKNOWLEDGED,
    "En cours d'instruction": _L.UNDER_REVIEW,
    "Votée": _L.GRANTED,
    "Attribuée": _L.GRANTED,
    "Rejetée": _L.REJECTED,
    "Abandonnée": _L.WITHDRAWN,
    "Demande de paiement transmise": _L.PAYMENT_REQUESTED,
    "Acompte versé": _L.ADVANCE_PAID,
    "Soldée": _L.CLOSED,
})  # fmt: skip
"""Every status label of the portal and its lifecycle status."""

_LABEL_OF = MappingProxyType({status: label for label, status in LABELS.items()})
"""The last label of a status wins: « Attribuée » for GRANTED."""

PAYMENT_KINDS = MappingProxyType({
    "Acompte": PaymentKind.ADVANCE,
    "Solde": PaymentKind.BALANCE,
    "Versement unique": PaymentKind.SINGLE,
})  # fmt: skip
PAYMENT_STATES = MappingProxyType({
    "Demandé": PaymentStatus.REQUESTED,
    "Versé": PaymentStatus.PAID,
    "Refusé": PaymentStatus.REFUSED,
})  # fmt: skip


def lifecycle_of(label: str) -> Lifecycle | None:
    """The lifecycle status of a portal label; None for a label the hub does not know."""
    return LABELS.get(label.strip())


def label_of(status: Lifecycle) -> str | None:
    """The portal's label for a lifecycle status; None for the hub's own ``UNCONFIRMED``."""
    return _LABEL_OF.get(status)


def payment_kind_label(kind: PaymentKind) -> str:
    return next(label for label, known in PAYMENT_KINDS.items() if known is kind)
