"""The gateway with its database stopped or hung (a PostgreSQL cluster the suite runs
itself): JSON 503 with ``Retry-After`` and ``DATABASE_UNAVAILABLE`` before execution, the
same code in GraphQL errors inside it, ``/healthz`` and ``/readyz`` answering, and recovery
without a restart."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from gateway.app import create_app, dev_issuer
from gateway.settings import Settings
from gateway.websocket import TRY_AGAIN_LATER
from tests.conftest import CountingTransport
from tests.gateway.serving import served
from tests.gateway.test_websocket import _closed, _connected
from tests.private_postgres import PrivatePostgres
from tests.servers import serving

_AGENT = "pierre.durand@cci-gard.example"
_VIEWER = "{ viewer { kind email } }"
_COMPANY = '{ company(siret: "84215637400014") { siret viewerAccess } }'
_GUARD_S = 60  # a bound on the test itself, not an assertion on timing


@pytest.fixture
def settings(postgres_cluster: PrivatePostgres, tmp_path: Path) -> Settings:
    return Settings(
        database_url=postgres_cluster.url,
        dev_secret_file=tmp_path / "secret",
        scheduler_enabled=False,
        database_connect_timeout_s=1.0,
        database_statement_timeout_s=1.0,
        database_retry_s=0.2,
    )


@pytest.fixture
async def client(
    settings: Settings, upstream: CountingTransport
) -> AsyncIterator[httpx.AsyncClient]:
    sandbox = httpx.AsyncClient(base_url="http://sandbox.test", transport=upstream)
    async with served(settings, entreprise_client=sandbox) as gateway:
        yield gateway.client


def _signed_in(settings: Settings) -> dict[str, str]:
    token = dev_issuer(settings).issue(subject=_AGENT, email=_AGENT)
    return {"Authorization": f"Bearer {token}"}


async def _until_ok(client: httpx.AsyncClient, headers: dict[str, str]) -> httpx.Response:
    async with asyncio.timeout(_GUARD_S):
        while True:
            response = await client.post("/graphql", json={"query": _VIEWER}, headers=headers)
            if response.status_code == 200:
                return response
            await asyncio.sleep(0.05)


async def test_a_signed_in_request_gets_a_json_503_while_the_database_is_stopped(
    client: httpx.AsyncClient, settings: Settings, postgres_cluster: PrivatePostgres
) -> None:
    headers = {**_signed_in(settings), "X-Request-Id": "db-down-request"}
    postgres_cluster.stop()
    response = await client.post("/graphql", json={"query": _VIEWER}, headers=headers)
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/json"
    assert int(response.headers["retry-after"]) >= 1
    (error,) = response.json()["errors"]
    assert error["extensions"]["code"] == "DATABASE_UNAVAILABLE"
    assert error["extensions"]["requestId"] == response.headers["x-request-id"]
    assert response.headers["x-client-request-id"] == "db-down-request"
    assert (await client.get("/healthz")).status_code == 200
    ready = await client.get("/readyz")
    assert ready.status_code == 503 and ready.json()["database"] == "down"
    postgres_cluster.start()
    back = await _until_ok(client, headers)  # the same process, no restart
    assert back.json()["data"]["viewer"] == {"kind": "AGENT", "email": _AGENT}
    assert (await client.get("/readyz")).status_code == 200


async def test_a_resolver_reading_a_stopped_database_answers_database_unavailable(
    client: httpx.AsyncClient, settings: Settings, postgres_cluster: PrivatePostgres
) -> None:
    headers = _signed_in(settings)  # an agent: its access depends on the company's facts
    warm = await client.post("/graphql", json={"query": _VIEWER}, headers=headers)
    assert warm.status_code == 200  # the token's viewer is now remembered a few seconds
    postgres_cluster.stop()
    response = await client.post("/graphql", json={"query": _COMPANY}, headers=headers)
    assert response.status_code == 200
    codes = {error["extensions"]["code"] for error in response.json()["errors"]}
    assert codes == {"DATABASE_UNAVAILABLE"}
    assert "Unexpected error." not in response.text


async def test_readyz_and_healthz_answer_while_the_database_hangs(
    client: httpx.AsyncClient, settings: Settings, postgres_cluster: PrivatePostgres
) -> None:
    postgres_cluster.freeze()
    try:
        async with asyncio.timeout(_GUARD_S):
            assert (await client.get("/healthz")).status_code == 200
            assert (await client.get("/readyz")).status_code == 503
            signed_in = await client.post(
                "/graphql", json={"query": _VIEWER}, headers=_signed_in(settings)
            )
        assert signed_in.status_code == 503
        assert signed_in.json()["errors"][0]["extensions"]["code"] == "DATABASE_UNAVAILABLE"
    finally:
        postgres_cluster.thaw()
    await _until_ok(client, _signed_in(settings))


async def test_a_websocket_opened_while_the_database_is_stopped_is_told_to_try_again_later(
    settings: Settings, upstream: CountingTransport, postgres_cluster: PrivatePostgres
) -> None:
    sandbox = httpx.AsyncClient(base_url="http://sandbox.test", transport=upstream)
    async with serving(create_app(settings, entreprise_client=sandbox)) as base_url:
        url = base_url.replace("http://", "ws://") + "/graphql"
        postgres_cluster.stop()
        async with _connected(url, _signed_in(settings)) as ws:
            code, reason = await _closed(ws, within=30)
    assert code == TRY_AGAIN_LATER and reason.startswith("The hub database is unavailable")
