"""How to reach Mes aides en ligne (the Région's « Portail des aides »)."""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx

from connectors.http import Resilience
from connectors.http.clients import partner_client

__all__ = ["MesAidesConfig", "create_client"]


@dataclass(frozen=True, slots=True)
class MesAidesConfig:
    base_url: str
    token: str = field(repr=False)
    resilience: Resilience = field(default_factory=lambda: Resilience(timeout=5.0))
    ttl: float = 120.0
    """A company's list of demandes is fresh this long (the polling job sees changes)."""
    stale_ttl: float = 7 * 24 * 3600.0
    """How long past its TTL a list may still be served when the portal fails."""
    not_found_ttl: float = 60.0
    page_size: int = 50


def create_client(config: MesAidesConfig) -> httpx.AsyncClient:
    return partner_client(
        base_url=config.base_url,
        timeout=httpx.Timeout(config.resilience.timeout, connect=2.0),
        limits=httpx.Limits(max_connections=50, max_keepalive_connections=20),
        headers={
            "Accept": "application/json",
            "User-Agent": "hub-gateway (connectors.mesaides)",
        },
    )
