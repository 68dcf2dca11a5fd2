"""A request's DataLoaders: each read of many keys (companies, agents, applications…) made
once per request and batched, each loader made on first use. ``_LOADERS`` says how each is
made from the shared ``Services``."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from typing import Any, Protocol, TypeVar

from strawberry.dataloader import DataLoader

from auth.audit import PUBLIC_PURPOSE
from connectors.entreprise import (
    BalanceSheet,
    CallObserver,
    Compliance,
    Etablissement,
    Headcount,
    Mandataire,
    Turnover,
    UniteLegale,
)
from connectors.http import Outcome, Report
from connectors.hubdb import (
    AgentRecord,
    AssignmentRecord,
    CompanyFacts,
    CompanyReads,
    InteractionRecord,
    OfferRecord,
    ProjectRecord,
    PublicAidRecord,
    StructureRecord,
)
from connectors.hubdb.invitations import InvitationRecord
from connectors.platforms import Application, Listing
from resolvers.services import Services

__all__ = ["Loaders"]

V = TypeVar("V")
BatchLoad = Callable[[Sequence[str]], Awaitable[list[V]]]


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


class KeptFirst(DataLoader[str, V]):
    """A DataLoader that answers a key at once when its source holds it in this process's
    memory (``kept``: the record, or the error it stands for; None when not held): a
    future already done, so the field awaiting it goes on in the same step, instead of
    after the batch's task and a callback per future, each a turn of the event loop. A warm
    portfolio's fields then complete in one pass. The other keys are batched as before,
    and ``kept`` has the batch's effects for its key (a cache hit counted, an API Entreprise
    read reported to the audit)."""

    def __init__(self, load_fn: BatchLoad[V], kept: Callable[[str], Any]) -> None:
        super().__init__(load_fn=load_fn)
        self._kept = kept

    def load(self, key: str) -> Awaitable[V]:
        future = self.cache_map.get(key)
        if future is not None and not future.cancelled():
            return future
        value = self._kept(key)
        if value is None:
            return super().load(key)
        future = self.loop.create_future()
        if isinstance(value, BaseException):
            future.set_exception(value)
        else:
            future.set_result(value)
        self.cache_map.set(key, future)
        return future

    def load_many(self, keys: Iterable[str]) -> Awaitable[list[V]]:
        """As ``DataLoader.load_many``; a future already done when every key's is, and
        answered."""
        loads = [self.load(key) for key in keys]
        if all(_answered(load) for load in loads):
            future: asyncio.Future[list[V]] = self.loop.create_future()
            future.set_result([load.result() for load in loads])  # type: ignore[attr-defined]
            return future
        return asyncio.gather(*loads)


def _answered(load: Awaitable[Any]) -> bool:
    return (
        isinstance(load, asyncio.Future)
        and load.done()
        and not load.cancelled()
        and load.exception() is None
    )


class _Lister(Protocol):
    async def applications(
        self, siret: str, *, report: Report | None = None
    ) -> tuple[Application, ...]: ...

    async def cached_applications(
        self, siret: str, *, report: Report | None = None
    ) -> tuple[Application, ...] | None: ...


def _listings(platform: _Lister) -> BatchLoad[Listing]:
    """Each company's list: the fresh cached copies first, one after the other (the warm
    path: no task per company), then one call per remaining company, all issued
    concurrently (``_each``). A failure stays with its company."""
    each = _each(_listing(platform))

    async def load(keys: Sequence[str]) -> list[Listing]:
        found: dict[str, Listing | Exception] = {}
        for key in keys:
            try:
                cached = await platform.cached_applications(key)
            except Exception as error:  # noqa: BLE001 - kept for its key, as _each does
                found[key] = error
                continue
            if cached is not None:
                found[key] = Listing(cached, stale=False)
        missing = [key for key in keys if key not in found]
        if missing:
            found.update(zip(missing, await each(missing), strict=True))
        return [found[key] for key in keys]  # type: ignore[misc]  # exceptions go to their futures

    return load


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

        def kept(key: str) -> Any:
            return api.kept(read, key, object=purpose, observe=observe)

        return KeptFirst(load, kept)

    return make


S = TypeVar("S")


def _loader(
    load: Callable[[S], BatchLoad[V]], kept: Callable[[S], Callable[[str], Any]] | None
) -> Callable[[S], DataLoader[str, V]]:
    """A DataLoader of ``load``'s batches, made of ``S``; ``kept``: what of ``S`` answers a
    key held in memory at once (``KeptFirst``)."""
    if kept is None:
        return lambda source: DataLoader(load_fn=load(source))
    return lambda source: KeptFirst(load(source), kept(source))


def _hub(
    load: Callable[[Services], BatchLoad[V]],
    kept: Callable[[Services], Callable[[str], Any]] | None = None,
) -> Callable[[Loaders], DataLoader[str, V]]:
    make = _loader(load, kept)
    return lambda loaders: make(loaders._services)


def _company(
    load: Callable[[CompanyReads], BatchLoad[V]],
    kept: Callable[[CompanyReads], Callable[[str], Any]] | None = None,
) -> Callable[[Loaders], DataLoader[str, V]]:
    """A read of the company cache, through the request's own reads of it (asked once per
    request whether what it keeps may be served: ``CompanyCache.for_request``)."""
    make = _loader(load, kept)
    return lambda loaders: make(loaders._company_reads())


_LOADERS: dict[str, Callable[[Loaders], DataLoader[str, Any]]] = {
    "facts": _company(lambda c: _exact(c.company_facts), lambda c: c.kept_facts),
    "agents": _hub(lambda s: _optional(s.directory.agents), lambda s: s.directory.kept_agent),
    "structures": _hub(lambda s: _optional(s.directory.structures)),
    "projects": _company(lambda c: _exact(c.projects), lambda c: c.kept_projects),
    "invitations": _company(lambda c: _exact(c.pending_invitations)),
    "project_referents": _hub(lambda s: _optional(s.hub.project_referents)),
    "public_aids": _company(lambda c: _exact(c.public_aids)),
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

    __slots__ = ("_companies", "_observe", "_purpose", "_services", *_LOADERS)

    facts: DataLoader[str, CompanyFacts]
    agents: DataLoader[str, AgentRecord | None]
    structures: DataLoader[str, StructureRecord | None]
    projects: DataLoader[str, list[ProjectRecord]]
    invitations: DataLoader[str, list[InvitationRecord]]
    project_referents: DataLoader[str, AssignmentRecord | None]
    public_aids: DataLoader[str, list[PublicAidRecord]]
    etablissement: DataLoader[str, Etablissement]
    mandataires: DataLoader[str, tuple[Mandataire, ...]]
    turnover: DataLoader[str, tuple[Turnover, ...]]
    social_compliance: DataLoader[str, Compliance]
    fiscal_compliance: DataLoader[str, Compliance]
    unite_legale: DataLoader[str, UniteLegale]
    headcount: DataLoader[str, Headcount]
    balance_sheets: DataLoader[str, tuple[BalanceSheet, ...]]
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
        self._companies: CompanyReads | None = None

    def _company_reads(self) -> CompanyReads:
        """The request's reads of the company cache, made on first use."""
        if self._companies is None:
            self._companies = self._services.companies.for_request()
        return self._companies

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
