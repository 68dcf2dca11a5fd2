"""Writes to the hub database: one transaction per mutation, nothing half-written.

``async with writer.transaction() as tx:`` commits when the block ends normally and rolls
back on any exception. Races are settled by the database itself (unique keys, conditional
updates), never by a read-then-write in Python."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from connectors.hubdb._agent_profile_writes import AgentProfileWrites
from connectors.hubdb._company_space_writes import CompanySpaceWrites
from connectors.hubdb._desk_writes import AgentContact, DeskWrites, NewStructure
from connectors.hubdb._notice_writes import NoticeWrites
from connectors.hubdb._project_writes import ProjectWrites
from connectors.hubdb._referent_writes import ReferentWrites
from connectors.hubdb.engine import WRITE_TRANSACTION
from connectors.hubdb.invitations import InvitationWrites
from connectors.hubdb.models import Account, Base
from connectors.hubdb.surveys import SurveyWrites
from connectors.hubdb.unique_keys import is_unique_violation

__all__ = [
    "AgentContact",
    "HubWriter",
    "NewStructure",
    "WriteTransaction",
]


class WriteTransaction(
    CompanySpaceWrites,
    ReferentWrites,
    ProjectWrites,
    AgentProfileWrites,
    NoticeWrites,
    DeskWrites,
    InvitationWrites,
    SurveyWrites,
):
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def _insert(self, row: Base) -> bool:
        """Inserts ``row`` under a savepoint; False when a unique key refuses it (the rest
        of the transaction goes on). Any other integrity error (a foreign key, a NOT NULL, a
        CHECK) is a bug, not a duplicate: it is raised."""
        try:
            async with self.session.begin_nested():
                self.session.add(row)
                await self.session.flush()
        except IntegrityError as error:
            if not is_unique_violation(error):
                raise
            return False
        return True


class HubWriter:
    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        *,
        committed: Callable[[], None] | None = None,
    ) -> None:
        """``committed`` is called after each transaction commits (``build_services``: the
        company cache forgets what it kept, so that the writer's next read is fresh before
        the database's own signal arrives)."""
        self._session_factory = session_factory
        self._committed = committed

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[WriteTransaction]:
        async with self._session_factory() as session, session.begin():
            await session.connection(execution_options={WRITE_TRANSACTION: True})
            yield WriteTransaction(session)
        if self._committed is not None:
            self._committed()

    async def bind_account(self, account_id: str, issuer: str, subject: str) -> bool:
        """Binds an account no provider identity holds yet to (``issuer``, ``subject``), at
        its owner's first sign-in; False when it was bound meanwhile, or the identity holds
        another account."""
        try:
            async with self.transaction() as tx:
                result = await tx.session.execute(
                    sa.update(Account)
                    .where(Account.id == account_id, Account.idp_subject.is_(None))
                    .values(idp_issuer=issuer, idp_subject=subject)
                )
        except IntegrityError as error:
            if not is_unique_violation(error):
                raise
            return False
        return bool(result.rowcount)  # type: ignore[attr-defined]
