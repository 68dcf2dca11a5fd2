"""The DEL respx router and a connector wired to it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
import respx
from del_wire import BASE_URL, TOKEN, FakeSleep

from connectors.cache import RawCache
from connectors.del_ import DelConfig, DelConnector
from connectors.http import Resilience


@pytest.fixture
def router() -> respx.MockRouter:
    return respx.MockRouter(base_url=BASE_URL, assert_all_called=False, assert_all_mocked=True)


@pytest.fixture
def fake_sleep() -> FakeSleep:
    return FakeSleep()


@pytest.fixture
async def connector(router: respx.MockRouter, fake_sleep: FakeSleep) -> AsyncIterator[DelConnector]:
    config = DelConfig(
        base_url=BASE_URL, token=TOKEN, page_size=2,
        resilience=Resilience(timeout=2.0, max_retries=2, breaker_threshold=50,
                              backoff_base=0.01, backoff_max=0.02),
    )  # fmt: skip
    client = httpx.AsyncClient(
        base_url=BASE_URL, transport=httpx.MockTransport(router.async_handler)
    )
    connector = DelConnector(config, RawCache(), client=client, sleep=fake_sleep)
    yield connector
    await connector.aclose()
