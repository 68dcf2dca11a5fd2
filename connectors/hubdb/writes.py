"""Writes to the hub database: one transaction per mutation, nothing half-written.

``async with writer.transaction() as tx:`` commits when the block ends normally and rolls
back on any exception. Races are settled by the database itself (unique keys, conditional
updates), never by a read-then-write in Python."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from connectors.hubdb._desk_writes import AgentContact, DeskWrites, NewStructure
from connectors.hubdb._loaders.assignments import assignment_record
from connectors.hubdb.engine import WRITE_TRANSACTION
from connectors.hubdb.invitations import InvitationWrites
from connectors.hubdb.models import (
    Account,
    Agent,
    AgentDomain,
    AgentFiliere,
    AgentRoleRow,
    AgentTerritory,
    Base,
    Company,
    CompanyMembership,
    EmailOutbox,
    Interaction,
    Notification,
    Project,
    ProjectActor,
    ReferentAssignment,
    ReferentChangeRequest,
    normalize_email,
)
from connectors.hubdb.records import AssignmentRecord
from connectors.hubdb.surveys import SurveyWrites

__all__ = [
    "AgentContact",
    "AlreadyExists",
    "HubWriter",
    "NewStructure",
    "WriteTransaction",
    "is_unique_violation",
]


_AGENT_LISTS: dict[str, tuple[Any, str]] = {
    "filieres": (AgentFiliere, "filiere"),
    "domains": (AgentDomain, "domain"),
    "territories": (AgentTerritory, "code"),
}


class AlreadyExists(Exception):
    """The row the write would create is already there (unique key)."""


_SQLITE_UNIQUE = frozenset({"SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY"})
_POSTGRES_UNIQUE = "23505"  # SQLSTATE unique_violation


def is_unique_violation(error: IntegrityError) -> bool:
    """Whether the database refused a row because a unique key (or the primary key) holds
    it already, as opposed to a foreign key, NOT NULL or CHECK violation."""
    driver_error = error.orig
    if getattr(driver_error, "sqlite_errorname", None) in _SQLITE_UNIQUE:
        return True
    return getattr(driver_error, "sqlstate", None) == _POSTGRES_UNIQUE


class WriteTransaction(DeskWrites, InvitationWrites, SurveyWrites):
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

    async def register_company(
        self,
        *,
        siret: str,
        display_name: str,
        mandataire_account_id: str,
        now: datetime,
        sirene: Mapping[str, Any] | None = None,
    ) -> None:
        """The company space and its first mandataire; ``AlreadyExists`` if registered.
        ``sirene``: the searchable Sirene columns (``postal_code``, ``city``,
        ``department_code``, ``naf_code``, ``active``)."""
        company = Company(
            siret=siret, siren=siret[:9], display_name=display_name, registered_at=now,
            **(sirene or {}),
        )  # fmt: skip
        if not await self._insert(company):
            raise AlreadyExists(f"company {siret}")
        await self.add_member(siret=siret, account_id=mandataire_account_id, role="MANDATAIRE")

    async def account_for(self, *, email: str, name: str, phone: str | None, now: datetime) -> str:
        """The id of the account with this e-mail, created (company user) if new."""
        key = normalize_email(email)
        found = await self.session.scalar(sa.select(Account.id).where(Account.email == key))
        if found is not None:
            return found
        account_id = str(uuid.uuid4())
        row = Account(
            id=account_id, email=key, name=name, phone=phone, kind="COMPANY_USER", created_at=now
        )
        if await self._insert(row):
            return account_id
        # created meanwhile by a concurrent request: use that one
        existing = await self.session.scalar(sa.select(Account.id).where(Account.email == key))
        if existing is None:
            raise AlreadyExists(f"account {key}")
        return existing

    async def add_member(self, *, siret: str, account_id: str, role: str) -> None:
        """``AlreadyExists`` when the account is already a member of this space."""
        if not await self._insert(
            CompanyMembership(id=str(uuid.uuid4()), siret=siret, account_id=account_id, role=role)
        ):
            raise AlreadyExists(f"member of {siret}")

    async def remove_member(self, *, siret: str, account_id: str, role: str) -> bool:
        """Removes the membership if it has ``role``; whether there was one."""
        result = await self.session.execute(
            sa.delete(CompanyMembership).where(
                CompanyMembership.siret == siret,
                CompanyMembership.account_id == account_id,
                CompanyMembership.role == role,
            )
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

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

    async def company_name(self, siret: str) -> str:
        name = await self.session.scalar(
            sa.select(Company.display_name).where(Company.siret == siret)
        )
        return name or siret

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

    async def update_agent_profile(
        self,
        *,
        agent_id: str,
        changes: dict[str, str | None],
        phone: str | None,
        lists: dict[str, tuple[str, ...] | None],
    ) -> bool:
        """Updates an agent's own profile ("Mon profil": everything but its roles).
        ``changes`` are Agent columns; ``lists`` replace the filières, domains or territories
        given (None: unchanged). False when the agent does not exist."""
        agent = await self.session.get(Agent, agent_id)
        if agent is None:
            return False
        for column, value in changes.items():
            setattr(agent, column, value)
        if phone is not None:
            account = await self.session.get(Account, agent.account_id)
            if account is not None:
                account.phone = phone or None
        for name, (model, column) in _AGENT_LISTS.items():
            values = lists.get(name)
            if values is None:
                continue
            await self.session.execute(sa.delete(model).where(model.agent_id == agent_id))
            self.session.add_all(model(agent_id=agent_id, **{column: v}) for v in values)
        await self.session.flush()
        return True

    async def set_agent_roles(self, *, agent_id: str, roles: tuple[str, ...]) -> bool:
        """Replaces an agent's roles (administrator only); False when the agent is unknown."""
        if await self.session.get(Agent, agent_id) is None:
            return False
        await self.session.execute(sa.delete(AgentRoleRow).where(AgentRoleRow.agent_id == agent_id))
        self.session.add_all(AgentRoleRow(agent_id=agent_id, role=role) for role in roles)
        await self.session.flush()
        return True

    async def members(self, siret: str) -> list[tuple[str, str]]:
        """(account id, e-mail) of the company space's members, read in this transaction."""
        rows = await self.session.execute(
            sa.select(Account.id, Account.email)
            .join(CompanyMembership, CompanyMembership.account_id == Account.id)
            .where(CompanyMembership.siret == siret)
            .order_by(Account.id)
        )
        return [(account_id, email) for account_id, email in rows]

    async def admin_accounts(self) -> list[tuple[str, str]]:
        """(account id, e-mail) of the hub administrators."""
        rows = await self.session.execute(
            sa.select(Account.id, Account.email)
            .join(Agent, Agent.account_id == Account.id)
            .join(AgentRoleRow, AgentRoleRow.agent_id == Agent.id)
            .where(AgentRoleRow.role == "ADMIN")
            .order_by(Account.id)
        )
        return [(account_id, email) for account_id, email in rows]

    async def notify(
        self,
        *,
        account_id: str,
        kind: str,
        payload: dict[str, Any],
        dedupe_key: str,
        now: datetime,
    ) -> dict[str, Any] | None:
        """An in-app notification; None when one with this ``dedupe_key`` exists already."""
        notification_id = str(uuid.uuid4())
        if not await self._insert(
            Notification(
                id=notification_id,
                account_id=account_id,
                kind=kind,
                payload=payload,
                created_at=now,
                dedupe_key=dedupe_key,
            )
        ):
            return None
        return {
            "id": notification_id,
            "accountId": account_id,
            "kind": kind,
            "payload": payload,
            "createdAt": now.isoformat(),
        }

    async def enqueue_mail(
        self, *, dedupe_key: str, to: str, subject: str, body: str, now: datetime
    ) -> bool:
        """An e-mail for the outbox worker; False when this ``dedupe_key`` is queued already."""
        return await self._insert(
            EmailOutbox(
                id=str(uuid.uuid4()),
                dedupe_key=dedupe_key,
                to_address=to,
                subject=subject,
                body=body,
                status="PENDING",
                attempts=0,
                next_attempt_at=now,
                created_at=now,
            )
        )


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
