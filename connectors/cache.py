"""A cache of raw upstream payloads, shared by every connector.

Entries carry their write time, so freshness is decided on read: an entry is *fresh* for
``ttl`` seconds, then *stale* for ``stale_ttl`` more seconds (served only when the upstream
fails: stale-if-error), then gone. In memory by default (``cachetools``), Redis through
aiocache when built from a ``redis://`` URL. A backend failure never raises: it is logged and
behaves as a miss, so a Redis outage degrades to "no cache", never to "no answer".
A partner's payload is written behind (``RawCache.set_behind``): the answer that fetched it
does not wait for Redis.
"""

from __future__ import annotations

import asyncio
import copy
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import structlog
from aiocache import Cache  # type: ignore[import-untyped]
from cachetools import TLRUCache

from connectors.freshness import dropped_early

__all__ = ["MEMORY_ENTRIES", "CacheEntry", "RawCache"]

_log = structlog.get_logger(__name__)

_BACKEND_TIMEOUT = 1.0
"""Seconds a Redis operation may take before it counts as a miss. Bounded here with
``asyncio.timeout``, not by aiocache's own ``timeout``, which wraps each operation in
``asyncio.wait_for``: on Python 3.11 a task per operation, about a fifth of a Redis read's
CPU (a cold portfolio makes over a hundred of them)."""


WRITE_BEHIND_S = 0.005
"""Seconds a write handed to ``RawCache.set_behind`` may wait for others, to go to Redis
with them in one round trip."""

WRITE_BEHIND_BATCH = 64
"""Writes that go at once, without waiting for more."""

MEMORY_ENTRIES = 200_000
"""Entries the in-memory cache holds at most; past it the least recently used is dropped
(some 50,000 companies' five API Entreprise reads, plus the catalogues)."""


class _Memory:
    """The in-memory store: each entry dropped once its own time is over (fresh and stale
    windows), the least recently used first when it is full. Read without an await: a warm
    request reads it a few times per company, and aiocache's memory backend cost each read
    its layers (an environment lookup, its timeout and plugin hooks) besides the lookup."""

    def __init__(self, clock: Callable[[], float], size: int = MEMORY_ENTRIES) -> None:
        self._entries: TLRUCache[str, tuple[Any, float]] = TLRUCache(
            maxsize=size, ttu=lambda _key, kept, now: now + kept[1], timer=clock
        )

    def get(self, key: str) -> Any:
        try:
            return self._entries[key][0]  # one lookup (``get`` asks ``in``, then reads)
        except KeyError:
            return None

    def set(self, key: str, stored: Any, keep: float) -> None:
        self._entries[key] = (stored, keep)

    def delete(self, key: str) -> None:
        self._entries.pop(key, None)

    def clear(self) -> None:
        self._entries.clear()


@dataclass(frozen=True, slots=True)
class CacheEntry:
    """A cached payload; ``fresh`` is False once its TTL passed (inside the stale window).
    ``stamp`` names this write of the payload (a new one at every ``set``, whichever process
    wrote it): what is derived from the payload may be kept under it. None for an entry
    written before stamps existed."""

    value: dict[str, Any]
    fresh: bool
    stamp: str | None = None
    fresh_for: float = field(default=0.0, compare=False)
    """Seconds it stays fresh after this read (0 or less: no longer fresh)."""


class RawCache:
    """Raw JSON payloads with a fresh TTL and a stale window, in memory or over an aiocache
    backend (Redis)."""

    def __init__(
        self,
        backend: Any | None = None,
        *,
        clock: Callable[[], float] = time.time,
        timeout: float | None = None,
        memory_entries: int = MEMORY_ENTRIES,
    ) -> None:
        """``timeout``: seconds each operation of ``backend`` may take (None: unbounded, as
        in memory); ``memory_entries``: the most entries kept in memory (without a
        backend)."""
        # In memory, a hit must cost microseconds: no serialisation, no timeout, no await.
        # The payload is copied once when written (so the writer cannot change it
        # afterwards) and handed out as is: callers only read it.
        self._memory = _Memory(clock, memory_entries) if backend is None else None
        self._landing: dict[str, str | bytes] = {}
        """Keys written behind (``set_behind``) and not in the backend yet: their entries,
        serialised, read back from here until then."""
        self._queued: list[tuple[str, str | bytes, float]] = []
        self._flush_timer: asyncio.TimerHandle | None = None
        self._flush_loop: asyncio.AbstractEventLoop | None = None
        self._writing: set[asyncio.Task[None]] = set()
        self._backend: Any = backend
        self._clock = clock
        self._timeout = timeout

    @classmethod
    def from_url(
        cls, url: str | None, *, namespace: str = "hub-gateway", timeout: float = _BACKEND_TIMEOUT
    ) -> RawCache:
        """Memory when ``url`` is empty or ``memory://``; Redis for ``redis://host:port/db``,
        each operation bounded by ``timeout`` seconds."""
        if not url or url.startswith("memory://"):
            return cls()
        backend = Cache.from_url(url)
        backend.namespace = namespace
        backend.timeout = None  # bounded by ``_bounded`` instead (see _BACKEND_TIMEOUT)
        return cls(backend, timeout=timeout)

    async def _bounded(self, operation: str, *args: Any, **kwargs: Any) -> Any:
        """The backend's ``operation``, within the timeout when there is one."""
        call = getattr(self._backend, operation)
        if self._timeout is None:
            return await call(*args, **kwargs)
        async with asyncio.timeout(self._timeout):
            return await call(*args, **kwargs)

    async def get(self, key: str) -> CacheEntry | None:
        if self._memory is not None:
            return self._entry(self._memory.get(key))
        if self._landing and key in self._landing:
            return self._entry(self._backend.serializer.loads(self._landing[key]))
        try:
            stored = await self._bounded("get", key)
        except Exception as exc:  # noqa: BLE001 - any backend fault is a miss
            _log.warning("cache.backend_error", operation="get", error=type(exc).__name__)
            return None
        return self._entry(stored)

    def kept(self, key: str) -> CacheEntry | None:
        """The entry this process holds in memory, without an await: None when there is none,
        or when the entries are in a backend (Redis), which only ``get`` asks."""
        if self._memory is None:
            return None
        return self._entry(self._memory.get(key))

    async def get_many(self, keys: Sequence[str]) -> list[CacheEntry | None]:
        """``get`` of each key, the backend asked once for all of them (Redis: one MGET)."""
        if not keys:
            return []
        if self._memory is not None:
            memory = self._memory
            return [self._entry(memory.get(key)) for key in keys]
        try:
            stored = await self._bounded("multi_get", list(keys))
        except Exception as exc:  # noqa: BLE001 - any backend fault is a miss
            _log.warning("cache.backend_error", operation="get_many", error=type(exc).__name__)
            stored = [None] * len(keys)
        if self._landing:
            landing, loads = self._landing, self._backend.serializer.loads
            stored = [
                loads(landing[key]) if key in landing else value
                for key, value in zip(keys, stored, strict=True)
            ]
        return [self._entry(value) for value in stored]

    def _entry(self, stored: Any) -> CacheEntry | None:
        if not isinstance(stored, dict) or "v" not in stored:
            return None
        written_at = float(stored.get("t", 0.0))
        ttl = float(stored.get("ttl", 0.0))
        value = stored["v"]
        if not isinstance(value, dict):
            return None
        stamp = stored.get("w")
        fresh_for = ttl - (self._clock() - written_at)
        return CacheEntry(
            value=value,
            fresh=fresh_for > 0,
            stamp=stamp if isinstance(stamp, str) else None,
            fresh_for=fresh_for,
        )

    async def set(self, key: str, value: dict[str, Any], ttl: float, stale_ttl: float) -> None:
        if self._memory is not None:  # the payload copied: the writer may change its own
            self._memory.set(key, self._stored(copy.deepcopy(value), ttl), float(ttl + stale_ttl))
            return
        stored = self._stored(value, ttl)
        try:
            await self._bounded("set", key, stored, ttl=float(ttl + stale_ttl))
        except Exception as exc:  # noqa: BLE001 - any backend fault is logged, never raised
            _log.warning("cache.backend_error", operation="set", error=type(exc).__name__)

    def _stored(self, value: dict[str, Any], ttl: float) -> dict[str, Any]:
        """What is stored for ``value``: with its write time, its TTL and a new stamp."""
        return {"v": value, "t": self._clock(), "ttl": ttl, "w": uuid.uuid4().hex}

    def set_behind(self, key: str, value: dict[str, Any], ttl: float, stale_ttl: float) -> None:
        """``set``, without waiting for the backend. In memory, written at once. Over Redis,
        the entry is serialised now (what the caller does with ``value`` afterwards does not
        change it) and queued: the writes of the next ``WRITE_BEHIND_S`` go together in one
        round trip (``WRITE_BEHIND_BATCH`` at most), and this cache reads the entry back from
        the queue until it is in Redis. Other instances see it once written. A write that
        fails is logged and lost, as ``set``'s is: a miss later, never an error."""
        if self._memory is not None:  # the payload copied: the writer may change its own
            self._memory.set(key, self._stored(copy.deepcopy(value), ttl), float(ttl + stale_ttl))
            return
        text = self._backend.serializer.dumps(self._stored(value, ttl))
        self._landing[key] = text
        self._queued.append((key, text, float(ttl + stale_ttl)))
        loop = asyncio.get_running_loop()
        if len(self._queued) >= WRITE_BEHIND_BATCH or self._flush_loop not in (None, loop):
            self._flush()  # full; or queued on another loop (a test's), whose timer is gone
        elif self._flush_timer is None:
            self._flush_timer = loop.call_later(WRITE_BEHIND_S, self._flush)
            self._flush_loop = loop

    def _flush(self) -> None:
        if self._flush_timer is not None:
            self._flush_timer.cancel()
            self._flush_timer = self._flush_loop = None
        queued, self._queued = self._queued, []
        by_keep: dict[float, list[tuple[str, str | bytes]]] = {}
        for key, text, keep in queued:
            by_keep.setdefault(keep, []).append((key, text))
        for keep, pairs in by_keep.items():
            task = asyncio.create_task(self._write_behind(pairs, keep))
            self._writing.add(task)
            task.add_done_callback(self._writing.discard)

    async def _write_behind(self, pairs: list[tuple[str, str | bytes]], keep: float) -> None:
        try:
            await self._bounded("multi_set", pairs, ttl=keep, dumps_fn=_as_serialised)
        except Exception as exc:  # noqa: BLE001 - any backend fault is logged, never raised
            _log.warning("cache.backend_error", operation="set_many", error=type(exc).__name__)
        finally:
            landing = self._landing
            for key, text in pairs:
                if landing.get(key) is text:
                    del landing[key]

    async def settled(self) -> None:
        """Waits until every write handed to ``set_behind`` so far went to the backend
        (written, or failed and logged)."""
        if self._queued:
            self._flush()
        loop = asyncio.get_running_loop()
        while writing := [task for task in self._writing if task.get_loop() is loop]:
            await asyncio.gather(*writing)

    async def delete(self, key: str) -> None:
        dropped_early()
        if self._memory is not None:
            self._memory.delete(key)
            return
        await self.settled()  # a write behind must not land after the delete
        try:
            await self._bounded("delete", key)
        except Exception as exc:  # noqa: BLE001
            _log.warning("cache.backend_error", operation="delete", error=type(exc).__name__)

    async def clear(self) -> None:
        """Drop every entry (memory) or every entry of this namespace (Redis)."""
        dropped_early()
        if self._memory is not None:
            self._memory.clear()
            return
        await self.settled()
        try:
            await self._bounded("clear", namespace=getattr(self._backend, "namespace", None))
        except Exception as exc:  # noqa: BLE001
            _log.warning("cache.backend_error", operation="clear", error=type(exc).__name__)

    async def close(self) -> None:
        """Release the backend's connections (aiocache's own close leaves Redis's pool open)."""
        if self._backend is None:
            return
        await self.settled()
        redis_client = getattr(self._backend, "client", None)
        try:
            if redis_client is not None and hasattr(redis_client, "aclose"):
                await redis_client.aclose(close_connection_pool=True)
            else:
                await self._backend.close()
        except Exception as exc:  # noqa: BLE001
            _log.warning("cache.backend_error", operation="close", error=type(exc).__name__)


def _as_serialised(text: str | bytes) -> str | bytes:
    """aiocache's ``dumps_fn`` for entries ``set_behind`` serialised already."""
    return text
