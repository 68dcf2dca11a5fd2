"""The one cached read: fresh hits without a call, one call for concurrent misses,
stale-if-error, the remembered not-found, and the outcome each reader is told."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from structlog.testing import capture_logs

from connectors.cache import RawCache
from connectors.errors import (
    ConnectorError,
    NotFound,
    RateLimited,
    UpstreamRefused,
    UpstreamUnavailable,
)
from connectors.http import CachedFetch, LogNames

PAYLOAD = {"data": {"name": "LEROY SAS"}}
TTL = 3600.0


class Clock:
    def __init__(self) -> None:
        self.now = 1_750_000_000.0

    def __call__(self) -> float:
        return self.now


class Partner:
    """A fetch that counts its calls and answers (or raises) what it is told."""

    def __init__(self, *answers: dict[str, Any] | ConnectorError) -> None:
        self.answers = list(answers)
        self.calls = 0
        self.release: asyncio.Event | None = None

    async def __call__(self) -> dict[str, Any]:
        self.calls += 1
        if self.release is not None:
            await self.release.wait()
        answer = self.answers[min(self.calls, len(self.answers)) - 1]
        if isinstance(answer, ConnectorError):
            raise answer
        return answer


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def reads(clock: Clock) -> CachedFetch:
    return CachedFetch(RawCache(clock=clock), stale_ttl=7 * 86_400, not_found_ttl=600.0,
                       logs=LogNames(prefix="acme", label="endpoint"))  # fmt: skip


async def read(reads: CachedFetch, fetch: Partner, seen: list[str] | None = None) -> dict[str, Any]:
    return await reads.read("acme:company:1", fetch, label="company", source="acme", ttl=TTL,
                            report=None if seen is None else seen.append)  # fmt: skip


async def test_fresh_entry_answers_without_a_call(reads: CachedFetch) -> None:
    partner = Partner(PAYLOAD)

    assert await read(reads, partner) == PAYLOAD
    assert await read(reads, partner) == PAYLOAD
    assert partner.calls == 1


async def test_fresh_hit_starts_no_task_and_no_flight(
    reads: CachedFetch, monkeypatch: pytest.MonkeyPatch
) -> None:
    partner = Partner(PAYLOAD)
    await read(reads, partner)

    def no_task(*args: object, **kwargs: object) -> None:
        raise AssertionError("a fresh hit started a task")

    monkeypatch.setattr(asyncio, "ensure_future", no_task)
    monkeypatch.setattr(asyncio, "create_task", no_task)

    assert await read(reads, partner) == PAYLOAD
    assert not reads._flights.in_flight("acme:company:1")


async def test_concurrent_misses_make_one_call(reads: CachedFetch) -> None:
    partner = Partner(PAYLOAD)
    partner.release = asyncio.Event()
    seen: list[str] = []
    readers = [asyncio.ensure_future(read(reads, partner, seen)) for _ in range(5)]
    await asyncio.sleep(0.01)
    partner.release.set()

    assert await asyncio.gather(*readers) == [PAYLOAD] * 5
    assert partner.calls == 1
    assert sorted(seen) == ["SHARED"] * 4 + ["UPSTREAM"]


@pytest.mark.parametrize(
    "failure",
    [UpstreamUnavailable("acme", "acme: unavailable"), RateLimited("acme", "acme: limited", 30)],
)
async def test_stale_copy_served_when_partner_fails(
    reads: CachedFetch, clock: Clock, failure: ConnectorError
) -> None:
    partner = Partner(PAYLOAD, failure)
    await read(reads, partner)
    clock.now += TTL + 1  # past the TTL, inside the stale window
    seen: list[str] = []

    with capture_logs() as logs:
        assert await read(reads, partner, seen) == PAYLOAD

    assert partner.calls == 2
    assert seen == ["STALE"]
    assert {"event": "acme.stale_served", "endpoint": "company", "reason": type(failure).__name__,
            "log_level": "warning"} in logs  # fmt: skip


async def test_an_expired_copy_is_served_at_once_while_one_refresh_runs(
    reads: CachedFetch, clock: Clock
) -> None:
    newer = {"data": {"name": "LEROY SA"}}
    partner = Partner(PAYLOAD, newer)
    await read(reads, partner)
    clock.now += TTL + 1
    partner.release = asyncio.Event()  # the partner hangs
    seen: list[str] = []

    with capture_logs() as logs:
        answers = [await read(reads, partner, seen) for _ in range(3)]

    assert answers == [PAYLOAD] * 3  # none waited for the hung partner
    assert seen == ["STALE"] * 3
    assert partner.calls == 2  # one refresh for the three
    assert {"event": "acme.stale_while_revalidate", "endpoint": "company",
            "log_level": "info"} in logs  # fmt: skip
    partner.release.set()
    while reads._flights.in_flight("acme:company:1"):
        await asyncio.sleep(0)
    seen.clear()
    assert await read(reads, partner, seen) == newer
    assert seen == ["CACHE"]


async def test_a_refresh_that_answers_within_the_wait_is_served_fresh(clock: Clock) -> None:
    reads = CachedFetch(RawCache(clock=clock), stale_ttl=86_400, revalidate_wait_s=30.0)
    newer = {"data": {"name": "LEROY SA"}}
    partner = Partner(PAYLOAD, newer)
    await read(reads, partner)
    clock.now += TTL + 1
    partner.release = asyncio.Event()
    seen: list[str] = []
    reader = asyncio.ensure_future(read(reads, partner, seen))
    await asyncio.sleep(0.01)
    partner.release.set()

    assert await reader == newer
    assert seen == ["UPSTREAM"]


async def test_a_remembered_not_found_is_not_served_while_refreshing(
    reads: CachedFetch, clock: Clock
) -> None:
    partner = Partner(NotFound("acme", "acme: not found"), PAYLOAD)
    with pytest.raises(NotFound):
        await read(reads, partner)
    clock.now += 601  # past the not-found TTL
    partner.release = asyncio.Event()
    reader = asyncio.ensure_future(read(reads, partner))
    await asyncio.sleep(0.01)
    assert not reader.done()  # it waits for the partner: there is no copy to serve
    partner.release.set()
    assert await reader == PAYLOAD


async def test_failure_without_a_copy_is_raised_and_told(reads: CachedFetch) -> None:
    seen: list[str] = []

    with pytest.raises(UpstreamUnavailable):
        await read(reads, Partner(UpstreamUnavailable("acme", "down")), seen)
    assert seen == ["FAILED"]


async def test_a_refusal_is_never_hidden_by_a_stale_copy(reads: CachedFetch, clock: Clock) -> None:
    partner = Partner(PAYLOAD, UpstreamRefused("acme", "acme: refused the call"))
    await read(reads, partner)
    clock.now += TTL + 1

    with pytest.raises(UpstreamRefused):
        await read(reads, partner)


async def test_not_found_is_remembered_for_its_own_ttl(reads: CachedFetch, clock: Clock) -> None:
    partner = Partner(NotFound("acme", "acme: not found"), PAYLOAD)
    seen: list[str] = []
    for _ in range(2):
        with pytest.raises(NotFound):
            await read(reads, partner, seen)
    assert partner.calls == 1
    assert seen == ["UPSTREAM", "CACHE"]

    clock.now += 601  # the not-found TTL, not the payload's
    assert await read(reads, partner) == PAYLOAD
    assert partner.calls == 2


async def test_a_remembered_not_found_is_never_served_as_a_stale_copy(
    reads: CachedFetch, clock: Clock
) -> None:
    partner = Partner(NotFound("acme", "acme: not found"), UpstreamUnavailable("acme", "down"))
    with pytest.raises(NotFound):
        await read(reads, partner)
    clock.now += 601

    with pytest.raises(UpstreamUnavailable):
        await read(reads, partner)


async def test_not_found_is_not_remembered_without_a_ttl(clock: Clock) -> None:
    reads = CachedFetch(RawCache(clock=clock), stale_ttl=60.0)
    partner = Partner(NotFound("acme", "acme: not found"))
    for _ in range(2):
        with pytest.raises(NotFound):
            await read(reads, partner)

    assert partner.calls == 2


async def test_what_the_fetch_refuses_is_not_cached(reads: CachedFetch) -> None:
    partner = Partner(UpstreamUnavailable("acme", "acme: unreadable payload"), PAYLOAD)
    with pytest.raises(UpstreamUnavailable):
        await read(reads, partner)

    assert await read(reads, partner) == PAYLOAD
    assert partner.calls == 2


async def test_a_call_then_a_hit_are_told_apart(reads: CachedFetch) -> None:
    partner = Partner(PAYLOAD)
    seen: list[str] = []

    await read(reads, partner, seen)
    await read(reads, partner, seen)

    assert seen == ["UPSTREAM", "CACHE"]


class Parser:
    """Counts its parses; what it returns is immutable (a tuple), like a connector's records."""

    def __init__(self) -> None:
        self.parses = 0

    def __call__(self, payload: dict[str, Any]) -> tuple[str, ...]:
        self.parses += 1
        return (str(payload["data"]["name"]),)


async def read_parsed(
    reads: CachedFetch, fetch: Partner, parse: Parser, seen: list[str] | None = None
) -> tuple[str, ...]:
    return await reads.read_parsed("acme:company:1", fetch, parse, label="company", source="acme",
                                   ttl=TTL, report=None if seen is None else seen.append)  # fmt: skip


async def test_a_fresh_entry_is_parsed_once_and_its_records_handed_out_again(
    reads: CachedFetch,
) -> None:
    partner, parse = Partner(PAYLOAD), Parser()
    seen: list[str] = []

    first = await read_parsed(reads, partner, parse, seen)
    second = await read_parsed(reads, partner, parse, seen)
    third = await read_parsed(reads, partner, parse, seen)

    assert first == ("LEROY SAS",)
    assert second is third  # the kept parse of the one cached entry
    assert parse.parses == 2  # the fetched payload, then the cached entry once
    assert partner.calls == 1
    assert seen == ["UPSTREAM", "CACHE", "CACHE"]


async def test_a_new_raw_answer_is_never_served_from_an_old_parse(
    reads: CachedFetch, clock: Clock
) -> None:
    partner, parse = Partner(PAYLOAD, {"data": {"name": "LEROY SAS (renamed)"}}), Parser()
    await read_parsed(reads, partner, parse)
    assert await read_parsed(reads, partner, parse) == ("LEROY SAS",)  # kept
    clock.now += TTL + 1  # expired: the partner is asked again and answers anew

    assert await read_parsed(reads, partner, parse) == ("LEROY SAS (renamed)",)
    assert await read_parsed(reads, partner, parse) == ("LEROY SAS (renamed)",)
    assert partner.calls == 2


async def test_an_entry_rewritten_at_the_same_instant_is_parsed_again(
    reads: CachedFetch,
) -> None:
    """The kept parse follows the entry's write stamp, not its write time (the clock here
    does not move between the writes)."""
    cache, parse = reads._cache, Parser()
    await cache.set("acme:company:1", PAYLOAD, ttl=TTL, stale_ttl=0)
    assert await read_parsed(reads, Partner(), parse) == ("LEROY SAS",)

    await cache.set("acme:company:1", {"data": {"name": "OTHER"}}, ttl=TTL, stale_ttl=0)

    assert await read_parsed(reads, Partner(), parse) == ("OTHER",)


async def test_a_payload_that_fails_to_parse_is_not_kept(reads: CachedFetch) -> None:
    partner = Partner(PAYLOAD)
    await read(reads, partner)
    attempts = 0

    def unreadable(payload: dict[str, Any]) -> tuple[str, ...]:
        nonlocal attempts
        attempts += 1
        raise UpstreamUnavailable("acme", "acme: unreadable")

    for _ in range(2):
        with pytest.raises(UpstreamUnavailable):
            await reads.read_parsed("acme:company:1", partner, unreadable, label="company",
                                    source="acme", ttl=TTL)  # fmt: skip

    assert attempts == 2
    assert await read_parsed(reads, partner, Parser()) == ("LEROY SAS",)


async def test_a_remembered_not_found_is_raised_by_a_parsed_read(reads: CachedFetch) -> None:
    partner, parse = Partner(NotFound("acme", "acme: no such company")), Parser()
    with pytest.raises(NotFound):
        await read_parsed(reads, partner, parse)

    with pytest.raises(NotFound, match="remembered"):
        await read_parsed(reads, partner, parse)

    assert partner.calls == 1
    assert parse.parses == 0


class CountedCache(RawCache):
    """The in-memory cache, counting its reads; ``hold`` stops the next read until it is
    set, answering what the cache held when the read began."""

    def __init__(self, clock: Clock) -> None:
        super().__init__(clock=clock)
        self.reads = 0
        self.hold: asyncio.Event | None = None

    async def get(self, key: str) -> Any:
        self.reads += 1
        found = await super().get(key)
        hold, self.hold = self.hold, None
        if hold is not None:
            await hold.wait()
        return found


async def test_a_miss_reads_the_cache_once_before_its_call(clock: Clock) -> None:
    cache = CountedCache(clock)
    reads = CachedFetch(cache, stale_ttl=60)
    partner = Partner(PAYLOAD)
    seen: list[str] = []
    assert await read(reads, partner, seen) == PAYLOAD
    assert (cache.reads, partner.calls, seen) == (1, 1, ["UPSTREAM"])


async def test_a_miss_read_before_a_flight_of_this_process_filled_the_key_makes_no_call(
    clock: Clock,
) -> None:
    """Reader A reads the cache (a miss), then reader B's call fills the key and its flight
    ends, then A starts its own: A reads the cache again and is answered from it."""
    cache = CountedCache(clock)
    reads = CachedFetch(cache, stale_ttl=60)
    partner = Partner(PAYLOAD)
    hold = cache.hold = asyncio.Event()
    seen: list[str] = []
    first = asyncio.ensure_future(read(reads, partner, seen))
    await asyncio.sleep(0)  # A's read began, and waits
    assert await read(reads, partner) == PAYLOAD  # B: a miss, a call, the key filled
    hold.set()
    assert await first == PAYLOAD
    assert (partner.calls, seen) == (1, ["CACHE"])
