"""Rate limits: per partner API key, per person's account, per anonymous client's address
(``gateway/middleware.py``). A sliding-window counter: in Redis (``limits``) when the cache
is Redis, so that every instance counts the same requests; else in this process's memory
(``_LocalWindows``). A Redis fault never refuses a request: the instance falls back to its
own in-memory counter and says so in the logs."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import structlog
from limits import RateLimitItemPerMinute
from limits.aio.storage import RedisStorage
from limits.aio.strategies import SlidingWindowCounterRateLimiter
from redis.asyncio import ConnectionPool

__all__ = ["RateLimiter", "Verdict"]

_log = structlog.get_logger(__name__)


@dataclass(slots=True)  # not frozen: one is made per request, and a frozen one's __init__ costs 3×
class Verdict:
    allowed: bool
    limit: int
    remaining: int
    reset_after: float
    """Seconds until a request is allowed again (or the window frees a slot)."""

    def headers(self) -> list[tuple[bytes, bytes]]:
        """``RateLimit-*`` (IETF draft) on every answer to a key; ``Retry-After`` on 429."""
        reset = str(max(1, math.ceil(self.reset_after))).encode()
        headers = [
            (b"ratelimit-limit", str(self.limit).encode()),
            (b"ratelimit-remaining", str(self.remaining).encode()),
            (b"ratelimit-reset", reset),
        ]
        if not self.allowed:
            headers.append((b"retry-after", reset))
        return headers


_REDIS_TIMEOUT = 0.5
"""Seconds a Redis call may take before the instance counts in memory instead."""


class RateLimiter:
    """``hit(key_id, per_minute)`` counts one request of a key and says whether it may run;
    ``namespace`` keeps the counts of keys, accounts and addresses apart."""

    def __init__(
        self,
        url: str | None = None,
        *,
        default_per_minute: int = 120,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.default_per_minute = default_per_minute
        self._memory = _LocalWindows(clock)
        self._pool: ConnectionPool | None = None
        self._shared: SlidingWindowCounterRateLimiter | None = None
        if url is not None and url.startswith(("redis://", "rediss://")):
            # Our own pool (closed by ``aclose``), with short timeouts: a slow Redis must
            # not slow every partner request down.
            self._pool = ConnectionPool.from_url(
                url, socket_timeout=_REDIS_TIMEOUT, socket_connect_timeout=_REDIS_TIMEOUT
            )
            scheme, _, rest = url.partition("://")
            storage = RedisStorage(
                f"async+{scheme}://{rest}",
                implementation="redispy",
                connection_pool=self._pool,  # type: ignore[arg-type]  # passed to redis-py
            )
            self._shared = SlidingWindowCounterRateLimiter(storage)

    @property
    def shared(self) -> bool:
        return self._shared is not None

    async def aclose(self) -> None:
        if self._pool is not None:
            await self._pool.aclose()

    async def hit(
        self, key_id: str, per_minute: int | None = None, *, namespace: str = "partner-key"
    ) -> Verdict:
        if self._shared is not None:
            item = RateLimitItemPerMinute(per_minute or self.default_per_minute)
            try:
                return await self._hit(self._shared, item, namespace, key_id)
            except Exception as error:  # noqa: BLE001 - Redis down: count here rather than fail
                _log.warning("ratelimit.shared_unavailable", error=type(error).__name__)
        return self._memory.hit(namespace, key_id, per_minute or self.default_per_minute)

    def hit_in_memory(
        self, key_id: str, per_minute: int | None = None, *, namespace: str = "partner-key"
    ) -> Verdict | None:
        """``hit``, without a coroutine, when this instance counts in its own memory; None
        when Redis counts (``hit`` then): the in-memory count is on every anonymous
        request's path, a kept answer's most."""
        if self._shared is not None:
            return None
        return self._memory.hit(namespace, key_id, per_minute or self.default_per_minute)

    @staticmethod
    async def _hit(
        limiter: SlidingWindowCounterRateLimiter,
        item: RateLimitItemPerMinute,
        namespace: str,
        key_id: str,
    ) -> Verdict:
        allowed = await limiter.hit(item, namespace, key_id)
        stats = await limiter.get_window_stats(item, namespace, key_id)
        return Verdict(
            allowed=allowed,
            limit=item.amount,
            remaining=stats.remaining,
            reset_after=max(0.0, stats.reset_time - time.time()),
        )


_WINDOW_S = 60.0


class _LocalWindows:
    """The sliding-window counter ``limits`` keeps in Redis, in this process's memory: this
    minute's requests of a key, plus the previous minute's weighted by the share of it the
    last 60 seconds still cover. ``limits``' own in-memory storage costs about 20 µs a hit
    (a lock, five coroutines, its keys formatted each time): a tenth of an anonymous
    request's whole answer; this is a dict's lookup. Keys idle for two minutes are dropped
    when a minute begins."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._counts: dict[tuple[str, str], list[float]] = {}
        """(namespace, key) → [its minute, this minute's count, the previous minute's]."""
        self._minute = 0.0

    def hit(self, namespace: str, key: str, per_minute: int) -> Verdict:
        minute, into = divmod(self._clock(), _WINDOW_S)
        if minute != self._minute:
            self._minute = minute
            self._counts = {k: c for k, c in self._counts.items() if c[0] >= minute - 1}
        counts = self._counts.get((namespace, key))
        if counts is None or counts[0] < minute - 1:
            counts = self._counts[(namespace, key)] = [minute, 0.0, 0.0]
        elif counts[0] < minute:  # a new minute: this one's count becomes the previous one's
            counts[:] = [minute, 0.0, counts[1]]
        previous = counts[2] * (_WINDOW_S - into) / _WINDOW_S
        allowed = previous + counts[1] + 1 <= per_minute
        if allowed:
            counts[1] += 1
        used = previous + counts[1]
        if allowed or counts[2] == 0:
            reset_after = _WINDOW_S - into
        else:  # the previous minute's weight frees a slot before this minute ends, or not
            reset_after = min(_WINDOW_S - into, (used + 1 - per_minute) * _WINDOW_S / counts[2])
        return Verdict(allowed, per_minute, max(0, math.floor(per_minute - used)), reset_after)
