"""Concurrent submitApplication calls with one key: one submission, one dossier on the
platform, the same application for every caller — on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest
from starlette.applications import Starlette

from sandbox.platforms.config import PlatformConfig
from tests.conftest import CountingTransport
from tests.databases import seeded_database
from tests.platforms import COLLABORATOR, LEROY, MEMBER, mesaides_app, store_of, submit

if TYPE_CHECKING:
    from tests.conftest import Run

CALLS = 6


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    async with seeded_database(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def platform_app(platforms_config: PlatformConfig) -> Starlette:
    return mesaides_app(platforms_config)


@pytest.fixture
def mesaides_upstream(platform_app: Starlette) -> CountingTransport:
    return CountingTransport(httpx.ASGITransport(app=platform_app))


async def test_concurrent_calls_with_one_key_make_one_dossier(
    run: Run, platform_app: Starlette, mesaides_upstream: CountingTransport
) -> None:
    results = await asyncio.gather(
        *(submit(run, key="together", as_=(MEMBER, COLLABORATOR)[n % 2]) for n in range(CALLS))
    )

    assert [r.errors for r in results] == [None] * CALLS
    assert len({r.data["submitApplication"]["id"] for r in results}) == 1
    filed = [a for a in (await store_of(platform_app)).of_siret(LEROY) if a.idempotency_key]
    assert len(filed) == 1
    posts = [r for r in mesaides_upstream.requests if r.method == "POST"]
    assert len(posts) == 1  # one caller filed; the others read its row
