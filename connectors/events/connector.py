"""The events connector: one OpenAgenda agenda (the Région's economic events), read whole.

The agenda's events from ``past_days`` ago on are read page by page (``after`` cursors,
through the shared ``ResilientCaller``) and kept as one raw entry in the shared ``RawCache``
by ``CachedFetch``: fresh for ``ttl``, then served for ``stale_ttl`` more only when the source
fails (stale-if-error); the parse is kept beside it (``read_parsed``). Filtering (filières,
department, dates) is the resolvers': an agenda holds a few hundred events.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from types import MappingProxyType
from typing import Any

import httpx
import structlog

from connectors.cache import RawCache
from connectors.errors import UpstreamUnavailable
from connectors.events.models import Agenda, Event
from connectors.events.wire import PayloadError, parse_event
from connectors.http import (
    CachedFetch,
    LogNames,
    Resilience,
    ResilientCaller,
    Sleep,
)
from connectors.http.clients import partner_client
from connectors.payload import mapping

__all__ = ["EventsConfig", "EventsConnector"]

_log = structlog.get_logger(__name__)
_LOGS = LogNames(prefix="events", label="agenda")
_MAX_PAGES = 50


@dataclass(frozen=True, slots=True)
class EventsConfig:
    base_url: str
    agenda_uid: str
    key: str = field(repr=False)
    """OpenAgenda's public read key (sent in the ``key`` header, never in a URL)."""
    resilience: Resilience = field(default_factory=lambda: Resilience(timeout=8.0))
    ttl: float = 900.0
    """An agenda changes a few times a day; a quarter of an hour keeps it close."""
    stale_ttl: float = 7 * 24 * 3600.0
    past_days: int = 30
    """Events that ended up to this many days ago are still listed."""
    page_size: int = 100


class EventsConnector:
    source = "openagenda"

    def __init__(
        self,
        config: EventsConfig,
        cache: RawCache,
        *,
        client: httpx.AsyncClient | None = None,
        sleep: Sleep = asyncio.sleep,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._config = config
        self._now = now
        self._client = client or _client(config)
        self._caller = ResilientCaller(
            self._client,
            self.source,
            config.resilience,
            headers={"key": config.key},
            logs=_LOGS,
            sleep=sleep,
        )
        self._reads = CachedFetch(cache, stale_ttl=config.stale_ttl, logs=_LOGS)

    async def agenda(self) -> Agenda:
        """The agenda's events; ``stale`` when served from the cache after the source failed.
        A ``ConnectorError`` when it failed with nothing cached."""
        agenda, stale = await self._reads.read_parsed_marked(
            f"events:{self._config.agenda_uid}",
            self._fetch,
            _parse_agenda,
            label="events",
            source=self.source,
            ttl=self._config.ttl,
        )
        return replace(agenda, stale=True) if stale else agenda

    async def aclose(self) -> None:
        await self._client.aclose()

    async def _fetch(self) -> dict[str, Any]:
        """Every page from ``past_days`` ago on, as one payload to cache."""
        since = self._now() - timedelta(days=self._config.past_days)
        path = f"/v2/agendas/{self._config.agenda_uid}/events"
        items: list[Any] = []
        after: list[Any] | None = None
        for _ in range(_MAX_PAGES):
            params: dict[str, str | int] = {
                "size": self._config.page_size,
                "detailed": 1,
                "timings[gte]": since.isoformat(),
            }
            for index, value in enumerate(after or ()):
                params[f"after[{index}]"] = str(value)
            body = await self._caller.get_object(path, name="events", params=params)
            events = body.get("events")
            if not isinstance(events, list):
                raise UpstreamUnavailable(self.source, f"{self.source}: unreadable page")
            items += events
            after = body.get("after") if isinstance(body.get("after"), list) else None
            if not events or not after:
                break
        _log.info("events.loaded", agenda=self._config.agenda_uid, items=len(items))
        return {"fetched_at": time.time(), "items": items}


def _parse_agenda(payload: Mapping[str, Any]) -> Agenda:
    events: dict[str, Event] = {}
    skipped = 0
    items = payload.get("items")
    for item in items if isinstance(items, list) else ():
        try:
            event = parse_event(mapping(item))
        except PayloadError:
            skipped += 1
            continue
        events[event.uid] = event
    if skipped:
        _log.warning("events.items_skipped", skipped=skipped)
    ordered = tuple(sorted(events.values(), key=lambda e: (e.begins, e.uid)))
    return Agenda(ordered, MappingProxyType({e.uid: e for e in ordered}))


def _client(config: EventsConfig) -> httpx.AsyncClient:
    return partner_client(
        base_url=config.base_url,
        timeout=httpx.Timeout(config.resilience.timeout, connect=2.0),
        limits=httpx.Limits(max_connections=10, max_keepalive_connections=5),
        headers={"Accept": "application/json", "User-Agent": "hub-gateway (connectors.events)"},
    )
