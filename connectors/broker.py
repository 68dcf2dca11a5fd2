"""Live delivery of notifications to subscribers (the GraphQL subscription).

In process by default: one gateway instance. Across instances, PostgreSQL LISTEN/NOTIFY
(``PostgresBroker``) or Redis pub/sub (``RedisBroker``) carry every message on one channel;
each process keeps one listening connection and fans messages out to its own subscribers.

Delivery is best effort, at most once: a subscriber that was not listening, or whose
listening connection dropped, misses messages and re-reads the stored list. When the
listening connection is lost, every local subscription ends with ``BrokerUnavailable`` (the
client subscribes again; the next subscription reconnects)."""

from __future__ import annotations

import asyncio
import json
import logging
from collections import defaultdict
from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, suppress
from typing import Any, Protocol

import asyncpg  # type: ignore[import-untyped]
import redis.asyncio as aioredis
from redis.asyncio.client import PubSub

__all__ = [
    "CHANNEL",
    "Broker",
    "BrokerUnavailable",
    "InProcessBroker",
    "PostgresBroker",
    "RedisBroker",
    "broker_from_url",
]

CHANNEL = "hub_notifications"
POSTGRES_PAYLOAD_LIMIT = 8000
"""PostgreSQL refuses a NOTIFY payload of 8000 bytes or more (default build)."""
STUB_KEYS = ("id", "accountId", "kind", "createdAt")
"""What a message too large for NOTIFY is cut down to; the subscriber reads the rest."""

_log = logging.getLogger("connectors.broker")


class BrokerUnavailable(Exception):
    """The connection that carried messages to this process is lost."""


class Broker(Protocol):
    async def publish(self, account_id: str, message: dict[str, Any]) -> None: ...

    def subscribe(
        self, account_id: str
    ) -> AbstractAsyncContextManager[AsyncIterator[dict[str, Any]]]:
        """An async context manager yielding an async iterator of the account's messages."""
        ...

    async def aclose(self) -> None: ...


class _Closed:
    """Put in a subscriber's queue: its stream ends with ``error``."""

    def __init__(self, error: BrokerUnavailable) -> None:
        self.error = error


_Item = dict[str, Any] | _Closed


class _FanOut:
    """This process's subscribers: one queue each. A slow subscriber loses nothing up to
    ``maxsize`` messages, then the oldest are dropped (it can re-read the list)."""

    def __init__(self, maxsize: int) -> None:
        self._queues: defaultdict[str, set[asyncio.Queue[_Item]]] = defaultdict(set)
        self._maxsize = maxsize

    def count(self, account_id: str) -> int:
        return len(self._queues.get(account_id, ()))

    def deliver(self, account_id: str, message: dict[str, Any]) -> None:
        for queue in list(self._queues.get(account_id, ())):
            _put(queue, message)

    def fail_all(self, error: BrokerUnavailable) -> None:
        for queues in self._queues.values():
            for queue in queues:
                _put(queue, _Closed(error))

    @asynccontextmanager
    async def subscription(self, account_id: str) -> AsyncIterator[AsyncIterator[dict[str, Any]]]:
        queue: asyncio.Queue[_Item] = asyncio.Queue(self._maxsize)
        self._queues[account_id].add(queue)
        messages = _drain(queue)
        try:
            yield messages
        finally:
            await messages.aclose()
            self._queues[account_id].discard(queue)
            if not self._queues[account_id]:
                del self._queues[account_id]

    def clear(self) -> None:
        self._queues.clear()


def _put(queue: asyncio.Queue[_Item], item: _Item) -> None:
    if queue.full():
        queue.get_nowait()
    queue.put_nowait(item)


async def _drain(queue: asyncio.Queue[_Item]) -> AsyncGenerator[dict[str, Any], None]:
    while True:
        item = await queue.get()
        if isinstance(item, _Closed):
            raise item.error
        yield item


def _encode(account_id: str, message: dict[str, Any]) -> str:
    return json.dumps({"account": account_id, "message": message}, separators=(",", ":"))


def _decode(raw: str | bytes) -> tuple[str, dict[str, Any]] | None:
    try:
        envelope = json.loads(raw)
        account_id, message = envelope["account"], envelope["message"]
    except (ValueError, TypeError, KeyError):
        return None
    if not isinstance(account_id, str) or not isinstance(message, dict):
        return None
    return account_id, message


class InProcessBroker:
    """One gateway instance: publishing hands the message to this process's subscribers."""

    def __init__(self, maxsize: int = 100) -> None:
        self._local = _FanOut(maxsize)

    async def publish(self, account_id: str, message: dict[str, Any]) -> None:
        self._local.deliver(account_id, message)

    def local_subscribers(self, account_id: str) -> int:
        """How many subscriptions of this process listen for the account."""
        return self._local.count(account_id)

    def subscribe(
        self, account_id: str
    ) -> AbstractAsyncContextManager[AsyncIterator[dict[str, Any]]]:
        return self._local.subscription(account_id)

    async def aclose(self) -> None:
        self._local.clear()


class _SharedChannel:
    """What the PostgreSQL and Redis brokers share: one connection listening on a channel
    per process (opened by ``_listen``), fanned out to this process's subscribers."""

    _local: _FanOut

    async def _listen(self) -> None:
        raise NotImplementedError

    def local_subscribers(self, account_id: str) -> int:
        """How many subscriptions of this process listen for the account."""
        return self._local.count(account_id)

    def subscribe(
        self, account_id: str
    ) -> AbstractAsyncContextManager[AsyncIterator[dict[str, Any]]]:
        return self._subscription(account_id)

    @asynccontextmanager
    async def _subscription(self, account_id: str) -> AsyncIterator[AsyncIterator[dict[str, Any]]]:
        await self._listen()
        async with self._local.subscription(account_id) as messages:
            yield messages


class PostgresBroker(_SharedChannel):
    """PostgreSQL LISTEN/NOTIFY on ``CHANNEL``: one listening connection per process,
    opened by the first subscription; publishing borrows from a small pool.

    A message whose NOTIFY payload would reach ``POSTGRES_PAYLOAD_LIMIT`` bytes travels as
    a stub (``STUB_KEYS``, no ``payload``): the subscriber reads the stored notification."""

    def __init__(self, dsn: str, *, channel: str = CHANNEL, maxsize: int = 100) -> None:
        self._dsn = dsn
        self._channel = channel
        self._local = _FanOut(maxsize)
        self._listener: asyncpg.Connection | None = None
        self._pool: asyncpg.Pool | None = None
        self._lock = asyncio.Lock()
        self._closed = False

    async def publish(self, account_id: str, message: dict[str, Any]) -> None:
        payload = _encode(account_id, message)
        if len(payload.encode()) >= POSTGRES_PAYLOAD_LIMIT:
            payload = _encode(account_id, {k: message[k] for k in STUB_KEYS if k in message})
        pool = await self._publisher()
        await pool.execute("SELECT pg_notify($1, $2)", self._channel, payload)

    async def aclose(self) -> None:
        async with self._lock:
            self._closed = True
            listener, self._listener = self._listener, None
            pool, self._pool = self._pool, None
        self._local.fail_all(BrokerUnavailable("the broker is closed"))
        if listener is not None:
            listener.remove_termination_listener(self._on_lost)
            await listener.close()
        if pool is not None:
            await pool.close()

    async def _publisher(self) -> asyncpg.Pool:
        async with self._lock:
            if self._closed:
                raise BrokerUnavailable("the broker is closed")
            if self._pool is None:
                self._pool = await asyncpg.create_pool(self._dsn, min_size=0, max_size=2)
            return self._pool

    async def _listen(self) -> None:
        """Opens the listening connection unless it is open; LISTEN has taken effect when
        this returns, so a message published afterwards reaches the new subscriber."""
        async with self._lock:
            if self._closed:
                raise BrokerUnavailable("the broker is closed")
            if self._listener is not None and not self._listener.is_closed():
                return
            connection = await asyncpg.connect(self._dsn)
            try:
                await connection.add_listener(self._channel, self._on_notification)
            except BaseException:
                await connection.close()
                raise
            connection.add_termination_listener(self._on_lost)
            self._listener = connection

    def _on_notification(self, connection: object, pid: int, channel: str, payload: str) -> None:
        decoded = _decode(payload)
        if decoded is None:
            _log.warning("broker_message_dropped: not a hub notification envelope")
            return
        self._local.deliver(*decoded)

    def _on_lost(self, connection: object) -> None:
        if connection is self._listener:
            self._listener = None
            _log.warning("broker_listener_lost: live subscriptions end, clients resubscribe")
            self._local.fail_all(BrokerUnavailable("the listening connection was lost"))


class RedisBroker(_SharedChannel):
    """Redis pub/sub on ``CHANNEL``: one subscribed connection per process, read by one
    task, opened by the first subscription; redis-py reconnects and resubscribes it."""

    def __init__(self, url: str, *, channel: str = CHANNEL, maxsize: int = 100) -> None:
        self._client = aioredis.Redis.from_url(url)
        self._channel = channel
        self._local = _FanOut(maxsize)
        self._pubsub: PubSub | None = None
        self._reader: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()
        self._closed = False

    async def publish(self, account_id: str, message: dict[str, Any]) -> None:
        if self._closed:
            raise BrokerUnavailable("the broker is closed")
        await self._client.publish(self._channel, _encode(account_id, message))

    async def aclose(self) -> None:
        async with self._lock:
            self._closed = True
            reader, self._reader = self._reader, None
            pubsub, self._pubsub = self._pubsub, None
        self._local.fail_all(BrokerUnavailable("the broker is closed"))
        if reader is not None:
            reader.cancel()
            with suppress(asyncio.CancelledError):
                await reader
        if pubsub is not None:
            await pubsub.aclose()  # type: ignore[no-untyped-call]
        await self._client.aclose()

    async def _listen(self) -> None:
        """Subscribes unless subscribed; the server confirmed SUBSCRIBE when this returns."""
        async with self._lock:
            if self._closed:
                raise BrokerUnavailable("the broker is closed")
            if self._reader is not None and not self._reader.done():
                return
            if self._pubsub is not None:
                await self._pubsub.aclose()  # type: ignore[no-untyped-call]
            pubsub = self._client.pubsub()
            try:
                await pubsub.subscribe(self._channel)
                while (await pubsub.get_message(timeout=5.0)) is None:
                    pass  # the first message is the confirmation of SUBSCRIBE
            except BaseException:
                await pubsub.aclose()  # type: ignore[no-untyped-call]
                raise
            self._pubsub = pubsub
            self._reader = asyncio.create_task(self._read(pubsub), name="redis-broker-reader")

    async def _read(self, pubsub: PubSub) -> None:
        try:
            async for message in pubsub.listen():
                if message.get("type") != "message":
                    continue
                decoded = _decode(message["data"])
                if decoded is None:
                    _log.warning("broker_message_dropped: not a hub notification envelope")
                    continue
                self._local.deliver(*decoded)
        except asyncio.CancelledError:
            raise
        except Exception as error:  # noqa: BLE001 - any failure ends the live streams
            _log.warning("broker_listener_lost: %s", error)
            self._local.fail_all(BrokerUnavailable("the Redis subscription was lost"))


def broker_from_url(url: str | None) -> Broker:
    """None: in process (one instance). ``postgresql://…`` (``+asyncpg`` accepted) or
    ``postgres://…``: LISTEN/NOTIFY. ``redis://…`` / ``rediss://…``: pub/sub."""
    if url is None or not url.strip():
        return InProcessBroker()
    scheme, separator, rest = url.strip().partition("://")
    if not separator:
        raise ValueError(f"Not a broker URL: {url!r} (postgresql://… or redis://…).")
    driver = scheme.lower().split("+", 1)[0]
    if driver in ("postgresql", "postgres"):
        return PostgresBroker(f"postgresql://{rest}")
    if driver in ("redis", "rediss"):
        return RedisBroker(url.strip())
    raise ValueError(f"No broker speaks {scheme!r}: use postgresql://… or redis://….")
