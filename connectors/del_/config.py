"""How to reach DEL (the Région's démarches-simplifiées instance)."""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx

from connectors.http import Resilience
from connectors.http.clients import partner_client

__all__ = ["DelConfig", "create_client"]


@dataclass(frozen=True, slots=True)
class DelConfig:
    base_url: str
    token: str = field(repr=False)
    resilience: Resilience = field(default_factory=lambda: Resilience(timeout=5.0))
    ttl: float = 120.0
    """A company's list of dossiers is fresh this long (the polling job sees changes)."""
    stale_ttl: float = 7 * 24 * 3600.0
    page_size: int = 50
    path: str = "/api/v2/graphql"


def create_client(config: DelConfig) -> httpx.AsyncClient:
    return partner_client(
        base_url=config.base_url,
        timeout=httpx.Timeout(config.resilience.timeout, connect=2.0),
        limits=httpx.Limits(max_connections=50, max_keepalive_connections=20),
        headers={"Accept": "application/json", "User-Agent": "hub-gateway (connectors.del_)"},
    )
