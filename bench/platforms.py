"""A company's applications read straight from the two submission platforms' sandboxes, as the
gateway's connectors read them (``connectors/mesaides``, ``connectors/del_``: same path or
GraphQL query, page size and token): the platform half of the "applications" floor and of the
"eligible schemes" one (the de minimis criterion reads the aids a company was granted)."""

from __future__ import annotations

from typing import Self

import httpx

from connectors.del_.queries import DOSSIERS
from sandbox.platforms.config import DEL_TOKEN, MESAIDES_TOKEN

__all__ = ["PlatformClients", "platform_calls"]

_PAGE = 50  # the connectors' page size: one page per company
_DEMANDES = "/api/v1/demandes"
_GRAPHQL = "/api/v2/graphql"


class PlatformClients:
    """One client per platform; each read answers its failure, or None."""

    def __init__(self, mesaides_url: str, del_url: str) -> None:
        limits = httpx.Limits(max_connections=None, max_keepalive_connections=200)
        self._mesaides = httpx.AsyncClient(
            base_url=mesaides_url, limits=limits,
            headers={"Authorization": f"Bearer {MESAIDES_TOKEN}"},
        )  # fmt: skip
        self._del = httpx.AsyncClient(
            base_url=del_url, limits=limits, headers={"Authorization": f"Bearer {DEL_TOKEN}"}
        )

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._mesaides.aclose()
        await self._del.aclose()

    async def mesaides(self, siret: str) -> str | None:
        response = await self._mesaides.get(
            _DEMANDES, params={"siret": siret, "page": 1, "par_page": _PAGE}
        )
        return None if response.status_code == 200 else f"HTTP {response.status_code}"

    async def del_(self, siret: str) -> str | None:
        response = await self._del.post(_GRAPHQL, json={
            "query": DOSSIERS, "variables": {"siret": siret, "first": _PAGE, "after": None}})  # fmt: skip
        if response.status_code != 200:
            return f"HTTP {response.status_code}"
        return "GraphQL errors" if response.json().get("errors") else None


async def platform_calls(control: httpx.AsyncClient) -> int:
    """Calls a platform sandbox has answered so far (``control``'s base URL is the sandbox's)."""
    return int((await control.get("/_sandbox/stats")).json()["total"])
