"""The Mes aides en ligne respx router and a connector wired to it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
import respx
from mesaides_wire import BASE_URL, TOKEN, FakeSleep

from connectors.cache import RawCache
from connectors.http import Resilience
from connectors.mesaides import MesAidesConfig, MesAidesConnector


@pytest.fixture
def router() -> respx.MockRouter:
    return respx.MockRouter(base_url=BASE_URL, assert_all_called=False, assert_all_mocked=True)


@pytest.fixture
def fake_sleep() -> FakeSleep:
    return FakeSleep()


@pytest.fixture
def cache() -> RawCache:
    return RawCache()


@pytest.fixture
async def connector(
    router: respx.MockRouter, cache: RawCache, fake_sleep: FakeSleep
) -> AsyncIterator[MesAidesConnector]:
    config = MesAidesConfig(
        base_url=BASE_URL, token=TOKEN, ttl=60.0,
        resilience=Resilience(timeout=2.0, max_retries=2, breaker_threshold=50,
                              backoff_base=0.01, backoff_max=0.02),
    )  # fmt: skip
    client = httpx.AsyncClient(
        base_url=BASE_URL, transport=httpx.MockTransport(router.async_handler)
    )
    connector = MesAidesConnector(config, cache, client=client, sleep=fake_sleep)
    yield connector
    await connector.aclose()
