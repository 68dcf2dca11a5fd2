"""The administrator's desk: what waits for it, and what it does about it."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Any

import strawberry

from auth.actions import Action, Allowed
from auth.tiers import Tier
from auth.visibility import tiered
from connectors.hubdb.desk import IdentityDocumentRecord, ReferentRequestRecord
from resolvers import desk, desk_network, desk_referents
from resolvers.context import Info
from schema.company import Company
from schema.directory import Agent, Structure
from schema.directory_query import AgentRole
from schema.pagination import Connection
from schema.projects import ReferentAssignment

__all__ = ["DeskMutation", "DeskQuery"]


@strawberry.enum(description="What brought a company to the administrator's desk.")
class ReferentRequestKind(Enum):
    CHANGE = strawberry.enum_value("CHANGE", description="It asked to change referent.")
    REFUSED = strawberry.enum_value("REFUSED", description="Its chosen referent declined.")
    OVERDUE = strawberry.enum_value(
        "OVERDUE", description="Its chosen referent did not answer within 48 working hours."
    )


@strawberry.enum(description="Whether a desk item still needs the administrator.")
class DeskStatus(Enum):
    OPEN = "OPEN"
    CLOSED = "CLOSED"


@strawberry.enum(description="Where an identity document stands.")
class DocumentStatus(Enum):
    PENDING = "PENDING"
    ACCEPTED = "ACCEPTED"
    REJECTED = "REJECTED"


@strawberry.input
class ReferentRequestFilter:
    status: DeskStatus | None = DeskStatus.OPEN
    kind: list[ReferentRequestKind] | None = None


@strawberry.type(description="A company that needs the administrator about its referent.")
class ReferentRequest:
    id: strawberry.ID = tiered(Tier.PUBLIC)
    kind: ReferentRequestKind = tiered(Tier.PUBLIC)
    status: DeskStatus = tiered(Tier.PUBLIC)
    at: datetime = tiered(Tier.PUBLIC, description="When it reached the desk.")
    message: str | None = tiered(
        Tier.PUBLIC, description="The company's message, or the referent's refusal reason."
    )
    company_name: str = tiered(Tier.PUBLIC)
    siret: strawberry.Private[str | None]
    agent_id: strawberry.Private[str | None]

    @tiered(Tier.PUBLIC, description="Null for a project holder's project (see `companyName`).")
    def company(self) -> Company | None:
        return Company.of(self.siret) if self.siret else None

    @tiered(Tier.PUBLIC, description="The referent who declined or did not answer.")
    async def agent(self, info: Info) -> Agent | None:
        if self.agent_id is None:
            return None
        record = await info.context.loaders.agents.load(self.agent_id)
        return Agent.from_record(record) if record else None

    @classmethod
    def of(cls, record: ReferentRequestRecord) -> ReferentRequest:
        return cls(
            id=strawberry.ID(record.id),
            kind=ReferentRequestKind(record.kind),
            status=DeskStatus(record.status),
            at=record.at,
            message=record.message,
            company_name=record.company,
            siret=record.siret,
            agent_id=record.agent_id,
        )


@strawberry.type(description="An identity document sent at sign-up, for the administrator.")
class IdentityVerification:
    id: strawberry.ID = tiered(Tier.PUBLIC)
    name: str = tiered(Tier.PUBLIC, description="The name the identity provider gave.")
    email: str = tiered(Tier.PUBLIC)
    account_kind: str = tiered(Tier.PUBLIC)
    content_type: str = tiered(Tier.PUBLIC, description="Detected from the file's bytes.")
    size: int = tiered(Tier.PUBLIC, description="Bytes.")
    status: DocumentStatus = tiered(Tier.PUBLIC)
    submitted_at: datetime = tiered(Tier.PUBLIC)
    decided_at: datetime | None = tiered(Tier.PUBLIC)
    reason: str | None = tiered(Tier.PUBLIC)
    download_path: str = tiered(
        Tier.PUBLIC,
        description="GET it with the administrator's token (never cached, never shown to "
        "anyone else).",
    )

    @classmethod
    def of(cls, record: IdentityDocumentRecord) -> IdentityVerification:
        return cls(
            id=strawberry.ID(record.id),
            name=record.name,
            email=record.email,
            account_kind=record.account_kind,
            content_type=record.content_type,
            size=record.size,
            status=DocumentStatus(record.status),
            submitted_at=record.submitted_at,
            decided_at=record.decided_at,
            reason=record.reason,
            download_path=f"/admin/identity-documents/{record.id}",
        )


@strawberry.type
class DeskQuery:
    @tiered(
        Tier.ADMIN,
        description="Companies that need the administrator about their referent, newest "
        "first (open ones by default).",
    )
    async def referent_requests(
        self,
        info: Info,
        filter: ReferentRequestFilter | None = None,
        first: int | None = 20,
        after: str | None = None,
    ) -> Connection[ReferentRequest] | None:
        criteria = filter or ReferentRequestFilter()
        page = await desk.referent_requests(
            info,
            criteria.status.value if criteria.status else None,
            [str(kind.value) for kind in criteria.kind or ()],
            first,
            after,
        )
        return Connection.of(page, ReferentRequest.of)

    @tiered(Tier.ADMIN, description="Identity documents, oldest first (pending by default).")
    async def identity_verifications(
        self,
        info: Info,
        status: DocumentStatus | None = DocumentStatus.PENDING,
        first: int | None = 20,
        after: str | None = None,
    ) -> Connection[IdentityVerification] | None:
        page = await desk.identity_verifications(
            info, status.value if status else None, first, after
        )
        return Connection.of(page, IdentityVerification.of)


@strawberry.input(description="A new support structure.")
class CreateStructureInput:
    id: strawberry.ID = strawberry.field(description="A readable slug: `cci-lozere`.")
    name: str
    kind: str = strawberry.field(description="CCI, CMA, BGE, INITIATIVE, EPCI, ADOCC, …")
    department_code: str | None = None
    postal_code: str | None = None
    city: str | None = None
    email: str | None = None
    phone: str | None = None
    labelled: bool = False
    in_network: bool = True
    support_kinds: list[str] = strawberry.field(default_factory=list)

    def to_input(self) -> desk_network.StructureInput:
        return desk_network.StructureInput(
            id=str(self.id), name=self.name, kind=self.kind,
            department_code=self.department_code, postal_code=self.postal_code, city=self.city,
            email=self.email, phone=self.phone, labelled=self.labelled,
            in_network=self.in_network, support_kinds=tuple(self.support_kinds),
        )  # fmt: skip


def _mutation(description: str) -> Any:
    return strawberry.mutation(
        description=description, directives=[Allowed(action=Action.ADMIN_DESK)]
    )


def _id(value: strawberry.ID | None) -> str | None:
    return None if value is None else str(value)


@strawberry.type
class DeskMutation:
    @_mutation(
        "Make an agent a company's referent (by `siret`, or by one of its projects' "
        "`projectId`), ending the current assignment; the old and new referents and the "
        "company are told."
    )
    async def assign_referent(
        self,
        info: Info,
        agent_id: strawberry.ID,
        siret: str | None = None,
        project_id: strawberry.ID | None = None,
        reason: str | None = None,
    ) -> ReferentAssignment:
        record = await desk_referents.assign_referent(
            info, siret, _id(project_id), str(agent_id), reason
        )
        return ReferentAssignment.from_record(record)

    @_mutation("End a referent assignment (the company may choose again); a reason is needed.")
    async def end_referent_assignment(
        self, info: Info, assignment_id: strawberry.ID, reason: str
    ) -> ReferentAssignment:
        record = await desk_referents.end_referent_assignment(info, str(assignment_id), reason)
        return ReferentAssignment.from_record(record)

    @_mutation("Create a support structure; its agents join once its charter is signed.")
    async def create_structure(self, info: Info, input: CreateStructureInput) -> Structure:
        return Structure.from_record(await desk_network.create_structure(info, input.to_input()))

    @_mutation("Record that a structure signed the network charter.")
    async def record_charter_signature(
        self, info: Info, structure_id: strawberry.ID, signed_on: date
    ) -> Structure:
        record = await desk_network.record_charter_signature(info, str(structure_id), signed_on)
        return Structure.from_record(record)

    @_mutation(
        "Invite an agent of a structure that signed the charter: an e-mail invites it, and "
        "its first sign-in through the agents' identity provider claims the account."
    )
    async def invite_agent(
        self,
        info: Info,
        structure_id: strawberry.ID,
        email: str,
        name: str,
        roles: list[AgentRole],
    ) -> Agent:
        record = await desk_network.invite_agent(
            info, str(structure_id), email, name, [role.value for role in roles]
        )
        return Agent.from_record(record)

    @_mutation(
        "Deactivate an agent: its companies and its places in project groups go to "
        "`reassignTo`, who is told, as are the companies."
    )
    async def deactivate_agent(
        self, info: Info, agent_id: strawberry.ID, reassign_to: strawberry.ID
    ) -> Agent:
        return Agent.from_record(
            await desk_referents.deactivate_agent(info, str(agent_id), str(reassign_to))
        )

    @_mutation("Accept or reject an identity document (a rejection needs a reason).")
    async def decide_identity_verification(
        self, info: Info, id: strawberry.ID, accept: bool, reason: str | None = None
    ) -> IdentityVerification:
        record = await desk.decide_identity_verification(info, str(id), accept, reason)
        return IdentityVerification.of(record)
