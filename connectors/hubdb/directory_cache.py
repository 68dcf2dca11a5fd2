"""A short-lived in-process cache of the directory (agents, structures).

The directory changes rarely and is read on every company sheet (the referent, the
project actors, their structures): caching it takes several SQL round trips off the hot
path. Entries live ``ttl`` seconds, so a change made through another gateway instance shows
within that time; a change made through this instance is dropped at once with
:meth:`CachedDirectory.forget`. Access rules never read from here: they use the company
facts (``company_cache.py``), which are dropped on every write the database signals."""

from __future__ import annotations

from collections.abc import Sequence

from connectors.hubdb._ttl_lookup import TTLLookup
from connectors.hubdb.records import AgentRecord, StructureRecord
from connectors.hubdb.repository import HubRepository

__all__ = ["CachedDirectory"]


class CachedDirectory:
    def __init__(self, hub: HubRepository, *, ttl: float = 30.0, size: int = 20_000) -> None:
        self._agents = TTLLookup(hub.agents, ttl=ttl, size=size)
        self._structures = TTLLookup(hub.structures, ttl=ttl, size=size)

    async def agents(self, ids: Sequence[str]) -> dict[str, AgentRecord]:
        return await self._agents.get(ids)

    async def structures(self, ids: Sequence[str]) -> dict[str, StructureRecord]:
        return await self._structures.get(ids)

    def kept_agent(self, agent_id: str) -> AgentRecord | None:
        """The agent, when it is kept (without an await); else None (``agents`` reads it)."""
        return self._agents.kept(agent_id)

    def forget(self, *, agents: Sequence[str] = (), structures: Sequence[str] = ()) -> None:
        """Drops entries this instance just changed, so its next read is fresh (a read under
        way is answered but not kept: it may have read them before the change)."""
        self._agents.forget(agents)
        self._structures.forget(structures)
