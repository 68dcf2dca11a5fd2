"""A partner behind a respx router, and the shared caller wired to it with a fake sleep."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
import respx

from connectors.http import Resilience, ResilientCaller

BASE = "https://partner.test"


class FakeSleep:
    """Records the waits the caller asks for and returns at once."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


@pytest.fixture
def router() -> respx.MockRouter:
    return respx.MockRouter(base_url=BASE, assert_all_called=False, assert_all_mocked=True)


@pytest.fixture
def fake_sleep() -> FakeSleep:
    return FakeSleep()


MakeCaller = Callable[..., ResilientCaller]


@pytest.fixture
async def make_caller(router: respx.MockRouter, fake_sleep: FakeSleep) -> AsyncIterator[MakeCaller]:
    """``make_caller(**resilience, **caller_options)``: a caller for source ``"partner"``."""
    clients: list[httpx.AsyncClient] = []

    def make(resilience: Resilience | None = None, **options: Any) -> ResilientCaller:
        transport = httpx.MockTransport(router.async_handler)
        client = httpx.AsyncClient(base_url=BASE, transport=transport)
        clients.append(client)
        options.setdefault("sleep", fake_sleep)
        return ResilientCaller(
            client,
            "partner",
            resilience or Resilience(timeout=5.0, max_retries=2, backoff_base=0.1, backoff_max=1.0),
            **options,
        )

    yield make
    for client in clients:
        await client.aclose()
