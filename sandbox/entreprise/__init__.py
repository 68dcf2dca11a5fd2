"""Stand-in API Entreprise (Starlette) with a deterministic company seed."""

from __future__ import annotations

from sandbox.entreprise.app import create_app
from sandbox.entreprise.canonical import LEROY_SIRET
from sandbox.entreprise.faults import SandboxConfig
from sandbox.entreprise.records import SandboxCompany, SandboxMandataire, SandboxTurnover
from sandbox.entreprise.seed import by_siren, companies

__all__ = [
    "LEROY_SIRET",
    "SandboxCompany",
    "SandboxConfig",
    "SandboxMandataire",
    "SandboxTurnover",
    "by_siren",
    "companies",
    "create_app",
]
