"""How to reach API Entreprise, and the one shared HTTP client for it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import httpx
from httpx_aiohttp import AiohttpTransport

from connectors.http import Resilience
from connectors.http.clients import partner_client

__all__ = ["CALLS_AT_ONCE", "DEFAULT_TTL", "EntrepriseConfig", "create_client"]

CALLS_AT_ONCE = 100
"""Calls the shared client sends at once (its connection pool): a page of companies (an
agent's portfolio, 100 at most) reads each one's établissement in one wave, not two (at 50,
a portfolio of 56 waited a whole call for its last six)."""

_HOUR = 3600.0
_DAY = 24 * _HOUR

DEFAULT_TTL: Mapping[str, float] = MappingProxyType(
    {
        "etablissement": _DAY,
        "unite_legale": _DAY,
        "mandataires_sociaux": _DAY,
        "chiffres_affaires": _DAY,
        "attestation_vigilance": _HOUR,
        "attestation_fiscale": _HOUR,
        "effectifs_annuels": _DAY,
        "bilans": _DAY,
    }
)
"""Fresh TTL (seconds) per endpoint; identity data changes daily at most, certificates more."""


@dataclass(frozen=True, slots=True)
class EntrepriseConfig:
    base_url: str
    token: str = field(repr=False)
    recipient: str
    """The hub operator's SIRET, sent as ``recipient`` on every call."""
    context: str = "Hub Entreprendre Occitanie"
    timeout: float = 5.0
    """Total budget of one call in seconds, retries and waits included."""
    max_retries: int = 2
    breaker_threshold: int = 5
    breaker_reset_seconds: float = 30.0
    ttl: Mapping[str, float] = field(default_factory=lambda: DEFAULT_TTL)
    stale_ttl: float = 7 * _DAY
    """How long past its TTL an entry may still be served when the upstream fails."""
    not_found_ttl: float = 600.0
    """How long a 404 is remembered (negative cache)."""
    backoff_base: float = 0.2
    """First retry waits up to this many seconds (full jitter), doubling each attempt."""
    backoff_max: float = 2.0
    rate_limit_low_watermark: int = 5
    """Log a warning when ``RateLimit-Remaining`` falls to this or below."""

    def ttl_for(self, endpoint: str) -> float:
        return float(self.ttl.get(endpoint, DEFAULT_TTL.get(endpoint, _HOUR)))

    @property
    def resilience(self) -> Resilience:
        """The budget, retries, backoff and breaker settings, for the shared caller."""
        return Resilience(
            timeout=self.timeout,
            max_retries=self.max_retries,
            breaker_threshold=self.breaker_threshold,
            breaker_reset_seconds=self.breaker_reset_seconds,
            backoff_base=self.backoff_base,
            backoff_max=self.backoff_max,
        )


def create_client(config: EntrepriseConfig) -> httpx.AsyncClient:
    """The shared client: aiohttp transport (keep-alive pool), bearer token, explicit timeouts.

    Per-attempt timeouts equal the whole budget; the connector also enforces the budget
    across attempts."""
    limits = httpx.Limits(
        max_connections=CALLS_AT_ONCE, max_keepalive_connections=20, keepalive_expiry=30
    )
    return partner_client(
        base_url=config.base_url,
        transport=AiohttpTransport(limits=limits),
        timeout=httpx.Timeout(config.timeout, connect=min(2.0, config.timeout)),
        headers={
            "Authorization": f"Bearer {config.token}",
            "Accept": "application/json",
            "User-Agent": "hub-gateway (connectors.entreprise)",
        },
    )
