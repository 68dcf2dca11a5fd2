"""Writes of a referent: the request of a company or of a holder's project, its answer,
the change requests, and whom the request concerns, mixed into ``WriteTransaction``."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa

from connectors.hubdb._loaders.assignments import assignment_record
from connectors.hubdb.models import (
    Account,
    Agent,
    Project,
    ReferentAssignment,
    ReferentChangeRequest,
)
from connectors.hubdb.records import AssignmentRecord
from connectors.hubdb.unique_keys import AlreadyExists

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from connectors.hubdb.models import Base

__all__ = ["ReferentWrites"]


class ReferentWrites:
    session: AsyncSession

    async def _insert(self, row: Base) -> bool:  # pragma: no cover - WriteTransaction's
        raise NotImplementedError

    async def company_name(self, siret: str) -> str:  # pragma: no cover - CompanySpaceWrites'
        raise NotImplementedError

    async def members(self, siret: str) -> list[tuple[str, str]]:  # pragma: no cover - idem
        raise NotImplementedError

    async def create_assignment(
        self,
        *,
        siret: str | None = None,
        project_id: str | None = None,
        agent_id: str,
        now: datetime,
        due_at: datetime,
    ) -> str:
        """A PENDING referent request of a company or of a holder's project;
        ``AlreadyExists`` when it has a current one (a partial unique index decides, so two
        simultaneous choices cannot both win)."""
        assignment_id = str(uuid.uuid4())
        if not await self._insert(
            ReferentAssignment(
                id=assignment_id,
                siret=siret,
                project_id=project_id,
                agent_id=agent_id,
                status="PENDING",
                requested_at=now,
                due_at=due_at,
            )
        ):
            raise AlreadyExists("current referent")
        return assignment_id

    async def assignment(self, assignment_id: str) -> AssignmentRecord | None:
        row = (
            await self.session.execute(
                sa.select(ReferentAssignment, Agent.structure_id)
                .join(Agent, Agent.id == ReferentAssignment.agent_id)
                .where(ReferentAssignment.id == assignment_id)
            )
        ).first()
        if row is None:
            return None
        found, structure_id = row
        return assignment_record(found, structure_id)

    async def answer_assignment(
        self, *, assignment_id: str, accept: bool, reason: str | None, now: datetime
    ) -> bool:
        """Accepts or refuses a PENDING request; False when it was answered already (a
        conditional update: of two simultaneous answers exactly one wins)."""
        result = await self.session.execute(
            sa.update(ReferentAssignment)
            .where(ReferentAssignment.id == assignment_id, ReferentAssignment.status == "PENDING")
            .values(
                status="ACCEPTED" if accept else "REFUSED",
                answered_at=now,
                refusal_reason=None if accept else reason,
            )
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def add_change_request(
        self, *, siret: str, account_id: str, message: str, now: datetime
    ) -> str:
        request_id = str(uuid.uuid4())
        self.session.add(
            ReferentChangeRequest(
                id=request_id,
                siret=siret,
                account_id=account_id,
                message=message,
                status="OPEN",
                created_at=now,
            )
        )
        await self.session.flush()
        return request_id

    async def subject_name(self, *, siret: str | None, project_id: str | None) -> str:
        """The name of whose referent it is: the company's, or the holder's project's title."""
        if siret is not None:
            return await self.company_name(siret)
        title = await self.session.scalar(sa.select(Project.title).where(Project.id == project_id))
        return title or ""

    async def subject_people(
        self, *, siret: str | None, project_id: str | None
    ) -> list[tuple[str, str]]:
        """(account id, e-mail) of whom a referent answers: the company space's members, or
        the holder of the project."""
        if siret is not None:
            return await self.members(siret)
        rows = await self.session.execute(
            sa.select(Account.id, Account.email)
            .join(Project, Project.holder_account_id == Account.id)
            .where(Project.id == project_id)
        )
        return [(account_id, email) for account_id, email in rows]
