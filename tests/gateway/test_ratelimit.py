"""Per-key rate limits: a sliding window per key, in memory; shared by every instance
through Redis (when ``TEST_REDIS_URL`` is set); Redis down counts in memory instead."""

from __future__ import annotations

import os
import uuid

import pytest

from gateway.ratelimit import RateLimiter, Verdict

REDIS_ENV = "TEST_REDIS_URL"


async def test_a_key_is_refused_past_its_limit_with_the_time_to_wait() -> None:
    limiter = RateLimiter(default_per_minute=2)
    verdicts = [await limiter.hit("key-a") for _ in range(3)]
    assert [v.allowed for v in verdicts] == [True, True, False]
    assert [v.remaining for v in verdicts] == [1, 0, 0]
    refused = verdicts[-1]
    assert 0 < refused.reset_after <= 60
    headers = dict(refused.headers())
    assert headers[b"retry-after"] == headers[b"ratelimit-reset"]
    assert int(headers[b"retry-after"]) >= 1 and headers[b"ratelimit-limit"] == b"2"


async def test_each_key_has_its_own_count_and_its_own_limit() -> None:
    limiter = RateLimiter(default_per_minute=1)
    assert (await limiter.hit("key-a")).allowed
    assert not (await limiter.hit("key-a")).allowed
    assert (await limiter.hit("key-b")).allowed
    assert [(await limiter.hit("key-c", 3)).allowed for _ in range(4)] == [True] * 3 + [False]


def test_an_allowed_answer_carries_no_retry_after() -> None:
    headers = dict(Verdict(allowed=True, limit=5, remaining=4, reset_after=12.2).headers())
    assert b"retry-after" not in headers
    assert headers == {b"ratelimit-limit": b"5", b"ratelimit-remaining": b"4",
                       b"ratelimit-reset": b"13"}  # fmt: skip


async def test_counted_in_memory_without_a_coroutine_as_hit_counts() -> None:
    limiter = RateLimiter(default_per_minute=2)
    verdicts = [limiter.hit_in_memory("key-a") for _ in range(2)]
    assert [v.allowed for v in verdicts if v is not None] == [True, True]
    assert not (await limiter.hit("key-a")).allowed  # one count, whichever way
    other = limiter.hit_in_memory("key-a", namespace="client-address")
    assert other is not None and other.allowed  # each namespace its own


async def test_with_redis_the_count_is_not_taken_in_memory() -> None:
    limiter = RateLimiter("redis://127.0.0.1:1/0", default_per_minute=1)
    try:
        assert limiter.hit_in_memory("key-a") is None  # hit counts it, in Redis
    finally:
        await limiter.aclose()


async def test_redis_down_counts_in_memory_rather_than_refusing() -> None:
    limiter = RateLimiter("redis://127.0.0.1:1/0", default_per_minute=1)
    try:
        assert limiter.shared
        assert (await limiter.hit("key-a")).allowed
        assert not (await limiter.hit("key-a")).allowed
    finally:
        await limiter.aclose()


@pytest.mark.redis
async def test_two_instances_share_one_count_through_redis() -> None:
    url = os.environ.get(REDIS_ENV)
    if not url:
        pytest.skip(f"{REDIS_ENV} is not set: the shared (Redis) rate limit is not tried")
    first, second = RateLimiter(url, default_per_minute=3), RateLimiter(url, default_per_minute=3)
    key = f"key-{uuid.uuid4().hex}"
    try:
        allowed = [(await limiter.hit(key)).allowed for limiter in (first, second, first, second)]
    finally:
        await first.aclose()
        await second.aclose()
    assert allowed == [True, True, True, False]


class _Clock:
    def __init__(self) -> None:
        self.now = 1_750_000_020.0  # 0 s into a minute (1_750_000_020 = 29_166_667 × 60)

    def __call__(self) -> float:
        return self.now


async def test_in_memory_the_previous_minute_weighs_by_the_share_the_window_still_covers() -> None:
    clock = _Clock()
    limiter = RateLimiter(default_per_minute=10, clock=clock)
    assert all([(await limiter.hit("k")).allowed for _ in range(10)])
    assert not (await limiter.hit("k")).allowed

    clock.now += 60 + 30  # half-way through the next minute: the previous one weighs 5
    allowed = [(await limiter.hit("k")).allowed for _ in range(6)]
    assert allowed == [True] * 5 + [False]

    clock.now += 30  # a new minute: the previous one (5 requests) weighs them all
    verdicts = [await limiter.hit("k") for _ in range(6)]
    assert [v.allowed for v in verdicts] == [True] * 5 + [False]
    assert [v.remaining for v in verdicts] == [4, 3, 2, 1, 0, 0]
    assert 0 < verdicts[-1].reset_after <= 60


async def test_in_memory_keys_idle_for_two_minutes_are_forgotten() -> None:
    clock = _Clock()
    limiter = RateLimiter(default_per_minute=1, clock=clock)
    assert (await limiter.hit("k")).allowed
    clock.now += 120
    assert (await limiter.hit("other")).allowed  # a new minute begins: idle keys dropped

    assert (await limiter.hit("k")).allowed  # counted afresh
