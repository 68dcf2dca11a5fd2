"""The API Entreprise respx router and a connector wired to it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
import respx
from entreprise_wire import BASE_URL, RECIPIENT, TOKEN, FakeSleep

from connectors.cache import RawCache
from connectors.entreprise import EntrepriseConfig, EntrepriseConnector


@pytest.fixture
def router() -> respx.MockRouter:
    return respx.MockRouter(base_url=BASE_URL, assert_all_called=False, assert_all_mocked=True)


@pytest.fixture
def config() -> EntrepriseConfig:
    return EntrepriseConfig(
        base_url=BASE_URL,
        token=TOKEN,
        recipient=RECIPIENT,
        max_retries=2,
        breaker_threshold=3,
        breaker_reset_seconds=0.05,
        backoff_base=0.01,
        backoff_max=0.05,
    )


@pytest.fixture
def fake_sleep() -> FakeSleep:
    return FakeSleep()


@pytest.fixture
def cache() -> RawCache:
    return RawCache()


@pytest.fixture
async def connector(
    router: respx.MockRouter, config: EntrepriseConfig, cache: RawCache, fake_sleep: FakeSleep
) -> AsyncIterator[EntrepriseConnector]:
    client = httpx.AsyncClient(
        base_url=BASE_URL, transport=httpx.MockTransport(router.async_handler)
    )
    connector = EntrepriseConnector(client, config, cache, sleep=fake_sleep)
    yield connector
    await connector.aclose()
