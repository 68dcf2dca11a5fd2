"""Directory search: the hub's four criteria, paginated and counted."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TypeVar

from graphql import GraphQLError

from connectors.hubdb import AgentFilter, AgentRecord, Page, StructureFilter, StructureRecord
from resolvers.context import Info
from resolvers.directory import agent
from resolvers.errors import BAD_USER_INPUT, NOT_FOUND, coded_error
from resolvers.inputs import bounded_items, bounded_text

__all__ = [
    "MAX_PAGE",
    "bad_cursor",
    "find_agent",
    "page_size",
    "paged",
    "search_agents",
    "search_structures",
]

T = TypeVar("T")

MAX_PAGE = 100


def page_size(first: int | None) -> int:
    size = 20 if first is None else first
    if not 1 <= size <= MAX_PAGE:
        raise coded_error(
            f"`first` is between 1 and {MAX_PAGE}; it was {size}.", BAD_USER_INPUT, argument="first"
        )
    return size


def bad_cursor() -> GraphQLError:
    return coded_error(
        "This cursor is not one the hub gave: start again without `after`.",
        BAD_USER_INPUT,
        argument="after",
    )


async def paged(search: Awaitable[Page[T]]) -> Page[T]:
    try:
        return await search
    except ValueError:
        raise bad_cursor() from None


async def search_agents(
    info: Info, filter: AgentFilter, first: int | None, after: str | None
) -> Page[AgentRecord]:
    hub = info.context.services.hub
    bounded_text(filter.name, "name")
    for argument in ("postal_code", "structure_id", "role"):
        bounded_text(getattr(filter, argument), _camel(argument), 64)
    bounded_items(filter.filieres, "filieres")
    bounded_items(filter.domains, "domains")
    return await paged(hub.search_agents(filter, page_size(first), after))


async def search_structures(
    info: Info, filter: StructureFilter, first: int | None, after: str | None
) -> Page[StructureRecord]:
    hub = info.context.services.hub
    bounded_text(filter.name, "name")
    for argument in ("kind", "department_code", "postal_code", "support_kind"):
        bounded_text(getattr(filter, argument), _camel(argument), 64)
    return await paged(hub.search_structures(filter, page_size(first), after))


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


async def find_agent(info: Info, agent_id: str) -> AgentRecord:
    bounded_text(agent_id, "id", 64)
    record = await agent(info, agent_id)
    if record is None:
        raise coded_error(f"No agent has the id {agent_id!r}.", NOT_FOUND, argument="id")
    return record
