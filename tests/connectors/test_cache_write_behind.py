"""``RawCache.set_behind``: a partner's payload is cached without the answer waiting for
Redis. The writes of a few milliseconds go in one round trip; until they are written, the
cache reads them back from its queue; a failed write is a miss later, never an error; a
delete is never overtaken by a write queued before it."""

from __future__ import annotations

import asyncio
import os
import uuid
from typing import Any

import pytest
import redis.asyncio as aioredis
from aiocache.serializers import JsonSerializer  # type: ignore[import-untyped]
from structlog.testing import capture_logs

from connectors.cache import WRITE_BEHIND_BATCH, RawCache
from connectors.http.cached import CachedFetch


class RecordingBackend:
    """A Redis stand-in that stores what it is given, serialised as aiocache's Redis
    backend stores it, and notes each call; ``hold`` keeps the writes from finishing."""

    def __init__(self) -> None:
        self.serializer = JsonSerializer()
        self.stored: dict[str, Any] = {}
        self.calls: list[tuple[str, Any]] = []
        self.hold: asyncio.Event | None = None
        self.failing = False

    async def get(self, key: str) -> Any:
        self.calls.append(("get", key))
        text = self.stored.get(key)
        return None if text is None else self.serializer.loads(text)

    async def multi_get(self, keys: list[str]) -> list[Any]:
        self.calls.append(("multi_get", tuple(keys)))
        return [None if key not in self.stored else self.serializer.loads(self.stored[key]) for key in keys]  # fmt: skip

    async def multi_set(self, pairs: list[tuple[str, Any]], ttl: float, dumps_fn: Any) -> None:
        self.calls.append(("multi_set", (tuple(key for key, _ in pairs), ttl)))
        if self.hold is not None:
            await self.hold.wait()
        if self.failing:
            raise ConnectionError("redis down")
        self.stored.update((key, dumps_fn(value)) for key, value in pairs)

    async def delete(self, key: str) -> None:
        self.calls.append(("delete", key))
        self.stored.pop(key, None)

    async def close(self) -> None:
        return None


def _writes(backend: RecordingBackend) -> list[Any]:
    return [arguments for name, arguments in backend.calls if name == "multi_set"]


async def test_writes_behind_are_read_back_at_once_and_go_together_in_one_round_trip() -> None:
    backend = RecordingBackend()
    cache = RawCache(backend)
    payload = {"data": {"siret": "84215637400014"}}

    cache.set_behind("a", payload, ttl=60, stale_ttl=600)
    cache.set_behind("b", {"v": 2}, ttl=60, stale_ttl=600)
    payload["data"]["siret"] = "changed by the caller afterwards"

    assert backend.calls == []  # nothing waited for Redis
    a, b = await cache.get_many(["a", "b"])
    assert a is not None and a.fresh and a.value == {"data": {"siret": "84215637400014"}}
    assert b is not None and b.value == {"v": 2}
    assert await cache.get("a") == a
    assert backend.calls == [("multi_get", ("a", "b"))]  # the queue answered, not Redis

    await cache.settled()
    assert _writes(backend) == [(("a", "b"), 660.0)]
    assert await cache.get("a") == a  # now from Redis, the same entry and stamp
    assert backend.calls[-1] == ("get", "a")


async def test_writes_behind_go_on_their_own_after_a_few_milliseconds() -> None:
    backend = RecordingBackend()
    cache = RawCache(backend)
    cache.set_behind("a", {"v": 1}, ttl=60, stale_ttl=0)
    async with asyncio.timeout(5):
        while not backend.stored:
            await asyncio.sleep(0.001)
    assert _writes(backend) == [(("a",), 60.0)]


async def test_a_full_batch_goes_at_once() -> None:
    backend = RecordingBackend()
    cache = RawCache(backend)
    for number in range(WRITE_BEHIND_BATCH):
        cache.set_behind(f"k{number}", {"v": number}, ttl=60, stale_ttl=0)
    await asyncio.sleep(0)  # the batch's task starts; no timer was waited for
    assert len(_writes(backend)) == 1
    await cache.settled()


async def test_a_write_behind_is_read_back_while_redis_fails_to_answer_reads() -> None:
    class Unreadable(RecordingBackend):
        async def get(self, key: str) -> Any:
            raise ConnectionError("redis down")

        async def multi_get(self, keys: list[str]) -> list[Any]:
            raise ConnectionError("redis down")

    backend = Unreadable()
    backend.hold = asyncio.Event()
    cache = RawCache(backend)
    cache.set_behind("a", {"v": 1}, ttl=60, stale_ttl=0)
    found = await cache.get_many(["a", "b"])
    assert [None if entry is None else entry.value for entry in found] == [{"v": 1}, None]
    backend.hold.set()
    await cache.settled()


async def test_a_write_behind_that_fails_is_logged_and_then_a_miss() -> None:
    backend = RecordingBackend()
    backend.failing = True
    cache = RawCache(backend)
    cache.set_behind("a", {"v": 1}, ttl=60, stale_ttl=0)
    with capture_logs() as logs:
        await cache.settled()
    assert {"event": "cache.backend_error", "operation": "set_many", "error": "ConnectionError", "log_level": "warning"} in logs  # fmt: skip
    assert await cache.get("a") is None


async def test_a_delete_is_not_overtaken_by_a_write_queued_before_it() -> None:
    backend = RecordingBackend()
    cache = RawCache(backend)
    cache.set_behind("a", {"v": 1}, ttl=60, stale_ttl=0)
    await cache.delete("a")
    assert [name for name, _ in backend.calls] == ["multi_set", "delete"]
    assert await cache.get("a") is None


async def test_closing_the_cache_writes_what_is_queued() -> None:
    backend = RecordingBackend()
    cache = RawCache(backend)
    cache.set_behind("a", {"v": 1}, ttl=60, stale_ttl=0)
    await cache.close()
    assert "a" in backend.stored


async def test_a_read_answers_without_waiting_for_its_write_and_the_next_read_calls_no_one() -> (
    None
):
    backend = RecordingBackend()
    backend.hold = asyncio.Event()  # Redis takes its time with the write
    cache = RawCache(backend)
    reader = CachedFetch(cache, stale_ttl=600)
    calls = 0

    async def fetch() -> dict[str, Any]:
        nonlocal calls
        calls += 1
        return {"siret": "84215637400014"}

    async with asyncio.timeout(5):
        first = await reader.read("k", fetch, label="etablissement", source="insee", ttl=60)
        again = await reader.read("k", fetch, label="etablissement", source="insee", ttl=60)
    assert first == again == {"siret": "84215637400014"}
    assert calls == 1
    backend.hold.set()
    await cache.settled()
    assert "k" in backend.stored


@pytest.mark.redis
@pytest.mark.skipif(
    not os.environ.get("TEST_REDIS_URL"), reason="set TEST_REDIS_URL to run against a real Redis"
)
async def test_a_write_behind_reaches_redis_with_its_time_to_live() -> None:
    namespace = f"test-rawcache-{uuid.uuid4().hex}"
    writer = RawCache.from_url(os.environ["TEST_REDIS_URL"], namespace=namespace)
    other = RawCache.from_url(os.environ["TEST_REDIS_URL"], namespace=namespace)
    client = aioredis.Redis.from_url(os.environ["TEST_REDIS_URL"])
    try:
        writer.set_behind("k", {"data": {"siret": "84215637400014"}}, ttl=60, stale_ttl=60)
        writer.set_behind("short", {"v": 1}, ttl=1, stale_ttl=2)
        await writer.settled()
        entry = await other.get("k")  # another instance reads it from Redis
        assert entry is not None and entry.fresh
        assert entry.value == {"data": {"siret": "84215637400014"}}
        assert entry == await writer.get("k")
        assert 60_000 < await client.pttl(f"{namespace}:k") <= 120_000
        assert 0 < await client.pttl(f"{namespace}:short") <= 3_000
    finally:
        await writer.clear()
        await writer.close()
        await other.close()
        await client.aclose()
