"""The network's directory written from outside the API: the operator's first administrator
(``hub-gateway bootstrap-admin``) and a whole directory of structures and agents
(``hub-gateway import-directory``). Upserts, so running them again changes nothing; a batch
that is not applied is rolled back (a dry run sees exactly what applying would do)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from connectors.hubdb._agent_profile_writes import _AGENT_LISTS
from connectors.hubdb._desk_writes import NewStructure
from connectors.hubdb.engine import WRITE_TRANSACTION
from connectors.hubdb.models import Account, Agent, AgentRoleRow, Structure, StructureSupportKind
from connectors.hubdb.models.directory import normalize_email
from connectors.hubdb.writes import WriteTransaction

__all__ = ["AgentEntry", "DirectoryBatch", "DirectoryConflict", "Outcome", "directory_batch"]


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


class DirectoryConflict(Exception):
    """A row the directory cannot take as it is (its message says why, without data)."""


@dataclass(frozen=True, slots=True)
class AgentEntry:
    """An agent as the directory lists it; found again by its e-mail. ``roles``, filières,
    domains and territories replace the agent's."""

    email: str
    first_name: str
    last_name: str
    structure_id: str
    title: str | None = None
    phone: str | None = None
    roles: tuple[str, ...] = ()
    filieres: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    territories: tuple[str, ...] = ()


_STRUCTURE_COLUMNS = (
    "name", "kind", "department_code", "postal_code", "city", "email", "phone", "labelled",
    "in_network",
)  # fmt: skip


class DirectoryBatch:
    """Upserts inside one transaction (each under a savepoint: a refused row leaves the
    others)."""

    def __init__(self, tx: WriteTransaction) -> None:
        self._tx = tx
        self._session: AsyncSession = tx.session

    async def structure_exists(self, structure_id: str) -> bool:
        return await self._tx.structure_exists(structure_id) is not None

    async def upsert_structure(self, entry: NewStructure) -> Outcome:
        async with self._session.begin_nested():
            row = await self._session.get(Structure, entry.id)
            if row is None:
                await self._tx.create_structure(entry)
                return Outcome.CREATED
            changed = False
            for column in _STRUCTURE_COLUMNS:
                if getattr(row, column) != getattr(entry, column):
                    setattr(row, column, getattr(entry, column))
                    changed = True
            changed |= await self._replace(
                StructureSupportKind, "structure_id", entry.id, "support_kind",
                entry.support_kinds,
            )  # fmt: skip
            await self._session.flush()
            return Outcome.UPDATED if changed else Outcome.UNCHANGED

    async def upsert_agent(self, entry: AgentEntry) -> Outcome:
        async with self._session.begin_nested():
            if await self._session.get(Structure, entry.structure_id) is None:
                raise DirectoryConflict(f"no structure has the id {entry.structure_id!r}")
            email = normalize_email(entry.email)
            account = await self._session.scalar(sa.select(Account).where(Account.email == email))
            if account is None:
                agent_id = await self._tx.invite_agent(
                    structure_id=entry.structure_id, email=email, first_name=entry.first_name,
                    last_name=entry.last_name, roles=entry.roles, now=datetime.now(UTC),
                )  # fmt: skip
                if agent_id is None:  # pragma: no cover - the account was just looked up
                    raise DirectoryConflict("the e-mail has an account already")
                agent = await self._session.get(Agent, agent_id)
                assert agent is not None
                agent.title = entry.title
                account_row = await self._session.get(Account, agent.account_id)
                assert account_row is not None
                account_row.phone = entry.phone
                await self._lists(agent_id, entry)
                await self._session.flush()
                return Outcome.CREATED
            agent = await self._session.scalar(
                sa.select(Agent).where(Agent.account_id == account.id)
            )
            if agent is None:
                raise DirectoryConflict(
                    "the e-mail belongs to a company user's account, not an agent's"
                )
            changed = False
            wanted = {
                "first_name": entry.first_name, "last_name": entry.last_name,
                "structure_id": entry.structure_id, "title": entry.title,
            }  # fmt: skip
            for column, value in wanted.items():
                if getattr(agent, column) != value:
                    setattr(agent, column, value)
                    changed = True
            name = f"{entry.first_name} {entry.last_name}"
            if account.name != name or account.phone != entry.phone:
                account.name, account.phone = name, entry.phone
                changed = True
            changed |= await self._replace(AgentRoleRow, "agent_id", agent.id, "role", entry.roles)
            changed |= await self._lists(agent.id, entry)
            await self._session.flush()
            return Outcome.UPDATED if changed else Outcome.UNCHANGED

    async def ensure_admin(self, entry: AgentEntry) -> Outcome:
        """The agent with ``entry``'s e-mail gains the ADMIN role (nothing else of it
        changes); created as ``entry`` says when no account has the e-mail."""
        email = normalize_email(entry.email)
        account_id = await self._session.scalar(sa.select(Account.id).where(Account.email == email))
        if account_id is None:
            return await self.upsert_agent(entry)
        agent_id = await self._session.scalar(
            sa.select(Agent.id).where(Agent.account_id == account_id)
        )
        if agent_id is None:
            raise DirectoryConflict(
                "the e-mail belongs to a company user's account, not an agent's"
            )
        async with self._session.begin_nested():
            exists = await self._session.get(AgentRoleRow, (agent_id, "ADMIN"))
            if exists is not None:
                return Outcome.UNCHANGED
            self._session.add(AgentRoleRow(agent_id=agent_id, role="ADMIN"))
            await self._session.flush()
            return Outcome.UPDATED

    async def _lists(self, agent_id: str, entry: AgentEntry) -> bool:
        changed = False
        for name, (model, column) in _AGENT_LISTS.items():
            values = getattr(entry, name)
            changed |= await self._replace(model, "agent_id", agent_id, column, values)
        return changed

    async def _replace(
        self, model: type, key: str, key_value: str, column: str, values: tuple[str, ...]
    ) -> bool:
        """Makes ``model``'s rows of ``key_value`` hold exactly ``values``; True if they did
        not."""
        owner, value_column = getattr(model, key), getattr(model, column)
        current = set(
            await self._session.scalars(sa.select(value_column).where(owner == key_value))
        )
        if current == set(values):
            return False
        await self._session.execute(sa.delete(model).where(owner == key_value))
        self._session.add_all(model(**{key: key_value, column: v}) for v in dict.fromkeys(values))
        await self._session.flush()
        return True


@asynccontextmanager
async def directory_batch(
    sessions: async_sessionmaker[AsyncSession], *, apply: bool
) -> AsyncIterator[DirectoryBatch]:
    """One transaction of upserts: committed when ``apply`` and the block ends normally,
    rolled back otherwise (a dry run)."""
    async with sessions() as session:
        transaction = await session.begin()
        await session.connection(execution_options={WRITE_TRANSACTION: True})
        try:
            yield DirectoryBatch(WriteTransaction(session))
        except BaseException:
            await transaction.rollback()
            raise
        if apply:
            await transaction.commit()
        else:
            await transaction.rollback()
