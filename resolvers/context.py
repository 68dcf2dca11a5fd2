"""The per-request context: who asks, the shared services, and this request's DataLoaders.

A neutral room: ``schema`` and ``resolvers`` import it, and it imports only ``auth`` and
``connectors`` (``gateway.services.build_services`` fills ``Services``; the GraphQL view
makes one ``Context`` per request)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

import strawberry
from strawberry.dataloader import DataLoader

from auth.api_keys import ApiKeys
from auth.audit import PUBLIC_PURPOSE, AuditBuffer, purpose
from auth.relations import (
    access_without_facts,
    company_access,
    in_project_group,
    may_see_agent_contact,
)
from auth.tiers import Access, Tier, allows
from auth.viewer import Viewer
from connectors.broker import Broker
from connectors.catalogues import CatalogueConnector
from connectors.del_ import DelConnector
from connectors.entreprise import (
    BalanceSheet,
    CallObserver,
    Compliance,
    EntrepriseConnector,
    Etablissement,
    Headcount,
    Mandataire,
    Turnover,
    UniteLegale,
)
from connectors.errors import ConnectorError
from connectors.events import EventsConnector
from connectors.files import LocalFileStore
from connectors.http import Outcome, Report
from connectors.hubdb import (
    AgentRecord,
    AssignmentRecord,
    CachedDirectory,
    CompanyCache,
    CompanyFacts,
    HubRepository,
    InteractionRecord,
    OfferRecord,
    ProjectRecord,
    PublicAidRecord,
    StructureRecord,
)
from connectors.hubdb.audit import AuditStore
from connectors.hubdb.desk import DeskStore
from connectors.hubdb.invitations import InvitationRecord
from connectors.hubdb.notifications import NotificationStore
from connectors.hubdb.outbox import OutboxStore
from connectors.hubdb.partners import PartnerStore
from connectors.hubdb.platform_polls import PollStore
from connectors.hubdb.preferences import PreferenceStore
from connectors.hubdb.reminders import ReminderStore
from connectors.hubdb.submissions import SubmissionStore
from connectors.hubdb.writes import HubWriter
from connectors.mesaides import MesAidesConnector
from connectors.news import NewsConnector
from connectors.platforms import Application, Listing

__all__ = ["Context", "Info", "Loaders", "Services"]

V = TypeVar("V")
BatchLoad = Callable[[Sequence[str]], Awaitable[list[V]]]


@dataclass(frozen=True, slots=True)
class Services:
    """Built once by ``gateway.services.build_services`` and shared by every request."""

    entreprise: EntrepriseConnector
    hub: HubRepository
    directory: CachedDirectory
    companies: CompanyCache
    """The company facts, projects and pending invitations that access is decided from, and
    the public aids companies received, kept across requests until the database signals a
    change."""
    writer: HubWriter
    submissions: SubmissionStore
    polls: PollStore
    broker: Broker
    notifications: NotificationStore
    catalogues: CatalogueConnector
    partners: PartnerStore
    api_keys: ApiKeys
    audit: AuditStore
    outbox: OutboxStore
    reminders: ReminderStore
    mesaides: MesAidesConnector
    del_: DelConnector
    desk: DeskStore
    files: LocalFileStore
    events: EventsConnector
    news: NewsConnector
    preferences: PreferenceStore
    identity_document_max_bytes: int = 5_000_000
    satisfaction_survey_url: str = "http://127.0.0.1:8000/enquete-satisfaction"
    """The page the satisfaction survey's e-mails link to (``SATISFACTION_SURVEY_URL``)."""


def _exact(fetch: Callable[[Sequence[str]], Awaitable[Mapping[str, V]]]) -> BatchLoad[V]:
    """For repository methods that answer every key."""

    async def load(keys: Sequence[str]) -> list[V]:
        found = await fetch(keys)
        return [found[key] for key in keys]

    return load


def _optional(
    fetch: Callable[[Sequence[str]], Awaitable[Mapping[str, V]]],
) -> BatchLoad[V | None]:
    """For repository methods that leave unknown keys out."""

    async def load(keys: Sequence[str]) -> list[V | None]:
        found = await fetch(keys)
        return [found.get(key) for key in keys]

    return load


def _each(call: Callable[[str], Awaitable[V]]) -> BatchLoad[V]:
    """One upstream call per key, all issued concurrently; a failure stays with its key
    (the DataLoader raises it to that key's callers only)."""

    async def load(keys: Sequence[str]) -> list[V]:
        results = await asyncio.gather(*(call(key) for key in keys), return_exceptions=True)
        return results  # type: ignore[return-value]  # exceptions are set on their futures

    return load


class _Lister(Protocol):
    async def applications(
        self, siret: str, *, report: Report | None = None
    ) -> tuple[Application, ...]: ...

    async def cached_applications(
        self, siret: str, *, report: Report | None = None
    ) -> tuple[Application, ...] | None: ...


def _cached_first(
    cached: Callable[[Sequence[str]], Awaitable[dict[str, Any]]], each: BatchLoad[V]
) -> BatchLoad[V]:
    """The keys' fresh cached copies first (``cached``: what it finds, by key; a failure
    kept for its key, as ``_each`` keeps it), read without a task per key: the warm path;
    then ``each`` for the rest."""

    async def load(keys: Sequence[str]) -> list[V]:
        found = await cached(keys)
        missing = [key for key in keys if key not in found]
        if missing:
            found.update(zip(missing, await each(missing), strict=True))
        return [found[key] for key in keys]

    return load


def _listings(platform: _Lister) -> BatchLoad[Listing]:
    """Each company's list: the fresh cached copies first, one after the other, then one
    call per remaining company, all issued concurrently (``_each``). A failure stays with
    its company."""

    async def cached(keys: Sequence[str]) -> dict[str, Listing | Exception]:
        found: dict[str, Listing | Exception] = {}
        for key in keys:
            try:
                copy = await platform.cached_applications(key)
            except Exception as error:  # noqa: BLE001 - kept for its key, as _each does
                found[key] = error
                continue
            if copy is not None:
                found[key] = Listing(copy, stale=False)
        return found

    return _cached_first(cached, _each(_listing(platform)))


def _listing(platform: _Lister) -> Callable[[str], Awaitable[Listing]]:
    """A platform's list of a company's applications, and whether it was served stale."""

    async def listing(siret: str) -> Listing:
        outcomes: list[str] = []
        found = await platform.applications(siret, report=outcomes.append)
        return Listing(found, stale=Outcome.STALE.value in outcomes)

    return listing


def _read(read: str, object: str | None = None) -> Callable[[Loaders], DataLoader[str, Any]]:
    """One API Entreprise read (``read``: the name of an ``EntrepriseConnector`` method),
    each key read once, the read observed; ``object``: the calls' purpose, else the
    request's (``Loaders.create``). A batch is read at once (``EntrepriseConnector.read_many``:
    one cache round trip, a task only for what is not cached); a failure stays with its key
    (the DataLoader raises it to that key's callers only)."""

    def make(loaders: Loaders) -> DataLoader[str, Any]:
        api, observe = loaders._services.entreprise, loaders._observe
        purpose = object or loaders._purpose

        async def load(keys: Sequence[str]) -> list[Any]:
            found = await api.read_many(read, keys, object=purpose, observe=observe)
            return [found[key] for key in keys]

        return DataLoader(load_fn=load)

    return make


def _hub(load: Callable[[Services], BatchLoad[V]]) -> Callable[[Loaders], DataLoader[str, V]]:
    return lambda loaders: DataLoader(load_fn=load(loaders._services))


_LOADERS: dict[str, Callable[[Loaders], DataLoader[str, Any]]] = {
    "facts": _hub(lambda s: _exact(s.companies.company_facts)),
    "agents": _hub(lambda s: _optional(s.directory.agents)),
    "structures": _hub(lambda s: _optional(s.directory.structures)),
    "projects": _hub(lambda s: _exact(s.companies.projects)),
    "invitations": _hub(lambda s: _exact(s.companies.pending_invitations)),
    "project_referents": _hub(lambda s: _optional(s.hub.project_referents)),
    "public_aids": _hub(lambda s: _exact(s.companies.public_aids)),
    "etablissement": _read("etablissement", PUBLIC_PURPOSE),
    "mandataires": _read("mandataires_sociaux"),
    "turnover": _read("chiffres_affaires"),
    "social_compliance": _read("attestation_vigilance"),
    "fiscal_compliance": _read("attestation_fiscale"),
    "unite_legale": _read("unite_legale", PUBLIC_PURPOSE),
    "headcount": _read("effectifs_annuels"),
    "balance_sheets": _read("bilans"),
    "mesaides_applications": _hub(lambda s: _listings(s.mesaides)),
    "del_applications": _hub(lambda s: _listings(s.del_)),
    "filieres": _hub(lambda s: _exact(s.preferences.filieres_of)),
    "offers": _hub(lambda s: _optional(s.hub.offers)),
    "structure_offers": _hub(lambda s: _exact(s.hub.structure_offers)),
    "interactions": _hub(lambda s: _exact(s.hub.interactions)),
    "project_interactions": _hub(lambda s: _exact(s.hub.project_interactions)),
}
"""How each of the request's DataLoaders is made, on first use."""


class Loaders:
    """Per request, never shared: a DataLoader caches for the life of one request only. Each
    is made the first time the request uses it (most requests use two or three of them)."""

    __slots__ = ("_observe", "_purpose", "_services", *_LOADERS)

    facts: DataLoader[str, CompanyFacts]
    agents: DataLoader[str, AgentRecord | None]
    structures: DataLoader[str, StructureRecord | None]
    projects: DataLoader[str, list[ProjectRecord]]
    invitations: DataLoader[str, list[InvitationRecord]]
    project_referents: DataLoader[str, AssignmentRecord | None]
    public_aids: DataLoader[str, list[PublicAidRecord]]
    etablissement: DataLoader[str, Etablissement]
    mandataires: DataLoader[str, list[Mandataire]]
    turnover: DataLoader[str, list[Turnover]]
    social_compliance: DataLoader[str, Compliance]
    fiscal_compliance: DataLoader[str, Compliance]
    unite_legale: DataLoader[str, UniteLegale]
    headcount: DataLoader[str, Headcount]
    balance_sheets: DataLoader[str, list[BalanceSheet]]
    mesaides_applications: DataLoader[str, Listing]
    del_applications: DataLoader[str, Listing]
    filieres: DataLoader[str, tuple[str, ...]]
    """The filières each account chose (``setPreferences``)."""
    offers: DataLoader[str, OfferRecord | None]
    structure_offers: DataLoader[str, list[OfferRecord]]
    interactions: DataLoader[str, list[InteractionRecord]]
    project_interactions: DataLoader[str, list[InteractionRecord]]

    _services: Services
    _purpose: str
    _observe: CallObserver | None

    def __init__(
        self, services: Services, *, purpose: str, observe: CallObserver | None = None
    ) -> None:
        self._services = services
        self._purpose = purpose
        self._observe = observe

    @classmethod
    def create(
        cls, services: Services, *, purpose: str, observe: CallObserver | None = None
    ) -> Loaders:
        """``purpose``: the ``object`` of the calls behind tier-2 fields (who reads, why);
        ``observe``: told how each API Entreprise read was served (the audit trail)."""
        return cls(services, purpose=purpose, observe=observe)

    def __getattr__(self, name: str) -> DataLoader[str, Any]:
        """Only called for a loader not made yet (a made one is in its slot)."""
        make = _LOADERS.get(name)
        if make is None:
            raise AttributeError(name)
        loader = make(self)
        setattr(self, name, loader)
        return loader


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
        """Waits for the reads ``start_read`` started (their failures are their fields')."""
        if self._started:
            await asyncio.wait(self._started)

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
