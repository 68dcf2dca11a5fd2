"""Reads of the network directory, batched per request."""

from __future__ import annotations

from connectors.hubdb import AgentRecord, StructureRecord
from resolvers.context import Info

__all__ = ["agent", "structure"]


async def agent(info: Info, agent_id: str) -> AgentRecord | None:
    return await info.context.loaders.agents.load(agent_id)


async def structure(info: Info, structure_id: str) -> StructureRecord | None:
    return await info.context.loaders.structures.load(structure_id)
