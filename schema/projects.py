"""A project (of a company or of a project holder) and the agents taking part in it, and a
company's or a holder's request to a referent (``Company`` refers to both, and both back to
their company)."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry

from auth.tiers import Tier
from auth.visibility import tiered
from connectors.hubdb import AssignmentRecord, ProjectRecord
from resolvers import directory as resolve_directory
from resolvers import interactions as resolve_interactions
from resolvers import segments as resolve_segments
from resolvers.context import Info
from schema.directory import Agent, Structure
from schema.offers import Interaction, Segment

if TYPE_CHECKING:
    from schema.company import Company

__all__ = ["AssignmentStatus", "Project", "ProjectActor", "ReferentAssignment"]


@strawberry.type(description="An agent taking part in a project, and in which role.")
class ProjectActor:
    role: str = tiered(Tier.PUBLIC)
    agent: Agent | None = tiered(Tier.PUBLIC)


@strawberry.type(
    description="A project (of a company, or of a project holder) and the agents supporting it."
)
class Project:
    id: strawberry.ID = tiered(Tier.PUBLIC)
    title: str = tiered(Tier.PUBLIC)
    theme: str | None = tiered(Tier.PUBLIC)
    filiere: str | None = tiered(Tier.PUBLIC, description="The project holder's filière.")
    record: strawberry.Private[ProjectRecord]

    @tiered(
        Tier.PUBLIC, description="A project holder's labelled support structure.", loads_only=True
    )
    async def structure(self, info: Info) -> Structure | None:
        structure_id = self.record.structure_id
        record = await resolve_directory.structure(info, structure_id) if structure_id else None
        return Structure.from_record(record) if record else None

    @tiered(
        Tier.PUBLIC,
        description="The company whose project it is (null for a project holder's); each of "
        "its fields shows what the viewer may see (a project group's agent: its identity).",
    )
    def company(self) -> Annotated[Company, strawberry.lazy("schema.company")] | None:
        from schema.company import Company

        return Company.of(self.record.siret) if self.record.siret else None

    @tiered(
        Tier.PUBLIC,
        description="A project holder's referent request (pending or accepted) and its "
        "agent, chosen with its labelled structure (null for a company's project: see "
        "`company.referent`).",
        loads_only=True,
    )
    async def referent(self, info: Info) -> ReferentAssignment | None:
        if self.record.siret is not None:
            return None
        record = await info.context.loaders.project_referents.load(self.record.id)
        return ReferentAssignment.from_record(record) if record else None

    @tiered(
        Tier.PUBLIC,
        description="The CCI standard's client segment: a project on « transmission » is a "
        "cédant's, on « reprise » a repreneur's, any other holder's project a créateur's "
        "(null for a company's other projects: see `company.segment`).",
    )
    def segment(self) -> Segment | None:
        segment = resolve_segments.project_segment(self.record)
        return Segment(segment.value) if segment else None

    @tiered(
        Tier.PUBLIC,
        description="The support recorded for a project holder's project, newest first (null "
        "for a company's project: see `company.interactions`, tier 2).",
    )
    async def interactions(self, info: Info) -> list[Interaction] | None:
        if self.record.siret is not None:
            return None
        records = await resolve_interactions.project_interactions(info, self.record.id)
        return [Interaction.from_record(record) for record in records]

    @tiered(Tier.PUBLIC, list_size=5, loads_only=True)
    async def actors(self, info: Info) -> list[ProjectActor]:
        actors = self.record.actors
        agents = await info.context.loaders.agents.load_many([a.agent_id for a in actors])
        return [
            ProjectActor(role=actor.role, agent=Agent.from_record(agent) if agent else None)
            for actor, agent in zip(actors, agents, strict=True)
        ]

    @classmethod
    def from_record(cls, record: ProjectRecord) -> Project:
        return cls(
            id=strawberry.ID(record.id),
            title=record.title,
            theme=record.theme,
            filiere=record.filiere,
            record=record,
        )


@strawberry.enum(description="Where a company's request to a referent stands.")
class AssignmentStatus(Enum):
    PENDING = "PENDING"
    ACCEPTED = "ACCEPTED"
    REFUSED = "REFUSED"
    ENDED = strawberry.enum_value(
        "ENDED", description="Ended by the administrator (the company may choose again)."
    )


@strawberry.type(description="A company's choice of referent and the agent's answer.")
class ReferentAssignment:
    id: strawberry.ID = tiered(Tier.PUBLIC)
    status: AssignmentStatus = tiered(Tier.PUBLIC)
    requested_at: datetime = tiered(Tier.PUBLIC)
    due_at: datetime | None = tiered(Tier.PUBLIC, description="Answer due (48 working hours).")
    reminded_at: datetime | None = tiered(Tier.PUBLIC)
    agent_id: strawberry.Private[str]
    siret: strawberry.Private[str | None]

    @tiered(Tier.PUBLIC, loads_only=True)
    async def agent(self, info: Info) -> Agent | None:
        record = await resolve_directory.agent(info, self.agent_id)
        return Agent.from_record(record) if record else None

    @tiered(
        Tier.PUBLIC,
        description="The company that made the request (null for a project holder's project).",
    )
    def company(self) -> Annotated[Company, strawberry.lazy("schema.company")] | None:
        from schema.company import Company

        return Company.of(self.siret) if self.siret else None

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
