"""DEL's dossier states ↔ the one lifecycle, both ways.

DEL is démarches-simplifiées' model: a dossier's ``state`` is one of five
(``en_construction``, ``en_instruction``, ``accepte``, ``refuse``, ``sans_suite``); what the
instructors follow beyond it (missing documents, the file complete, the payments) is the
private annotation « Suivi », a drop-down. A lifecycle status is a (state, suivi) pair; DEL
shows no drafts through its API and does not know the hub's ``UNCONFIRMED``.
"""

from __future__ import annotations

from types import MappingProxyType

from connectors.platforms.models import Lifecycle

__all__ = ["STATES", "SUIVI", "SUIVI_LABEL", "label", "lifecycle_of", "state_of"]

STATES = ("en_construction", "en_instruction", "accepte", "refuse", "sans_suite")
SUIVI_LABEL = "Suivi"
"""The private annotation that carries the instruction's follow-up."""

_L = Lifecycle
_PAIRS = MappingProxyType({
    ("en_construction", None): _L.SUBMITTED,
    ("en_construction", "Pièces manquantes"): _L.INCOMPLETE,
    ("en_instruction", None): _L.UNDER_REVIEW,
    ("en_instruction", "Dossier complet"): _L.ACKNOWLEDGED,
    ("accepte", None): _L.GRANTED,
    ("accepte", "Demande de paiement reçue"): _L.PAYMENT_REQUESTED,
    ("accepte", "Avance versée"): _L.ADVANCE_PAID,
    ("accepte", "Soldé"): _L.CLOSED,
    ("refuse", None): _L.REJECTED,
    ("sans_suite", None): _L.WITHDRAWN,
})  # fmt: skip
SUIVI = tuple(sorted({suivi for _, suivi in _PAIRS if suivi is not None}))
_STATE_OF = MappingProxyType({status: pair for pair, status in _PAIRS.items()})


def lifecycle_of(state: str, suivi: str | None) -> Lifecycle | None:
    """The lifecycle status of a dossier; None for a state DEL does not have. A follow-up
    that means nothing in this state (« Soldé » while en_instruction) is the state alone."""
    if state not in STATES:
        return None
    return _PAIRS.get((state, suivi or None)) or _PAIRS[(state, None)]


def state_of(status: Lifecycle) -> tuple[str, str | None] | None:
    """The (state, suivi) DEL shows for a lifecycle status; None for DRAFT and UNCONFIRMED."""
    return _STATE_OF.get(status)


def label(state: str, suivi: str | None) -> str:
    """The platform's own words: ``accepte`` or ``accepte · Avance versée``."""
    return f"{state} · {suivi}" if suivi else state
