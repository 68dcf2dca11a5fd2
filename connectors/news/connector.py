"""The news connector: the Région's RSS/Atom feed, read whole through the shared
``ResilientCaller`` and kept raw in the shared ``RawCache`` by ``CachedFetch`` (fresh for
``ttl``, then served for ``stale_ttl`` more only when the feed fails); the parse is kept
beside it (``read_parsed``)."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import httpx
import structlog

from connectors.cache import RawCache
from connectors.errors import UpstreamUnavailable
from connectors.http import CachedFetch, LogNames, Resilience, ResilientCaller, Sleep
from connectors.http.clients import partner_client
from connectors.news.models import NewsFeed
from connectors.news.wire import PayloadError, parse_feed

__all__ = ["NewsConfig", "NewsConnector"]

_log = structlog.get_logger(__name__)
_LOGS = LogNames(prefix="news", label="feed")
_SOURCE = "region_news"


@dataclass(frozen=True, slots=True)
class NewsConfig:
    base_url: str
    path: str = "/actualites/rss.xml"
    resilience: Resilience = field(default_factory=lambda: Resilience(timeout=8.0))
    ttl: float = 900.0
    stale_ttl: float = 7 * 24 * 3600.0


class NewsConnector:
    source = _SOURCE

    def __init__(
        self,
        config: NewsConfig,
        cache: RawCache,
        *,
        client: httpx.AsyncClient | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self._config = config
        self._client = client or _client(config)
        self._caller = ResilientCaller(
            self._client, self.source, config.resilience, logs=_LOGS, sleep=sleep
        )
        self._reads = CachedFetch(cache, stale_ttl=config.stale_ttl, logs=_LOGS)

    async def feed(self) -> NewsFeed:
        """The feed's items; ``stale`` when served from the cache after the feed failed. A
        ``ConnectorError`` when it failed with nothing cached."""
        feed, stale = await self._reads.read_parsed_marked(
            "news:region",
            self._fetch,
            _parse,
            label="news",
            source=self.source,
            ttl=self._config.ttl,
        )
        return replace(feed, stale=True) if stale else feed

    async def aclose(self) -> None:
        await self._client.aclose()

    async def _fetch(self) -> dict[str, Any]:
        text = await self._caller.get_text(self._config.path, name="feed")
        try:
            feed, skipped = parse_feed(text)  # checked before it is cached
        except PayloadError as exc:
            raise UpstreamUnavailable(self.source, f"{self.source}: {exc}") from None
        _log.info("news.loaded", items=len(feed.items), skipped=skipped)
        return {"text": text}


def _parse(payload: Mapping[str, Any]) -> NewsFeed:
    text = payload.get("text")
    try:
        return parse_feed(text if isinstance(text, str) else "")[0]
    except PayloadError as exc:
        raise UpstreamUnavailable(_SOURCE, f"{_SOURCE}: {exc}") from None


def _client(config: NewsConfig) -> httpx.AsyncClient:
    return partner_client(
        base_url=config.base_url,
        timeout=httpx.Timeout(config.resilience.timeout, connect=2.0),
        limits=httpx.Limits(max_connections=5, max_keepalive_connections=2),
        headers={
            "Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9",
            "User-Agent": "hub-gateway (connectors.news)",
        },
    )
