"""Writes of sign-up, identity verification and the administrator's desk, mixed into
``WriteTransaction`` (one transaction per mutation; races settled by the database)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa

from connectors.hubdb.enums import CURRENT_ASSIGNMENT_STATUSES
from connectors.hubdb.models import (
    Account,
    Agent,
    AgentRoleRow,
    IdentityDocument,
    ProjectActor,
    ReferentAssignment,
    ReferentChangeRequest,
    Structure,
    StructureSupportKind,
    normalize_email,
)

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from connectors.hubdb.models import Base

__all__ = ["AgentContact", "DeskWrites", "NewStructure"]

_CURRENT = [status.value for status in CURRENT_ASSIGNMENT_STATUSES]


@dataclass(frozen=True, slots=True)
class AgentContact:
    """An agent as a desk action needs it, read in the action's transaction."""

    id: str
    account_id: str
    email: str
    name: str
    structure_id: str
    roles: frozenset[str]
    active: bool
    selectable: bool
    """Its structure is in the network and signed the charter."""


@dataclass(frozen=True, slots=True)
class NewStructure:
    id: str
    name: str
    kind: str
    department_code: str | None
    postal_code: str | None
    city: str | None
    email: str | None
    phone: str | None
    labelled: bool
    in_network: bool
    support_kinds: tuple[str, ...]


class DeskWrites:
    session: AsyncSession

    async def _insert(self, row: Base) -> bool:  # pragma: no cover - WriteTransaction's
        raise NotImplementedError

    # --- sign-up -------------------------------------------------------------------------

    async def account_of_subject(self, issuer: str, subject: str) -> tuple[str, str] | None:
        """(id, kind) of the account bound to this provider identity."""
        row = (
            await self.session.execute(
                sa.select(Account.id, Account.kind).where(
                    Account.idp_issuer == issuer, Account.idp_subject == subject
                )
            )
        ).first()
        return None if row is None else (row[0], row[1])

    async def sign_up(
        self,
        *,
        issuer: str,
        subject: str,
        email: str,
        name: str,
        phone: str | None,
        kind: str,
        identity_status: str,
        now: datetime,
    ) -> tuple[str, str] | None:
        """(id, kind) of the account bound to (``issuer``, ``subject``): made now, or the
        one a concurrent sign-up made. None when the e-mail belongs to another account."""
        account_id = str(uuid.uuid4())
        row = Account(
            id=account_id,
            email=normalize_email(email),
            name=name,
            phone=phone,
            kind=kind,
            created_at=now,
            idp_issuer=issuer,
            idp_subject=subject,
            identity_status=identity_status,
        )
        if await self._insert(row):
            return account_id, kind
        return await self.account_of_subject(issuer, subject)

    # --- identity documents --------------------------------------------------------------

    async def add_identity_document(
        self,
        *,
        account_id: str,
        file_key: str,
        content_type: str,
        size: int,
        sha256: str,
        now: datetime,
    ) -> str:
        """A PENDING document; the account's identity is then UNDER_REVIEW."""
        document_id = str(uuid.uuid4())
        self.session.add(
            IdentityDocument(
                id=document_id,
                account_id=account_id,
                file_key=file_key,
                content_type=content_type,
                size=size,
                sha256=sha256,
                status="PENDING",
                submitted_at=now,
            )
        )
        await self.set_identity_status(account_id, "UNDER_REVIEW")
        return document_id

    async def set_identity_status(self, account_id: str, status: str) -> None:
        await self.session.execute(
            sa.update(Account).where(Account.id == account_id).values(identity_status=status)
        )
        await self.session.flush()

    async def decide_identity_document(
        self, *, document_id: str, accept: bool, reason: str | None, by: str, now: datetime
    ) -> str | None:
        """Accepts or rejects a PENDING document (a conditional update: of two decisions
        one wins); the account id, or None when no such PENDING document."""
        account_id = await self.session.scalar(
            sa.update(IdentityDocument)
            .where(IdentityDocument.id == document_id, IdentityDocument.status == "PENDING")
            .values(
                status="ACCEPTED" if accept else "REJECTED",
                decided_at=now,
                decided_by=by,
                reason=reason,
            )
            .returning(IdentityDocument.account_id)
        )
        if account_id is not None:
            await self.set_identity_status(
                account_id, "VERIFIED" if accept else "DOCUMENT_REQUIRED"
            )
        return account_id

    async def account_contact(self, account_id: str) -> tuple[str, str] | None:
        """(e-mail, name) of an account."""
        row = (
            await self.session.execute(
                sa.select(Account.email, Account.name).where(Account.id == account_id)
            )
        ).first()
        return None if row is None else (row[0], row[1])

    # --- agents ----------------------------------------------------------------------------

    async def agent_contact(self, agent_id: str) -> AgentContact | None:
        row = (
            await self.session.execute(
                sa.select(
                    Agent.id, Agent.account_id, Account.email, Agent.first_name,
                    Agent.last_name, Agent.structure_id, Agent.deactivated_at,
                    Structure.in_network, Structure.charter_signed,
                )
                .join(Account, Account.id == Agent.account_id)
                .join(Structure, Structure.id == Agent.structure_id)
                .where(Agent.id == agent_id)
            )
        ).first()  # fmt: skip
        if row is None:
            return None
        roles = await self.session.scalars(
            sa.select(AgentRoleRow.role).where(AgentRoleRow.agent_id == agent_id)
        )
        return AgentContact(
            id=row.id,
            account_id=row.account_id,
            email=row.email,
            name=f"{row.first_name} {row.last_name}",
            structure_id=row.structure_id,
            roles=frozenset(roles),
            active=row.deactivated_at is None,
            selectable=bool(row.in_network and row.charter_signed),
        )

    async def invite_agent(
        self,
        *,
        structure_id: str,
        email: str,
        first_name: str,
        last_name: str,
        roles: tuple[str, ...],
        now: datetime,
    ) -> str | None:
        """The agent's account (unbound: the first sign-in through the agents' provider
        with this e-mail claims it) and its agent; None when the e-mail has an account."""
        account_id = str(uuid.uuid4())
        account = Account(
            id=account_id,
            email=normalize_email(email),
            name=f"{first_name} {last_name}",
            phone=None,
            kind="AGENT",
            created_at=now,
        )
        if not await self._insert(account):
            return None
        agent_id = f"agent-{uuid.uuid4()}"
        self.session.add(
            Agent(
                id=agent_id,
                account_id=account_id,
                structure_id=structure_id,
                first_name=first_name,
                last_name=last_name,
            )
        )
        self.session.add_all(AgentRoleRow(agent_id=agent_id, role=role) for role in roles)
        await self.session.flush()
        return agent_id

    async def deactivate_agent(self, agent_id: str, now: datetime) -> bool:
        """False when the agent is unknown or deactivated already."""
        result = await self.session.execute(
            sa.update(Agent)
            .where(Agent.id == agent_id, Agent.deactivated_at.is_(None))
            .values(deactivated_at=now)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def move_project_actors(self, *, from_agent: str, to_agent: str) -> list[str]:
        """Gives ``from_agent``'s places in project groups to ``to_agent`` (a place it
        holds already stays single); the projects' ids."""
        rows = (
            (
                await self.session.execute(
                    sa.select(ProjectActor).where(ProjectActor.agent_id == from_agent)
                )
            )
            .scalars()
            .all()
        )
        moved = []
        for actor in rows:
            await self.session.delete(actor)
            await self.session.flush()
            await self._insert(
                ProjectActor(
                    project_id=actor.project_id, agent_id=to_agent, role=actor.role,
                    added_at=actor.added_at,
                )
            )  # fmt: skip
            moved.append(actor.project_id)
        return sorted(set(moved))

    # --- referent assignments ---------------------------------------------------------

    async def current_assignment(
        self, *, siret: str | None, project_id: str | None
    ) -> ReferentAssignment | None:
        """The current assignment of a company (``siret``) or of a holder's project."""
        subject = (
            ReferentAssignment.siret == siret
            if siret is not None
            else ReferentAssignment.project_id == project_id
        )
        return await self.session.scalar(
            sa.select(ReferentAssignment).where(subject, ReferentAssignment.status.in_(_CURRENT))
        )

    async def current_assignments_of_agent(self, agent_id: str) -> list[ReferentAssignment]:
        rows = await self.session.scalars(
            sa.select(ReferentAssignment)
            .where(ReferentAssignment.agent_id == agent_id, ReferentAssignment.status.in_(_CURRENT))
            .order_by(ReferentAssignment.siret, ReferentAssignment.project_id)
        )
        return list(rows)

    async def end_assignment(self, *, assignment_id: str, reason: str, now: datetime) -> bool:
        """Ends a current assignment; False when it is not current (any more)."""
        result = await self.session.execute(
            sa.update(ReferentAssignment)
            .where(ReferentAssignment.id == assignment_id, ReferentAssignment.status.in_(_CURRENT))
            .values(status="ENDED", ended_at=now, end_reason=reason)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def assign_directly(
        self, *, siret: str | None, project_id: str | None, agent_id: str, now: datetime
    ) -> str | None:
        """An ACCEPTED assignment made by the administrator; None when the company (or the
        holder's project) has a current one (a partial unique index decides)."""
        assignment_id = str(uuid.uuid4())
        row = ReferentAssignment(
            id=assignment_id,
            siret=siret,
            project_id=project_id,
            agent_id=agent_id,
            status="ACCEPTED",
            requested_at=now,
            answered_at=now,
        )
        return assignment_id if await self._insert(row) else None

    async def close_change_requests(self, siret: str) -> int:
        result = await self.session.execute(
            sa.update(ReferentChangeRequest)
            .where(ReferentChangeRequest.siret == siret, ReferentChangeRequest.status == "OPEN")
            .values(status="CLOSED")
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    # --- structures ----------------------------------------------------------------------

    async def create_structure(self, structure: NewStructure) -> bool:
        """False when a structure has this id."""
        row = Structure(
            id=structure.id,
            name=structure.name,
            kind=structure.kind,
            department_code=structure.department_code,
            postal_code=structure.postal_code,
            city=structure.city,
            email=structure.email,
            phone=structure.phone,
            labelled=structure.labelled,
            in_network=structure.in_network,
            charter_signed=False,
        )
        if not await self._insert(row):
            return False
        self.session.add_all(
            StructureSupportKind(structure_id=structure.id, support_kind=kind)
            for kind in structure.support_kinds
        )
        await self.session.flush()
        return True

    async def record_charter_signature(self, structure_id: str, signed_on: date) -> bool:
        """False when the structure is unknown."""
        result = await self.session.execute(
            sa.update(Structure)
            .where(Structure.id == structure_id)
            .values(charter_signed=True, charter_signed_on=signed_on)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def structure_exists(self, structure_id: str) -> tuple[bool, bool] | None:
        """(exists, charter signed) — None when unknown."""
        row = (
            await self.session.execute(
                sa.select(Structure.charter_signed).where(Structure.id == structure_id)
            )
        ).first()
        return None if row is None else (True, bool(row[0]))
