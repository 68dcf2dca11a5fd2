from __future__ import annotations

import asyncio
import os
import uuid

import pytest

from connectors.cache import CacheEntry, RawCache

_GUARD_S = 30  # a bound on the test itself, not an assertion on timing


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


class BrokenBackend:
    async def get(self, key: str) -> object:
        raise ConnectionError("redis down")

    async def set(self, key: str, value: object, ttl: float | None = None) -> None:
        raise ConnectionError("redis down")

    async def delete(self, key: str) -> None:
        raise ConnectionError("redis down")

    async def clear(self, namespace: str | None = None) -> None:
        raise ConnectionError("redis down")

    async def close(self) -> None:
        raise ConnectionError("redis down")


async def test_miss_returns_none() -> None:
    assert await RawCache().get("absent") is None


async def test_entry_is_fresh_within_its_ttl() -> None:
    clock = FakeClock()
    cache = RawCache(clock=clock)
    await cache.set("k", {"data": {"siret": "1"}}, ttl=60, stale_ttl=600)
    clock.now += 59
    entry = await cache.get("k")
    assert entry is not None and (entry.value, entry.fresh) == ({"data": {"siret": "1"}}, True)


async def test_entry_turns_stale_after_its_ttl_but_is_still_returned() -> None:
    clock = FakeClock()
    cache = RawCache(clock=clock)
    await cache.set("k", {"v": 1}, ttl=60, stale_ttl=600)
    clock.now += 61
    entry = await cache.get("k")
    assert entry is not None and (entry.value, entry.fresh) == ({"v": 1}, False)


async def test_every_write_has_its_own_stamp_even_at_the_same_instant() -> None:
    cache = RawCache(clock=FakeClock())
    stamps = []
    for value in ({"v": 1}, {"v": 1}, {"v": 2}):
        await cache.set("k", value, ttl=60, stale_ttl=0)
        entry = await cache.get("k")
        assert entry is not None and entry.stamp is not None
        stamps.append(entry.stamp)
        assert await cache.get("k") == entry  # reading does not change it
    assert len(set(stamps)) == 3


async def test_stored_value_is_a_copy_not_the_callers_object() -> None:
    cache = RawCache()
    payload = {"data": {"name": "LEROY SAS"}}
    await cache.set("k", payload, ttl=60, stale_ttl=60)
    payload["data"]["name"] = "changed"
    entry = await cache.get("k")
    assert entry is not None and entry.value == {"data": {"name": "LEROY SAS"}}


async def test_backend_ttl_covers_fresh_and_stale_windows() -> None:
    recorded: dict[str, float | None] = {}

    class RecordingBackend(BrokenBackend):
        async def set(self, key: str, value: object, ttl: float | None = None) -> None:
            recorded[key] = ttl

    await RawCache(RecordingBackend()).set("k", {}, ttl=30, stale_ttl=90)
    assert recorded == {"k": 120.0}


async def test_backend_failure_is_a_miss_and_never_raises() -> None:
    cache = RawCache(BrokenBackend())
    await cache.set("k", {"v": 1}, ttl=60, stale_ttl=60)
    assert await cache.get("k") is None
    await cache.delete("k")
    await cache.clear()
    await cache.close()


async def test_in_memory_an_entry_is_gone_once_its_fresh_and_stale_windows_are_over() -> None:
    clock = FakeClock()
    cache = RawCache(clock=clock)
    await cache.set("k", {"v": 1}, ttl=30, stale_ttl=90)

    clock.now += 119
    entry = await cache.get("k")
    assert entry is not None and not entry.fresh
    clock.now += 2
    assert await cache.get("k") is None
    assert await cache.get_many(["k"]) == [None]


async def test_in_memory_past_its_size_the_least_recently_read_entry_is_dropped() -> None:
    cache = RawCache(clock=FakeClock(), memory_entries=2)
    await cache.set("a", {"v": 1}, ttl=60, stale_ttl=60)
    await cache.set("b", {"v": 2}, ttl=60, stale_ttl=60)
    assert await cache.get("a") is not None  # "b" is now the least recently used

    await cache.set("c", {"v": 3}, ttl=60, stale_ttl=60)

    assert [entry and entry.value for entry in await cache.get_many(["a", "b", "c"])] == [
        {"v": 1},
        None,
        {"v": 3},
    ]


async def test_in_memory_delete_and_clear_drop_entries() -> None:
    cache = RawCache(clock=FakeClock())
    for key in ("a", "b", "c"):
        await cache.set(key, {"v": key}, ttl=60, stale_ttl=60)

    await cache.delete("a")
    assert await cache.get("a") is None and await cache.get("b") is not None
    await cache.clear()
    assert await cache.get_many(["b", "c"]) == [None, None]
    await cache.close()


async def test_from_url_without_url_is_in_memory() -> None:
    cache = RawCache.from_url(None)
    await cache.set("k", {"v": 1}, ttl=60, stale_ttl=0)
    entry = await cache.get("k")
    assert entry is not None and entry.fresh


async def test_unreachable_redis_behaves_as_a_miss() -> None:
    cache = RawCache.from_url("redis://127.0.0.1:1/0")
    await cache.set("k", {"v": 1}, ttl=60, stale_ttl=60)
    assert await cache.get("k") is None
    await cache.close()


async def test_a_redis_that_never_answers_is_a_miss_once_the_bound_passed() -> None:
    """A server that accepts the connection and never answers (a hung Redis): each operation
    ends at the cache's bound, as a miss, and a write never raises."""
    connections: list[asyncio.StreamWriter] = []

    async def silent(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append(writer)  # held open, never written to

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    cache = RawCache.from_url(f"redis://127.0.0.1:{port}/0", timeout=0.2)
    try:
        async with asyncio.timeout(_GUARD_S):
            assert await cache.get("k") is None
            assert await cache.get_many(["k", "l"]) == [None, None]
            await cache.set("k", {"v": 1}, ttl=60, stale_ttl=60)
        assert connections  # the operations did reach the server
    finally:
        await cache.close()
        for writer in connections:
            writer.close()
        server.close()
        await server.wait_closed()


@pytest.mark.redis
@pytest.mark.skipif(
    not os.environ.get("TEST_REDIS_URL"), reason="set TEST_REDIS_URL to run against a real Redis"
)
async def test_round_trip_through_redis() -> None:
    cache = RawCache.from_url(
        os.environ["TEST_REDIS_URL"], namespace=f"test-rawcache-{uuid.uuid4().hex}"
    )
    try:
        await cache.set("k", {"data": {"siret": "84215637400014"}}, ttl=60, stale_ttl=60)
        entry = await cache.get("k")
        assert entry is not None and entry.stamp is not None
        assert entry == CacheEntry({"data": {"siret": "84215637400014"}}, True, entry.stamp)
        assert await cache.get("k") == entry  # the stamp travels with the payload
        assert await cache.get_many(["k", "absent"]) == [entry, None]  # one MGET
        await cache.set("short", {"v": 1}, ttl=0.0, stale_ttl=60)
        stale = await cache.get("short")
        assert stale is not None and stale.fresh is False
    finally:
        await cache.clear()
        await cache.close()


async def test_many_keys_are_read_at_once_each_as_get_reads_it() -> None:
    clock = FakeClock()
    cache = RawCache(clock=clock)
    await cache.set("fresh", {"v": 1}, ttl=60, stale_ttl=60)
    await cache.set("stale", {"v": 2}, ttl=1, stale_ttl=60)
    clock.now += 30

    found = await cache.get_many(["fresh", "missing", "stale"])

    assert found == [await cache.get("fresh"), None, await cache.get("stale")]
    assert [entry.fresh for entry in found if entry is not None] == [True, False]
    assert await cache.get_many([]) == []


async def test_a_backend_failure_reading_many_keys_is_a_miss_for_each() -> None:
    class BrokenMany(BrokenBackend):
        async def multi_get(self, keys: list[str]) -> list[object]:
            raise ConnectionError("redis down")

    assert await RawCache(BrokenMany()).get_many(["a", "b"]) == [None, None]
