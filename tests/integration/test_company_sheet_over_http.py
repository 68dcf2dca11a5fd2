"""Real HTTP end to end: the API Entreprise sandbox and the gateway served by uvicorn, the hub
database on SQLite and (when ``TEST_DATABASE_URL`` is set) PostgreSQL, the cache in memory
and (when ``TEST_REDIS_URL`` is set) in Redis, shared by two gateway instances."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from connectors.cache import RawCache
from gateway.app import create_app, dev_issuer
from gateway.settings import Settings
from sandbox.entreprise.app import SandboxConfig
from sandbox.entreprise.app import create_app as create_sandbox
from tests.databases import seeded_database
from tests.servers import serving

REDIS_ENV = "TEST_REDIS_URL"
SHEET = """{ company(siret: "84215637400014") {
  name viewerAccess representatives { email } referent { status agent { name } }
  legalRepresentatives { lastName } collaborators { email } turnover { year amount }
  compliance { socialUpToDate fiscalUpToDate } projects { title } } }"""
TIER2 = ("legalRepresentatives", "collaborators", "turnover", "compliance", "projects")


@pytest.fixture
async def sandbox_url() -> AsyncIterator[str]:
    async with serving(create_sandbox(SandboxConfig())) as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def hub_database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    async with seeded_database(request.param, tmp_path) as url:
        yield url


def _settings(database_url: str, sandbox_url: str, tmp_path: Path, **extra: object) -> Settings:
    return Settings(
        database_url=database_url,
        entreprise_url=sandbox_url,
        dev_secret_file=tmp_path / "secret",
        **extra,  # type: ignore[arg-type]
    )


async def _sheet(gateway_url: str, token: str | None = None) -> dict:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with httpx.AsyncClient(base_url=gateway_url) as client:
        response = await client.post("/graphql", json={"query": SHEET}, headers=headers)
    assert response.status_code == 200
    return response.json()


async def _upstream_calls(sandbox_url: str) -> int:
    async with httpx.AsyncClient(base_url=sandbox_url) as client:
        stats = (await client.get("/_sandbox/stats")).json()
    return sum(int(n) for n in _numbers(stats))


def _numbers(value: object) -> list[int]:
    if isinstance(value, bool):
        return []
    if isinstance(value, int):
        return [value]
    if isinstance(value, dict):
        return [n for v in value.values() for n in _numbers(v)]
    return []


async def test_referent_gets_the_whole_sheet_and_other_agent_tier1_only(
    hub_database: str, sandbox_url: str, tmp_path: Path
) -> None:
    settings = _settings(hub_database, sandbox_url, tmp_path)
    issuer = dev_issuer(settings)
    durand = issuer.issue(subject="d", email="pierre.durand@cci-gard.example")
    garcia = issuer.issue(subject="g", email="julien.garcia@bge-occitanie.example")
    async with serving(create_app(settings)) as gateway:
        full = await _sheet(gateway, durand)
        assert "errors" not in full
        company = full["data"]["company"]
        assert company["viewerAccess"] == "TIER2"
        assert company["referent"] == {"status": "ACCEPTED", "agent": {"name": "Pierre Durand"}}
        assert [t["year"] for t in company["turnover"]] == [2023, 2022, 2021]

        partial = await _sheet(gateway, garcia)
        company = partial["data"]["company"]
        assert company["viewerAccess"] == "TIER1"
        assert company["representatives"] == [{"email": "claire.leroy@leroy-sas.example"}]
        refused = {".".join(e["path"]) for e in partial["errors"]}
        assert refused == {f"company.{name}" for name in TIER2}
        assert {e["extensions"]["code"] for e in partial["errors"]} == {"FORBIDDEN"}


@pytest.mark.redis
async def test_two_instances_share_the_redis_cache_and_views_stay_per_viewer(
    database_url: str, sandbox_url: str, tmp_path: Path
) -> None:
    redis_url = os.environ.get(REDIS_ENV)
    if not redis_url:
        pytest.skip(f"{REDIS_ENV} is not set: the Redis run of the HTTP suite")
    cache = RawCache.from_url(redis_url)
    await cache.clear()  # what an earlier run left must not answer for the sources
    await cache.close()
    settings = _settings(database_url, sandbox_url, tmp_path, cache_url=redis_url)
    admin = dev_issuer(settings).issue(subject="v", email="helene.vidal@laregion.example")

    async with serving(create_app(settings)) as first:
        warmed = await _sheet(first, admin)  # the admin warms the cache with everything
        assert "errors" not in warmed
    calls_after_warmup = await _upstream_calls(sandbox_url)
    assert calls_after_warmup >= 5

    async with serving(create_app(settings)) as second:
        again = await _sheet(second, admin)
        assert again["data"] == warmed["data"]
        anonymous = await _sheet(second)
    assert await _upstream_calls(sandbox_url) == calls_after_warmup  # served from Redis

    company = anonymous["data"]["company"]
    assert company["name"] == "LEROY SAS"
    for name in ("representatives", "referent", *TIER2):
        assert company[name] is None
    text = str(anonymous)
    assert "claire.leroy@leroy-sas.example" not in text and "3412000" not in text
