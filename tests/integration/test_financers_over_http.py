"""Real HTTP end to end for the financers' sources: the Créalia, France Initiative and
Irdi-Soridec sandboxes and the catalogue sandbox served by uvicorn, the gateway served over
them: each financer's schemes by source, one financer unreachable (named, the others answer,
/readyz still ready: an outage, not a wrong setting), and a refused key failing /readyz."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from gateway.app import create_app
from gateway.settings import Settings
from sandbox.catalogues import create_app as create_catalogues
from sandbox.financers import create_crealia, create_france_initiative, create_irdi_soridec
from tests.servers import serving

NOTHING_LISTENS = "http://127.0.0.1:9"
BY_SOURCE = """query($source: SchemeSource!, $after: String) {
  schemes(filter: {source: $source}, first: 50, after: $after) {
    totalCount edges { node { id kind amounts { minimum maximum } } }
    pageInfo { hasNextPage endCursor } } }"""

Gateway = Callable[..., AbstractAsyncContextManager[str]]


@pytest.fixture
def gateway(tmp_path: Path, database_url: str) -> Gateway:
    """A gateway over the sandboxes served for real; keyword settings override theirs."""

    @asynccontextmanager
    async def serve(**overrides: Any) -> AsyncIterator[str]:
        async with (
            serving(create_catalogues()) as catalogues,
            serving(create_crealia()) as crealia,
            serving(create_france_initiative()) as initiative,
            serving(create_irdi_soridec()) as irdi,
        ):
            settings = Settings(**{
                "database_url": database_url, "dev_secret_file": tmp_path / "secret",
                "region_catalogue_url": catalogues, "bpifrance_catalogue_url": catalogues,
                "francenum_url": catalogues,
                # the documented feed URLs, as an operator writes them (docs/deploying.md)
                "crealia_url": f"{crealia}/crealia/api/prets",
                "france_initiative_url": f"{initiative}/franceinitiative/v1/honour-loans",
                "irdi_soridec_url": f"{irdi}/irdisoridec/api/fonds.json",
                **overrides,
            })  # fmt: skip
            async with serving(create_app(settings)) as url:
                yield url

    return serve


async def _all(url: str, source: str) -> tuple[list[dict[str, Any]], list[Any]]:
    """Every scheme of ``source``, page after page, and the warnings of the last page."""
    nodes: list[dict[str, Any]] = []
    after = None
    async with httpx.AsyncClient(base_url=url) as client:
        while True:
            response = await client.post("/graphql", json={
                "query": BY_SOURCE, "variables": {"source": source, "after": after}})  # fmt: skip
            assert response.status_code == 200
            body = response.json()
            assert "errors" not in body, body["errors"]
            page = body["data"]["schemes"]
            nodes += [edge["node"] for edge in page["edges"]]
            if not page["pageInfo"]["hasNextPage"]:
                return nodes, body.get("extensions", {}).get("warnings", [])
            after = page["pageInfo"]["endCursor"]


async def test_each_financers_schemes_through_the_gateway(gateway: Gateway) -> None:
    async with gateway() as url:
        crealia, warnings = await _all(url, "CREALIA")
        initiative, _ = await _all(url, "FRANCE_INITIATIVE")
        irdi, _ = await _all(url, "IRDI_SORIDEC")
        async with httpx.AsyncClient(base_url=url) as client:
            ready = await client.get("/readyz")
    assert warnings == []
    assert (len(crealia), len(initiative), len(irdi)) == (6, 45, 5)
    assert {node["kind"] for node in crealia + initiative} == {"HONOUR_LOAN"}
    assert {node["kind"] for node in irdi} == {"EQUITY"}
    assert all(node["id"].startswith("franceinitiative:initiative-") for node in initiative)
    assert ready.status_code == 200


async def test_a_financer_out_of_reach_is_named_and_readiness_holds(gateway: Gateway) -> None:
    async with gateway(irdi_soridec_url=NOTHING_LISTENS) as url:
        irdi, warnings = await _all(url, "IRDI_SORIDEC")
        crealia, _ = await _all(url, "CREALIA")
        async with httpx.AsyncClient(base_url=url) as client:
            ready = await client.get("/readyz")
    assert irdi == [] and len(crealia) == 6
    assert [(w["code"], w["source"]) for w in warnings] == [("UPSTREAM_UNAVAILABLE", "irdisoridec")]
    assert ready.status_code == 200  # an outage, not a wrong URL or key


async def test_a_refused_france_initiative_key_fails_readiness_naming_it(
    gateway: Gateway,
) -> None:
    async with (
        gateway(france_initiative_key="not-the-key") as url,
        httpx.AsyncClient(base_url=url) as client,
    ):
        ready = await client.get("/readyz")
    assert ready.status_code == 503
    assert list(ready.json()["catalogues"]) == ["franceinitiative"]
    assert "HTTP 401" in ready.json()["catalogues"]["franceinitiative"]
