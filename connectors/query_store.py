"""Automatic persisted queries (Apollo's protocol): query texts registered by browser clients
under their SHA-256, so that later requests send the hash alone.

A bounded LRU in the process; with a Redis cache (``CACHE_URL``), Redis too, so every
instance knows what any instance stored (an entry lives ``ttl`` seconds there). The text is
checked against its hash before it is stored (``gateway.persisted``), so an entry never
changes once written. A Redis fault is a miss (``RawCache``): the client sends the text
again."""

from __future__ import annotations

from cachetools import LRUCache

from connectors.cache import RawCache

__all__ = ["QueryStore"]

_NAMESPACE = "hub-gateway-apq"


class QueryStore:
    def __init__(
        self, shared: RawCache | None = None, *, size: int = 2048, ttl: float = 86_400.0
    ) -> None:
        self._local: LRUCache[str, str] = LRUCache(maxsize=size)
        self._shared = shared
        self._ttl = ttl

    @classmethod
    def from_url(cls, url: str | None, *, size: int = 2048) -> QueryStore:
        """Shared through Redis when ``url`` is ``redis://…``; in process otherwise."""
        redis = url is not None and url.startswith(("redis://", "rediss://"))
        shared = RawCache.from_url(url, namespace=_NAMESPACE) if redis else None
        return cls(shared, size=size)

    async def get(self, sha256: str) -> str | None:
        text = self._local.get(sha256)
        if text is None and self._shared is not None:
            entry = await self._shared.get(sha256)
            stored = entry.value.get("query") if entry is not None else None
            if isinstance(stored, str):
                text = self._local[sha256] = stored
        return text

    async def put(self, sha256: str, text: str) -> None:
        if sha256 in self._local:
            return
        self._local[sha256] = text
        if self._shared is not None:
            await self._shared.set(sha256, {"query": text}, ttl=self._ttl, stale_ttl=0.0)

    async def aclose(self) -> None:
        if self._shared is not None:
            await self._shared.close()
