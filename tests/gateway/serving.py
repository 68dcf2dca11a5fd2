"""The gateway started in-process for a test, in one place: ``httpx.ASGITransport`` does not
run an app's lifespan, so ``asgi_lifespan.LifespanManager`` starts the app (its services,
database, caches) before the client sends it anything, and stops it after."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx
from asgi_lifespan import LifespanManager
from starlette.applications import Starlette
from starlette.types import ASGIApp

from gateway.app import create_app
from gateway.settings import Settings

__all__ = ["Served", "served"]


@dataclass(frozen=True)
class Served:
    client: httpx.AsyncClient
    app: Starlette
    """What ``create_app`` built: its ``state`` holds what the lifespan started (services)."""
    asgi: ASGIApp
    """The started app the client sends to, for a test that drives raw ASGI messages."""


@asynccontextmanager
async def served(
    settings: Settings,
    *,
    entreprise_client: httpx.AsyncClient | None = None,
    catalogue_clients: Mapping[str, httpx.AsyncClient] | None = None,
    base_url: str = "http://gateway.test",
    timeout_s: float = 5.0,
    peer: tuple[str, int] = ("127.0.0.1", 123),
) -> AsyncIterator[Served]:
    """A started gateway and a client of it, stopped on leaving. ``timeout_s`` and ``peer``
    (the address requests come from) default to httpx's own."""
    app = create_app(
        settings, entreprise_client=entreprise_client, catalogue_clients=catalogue_clients
    )
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app, client=peer)
        async with httpx.AsyncClient(
            transport=transport, base_url=base_url, timeout=timeout_s
        ) as client:
            yield Served(client, app, manager.app)
