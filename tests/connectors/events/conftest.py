"""The OpenAgenda respx router and an events connector wired to it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
import respx
from openagenda_wire import AGENDA, BASE_URL, KEY, NOW

from connectors.cache import RawCache
from connectors.events import EventsConfig, EventsConnector
from connectors.http import Resilience, Sleep


@pytest.fixture
def router() -> respx.MockRouter:
    return respx.MockRouter(base_url=BASE_URL, assert_all_called=False, assert_all_mocked=True)


@pytest.fixture
async def connector(
    router: respx.MockRouter, cache: RawCache, no_sleep: Sleep
) -> AsyncIterator[EventsConnector]:
    config = EventsConfig(
        base_url=BASE_URL, agenda_uid=AGENDA, key=KEY, ttl=60.0, page_size=2,
        resilience=Resilience(timeout=2.0, max_retries=1, breaker_threshold=50,
                              backoff_base=0.01, backoff_max=0.02),
    )  # fmt: skip
    client = httpx.AsyncClient(
        base_url=BASE_URL, transport=httpx.MockTransport(router.async_handler)
    )
    connector = EventsConnector(config, cache, client=client, sleep=no_sleep, now=lambda: NOW)
    yield connector
    await connector.aclose()
