"""Directory queries: search agents by the hub's four criteria, list structures."""

from __future__ import annotations

from enum import Enum

import strawberry

from auth.tiers import Tier
from auth.visibility import tiered
from connectors.hubdb import AgentFilter, StructureFilter
from resolvers import directory_search as directory
from resolvers.context import Info
from schema.directory import Agent, Structure
from schema.pagination import Connection

__all__ = ["AgentFilterInput", "AgentRole", "DirectoryQuery", "StructureFilterInput"]


@strawberry.enum(description="An agent's role in the hub.")
class AgentRole(Enum):
    REFERENT = "REFERENT"
    FUNDING_EXPERT = "FUNDING_EXPERT"
    SPECIALIST = "SPECIALIST"
    ADMIN = "ADMIN"


@strawberry.input(
    description="The hub's four criteria (territory, structure, filières, "
    "competence domains), or a name. Filières and domains match any of them."
)
class AgentFilterInput:
    name: str | None = None
    postal_code: str | None = strawberry.field(
        default=None, description="A territory: agents covering this postal code."
    )
    structure_id: strawberry.ID | None = None
    filieres: list[str] | None = None
    domains: list[str] | None = None
    role: AgentRole | None = None
    selectable_only: bool = strawberry.field(
        default=False,
        description="Only agents who can be chosen as referent (their structure is in the "
        "network and signed its charter).",
    )

    def to_filter(self) -> AgentFilter:
        return AgentFilter(
            name=self.name,
            postal_code=self.postal_code,
            structure_id=str(self.structure_id) if self.structure_id else None,
            filieres=tuple(self.filieres or ()),
            domains=tuple(self.domains or ()),
            role=self.role.value if self.role else None,
            selectable_only=self.selectable_only,
        )


@strawberry.input(description="Filters over the support structures.")
class StructureFilterInput:
    name: str | None = None
    kind: str | None = None
    department_code: str | None = None
    postal_code: str | None = None
    in_network: bool | None = None
    labelled: bool | None = None
    support_kind: str | None = None

    def to_filter(self) -> StructureFilter:
        return StructureFilter(
            name=self.name,
            kind=self.kind,
            department_code=self.department_code,
            postal_code=self.postal_code,
            in_network=self.in_network,
            labelled=self.labelled,
            support_kind=self.support_kind,
        )


@strawberry.type
class DirectoryQuery:
    @tiered(Tier.AUTHENTICATED, description="Search the network's agents (signed-in users).")
    async def agents(
        self,
        info: Info,
        filter: AgentFilterInput | None = None,
        first: int | None = 20,
        after: str | None = None,
    ) -> Connection[Agent] | None:
        criteria = (filter or AgentFilterInput()).to_filter()
        page = await directory.search_agents(info, criteria, first, after)
        return Connection.of(page, Agent.from_record)

    @tiered(Tier.AUTHENTICATED, description="One agent's card.")
    async def agent(self, info: Info, id: strawberry.ID) -> Agent | None:
        return Agent.from_record(await directory.find_agent(info, str(id)))

    @tiered(Tier.PUBLIC, description="The support structures (open data).")
    async def structures(
        self,
        info: Info,
        filter: StructureFilterInput | None = None,
        first: int | None = 20,
        after: str | None = None,
    ) -> Connection[Structure]:
        criteria = (filter or StructureFilterInput()).to_filter()
        page = await directory.search_structures(info, criteria, first, after)
        return Connection.of(page, Structure.from_record)
