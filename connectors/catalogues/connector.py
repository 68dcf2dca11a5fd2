"""The aid-scheme catalogues and France Num's activators, behind one connector.

Each feed (the Régions' catalogue, Bpifrance's, France Num's schemes, France Num's activators)
is read whole (``connectors.catalogues.paging``, through the shared ``ResilientCaller``) and
kept as one raw entry in the shared ``RawCache`` (memory or Redis) by ``CachedFetch``: fresh
for ``ttl``, then served only if the partner fails (stale-if-error) for ``stale_ttl``.
Concurrent loads of one feed are coalesced (single flight). The parsed records are memoised
in process for ``local_ttl``, so a warm request touches neither the partner nor the cache
backend.

A feed that fails with nothing cached does not fail the others: ``schemes()`` answers with
what it has and names the feeds it could not read.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import httpx
import structlog

from connectors.cache import RawCache
from connectors.catalogues import (
    bpifrance,
    crealia,
    france_initiative,
    francenum,
    irdi_soridec,
    paging,
    region,
)
from connectors.catalogues.models import Activator, Criterion, Scheme
from connectors.catalogues.urls import source_root
from connectors.catalogues.wire import PayloadError, mapping
from connectors.errors import ConnectorError, UpstreamUnavailable
from connectors.http import (
    BreakerState,
    CachedFetch,
    LogNames,
    Resilience,
    ResilientCaller,
    Sleep,
)
from connectors.http.clients import partner_client

__all__ = ["Catalogue", "CatalogueConfig", "CatalogueConnector", "Feed"]

T = TypeVar("T")

_log = structlog.get_logger(__name__)

_HOUR = 3600.0
_MISCONFIGURED = frozenset({401, 403, 404})

_LOGS = LogNames(prefix="catalogue", label="feed")


def _criterion_keys(schemes: Sequence[Scheme]) -> tuple[tuple[int, ...], ...]:
    """Each scheme's criteria as numbers, equal criteria one number (163 schemes hold 61
    distinct criteria among 812): whoever evaluates them can evaluate each distinct one
    once, without hashing their values on every request."""
    numbers: dict[Criterion, int] = {}
    return tuple(
        tuple(numbers.setdefault(c, len(numbers)) for c in scheme.criteria) for scheme in schemes
    )


_versions = itertools.count(1)
"""Catalogue versions, unique in the process."""


@dataclass(frozen=True, slots=True)
class CatalogueConfig:
    region_url: str
    bpifrance_url: str
    francenum_url: str
    bpifrance_key: str = field(repr=False)
    crealia_url: str | None = None
    """The financers' sources (honour loans, equity): one left None is not read (the
    gateway's settings always name them; a test may leave them out)."""
    france_initiative_url: str | None = None
    france_initiative_key: str = field(default="", repr=False)
    irdi_soridec_url: str | None = None
    resilience: Resilience = field(default_factory=lambda: Resilience(timeout=8.0))
    ttl: float = _HOUR
    """A catalogue changes a few times a day at most."""
    stale_ttl: float = 7 * 24 * _HOUR
    local_ttl: float = 30.0
    """How long a worker reuses its parsed copy before it looks at the shared cache again."""


@dataclass(frozen=True, slots=True)
class Catalogue:
    """Every scheme that could be read, and the feeds that could not. ``version`` changes
    whenever the records do (a new number in the process), so what is derived from a
    catalogue can be kept by its version; ``criterion_keys``: each scheme's criteria, equal
    ones the same number (``_criterion_keys``)."""

    schemes: tuple[Scheme, ...]
    by_id: Mapping[str, Scheme]
    unavailable: tuple[str, ...]
    version: int
    criterion_keys: tuple[tuple[int, ...], ...]


@dataclass(slots=True)
class _Parsed(Generic[T]):
    fetched_at: float
    checked_at: float
    records: tuple[T, ...]


class Feed(Generic[T]):
    """One catalogue feed: how to fetch all its raw items and how to parse one."""

    def __init__(
        self,
        name: str,
        fetch: Callable[[ResilientCaller], Awaitable[list[Any]]],
        parse: Callable[[Mapping[str, Any]], T],
        caller: ResilientCaller,
    ) -> None:
        self.name = name
        self.fetch = fetch
        self.parse = parse
        self.caller = caller
        self.parsed: _Parsed[T] | None = None


class CatalogueConnector:
    def __init__(
        self,
        config: CatalogueConfig,
        cache: RawCache,
        *,
        clients: Mapping[str, httpx.AsyncClient] | None = None,
        sleep: Sleep = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """``clients`` (by feed family: region, bpifrance, francenum, crealia,
        franceinitiative, irdisoridec) lets tests put a mock transport under the real
        connector."""
        self._config = config
        self._clock = clock
        made = dict(clients or {})
        made.setdefault("region", _client(source_root(config.region_url, [region.PATH])))
        made.setdefault("bpifrance", _client(source_root(config.bpifrance_url, [bpifrance.PATH])))
        made.setdefault(
            "francenum",
            _client(
                source_root(
                    config.francenum_url, [francenum.SCHEMES_PATH, francenum.ACTIVATORS_PATH]
                )
            ),
        )
        financers = _financers(config)
        for source in financers:
            made.setdefault(source.name, _client(source_root(source.url, [source.path])))
        self._clients = made
        self._headers = {
            "bpifrance": {"X-Api-Key": config.bpifrance_key},
            "franceinitiative": france_initiative.auth_headers(config.france_initiative_key),
        }
        callers = {
            family: ResilientCaller(
                client, family, config.resilience, headers=self._headers.get(family), sleep=sleep
            )
            for family, client in made.items()
        }
        self._callers = callers
        self._probes: tuple[tuple[str, str, dict[str, str | int]], ...] = (
            ("region", region.PATH, {"page": 1, "per_page": 1}),
            ("bpifrance", bpifrance.PATH, {"page": 1, "page_size": 1}),
            ("francenum", francenum.SCHEMES_PATH, {"limit": 1}),
            *((source.name, source.path, source.probe) for source in financers),
        )
        self._schemes: tuple[Feed[Scheme], ...] = (
            Feed("region", paging.fetch_region, region.parse_dispositif, callers["region"]),
            Feed("bpifrance", paging.fetch_bpifrance, bpifrance.parse_aid, callers["bpifrance"]),
            Feed(
                "francenum", paging.fetch_francenum_schemes, francenum.parse_dispositif,
                callers["francenum"],
            ),
            *(Feed(source.name, source.fetch, source.parse, callers[source.name])
              for source in financers),
        )  # fmt: skip
        self._activators: Feed[Activator] = Feed(
            "francenum_activators",
            paging.fetch_francenum_activators,
            francenum.parse_activateur,
            callers["francenum"],
        )
        self._reads = CachedFetch(cache, stale_ttl=config.stale_ttl, logs=_LOGS)
        self._last_catalogue: tuple[list[tuple[Scheme, ...] | None], Catalogue] | None = None
        """While no feed changes, ``schemes()`` answers the same catalogue (its version)."""

    async def schemes(self) -> Catalogue:
        results = await asyncio.gather(
            *(self._records(feed) for feed in self._schemes), return_exceptions=True
        )
        parts: list[tuple[Scheme, ...] | None] = []
        for feed, result in zip(self._schemes, results, strict=True):
            if isinstance(result, ConnectorError):
                _log.warning("catalogue.unavailable", feed=feed.name, reason=result.message)
                parts.append(None)
            elif isinstance(result, BaseException):
                raise result
            else:
                parts.append(result)
        last = self._last_catalogue
        if (
            last is not None
            and len(last[0]) == len(parts)
            and all(a is b for a, b in zip(last[0], parts, strict=True))
        ):
            return last[1]  # the same records as last time: the same catalogue
        schemes = tuple(scheme for part in parts if part is not None for scheme in part)
        unavailable = tuple(
            feed.name for feed, part in zip(self._schemes, parts, strict=True) if part is None
        )
        catalogue = Catalogue(
            schemes,
            {s.id: s for s in schemes},
            unavailable,
            version=next(_versions),
            criterion_keys=_criterion_keys(schemes),
        )
        self._last_catalogue = (parts, catalogue)
        return catalogue

    async def misconfigured_sources(self) -> dict[str, str]:
        """Each source whose first page answers 404, 401 or 403: a wrong URL or key, which no
        retry will mend, and what it answered. One plain call per source, outside the
        breakers and retries: a source that cannot be reached or fails otherwise is an
        outage (served stale or degraded), not a configuration error, and is not named."""
        probes = self._probes
        headers = self._headers

        async def probe(name: str, path: str, params: dict[str, str | int]) -> str | None:
            client = self._clients[name]
            try:
                response = await client.get(path, params=params, headers=headers.get(name))
            except httpx.HTTPError:
                return None
            if response.status_code in _MISCONFIGURED:
                return f"HTTP {response.status_code} at {client.base_url.join(path)}"
            return None

        answers = await asyncio.gather(*(probe(*args) for args in probes))
        return {
            name: answer
            for (name, _, _), answer in zip(probes, answers, strict=True)
            if answer is not None
        }

    async def activators(self) -> tuple[Activator, ...]:
        return await self._records(self._activators)

    def breaker_states(self) -> dict[str, BreakerState]:
        """Each feed family's circuit breaker, for metrics."""
        return {
            source: state
            for caller in self._callers.values()
            for source, state in caller.breaker_states().items()
        }

    async def aclose(self) -> None:
        for client in self._clients.values():
            await client.aclose()

    async def _records(self, feed: Feed[T]) -> tuple[T, ...]:
        now = self._clock()
        parsed = feed.parsed
        if parsed is not None and now - parsed.checked_at < self._config.local_ttl:
            return parsed.records  # the hot path: no cache backend, no partner
        payload = await self._payload(feed)
        fetched_at = float(payload.get("fetched_at", 0.0))
        if parsed is not None and parsed.fetched_at == fetched_at:
            parsed.checked_at = now
            return parsed.records
        feed.parsed = _Parsed(fetched_at, now, _parse_all(feed, payload.get("items")))
        return feed.parsed.records

    async def _payload(self, feed: Feed[Any]) -> dict[str, Any]:
        return await self._reads.read(
            f"catalogue:{feed.name}",
            lambda: self._fetch(feed),
            label=feed.name,
            source=feed.caller.source,
            ttl=self._config.ttl,
        )

    @staticmethod
    async def _fetch(feed: Feed[Any]) -> dict[str, Any]:
        """The whole feed, as one payload to cache; a page we cannot read makes the feed
        unavailable (a stale copy is served if there is one)."""
        source = feed.caller.source
        try:
            items = await feed.fetch(feed.caller)
        except PayloadError as exc:
            raise UpstreamUnavailable(source, f"{source}: unreadable page ({exc})") from None
        _log.info("catalogue.loaded", feed=feed.name, items=len(items))
        return {"fetched_at": time.time(), "items": items}


@dataclass(frozen=True, slots=True)
class _Financer:
    """One financer's source: where it is, how it is read whole, probed and parsed."""

    name: str
    url: str
    path: str
    probe: dict[str, str | int]
    fetch: Callable[[ResilientCaller], Awaitable[list[Any]]]
    parse: Callable[[Mapping[str, Any]], Scheme]


def _financers(config: CatalogueConfig) -> tuple[_Financer, ...]:
    """The financers' sources the configuration names, in a fixed order."""
    sources = (
        (config.crealia_url, "crealia", crealia.PATH, crealia.PROBE, crealia.fetch,
         crealia.parse_pret),
        (config.france_initiative_url, "franceinitiative", france_initiative.PATH,
         france_initiative.PROBE, france_initiative.fetch, france_initiative.parse_loan),
        (config.irdi_soridec_url, "irdisoridec", irdi_soridec.PATH, irdi_soridec.PROBE,
         irdi_soridec.fetch, irdi_soridec.parse_fonds),
    )  # fmt: skip
    return tuple(
        _Financer(name, url, path, probe, fetch, parse)
        for url, name, path, probe, fetch, parse in sources
        if url is not None
    )


def _client(base_url: str) -> httpx.AsyncClient:
    return partner_client(
        base_url=base_url,
        timeout=httpx.Timeout(8.0, connect=2.0),
        limits=httpx.Limits(max_connections=20, max_keepalive_connections=10),
        headers={
            "Accept": "application/json",
            "User-Agent": "hub-gateway (connectors.catalogues)",
        },
    )


def _parse_all(feed: Feed[T], items: Any) -> tuple[T, ...]:
    records: list[T] = []
    skipped = 0
    for item in items if isinstance(items, list) else ():
        try:
            records.append(feed.parse(mapping(item)))
        except (PayloadError, KeyError, ValueError):
            skipped += 1
    if skipped:
        _log.warning("catalogue.items_skipped", feed=feed.name, skipped=skipped)
    return tuple(records)
