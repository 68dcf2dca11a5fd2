"""Readiness probes of the shared backends that have no connector of their own to ask: a
Redis server (the cache, the rate limiter, the broker), one reused connection pool each."""

from __future__ import annotations

import redis.asyncio as aioredis

__all__ = ["RedisProbe", "redis_urls"]


def redis_urls(*urls: str | None) -> list[str]:
    """The distinct ``redis://`` / ``rediss://`` URLs among ``urls``, in order."""
    found = [url.strip() for url in urls if url]
    redis = [url for url in found if url.lower().startswith(("redis://", "rediss://"))]
    return list(dict.fromkeys(redis))


class RedisProbe:
    """Answers whether the Redis server at ``url`` answers PING."""

    def __init__(self, url: str, *, timeout: float) -> None:
        self._client = aioredis.Redis.from_url(
            url, socket_timeout=timeout, socket_connect_timeout=timeout
        )

    async def ping(self) -> None:
        """Raises when the server does not answer."""
        await self._client.ping()

    async def aclose(self) -> None:
        await self._client.aclose()
