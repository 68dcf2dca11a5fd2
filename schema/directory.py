"""The developers network: structures, agents, referent assignments."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from auth.tiers import Tier
from auth.visibility import tiered
from connectors.hubdb import AgentRecord, AssignmentRecord, StructureRecord
from gateway.context import Info
from resolvers import directory

__all__ = ["Agent", "AssignmentStatus", "ReferentAssignment", "Structure"]


@strawberry.type(description="A support structure of the network (CCI, BGE, AD'OCC…) or outside it.")
class Structure:
    id: strawberry.ID = tiered(Tier.PUBLIC)
    name: str = tiered(Tier.PUBLIC)
    kind: str = tiered(Tier.PUBLIC)
    department_code: str | None = tiered(Tier.PUBLIC)
    in_network: bool = tiered(Tier.PUBLIC)
    charter_signed: bool = tiered(Tier.PUBLIC)

    @classmethod
    def from_record(cls, record: StructureRecord) -> Structure:
        return cls(
            id=strawberry.ID(record.id),
            name=record.name,
            kind=record.kind,
            department_code=record.department_code,
            in_network=record.in_network,
            charter_signed=record.charter_signed,
        )


@strawberry.type(description="An agent of a support structure (referent, funding expert…).")
class Agent:
    id: strawberry.ID = tiered(Tier.PUBLIC)
    name: str = tiered(Tier.PUBLIC)
    first_name: str = tiered(Tier.PUBLIC)
    last_name: str = tiered(Tier.PUBLIC)
    title: str | None = tiered(Tier.PUBLIC)
    roles: list[str] = tiered(Tier.PUBLIC)
    filieres: list[str] = tiered(Tier.PUBLIC)
    domains: list[str] = tiered(Tier.PUBLIC)
    structure_id: strawberry.Private[str]
    contact: strawberry.Private[tuple[str, str | None]]

    @tiered(Tier.NETWORK_OR_CHOSEN)
    async def email(self) -> str | None:
        return self.contact[0]

    @tiered(Tier.NETWORK_OR_CHOSEN)
    async def phone(self) -> str | None:
        return self.contact[1]

    @tiered(Tier.PUBLIC)
    async def structure(self, info: Info) -> Structure | None:
        record = await directory.structure(info, self.structure_id)
        return Structure.from_record(record) if record else None

    @classmethod
    def from_record(cls, record: AgentRecord) -> Agent:
        return cls(
            id=strawberry.ID(record.id),
            name=record.name,
            first_name=record.first_name,
            last_name=record.last_name,
            title=record.title,
            roles=sorted(record.roles),
            filieres=list(record.filieres),
            domains=list(record.domains),
            structure_id=record.structure_id,
            contact=(record.email, record.phone),
        )


@strawberry.enum(description="Where a company's request to a referent stands.")
class AssignmentStatus(Enum):
    PENDING = "PENDING"
    ACCEPTED = "ACCEPTED"
    REFUSED = "REFUSED"


@strawberry.type(description="A company's choice of referent and the agent's answer.")
class ReferentAssignment:
    id: strawberry.ID = tiered(Tier.PUBLIC)
    status: AssignmentStatus = tiered(Tier.PUBLIC)
    requested_at: datetime = tiered(Tier.PUBLIC)
    due_at: datetime | None = tiered(Tier.PUBLIC, description="Answer due (48 working hours).")
    reminded_at: datetime | None = tiered(Tier.PUBLIC)
    agent_id: strawberry.Private[str]
    siret: strawberry.Private[str]

    @tiered(Tier.PUBLIC)
    async def agent(self, info: Info) -> Agent | None:
        record = await directory.agent(info, self.agent_id)
        return Agent.from_record(record) if record else None

    @classmethod
    def from_record(cls, record: AssignmentRecord) -> ReferentAssignment:
        return cls(
            id=strawberry.ID(record.id),
            status=AssignmentStatus(record.status),
            requested_at=record.requested_at,
            due_at=record.due_at,
            reminded_at=record.reminded_at,
            agent_id=record.agent_id,
            siret=record.siret,
        )
