"""A short-lived in-process cache of the directory (agents, structures).

The directory changes rarely and is read on every company sheet (the referent, the
project actors, their structures): caching it takes several SQL round trips off the hot
path. Entries live ``ttl`` seconds, so a change made through another gateway instance shows
within that time; a change made through this instance is dropped at once with
:meth:`CachedDirectory.forget`. Access rules never read from here: they use the company
facts (``company_cache.py``), which are dropped on every write the database signals."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

from cachetools import TTLCache

from connectors.hubdb.records import AgentRecord, StructureRecord
from connectors.hubdb.repository import HubRepository

__all__ = ["CachedDirectory"]

_V = TypeVar("_V")


class _TTLLookup(Generic[_V]):
    def __init__(
        self, fetch: Callable[[Sequence[str]], Awaitable[dict[str, _V]]], ttl: float, size: int
    ) -> None:
        self._fetch = fetch
        self._entries: TTLCache[str, _V] = TTLCache(maxsize=size, ttl=ttl)

    async def get(self, keys: Sequence[str]) -> dict[str, _V]:
        found = {key: self._entries[key] for key in keys if key in self._entries}
        missing = [key for key in keys if key not in found]
        if missing:
            fetched = await self._fetch(missing)
            self._entries.update(fetched)
            found.update(fetched)
        return found

    def forget(self, keys: Sequence[str]) -> None:
        for key in keys:
            self._entries.pop(key, None)


class CachedDirectory:
    def __init__(self, hub: HubRepository, *, ttl: float = 30.0, size: int = 20_000) -> None:
        self._agents = _TTLLookup(hub.agents, ttl, size)
        self._structures = _TTLLookup(hub.structures, ttl, size)

    async def agents(self, ids: Sequence[str]) -> dict[str, AgentRecord]:
        return await self._agents.get(ids)

    async def structures(self, ids: Sequence[str]) -> dict[str, StructureRecord]:
        return await self._structures.get(ids)

    def forget(self, *, agents: Sequence[str] = (), structures: Sequence[str] = ()) -> None:
        """Drops entries this instance just changed, so its next read is fresh."""
        self._agents.forget(agents)
        self._structures.forget(structures)
