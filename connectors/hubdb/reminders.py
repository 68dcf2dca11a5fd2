"""Referent requests left unanswered past their deadline, and taking one to remind it.

Taking is a conditional update (``reminded_at`` from NULL to now, only while the request is
PENDING and due), run in the caller's transaction: of several workers that try the same
request, exactly one updates the row (on PostgreSQL the others wait for its row lock, then
see ``reminded_at`` set; on SQLite writes are serialised), so each reminder goes out once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from connectors.hubdb.enums import AssignmentStatus
from connectors.hubdb.models import Account, Agent, Company, Project, ReferentAssignment
from connectors.hubdb.runner import CoreRunner

__all__ = ["DueReminder", "ReminderStore"]

_PENDING = AssignmentStatus.PENDING.value


@dataclass(frozen=True, slots=True)
class DueReminder:
    """A request taken for its reminder, with what the reminder tells the agent."""

    assignment_id: str
    siret: str | None
    company_name: str | None
    """The company's name, or the holder's project's title (``project_id``)."""
    due_at: datetime
    agent_account_id: str
    agent_email: str
    project_id: str | None = None


class ReminderStore:
    def __init__(
        self, session_factory: async_sessionmaker[AsyncSession], runner: CoreRunner | None = None
    ) -> None:
        """``runner`` runs the reads (``connectors.hubdb.runner``); without one they run on
        the async engine of ``session_factory``. Taking a reminder is a write in the caller's
        transaction."""
        self._runner = CoreRunner.or_sessions(runner, session_factory)

    async def due(self, *, now: datetime, limit: int = 100) -> list[str]:
        """Ids of PENDING requests due at ``now`` and not reminded yet, oldest first."""
        query = (
            sa.select(ReferentAssignment.id)
            .where(_is_due(now))
            .order_by(ReferentAssignment.due_at, ReferentAssignment.id)
            .limit(limit)
        )
        return await self._runner.read(lambda connection: list(connection.scalars(query)))

    async def take(
        self, session: AsyncSession, assignment_id: str, *, now: datetime
    ) -> DueReminder | None:
        """Marks the request reminded at ``now`` in ``session``'s transaction; None when it
        is no longer due (answered, reminded by another worker, or not due yet)."""
        taken = await session.execute(
            sa.update(ReferentAssignment)
            .where(ReferentAssignment.id == assignment_id, _is_due(now))
            .values(reminded_at=now)
            .returning(ReferentAssignment.id)
        )
        if taken.first() is None:
            return None
        row = (
            await session.execute(
                sa.select(
                    ReferentAssignment.siret,
                    ReferentAssignment.project_id,
                    sa.func.coalesce(Company.display_name, Project.title),
                    ReferentAssignment.due_at,
                    Account.id,
                    Account.email,
                )
                .join(Agent, Agent.id == ReferentAssignment.agent_id)
                .join(Account, Account.id == Agent.account_id)
                .outerjoin(Company, Company.siret == ReferentAssignment.siret)
                .outerjoin(Project, Project.id == ReferentAssignment.project_id)
                .where(ReferentAssignment.id == assignment_id)
            )
        ).one()
        siret, project_id, company_name, due_at, account_id, email = row
        assert due_at is not None  # taken only when due_at <= now
        return DueReminder(
            assignment_id=assignment_id,
            siret=siret,
            company_name=company_name,
            due_at=due_at,
            agent_account_id=account_id,
            agent_email=email,
            project_id=project_id,
        )


def _is_due(now: datetime) -> sa.ColumnElement[bool]:
    return sa.and_(
        ReferentAssignment.status == _PENDING,
        ReferentAssignment.due_at <= now,
        ReferentAssignment.reminded_at.is_(None),
    )
