"""Who GraphiQL's persona picker signs in as (sandbox mode): one seeded account per kind of
viewer, so each tier shows in one click. Ids are the seed's own (``canonical`` and the first
generated project holder of ``companies``)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["PERSONAS", "Persona"]


@dataclass(frozen=True, slots=True)
class Persona:
    id: str
    label: str
    sees: str
    """What this viewer sees of the canonical company LEROY SAS (84215637400014)."""
    account_id: str | None
    """The seeded account it signs in as; ``None`` for the anonymous visitor."""


PERSONAS = (
    Persona("anonymous", "Anonymous visitor", "LEROY's open data only (tier 0)", None),
    Persona(
        "company-owner",
        "Claire Leroy, LEROY SAS's mandataire",
        "everything of her own company, and may manage its collaborators",
        "account-claire-leroy",
    ),
    Persona(
        "company-collaborator",
        "Thomas Blanc, LEROY SAS's collaborator (an accounting firm)",
        "everything of LEROY, without managing its people",
        "account-thomas-blanc",
    ),
    Persona(
        "referent",
        "Pierre Durand, LEROY's accepted referent (CCI du Gard)",
        "LEROY's tier 2 (turnover, balance sheets) and its projects",
        "account-pierre-durand",
    ),
    Persona(
        "structure-agent",
        "Sophie Roux, an agent of the referent's structure (CCI du Gard)",
        "LEROY's tier 2 through her structure",
        "account-sophie-roux",
    ),
    Persona(
        "network-agent",
        "Julien Garcia, an agent of another structure (BGE Occitanie)",
        "LEROY's tier 1 only: no turnover",
        "account-julien-garcia",
    ),
    Persona(
        "project-specialist",
        "Lucie Mercier, a specialist in LEROY's hydrogen project (AD'OCC)",
        "LEROY's tier 1 and the project she works on",
        "account-lucie-mercier",
    ),
    Persona(
        "project-holder",
        "A project holder (créateur, repreneur)",
        "their own project; LEROY's open data only",
        "account-holder-001",
    ),
    Persona(
        "administrator",
        "Hélène Vidal, the hub's administrator",
        "everything, the desk, partner keys and the audit trail",
        "account-helene-vidal",
    ),
)
