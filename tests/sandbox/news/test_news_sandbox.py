"""The news feed stand-in: deterministic RSS the real connector reads, faults injectable."""

from __future__ import annotations

from datetime import date

import httpx

from connectors.cache import RawCache
from connectors.news import NewsConfig, NewsConnector
from sandbox.news import NewsSandboxConfig, create_app
from sandbox.news.app import FEED_PATH, rss

TODAY = date(2026, 12, 4)


def _client() -> httpx.AsyncClient:
    app = create_app(NewsSandboxConfig(today=TODAY))
    return httpx.AsyncClient(base_url="http://news.test", transport=httpx.ASGITransport(app=app))


def test_the_feed_is_the_same_for_a_seed_and_a_day() -> None:
    assert rss(TODAY) == rss(TODAY)
    assert rss(TODAY) != rss(TODAY, seed=1)


async def test_the_connector_reads_every_item_of_the_feed() -> None:
    connector = NewsConnector(NewsConfig(base_url="http://news.test"), RawCache(), client=_client())
    try:
        feed = await connector.feed()
    finally:
        await connector.aclose()

    assert len(feed.items) == 40
    assert all(item.categories and item.link for item in feed.items)
    assert feed.items[0].published >= feed.items[-1].published


async def test_injected_errors_are_answered() -> None:
    async with _client() as client:
        await client.post("/_sandbox/faults", json={"error_rate": 1})
        failed = await client.get(FEED_PATH)

    assert failed.status_code in (502, 503)
