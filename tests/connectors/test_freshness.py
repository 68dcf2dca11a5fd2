"""What a request read, and for how long it stays fresh: a fresh cached copy notes the seconds
it has left, anything else (a call, an expired copy) leaves the request unsettled; a cached
copy dropped before its time starts a new epoch."""

from __future__ import annotations

from typing import Any

from connectors.cache import RawCache
from connectors.freshness import cache_epoch, recording_freshness
from connectors.http import CachedFetch, count_call

PAYLOAD = {"data": {"name": "LEROY SAS"}}


class _Clock:
    def __init__(self) -> None:
        self.now = 1_750_000_000.0

    def __call__(self) -> float:
        return self.now


async def _fetch() -> dict[str, Any]:
    return PAYLOAD


async def test_a_fresh_copy_notes_the_seconds_it_has_left() -> None:
    clock = _Clock()
    reads = CachedFetch(RawCache(clock=clock), stale_ttl=60.0)
    await reads.read("k", _fetch, label="l", source="s", ttl=100.0)
    clock.now += 30
    with recording_freshness() as freshness:
        assert await reads.read("k", _fetch, label="l", source="s", ttl=100.0) == PAYLOAD

    assert freshness.settled
    assert freshness.fresh_for == 70.0


async def test_a_miss_an_expired_copy_or_a_call_leaves_the_request_unsettled() -> None:
    clock = _Clock()
    reads = CachedFetch(RawCache(clock=clock), stale_ttl=60.0)
    with recording_freshness() as missed:
        await reads.read("k", _fetch, label="l", source="s", ttl=100.0)
    clock.now += 101
    with recording_freshness() as expired:
        await reads.read_parsed("k", _fetch, dict, label="l", source="s", ttl=100.0)
    with recording_freshness() as called:
        count_call("entreprise")

    assert not missed.settled and not expired.settled and not called.settled


async def test_a_copy_dropped_before_its_time_starts_a_new_epoch() -> None:
    cache = RawCache()
    before = cache_epoch()
    await cache.delete("k")
    await cache.clear()

    assert cache_epoch() == before + 2
