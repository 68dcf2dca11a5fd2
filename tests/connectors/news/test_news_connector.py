"""The news connector over respx: RSS and Atom through feedparser, errors, the cached and
the stale feed."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest
import respx

from connectors.cache import RawCache
from connectors.errors import UpstreamUnavailable
from connectors.http import Resilience, Sleep
from connectors.news import NewsConfig, NewsConnector

BASE_URL = "http://region.test"
PATH = "/actualites/rss.xml"

RSS = """<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>R</title>
<item><title>Aéronautique : un nouveau site</title><link>https://r.test/a</link>
<guid isPermaLink="false">news-a</guid><pubDate>Tue, 01 Dec 2026 09:00:00 +0100</pubDate>
<category>Aéronautique</category><category>Emploi</category>
<description>&lt;p&gt;Un &lt;b&gt;nouveau&lt;/b&gt; site &amp;amp; 200 emplois&lt;/p&gt;</description>
</item>
<item><title>Tourisme</title><link>https://r.test/b</link>
<pubDate>Thu, 03 Dec 2026 10:00:00 +0100</pubDate></item>
<item><title>Sans date</title><guid>news-c</guid></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
<title>R</title><id>urn:r</id><updated>2026-12-02T10:00:00Z</updated>
<entry><title>Santé : trois start-up</title><id>urn:news:s</id>
<link href="https://r.test/s"/><updated>2026-12-02T10:00:00Z</updated>
<category term="Santé"/><summary>Medtech</summary></entry></feed>"""


@pytest.fixture
def router() -> respx.MockRouter:
    return respx.MockRouter(base_url=BASE_URL, assert_all_called=False, assert_all_mocked=True)


@pytest.fixture
async def connector(
    router: respx.MockRouter, cache: RawCache, no_sleep: Sleep
) -> AsyncIterator[NewsConnector]:
    config = NewsConfig(base_url=BASE_URL, path=PATH, ttl=60.0,
                        resilience=Resilience(timeout=2.0, max_retries=1, breaker_threshold=50,
                                              backoff_base=0.01, backoff_max=0.02))  # fmt: skip
    client = httpx.AsyncClient(
        base_url=BASE_URL, transport=httpx.MockTransport(router.async_handler)
    )
    connector = NewsConnector(config, cache, client=client, sleep=no_sleep)
    yield connector
    await connector.aclose()


async def test_reads_an_rss_feed_newest_first_and_skips_undated_entries(
    router: respx.MockRouter, connector: NewsConnector
) -> None:
    router.get(PATH).respond(text=RSS, headers={"Content-Type": "application/rss+xml"})

    feed = await connector.feed()

    assert [item.id for item in feed.items] == ["https://r.test/b", "news-a"]
    older = feed.by_id["news-a"]
    assert older.title == "Aéronautique : un nouveau site"
    assert older.link == "https://r.test/a"
    assert older.categories == ("Aéronautique", "Emploi")
    assert older.summary == "Un nouveau site & 200 emplois"
    assert older.published == datetime(2026, 12, 1, 8, tzinfo=UTC)
    assert not feed.stale


async def test_reads_an_atom_feed(router: respx.MockRouter, connector: NewsConnector) -> None:
    router.get(PATH).respond(text=ATOM)

    [item] = (await connector.feed()).items

    assert (item.id, item.title, item.link) == ("urn:news:s", "Santé : trois start-up",
                                                 "https://r.test/s")  # fmt: skip
    assert item.categories == ("Santé",)


async def test_a_cached_feed_is_read_without_a_call(
    router: respx.MockRouter, connector: NewsConnector
) -> None:
    route = router.get(PATH).respond(text=RSS)

    await connector.feed()
    await connector.feed()

    assert route.call_count == 1


async def test_a_page_that_is_no_feed_is_unavailable_and_not_cached(
    router: respx.MockRouter, connector: NewsConnector, cache: RawCache
) -> None:
    router.get(PATH).respond(text="<html><body>Maintenance</body", status_code=200)

    with pytest.raises(UpstreamUnavailable):
        await connector.feed()
    assert await cache.get("news:region") is None


async def test_stale_feed_is_served_when_the_source_fails(
    router: respx.MockRouter, connector: NewsConnector, cache: RawCache
) -> None:
    router.get(PATH).respond(502)
    await cache.set("news:region", {"text": RSS}, ttl=0, stale_ttl=3600)

    feed = await connector.feed()

    assert feed.stale
    assert len(feed.items) == 2


async def test_source_down_with_nothing_cached_is_unavailable(
    router: respx.MockRouter, connector: NewsConnector
) -> None:
    router.get(PATH).respond(503)

    with pytest.raises(UpstreamUnavailable):
        await connector.feed()
