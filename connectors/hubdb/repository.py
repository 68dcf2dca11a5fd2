"""Batched, read-only access to the hub database for the GraphQL layer's DataLoaders."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from typing import TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from connectors.hubdb import _company_search, _directory, _loaders, _portfolio, _search
from connectors.hubdb import offers as _offers
from connectors.hubdb.indicators import IndicatorDefinition, compute_indicators
from connectors.hubdb.invitations import (
    InvitationRecord,
    ReceivedInvitation,
    load_invitations_to,
    load_pending_invitations,
)
from connectors.hubdb.models import normalize_email
from connectors.hubdb.records import (
    AccountRecord,
    AgentFilter,
    AgentRecord,
    AssignmentRecord,
    CompanyFacts,
    CompanyFilter,
    CompanySearchScope,
    ProjectActorRecord,
    ProjectRecord,
    PublicAidRecord,
    StructureFilter,
    StructureRecord,
)
from connectors.hubdb.runner import CoreRunner
from connectors.hubdb.surveys import PerformanceResult, compute_performance
from connectors.pagination import Page

__all__ = ["MAX_KEYS_PER_STATEMENT", "HubRepository"]

MAX_KEYS_PER_STATEMENT = 1000
"""Keys per ``IN (…)`` list; bigger batches are split (both backends cap bound parameters)."""

_K = TypeVar("_K")
_V = TypeVar("_V")


class HubRepository:
    """Reads of the hub's own tables, shaped for DataLoaders.

    Each method is one read transaction of Core statements run by the ``CoreRunner`` (callers
    may run them concurrently). Batched methods take keys and issue a fixed number of
    statements per :data:`MAX_KEYS_PER_STATEMENT` keys, whatever the batch size; duplicate
    keys are read once. Results are frozen records. Methods returning lists have an entry
    (possibly empty) for every requested key; methods returning single records omit the keys
    that match nothing.
    """

    def __init__(
        self, session_factory: async_sessionmaker[AsyncSession], runner: CoreRunner | None = None
    ) -> None:
        """``runner`` runs the reads (``connectors.hubdb.runner``); without one they run on
        the async engine of ``session_factory``."""
        self._runner = CoreRunner.or_sessions(runner, session_factory)

    @property
    def engine(self) -> AsyncEngine:
        """The engine whose ``before_cursor_execute`` listeners see every statement sent."""
        return self._runner.engine

    async def ping(self) -> None:
        """Fails when the database cannot answer (readiness probe)."""
        await self._runner.read(lambda connection: connection.execute(sa.select(1)).all())

    async def accounts_by_email(self, emails: Sequence[str]) -> dict[str, AccountRecord]:
        """Case-insensitive; keyed by the trimmed, lower-cased e-mail."""
        return await self._batched(
            (normalize_email(email) for email in emails), _loaders.load_accounts_by_email
        )

    async def accounts_for_sign_in(
        self, issuer: str, subject: str, email: str
    ) -> list[AccountRecord]:
        """The account bound to the provider's (``issuer``, ``subject``) and the account with
        ``email``: none, one (maybe both at once) or two. One statement."""
        key = normalize_email(email)
        return await self._runner.read(
            lambda connection: _loaders.load_accounts_for_sign_in(connection, issuer, subject, key)
        )

    async def accounts(self, ids: Sequence[str]) -> dict[str, AccountRecord]:
        return await self._batched(ids, _loaders.load_accounts_by_id)

    async def company_facts(self, sirets: Sequence[str]) -> dict[str, CompanyFacts]:
        """Every requested SIRET is present; ``registered`` is False when not on the hub.
        The members come with their contacts (``people``), so a company sheet needs no
        second read for its representatives and collaborators."""
        return await self._batched(sirets, _loaders.load_company_facts)

    async def agents(self, ids: Sequence[str]) -> dict[str, AgentRecord]:
        return await self._batched(ids, _directory.load_agents)

    async def structures(self, ids: Sequence[str]) -> dict[str, StructureRecord]:
        return await self._batched(ids, _directory.load_structures)

    async def search_agents(
        self, filter: AgentFilter, first: int, after: str | None
    ) -> Page[AgentRecord]:
        """Agents matching every criterion of ``filter`` (see :class:`AgentFilter`), by last
        name, first name (accent- and case-insensitive), then id; ``first`` of them after the
        cursor ``after``. One statement. ``ValueError("invalid cursor")`` for a cursor this
        method did not give."""
        return await self._runner.read(
            lambda connection: _search.search_agents(connection, filter, first, after)
        )

    async def search_structures(
        self, filter: StructureFilter, first: int, after: str | None
    ) -> Page[StructureRecord]:
        """Structures matching every criterion of ``filter``, by folded name then id; like
        :meth:`search_agents` otherwise."""
        return await self._runner.read(
            lambda connection: _search.search_structures(connection, filter, first, after)
        )

    async def search_companies(
        self, filter: CompanyFilter, scope: CompanySearchScope, first: int, after: str | None
    ) -> Page[str]:
        """The SIRETs of the registered companies matching every criterion of ``filter``
        (see :class:`CompanyFilter`), tier-2 criteria within ``scope``; by folded name then
        SIRET. One statement. ``ValueError`` for a cursor this method did not give."""
        return await self._runner.read(
            lambda connection: _company_search.search_companies(
                connection, filter, scope, first, after
            )
        )

    async def pending_invitations(self, sirets: Sequence[str]) -> dict[str, list[InvitationRecord]]:
        """Each company's pending collaborators' invitations (what its mandataires typed)."""
        return await self._batched(sirets, load_pending_invitations)

    async def invitations_to(self, email: str, now: datetime) -> list[ReceivedInvitation]:
        """The live invitations addressed to ``email`` (case-insensitive), newest first."""
        key = normalize_email(email)
        return await self._runner.read(lambda connection: load_invitations_to(connection, key, now))

    async def projects(self, sirets: Sequence[str]) -> dict[str, list[ProjectRecord]]:
        """Each company's projects, oldest first, with their actors."""
        return await self._batched(sirets, _loaders.load_projects)

    async def projects_by_id(self, project_ids: Sequence[str]) -> dict[str, ProjectRecord]:
        """Projects by id with their actors; unknown ids left out."""
        return await self._batched(project_ids, _loaders.load_projects_by_id)

    async def projects_of_agent(
        self, agent_id: str, structure_id: str | None
    ) -> list[ProjectRecord]:
        """The projects whose group includes the agent, and the project holders' projects
        its structure supports; oldest first, with their actors. One statement."""
        return await self._runner.read(
            lambda connection: _loaders.load_projects_of_agent(connection, agent_id, structure_id)
        )

    async def public_aids(self, sirets: Sequence[str]) -> dict[str, list[PublicAidRecord]]:
        """Each company's public aids (granted or declared), newest first."""
        return await self._batched(sirets, _loaders.load_public_aids)

    async def project_actors(
        self, project_ids: Sequence[str]
    ) -> dict[str, list[ProjectActorRecord]]:
        """Referent first, then funding experts, then specialists."""
        return await self._batched(project_ids, _loaders.load_project_actors)

    async def referent_sirets_of_accounts(
        self, account_ids: Sequence[str]
    ) -> dict[str, list[AssignmentRecord]]:
        """For each account, the current (PENDING or ACCEPTED) referent assignments of the
        companies it is a member of, by SIRET: the agents whose contact details it may see."""
        return await self._batched(account_ids, _loaders.load_current_assignments_of_accounts)

    async def project_referents(self, project_ids: Sequence[str]) -> dict[str, AssignmentRecord]:
        """The current (PENDING or ACCEPTED) referent assignment of holders' projects that
        have one."""
        return await self._batched(project_ids, _loaders.load_project_referents)

    async def portfolio(self, agent_id: str, first: int, after: str | None) -> Page[str]:
        """The SIRETs of the companies whose accepted referent is this agent (paged)."""
        return await self._runner.read(
            lambda connection: _portfolio.portfolio(connection, agent_id, first, after)
        )

    async def memberships(self, account_ids: Sequence[str]) -> dict[str, list[tuple[str, str]]]:
        """Each account's company spaces as (SIRET, role)."""
        return await self._batched(account_ids, _portfolio.load_memberships)

    async def holder_projects(self, account_ids: Sequence[str]) -> dict[str, list[ProjectRecord]]:
        """Each project holder's own projects."""
        return await self._batched(account_ids, _portfolio.load_holder_projects)

    async def search_offers(
        self, filter: _offers.OfferFilter, first: int, after: str | None
    ) -> Page[_offers.OfferRecord]:
        """Offers matching every criterion of ``filter``, by id (structure, segment, level).
        ``ValueError`` for a cursor this method did not give."""
        return await self._runner.read(
            lambda connection: _offers.search_offers(connection, filter, first, after)
        )

    async def offers(self, ids: Sequence[str]) -> dict[str, _offers.OfferRecord]:
        return await self._batched(ids, _offers.load_offers)

    async def structure_offers(
        self, structure_ids: Sequence[str]
    ) -> dict[str, list[_offers.OfferRecord]]:
        """Each structure's offers, by segment then level."""
        return await self._batched(structure_ids, _offers.load_structure_offers)

    async def interactions(
        self, sirets: Sequence[str]
    ) -> dict[str, list[_offers.InteractionRecord]]:
        """Each company's recorded interactions, its projects' included, newest first."""
        return await self._batched(sirets, _offers.load_interactions)

    async def project_interactions(
        self, project_ids: Sequence[str]
    ) -> dict[str, list[_offers.InteractionRecord]]:
        """Each project's recorded interactions, newest first."""
        return await self._batched(project_ids, _offers.load_project_interactions)

    async def indicators(
        self, structure_id: str | None, start: date, end: date
    ) -> list[tuple[IndicatorDefinition, int]]:
        """The annex's indicators over the structure's interactions of ``start``..``end``
        (the whole network's for None); one statement whatever their number."""
        return await self._runner.read(
            lambda connection: compute_indicators(connection, structure_id, start, end)
        )

    async def performance(self, structure_id: str | None, year: int) -> PerformanceResult:
        """The satisfaction surveys of ``year`` sent and answered, and the six performance
        indicators (the whole network's for None); one statement whatever their number."""
        return await self._runner.read(
            lambda connection: compute_performance(connection, structure_id, year)
        )

    async def _batched(
        self,
        keys: Iterable[_K],
        load: Callable[[Connection, Sequence[_K]], dict[_K, _V]],
    ) -> dict[_K, _V]:
        """``load`` on every chunk of the distinct ``keys``, in one read transaction: Core
        statements, no ORM session (measured: about half the cost of a read on SQLite)."""
        distinct = list(dict.fromkeys(keys))
        if not distinct:
            return {}

        def read(connection: Connection) -> dict[_K, _V]:
            found: dict[_K, _V] = {}
            for start in range(0, len(distinct), MAX_KEYS_PER_STATEMENT):
                found.update(load(connection, distinct[start : start + MAX_KEYS_PER_STATEMENT]))
            return found

        return await self._runner.read(read)
