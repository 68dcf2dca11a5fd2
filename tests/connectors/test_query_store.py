"""The automatic persisted queries' store: a bounded LRU in process, shared by every instance
through Redis (when ``TEST_REDIS_URL`` is set)."""

from __future__ import annotations

import os
import uuid

import pytest

from connectors.query_store import QueryStore

REDIS_ENV = "TEST_REDIS_URL"


async def test_the_store_keeps_the_most_recent_texts_up_to_its_size() -> None:
    store = QueryStore(size=2)
    for name in ("a", "b", "c"):
        await store.put(name, f"{{ {name} }}")
    assert [await store.get(name) for name in ("a", "b", "c")] == [None, "{ b }", "{ c }"]


async def test_instances_share_their_queries_through_redis() -> None:
    url = os.environ.get(REDIS_ENV)
    if not url:
        pytest.skip(f"{REDIS_ENV} is not set: no Redis to share the queries through")
    one, other = QueryStore.from_url(url), QueryStore.from_url(url)
    sha256 = uuid.uuid4().hex
    try:
        assert await other.get(sha256) is None
        await one.put(sha256, "{ viewer { kind } }")
        assert await other.get(sha256) == "{ viewer { kind } }"
    finally:
        await one.aclose()
        await other.aclose()


async def test_without_redis_the_store_is_the_process_s_own() -> None:
    assert QueryStore.from_url(None)._shared is None
    assert QueryStore.from_url("memory://")._shared is None
