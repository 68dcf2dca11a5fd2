"""The per-request context: who asks, the shared services (``resolvers/services.py``), and
this request's DataLoaders (``resolvers/loaders.py``).

A neutral room: ``schema`` and ``resolvers`` import it, and it (with its two neighbours)
imports only ``auth`` and ``connectors`` (``gateway.services.build_services`` fills
``Services``; the GraphQL view makes one ``Context`` per request)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass, field
from typing import Any

import strawberry

from auth.audit import AuditBuffer, purpose
from auth.relations import (
    access_without_facts,
    company_access,
    in_project_group,
    may_see_agent_contact,
)
from auth.tiers import Access, Tier, allows
from auth.viewer import Viewer
from connectors.errors import ConnectorError
from resolvers.loaders import Loaders
from resolvers.services import Services

__all__ = ["Context", "Info", "Loaders", "Services"]


@dataclass(slots=True)
class Context:
    viewer: Viewer
    services: Services
    loaders: Loaders
    request_id: str
    audit: AuditBuffer
    _chosen: asyncio.Future[frozenset[str]] | None = field(default=None, repr=False)
    _access: dict[str, Access] = field(default_factory=dict, repr=False)
    """The viewer's access to each company the request read, worked out once: every tiered
    field of a company asks it (five of each company in an agent's portfolio)."""
    _started: list[asyncio.Future[Any]] = field(default_factory=list, repr=False)
    """Reads started ahead of the fields that need them (``start_read``)."""
    connection_params: dict[str, object] | None = field(default=None, repr=False)
    """A websocket's ``connection_init`` payload (Strawberry sets it; None over HTTP)."""
    warnings: list[dict[str, str]] = field(default_factory=list)
    """What made this answer partial (``gateway.errors.Warnings`` puts it in extensions)."""

    @classmethod
    def create(
        cls,
        viewer: Viewer,
        services: Services,
        request_id: str,
        client_request_id: str | None = None,
    ) -> Context:
        """``request_id`` is the gateway's own; ``client_request_id`` the client's
        ``X-Request-Id``, kept beside it in the audit trail (never in its place)."""
        audit = AuditBuffer(viewer, request_id, client_request_id)
        observe = audit.upstream_call if audit.audited else None
        loaders = Loaders.create(services, purpose=purpose(viewer), observe=observe)
        return cls(viewer, services, loaders, request_id, audit)

    def start_read(self, pending: Awaitable[Any]) -> None:
        """Starts a read ahead of the fields that will await it (a prefetch: every upstream
        call of a company at once). The request may end without awaiting it (the field
        selected none of its data): ``settle_started_reads`` waits for it before the audit
        is written, so that the calls it made are in the audit whenever it ended, and
        whichever path ran the request."""
        started = asyncio.ensure_future(pending)
        started.add_done_callback(_retrieve_failure)
        self._started.append(started)

    async def settle_started_reads(self) -> None:
        """Waits for the reads ``start_read`` started (their failures are their fields').
        Those done already are not waited for: a warm request's are, and ``asyncio.wait``
        would still have gone round the event loop for them."""
        pending = [started for started in self._started if not started.done()]
        if pending:
            await asyncio.wait(pending)

    def record_tier2_read(
        self, siret: str, field: str, access: Access, *, group: bool = False
    ) -> None:
        """The visibility permission granted a tier-2 field (``group``: to an agent of one
        of the company's project groups, below tier 2): for the audit trail."""
        self.audit.read(siret, field, access, group=group)

    async def granted_company_tier(self, siret: str, tier: Tier, field: str) -> bool:
        """Whether the viewer has ``tier`` on the company, for a root field that reads it
        through an argument (``auth.visibility.ReadsCompany``); a granted tier-2 read is
        recorded for the audit trail under ``field``, as the visibility permission does for
        a field of ``Company``."""
        access = await self.company_access(siret)
        granted = allows(tier, access)
        if granted and tier in (Tier.TIER2, Tier.PROJECT_GROUP):
            self.record_tier2_read(siret, field, access)
        return granted

    def warn(self, code: str, message: str, **details: str) -> None:
        warning = {"code": code, "message": message, **details}
        if warning not in self.warnings:
            self.warnings.append(warning)

    def forget_company(self, siret: str) -> None:
        """After a write: the next read of this company's facts is fresh, in this request and
        in the next ones on this instance (other instances hear the database's signal)."""
        self.services.companies.forget([siret])
        for loader in (self.loaders.facts, self.loaders.projects, self.loaders.invitations):
            with contextlib.suppress(KeyError):  # not loaded yet in this request
                loader.clear(siret)
        self._access.pop(siret, None)

    async def company_access(self, siret: str) -> Access:
        known = self.known_company_access(siret)
        if known is None:
            facts = await self.loaders.facts.load(siret)
            known = self._access[siret] = company_access(self.viewer, facts)
        return known

    def known_company_access(self, siret: str) -> Access | None:
        """The viewer's access to the company when it is known without a read: from the
        viewer alone, or worked out earlier in this request; else None."""
        decided = access_without_facts(self.viewer)
        return decided if decided is not None else self._access.get(siret)

    async def learn_company_access(self, sirets: Sequence[str]) -> None:
        """Works out the viewer's access to each of these companies at once (their facts in
        one batch), for a resolver that answers a list of them: each company's tiered fields
        then find it known (``auth.visibility.VisibleTo.decide``) instead of each waiting
        for its company's facts."""
        unknown = [siret for siret in sirets if self.known_company_access(siret) is None]
        if not unknown:
            return
        for siret, facts in zip(unknown, await self.loaders.facts.load_many(unknown), strict=True):
            self._access[siret] = company_access(self.viewer, facts)

    async def company_diffusible(self, siret: str) -> bool | None:
        try:
            return (await self.loaders.etablissement.load(siret)).diffusible
        except ConnectorError:
            return None

    async def in_project_group(self, siret: str) -> bool:
        """The viewer is in the group of one of the company's projects (batched)."""
        if self.viewer.agent_id is None:
            return False
        projects = await self.loaders.projects.load(siret)
        return any(in_project_group(self.viewer, project) for project in projects)

    async def may_see_agent_contact(self, agent_id: str) -> bool:
        # any account may hold a company space (a project holder too); agents see contacts anyway
        chosen = (
            await self._chosen_agents()
            if self.viewer.account_id and not self.viewer.agent_id
            else ()
        )
        return may_see_agent_contact(self.viewer, agent_id, chosen)

    async def _chosen_agents(self) -> frozenset[str]:
        """The referents of the viewer's companies, loaded once per request."""
        if self._chosen is None:
            self._chosen = asyncio.ensure_future(self._load_chosen_agents())
        return await self._chosen

    async def _load_chosen_agents(self) -> frozenset[str]:
        account_id = self.viewer.account_id or ""
        found = await self.services.hub.referent_sirets_of_accounts([account_id])
        return frozenset(a.agent_id for a in found.get(account_id, []))


Info = strawberry.Info[Context, None]


def _retrieve_failure(started: asyncio.Future[Any]) -> None:
    """A started read's failure is reported by the field that awaits it; this only keeps
    asyncio from warning about it when no field does (the company was not found)."""
    if not started.cancelled():
        started.exception()
