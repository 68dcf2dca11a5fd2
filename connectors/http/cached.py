"""One cached read of a partner's raw payload: the raw cache, then a single flight, then the
call, with stale-if-error and an optional remembered not-found.

A fresh entry answers without a call (and without a task or a flight: the hot path). On a
miss, concurrent reads of one key share one call. The fetched payload is cached for the
read's ``ttl``, then kept ``stale_ttl`` more seconds to be served when the partner fails
(``UpstreamUnavailable`` or ``RateLimited``). An expired copy is also served at once while
ONE refresh runs in the background (stale-while-revalidate): a reader waits for the partner
only when there is no copy, or ``revalidate_wait_s`` (0 by default) for the refresh; so a
hung partner costs the readers of a cached record nothing, and the next read after the
refresh is fresh. With ``not_found_ttl``, a ``NotFound`` is
remembered that long and answered from the cache.

A reader that passes ``report`` learns how its read was served (an audit trail records it):
``UPSTREAM`` (its own call went out), ``CACHE`` (a fresh copy, no call), ``SHARED`` (an
identical call already in flight answered), ``STALE`` (the call failed, an older copy was
served) or ``FAILED``.

``read_parsed`` (and ``cached_parsed``, which never calls) hands out the payload parsed (a connector's immutable records) instead: the
raw cache stays the source of truth, and the parse of a fresh entry is kept in a small LRU
keyed by the cache key and the entry's write ``stamp``, so a cached list is not parsed again
on every hit, and a new raw answer (a new stamp) is never served from an old parse.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar, cast

import structlog
from cachetools import LRUCache

from connectors.cache import CacheEntry, RawCache
from connectors.errors import NotFound, RateLimited, UpstreamUnavailable
from connectors.freshness import note_fresh_for, note_unsettled
from connectors.http.logs import LogNames
from connectors.http.singleflight import SingleFlight
from connectors.metrics import cache_read

__all__ = [
    "PARSED_ENTRIES",
    "REVALIDATE_WAIT_S",
    "CachedFetch",
    "Fetch",
    "Outcome",
    "Parse",
    "Report",
]

_log = structlog.get_logger(__name__)

_NOT_FOUND_MARK = "__not_found__"
_MISSING = object()

Fetch = Callable[[], Awaitable[dict[str, Any]]]
"""The call behind a miss: the payload to cache, or a typed ConnectorError. It checks what it
fetched (an unreadable payload is ``UpstreamUnavailable``): what it returns is cached."""

Report = Callable[[str], None]

T = TypeVar("T")

Parse = Callable[[dict[str, Any]], T]
"""A payload to immutable records (frozen dataclasses, tuples): what ``read_parsed`` keeps
is handed to every later reader. It reads the payload only; a ``ConnectorError`` it raises
is raised to the reader, and nothing is kept."""

PARSED_ENTRIES = 4096
"""Parsed payloads kept per ``CachedFetch`` (least recently used dropped first)."""

REVALIDATE_WAIT_S = 0.0
"""How long a read with an expired copy waits for its refresh before it is served the copy
(the refresh goes on in the background, once per key)."""


class Outcome(StrEnum):
    UPSTREAM = "UPSTREAM"
    CACHE = "CACHE"
    SHARED = "SHARED"
    STALE = "STALE"
    FAILED = "FAILED"


class CachedFetch:
    """Cached reads over one ``RawCache``; ``label`` (an endpoint, a feed) names a read in
    metrics and logs, ``source`` names the partner in a remembered ``NotFound``."""

    def __init__(
        self,
        cache: RawCache,
        *,
        stale_ttl: float,
        not_found_ttl: float | None = None,
        logs: LogNames | None = None,
        revalidate_wait_s: float = REVALIDATE_WAIT_S,
    ) -> None:
        self._cache = cache
        self._revalidate_wait_s = revalidate_wait_s
        self._stale_ttl = stale_ttl
        self._not_found_ttl = not_found_ttl
        self._logs = logs or LogNames()
        self._flights: SingleFlight[dict[str, Any]] = SingleFlight()
        self._parsed: LRUCache[tuple[str, str], Any] = LRUCache(maxsize=PARSED_ENTRIES)
        self._fills = 0
        """Writes of fetched payloads by this reader's flights, counted (see ``_fetch``)."""
        self._filled: LRUCache[str, int] = LRUCache(maxsize=PARSED_ENTRIES)
        """The count at each key's last write by a flight of this process."""

    async def read(
        self,
        key: str,
        fetch: Fetch,
        *,
        label: str,
        source: str,
        ttl: float,
        report: Report | None = None,
    ) -> dict[str, Any]:
        since = self._fills
        entry = await self._cache.get(key)
        if entry is not None and entry.fresh:  # the hot path: no task, no flight
            return self._hit(entry, label, source, report)
        return await self._miss(_Miss(key, fetch, label, source, ttl, report, entry, since))

    async def read_parsed(
        self,
        key: str,
        fetch: Fetch,
        parse: Parse[T],
        *,
        label: str,
        source: str,
        ttl: float,
        report: Report | None = None,
    ) -> T:
        """``read``, parsed by ``parse``; a fresh entry's parse is kept (``cached_parsed``)."""
        since = self._fills
        entry = await self._cache.get(key)
        if entry is not None and entry.fresh:
            return self._parsed_hit(key, entry, parse, label, source, report)
        return parse(await self._miss(_Miss(key, fetch, label, source, ttl, report, entry, since)))

    async def read_parsed_marked(
        self, key: str, fetch: Fetch, parse: Parse[T], *, label: str, source: str, ttl: float
    ) -> tuple[T, bool]:
        """``read_parsed``, and whether what it hands out is a stale copy (the source failed):
        for a reader that warns its caller."""
        outcomes: list[str] = []
        found = await self.read_parsed(
            key, fetch, parse, label=label, source=source, ttl=ttl, report=outcomes.append
        )
        return found, Outcome.STALE.value in outcomes

    async def cached_parsed(
        self, key: str, parse: Parse[T], *, label: str, source: str, report: Report | None = None
    ) -> T | None:
        """A fresh entry parsed, or None when there is none (nothing is fetched then, and
        nothing counted: the caller reads with ``read_parsed``). The parse is kept under
        (``key``, the entry's write stamp) and handed out again while that entry is the one
        cached. ``parse`` must be the same for every read of ``key``, and give no None."""
        entry = await self._cache.get(key)
        if entry is None or not entry.fresh:
            return None
        return self._parsed_hit(key, entry, parse, label, source, report)

    def kept_parsed(
        self, key: str, parse: Parse[T], *, label: str, source: str, report: Report | None = None
    ) -> T | Exception | None:
        """What ``read_parsed`` would answer at once from an entry this process holds in
        memory and still fresh (``RawCache.kept``), counted and reported as that read's hit:
        the parse, or the error the entry stands for (a remembered 404). None when no such
        entry is held: nothing is fetched, nothing counted (the caller reads with
        ``read_parsed`` or ``read_many_parsed``)."""
        entry = self._cache.kept(key)
        if entry is None or not entry.fresh:
            return None
        try:
            return self._parsed_hit(key, entry, parse, label, source, report)
        except Exception as error:  # noqa: BLE001 - the entry's answer, as read_many keeps it
            return error

    async def read_many_parsed(
        self,
        reads: Sequence[tuple[str, Fetch, Report | None]],
        parse: Parse[T],
        *,
        label: str,
        source: str,
        ttl: float,
        kept: bool = True,
    ) -> list[T | Exception]:
        """``read_parsed`` of each (key, fetch, report), the cache asked once for all of them
        (Redis: one MGET): a fresh entry answers at once, without a task (a list's warm
        read); the rest are read concurrently, each as ``read_parsed`` reads a miss (an
        expired copy served while it refreshes, or if the call fails). A failure is kept
        for its key. ``kept=False``: parsed for each read, as ``read`` callers parse (a
        reader that owns what it is handed)."""
        since = self._fills
        entries = await self._cache.get_many([key for key, _, _ in reads])
        answers: list[Any] = []  # a missed key's place is filled once it is read
        missed: list[tuple[int, Awaitable[T]]] = []
        for (key, fetch, report), entry in zip(reads, entries, strict=True):
            if entry is None or not entry.fresh:
                missed.append((len(answers), self._parse_miss(_Miss(key, fetch, label, source, ttl, report, entry, since), parse)))  # fmt: skip
                answers.append(None)
                continue
            try:
                if kept:
                    answers.append(self._parsed_hit(key, entry, parse, label, source, report))
                else:
                    answers.append(parse(self._hit(entry, label, source, report)))
            except Exception as error:  # noqa: BLE001 - kept for its key (a remembered 404)
                answers.append(error)
        if missed:
            found = await asyncio.gather(*(read for _, read in missed), return_exceptions=True)
            for (position, _), answer in zip(missed, found, strict=True):
                if isinstance(answer, BaseException) and not isinstance(answer, Exception):
                    raise answer
                answers[position] = answer
        return answers

    async def _parse_miss(self, miss: _Miss, parse: Parse[T]) -> T:
        return parse(await self._miss(miss))

    def _parsed_hit(
        self,
        key: str,
        entry: CacheEntry,
        parse: Parse[T],
        label: str,
        source: str,
        report: Report | None,
    ) -> T:
        payload = self._hit(entry, label, source, report)
        if entry.stamp is None:
            return parse(payload)
        memo = (key, entry.stamp)
        found = self._parsed.get(memo, _MISSING)
        if found is _MISSING:
            found = self._parsed[memo] = parse(payload)
        return cast(T, found)

    def _hit(
        self, entry: CacheEntry, label: str, source: str, report: Report | None
    ) -> dict[str, Any]:
        cache_read(label, "hit")
        note_fresh_for(entry.fresh_for)
        if report is not None:
            report(Outcome.CACHE.value)
        return _remembered(source, entry)

    async def _miss(self, miss: _Miss) -> dict[str, Any]:
        label, report, stale = miss.label, miss.report, miss.found
        cache_read(label, "miss")
        note_unsettled()
        outcome = [Outcome.SHARED]  # set by _fetch when this reader's flight is the one that runs
        flight = self._flights.start(miss.key, lambda: self._fetch(miss, outcome))
        if stale is not None and stale.value.get(_NOT_FOUND_MARK) is not True:
            await asyncio.wait([flight], timeout=self._revalidate_wait_s)
            if not flight.done():  # the partner is slow: the copy now, the refresh goes on
                _log.info(self._logs.event("stale_while_revalidate"), **{self._logs.label: label})
                cache_read(label, "stale")
                if report is not None:
                    report(Outcome.STALE.value)
                return stale.value
        try:
            payload = await asyncio.shield(flight)
        except Exception as error:
            if report is not None:
                report((outcome[0] if isinstance(error, NotFound) else Outcome.FAILED).value)
            raise
        if report is not None:
            report(outcome[0].value)
        return payload

    async def _fetch(self, miss: _Miss, outcome: list[Outcome]) -> dict[str, Any]:
        """The call, and its payload cached. ``miss.found`` is what the reader found, read
        when the flight count was ``miss.since``: when a flight of this process wrote ``key`` since
        (it ended between the reader's read and this flight's start), the cache is read
        again, and a fresh copy answers without a call. Not otherwise: reading again on
        every miss cost each cold read a second round trip to Redis (a cold portfolio, 56
        of them), to catch only another instance's write of the same key in the last
        round trip's time, which costs one call more at worst (as two instances missing
        together do)."""
        key, source, entry = miss.key, miss.source, miss.found
        if self._filled.get(key, -1) > miss.since:
            entry = await self._cache.get(key)
            if entry is not None and entry.fresh:
                outcome[0] = Outcome.CACHE
                return _remembered(source, entry)
        known_missing = entry is not None and entry.value.get(_NOT_FOUND_MARK) is True
        outcome[0] = Outcome.UPSTREAM
        try:
            payload = await miss.fetch()
        except NotFound:
            if self._not_found_ttl is not None:
                self._write(key, {_NOT_FOUND_MARK: True}, self._not_found_ttl, 0)
            raise
        except (UpstreamUnavailable, RateLimited) as exc:
            if entry is None or known_missing:
                raise
            _log.warning(
                self._logs.event("stale_served"),
                reason=type(exc).__name__,
                **{self._logs.label: miss.label},
            )
            cache_read(miss.label, "stale")
            outcome[0] = Outcome.STALE
            return entry.value
        self._write(key, payload, miss.ttl, self._stale_ttl)
        return payload

    def _write(self, key: str, payload: dict[str, Any], ttl: float, stale_ttl: float) -> None:
        """Cached without waiting for Redis (``RawCache.set_behind``): the answer goes on
        while the write is on its way, and this process reads it back at once."""
        self._cache.set_behind(key, payload, ttl=ttl, stale_ttl=stale_ttl)
        self._fills += 1
        self._filled[key] = self._fills


@dataclass(frozen=True, slots=True)
class _Miss:
    """A read the cache could not answer fresh, on its way to the partner."""

    key: str
    fetch: Fetch
    label: str
    source: str
    ttl: float
    report: Report | None
    found: CacheEntry | None
    """What the reader found in the cache: None, or an expired copy."""
    since: int
    """``CachedFetch``'s count of its writes when the reader read the cache."""


def _remembered(source: str, entry: CacheEntry) -> dict[str, Any]:
    """A fresh entry's payload, or the remembered not-found."""
    if entry.value.get(_NOT_FOUND_MARK) is True:
        raise NotFound(source, f"{source}: not found (remembered)")
    return entry.value
