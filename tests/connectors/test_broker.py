"""Live delivery: in process, and across two "gateway instances" (two brokers) on one real
PostgreSQL (LISTEN/NOTIFY) or Redis (pub/sub) server."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from connectors.broker import (
    POSTGRES_PAYLOAD_LIMIT,
    Broker,
    BrokerUnavailable,
    InProcessBroker,
    PostgresBroker,
    RedisBroker,
    broker_from_url,
)

POSTGRES_ENV, REDIS_ENV = "TEST_DATABASE_URL", "TEST_REDIS_URL"


def _postgres_dsn() -> str:
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.skip(f"PostgreSQL broker skipped: set {POSTGRES_ENV}, e.g. "
                    "postgresql+asyncpg://postgres@127.0.0.1:5432/test")  # fmt: skip
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _redis_url() -> str:
    url = os.environ.get(REDIS_ENV)
    if not url:
        pytest.skip(f"Redis broker skipped: set {REDIS_ENV}, e.g. redis://127.0.0.1:6379/0")
    return url


Factory = Callable[[], Broker]


@pytest.fixture(params=[
    pytest.param("postgresql", marks=pytest.mark.postgres),
    pytest.param("redis", marks=pytest.mark.redis),
])  # fmt: skip
def shared_broker(request: pytest.FixtureRequest) -> Factory:
    """Makes brokers on one server, each as a separate gateway instance would."""
    if request.param == "postgresql":
        dsn = _postgres_dsn()
        channel = f"hub_notifications_test_{os.getpid()}"
        return lambda: PostgresBroker(dsn, channel=channel)
    url = _redis_url()
    channel = f"hub:notifications:test:{os.getpid()}"
    return lambda: RedisBroker(url, channel=channel)


@pytest.fixture
async def two_instances(shared_broker: Factory) -> AsyncIterator[tuple[Any, Any]]:
    first, second = shared_broker(), shared_broker()
    try:
        yield first, second
    finally:
        await first.aclose()
        await second.aclose()


async def _next(messages: AsyncIterator[dict[str, Any]]) -> dict[str, Any]:
    return await asyncio.wait_for(anext(messages), 5)


async def test_in_process_delivers_to_the_account_subscribers_only() -> None:
    broker = InProcessBroker()
    async with broker.subscribe("claire") as claire, broker.subscribe("durand") as durand:
        await broker.publish("claire", {"id": "n1"})
        assert await _next(claire) == {"id": "n1"}
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(anext(durand), 0.05)
    assert broker.local_subscribers("claire") == 0
    await broker.aclose()


async def test_in_process_slow_subscriber_loses_the_oldest() -> None:
    broker = InProcessBroker(maxsize=2)
    async with broker.subscribe("claire") as claire:
        for n in range(3):
            await broker.publish("claire", {"n": n})
        assert [(await _next(claire))["n"] for _ in range(2)] == [1, 2]
    await broker.aclose()


async def test_a_message_published_on_one_instance_reaches_the_other(
    two_instances: tuple[Any, Any],
) -> None:
    publisher, listener = two_instances
    message = {"id": "n1", "accountId": "claire", "kind": "REFERENT_CHOSEN",
               "payload": {"siret": "44306184100047", "name": "Élodie"},
               "createdAt": "2025-01-06T09:00:00+00:00"}  # fmt: skip
    async with listener.subscribe("claire") as claire, listener.subscribe("durand") as durand:
        await publisher.publish("claire", message)
        assert await _next(claire) == message
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(anext(durand), 0.2)


async def test_every_local_subscriber_of_the_account_gets_it(
    two_instances: tuple[Any, Any],
) -> None:
    publisher, listener = two_instances
    async with listener.subscribe("claire") as tab1, listener.subscribe("claire") as tab2:
        assert listener.local_subscribers("claire") == 2
        await publisher.publish("claire", {"id": "n1"})
        assert await _next(tab1) == await _next(tab2) == {"id": "n1"}
    assert listener.local_subscribers("claire") == 0


async def test_unsubscribing_cleans_up_and_a_new_subscription_gets_new_messages(
    two_instances: tuple[Any, Any],
) -> None:
    publisher, listener = two_instances
    async with listener.subscribe("claire") as claire:
        await publisher.publish("claire", {"id": "n1"})
        assert (await _next(claire))["id"] == "n1"
    assert listener.local_subscribers("claire") == 0
    async with listener.subscribe("claire") as claire:
        await publisher.publish("claire", {"id": "n2"})
        assert (await _next(claire))["id"] == "n2"
    assert listener.local_subscribers("claire") == 0


@pytest.mark.postgres
async def test_postgres_sends_a_stub_when_the_message_is_too_large() -> None:
    dsn = _postgres_dsn()
    publisher, listener = PostgresBroker(dsn), PostgresBroker(dsn)
    message = {"id": "n1", "accountId": "claire", "kind": "BIG", "createdAt": "2025-01-06",
               "payload": {"text": "é" * POSTGRES_PAYLOAD_LIMIT}}  # fmt: skip
    try:
        async with listener.subscribe("claire") as claire:
            await publisher.publish("claire", message)
            assert await _next(claire) == {
                "id": "n1",
                "accountId": "claire",
                "kind": "BIG",
                "createdAt": "2025-01-06",
            }
    finally:
        await publisher.aclose()
        await listener.aclose()


async def test_closing_ends_live_subscriptions(two_instances: tuple[Any, Any]) -> None:
    _, listener = two_instances
    async with listener.subscribe("claire") as claire:
        await listener.aclose()
        with pytest.raises(BrokerUnavailable):
            await _next(claire)
    with pytest.raises(BrokerUnavailable):
        async with listener.subscribe("claire"):
            pass


@pytest.mark.postgres
async def test_postgres_listener_lost_ends_subscriptions_and_the_next_reconnects() -> None:
    dsn = _postgres_dsn()
    publisher, listener = PostgresBroker(dsn), PostgresBroker(dsn)
    try:
        async with listener.subscribe("claire") as claire:
            await listener._listener.close()  # the server or network drops it
            with pytest.raises(BrokerUnavailable):
                await _next(claire)
        async with listener.subscribe("claire") as claire:
            await publisher.publish("claire", {"id": "n2"})
            assert (await _next(claire))["id"] == "n2"
    finally:
        await publisher.aclose()
        await listener.aclose()


@pytest.mark.parametrize(("url", "kind"), [
    (None, InProcessBroker),
    ("postgresql+asyncpg://postgres@127.0.0.1:5432/hub", PostgresBroker),
    ("postgres://postgres@127.0.0.1/hub", PostgresBroker),
    ("redis://127.0.0.1:6379/0", RedisBroker),
])  # fmt: skip
async def test_broker_from_url_picks_the_backend(url: str | None, kind: type) -> None:
    broker = broker_from_url(url)  # connects lazily: nothing is reached here
    assert isinstance(broker, kind)
    await broker.aclose()


def test_broker_from_url_drops_the_sqlalchemy_driver() -> None:
    broker = broker_from_url("postgresql+asyncpg://postgres@127.0.0.1:5432/hub")
    assert isinstance(broker, PostgresBroker)
    assert broker._dsn == "postgresql://postgres@127.0.0.1:5432/hub"


@pytest.mark.parametrize("url", ["sqlite+aiosqlite:///hub.db", "amqp://x", "nonsense"])
def test_broker_from_url_refuses_what_it_cannot_speak(url: str) -> None:
    with pytest.raises(ValueError, match="broker"):
        broker_from_url(url)
