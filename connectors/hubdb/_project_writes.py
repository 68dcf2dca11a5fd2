"""Writes of projects (a company's, or a holder's supported by a structure), their
actors, and the support interactions recorded for a company or a project, mixed into
``WriteTransaction``."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from connectors.hubdb.models import Interaction, Project, ProjectActor
from connectors.hubdb.unique_keys import AlreadyExists

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from connectors.hubdb.models import Base

__all__ = ["ProjectWrites"]


class ProjectWrites:
    session: AsyncSession

    async def _insert(self, row: Base) -> bool:  # pragma: no cover - WriteTransaction's
        raise NotImplementedError

    async def create_project(
        self, *, siret: str, title: str, theme: str | None, now: datetime
    ) -> str:
        project_id = str(uuid.uuid4())
        self.session.add(
            Project(id=project_id, siret=siret, title=title, theme=theme, created_at=now)
        )
        await self.session.flush()
        return project_id

    async def create_holder_project(
        self,
        *,
        account_id: str,
        title: str,
        filiere: str | None,
        structure_id: str,
        now: datetime,
    ) -> str:
        project_id = str(uuid.uuid4())
        self.session.add(
            Project(
                id=project_id,
                holder_account_id=account_id,
                title=title,
                filiere=filiere,
                structure_id=structure_id,
                created_at=now,
            )
        )
        await self.session.flush()
        return project_id

    async def project_structure(self, project_id: str) -> str | None:
        """The labelled support structure of a holder's project."""
        return await self.session.scalar(
            sa.select(Project.structure_id).where(Project.id == project_id)
        )

    async def project_owner(self, project_id: str) -> tuple[str | None, str | None] | None:
        """(company SIRET, holder account) of a project; None when it does not exist."""
        row = (
            await self.session.execute(
                sa.select(Project.siret, Project.holder_account_id).where(Project.id == project_id)
            )
        ).first()
        return None if row is None else (row[0], row[1])

    async def project_subject(self, project_id: str) -> tuple[str | None, str | None, str | None]:
        """(company SIRET, holder account, theme) of a project; all None when it does not
        exist."""
        row = (
            await self.session.execute(
                sa.select(Project.siret, Project.holder_account_id, Project.theme).where(
                    Project.id == project_id
                )
            )
        ).first()
        return (None, None, None) if row is None else (row[0], row[1], row[2])

    async def record_interaction(self, values: Mapping[str, Any], now: datetime) -> str:
        """Adds an ``interactions`` row (its columns but ``id`` and ``recorded_at``)."""
        interaction_id = str(uuid.uuid4())
        self.session.add(Interaction(id=interaction_id, recorded_at=now, **values))
        await self.session.flush()
        return interaction_id

    async def rename_project(self, *, project_id: str, title: str) -> None:
        await self.session.execute(
            sa.update(Project).where(Project.id == project_id).values(title=title)
        )

    async def project_siret(self, project_id: str) -> str | None:
        """The company of a company project (None for unknown or a holder's project)."""
        return await self.session.scalar(sa.select(Project.siret).where(Project.id == project_id))

    async def add_project_actor(
        self, *, project_id: str, agent_id: str, role: str, now: datetime
    ) -> None:
        """``AlreadyExists`` when the agent already has this role in the project."""
        if not await self._insert(
            ProjectActor(project_id=project_id, agent_id=agent_id, role=role, added_at=now)
        ):
            raise AlreadyExists(f"actor of {project_id}")
