"""API Entreprise ("Dites-le nous une fois"): company identity, directors, turnover and
compliance certificates, headcount and balance sheets, behind one connector that calls and
caches through ``connectors.http`` (retries, circuit breaker, quota, stale-if-error)."""

from __future__ import annotations

from connectors.entreprise.config import DEFAULT_TTL, EntrepriseConfig, create_client
from connectors.entreprise.connector import CallObserver, EntrepriseConnector
from connectors.entreprise.endpoints import ENDPOINTS, Endpoint
from connectors.entreprise.models import (
    Address,
    BalanceSheet,
    Compliance,
    Etablissement,
    Headcount,
    Mandataire,
    MandataireKind,
    Turnover,
    UniteLegale,
)

__all__ = [
    "DEFAULT_TTL",
    "ENDPOINTS",
    "Address",
    "BalanceSheet",
    "CallObserver",
    "Compliance",
    "Endpoint",
    "EntrepriseConfig",
    "EntrepriseConnector",
    "Etablissement",
    "Headcount",
    "Mandataire",
    "MandataireKind",
    "Turnover",
    "UniteLegale",
    "create_client",
]
