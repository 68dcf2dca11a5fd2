"""What a company's access is decided from — its facts (registered or not, members,
referent), its projects and its pending invitations — and the public aids it received (its
de minimis headroom), kept in memory across requests, and dropped as soon as the database
says it changed.

These three reads were on every company sheet a signed-in person opens (three SQL
statements, the largest part of a warm sheet after the audit's write). Keeping them is only
safe if every write drops them, whoever makes it: a resolver, a scheduled job, an operator's
command in another process, another gateway instance, someone in psql. So the database
itself says what changed (migration 0014's triggers), not the code that writes:

- **PostgreSQL**: the triggers send ``NOTIFY hub_company_changed`` with the SIRET when the
  writing transaction commits; every instance listens on one connection of its own and
  drops that company. Until it listens (at start, after the connection is lost, while the
  database is down) nothing is kept and every read is fresh. That it hears is proven: a
  probe notified from another connection must reach it before it is trusted, then every
  ``ping`` seconds, so a silent loss (or a pooler that swallows notifications) is found
  within about that time.
- **SQLite**: the triggers count the writes in ``company_change_counter``; every read first
  compares the count with the one it last saw (one read of one row, straight from the
  driver: ``CoreRunner.read_scalar``) and drops
  everything when it moved.

Two more guards:

- A read that was under way when something was dropped is given to its caller but not
  kept: it may have read the row before the write (``TTLLookup``, which the directory cache
  uses too).
- Entries live ``ttl`` seconds at most, a backstop should a signal ever be missed.

On PostgreSQL a notification arrives a moment after the commit, so this instance's own writes
drop what they may have changed themselves, at once: every transaction of ``HubWriter`` (the
resolvers' writes) ends with :meth:`CompanyCache.forget_all`, and the request context's
``forget_company`` drops its company (:meth:`CompanyCache.forget`).
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, Protocol, TypeVar

import sqlalchemy as sa
import structlog
from sqlalchemy.ext.asyncio import AsyncEngine

from connectors.hubdb._ttl_lookup import TTLLookup
from connectors.hubdb.invitations import InvitationRecord
from connectors.hubdb.records import CompanyFacts, ProjectRecord, PublicAidRecord
from connectors.hubdb.repository import HubRepository
from connectors.hubdb.runner import CoreRunner

__all__ = ["CHANNEL", "CompanyCache", "CompanyReads"]

CHANNEL = "hub_company_changed"
"""The channel of migration 0014's triggers; the payload is a SIRET, or ``*`` for all."""

_log = structlog.get_logger(__name__)

V = TypeVar("V")
_COUNTER = "SELECT writes FROM company_change_counter WHERE id = 1"
_PROBE = "probe:"
"""A listener's own probe (a SIRET is 14 digits: no payload of the triggers starts so)."""
_NOTIFY = sa.text("SELECT pg_notify(:channel, :payload)")


class _Signals(Protocol):
    async def start(self) -> None: ...

    async def trusted(self) -> bool:
        """Whether what is kept may be served (and a fresh read kept) right now."""
        ...

    def trusted_now(self) -> bool | None:
        """``trusted`` without an await; None when it needs one."""
        ...

    async def aclose(self) -> None: ...


class CompanyCache:
    """``company_facts``, ``projects``, ``pending_invitations`` and ``public_aids`` as
    :class:`HubRepository` answers them, kept per SIRET. Start it with :meth:`start`, close
    it with :meth:`aclose`."""

    def __init__(
        self,
        hub: HubRepository,
        runner: CoreRunner,
        *,
        ttl: float = 60.0,
        size: int = 20_000,
        ping: float = 10.0,
    ) -> None:
        self._facts = TTLLookup(hub.company_facts, ttl=ttl, size=size)
        self._projects = TTLLookup(_as_tuples(hub.projects), ttl=ttl, size=size)
        self._invitations = TTLLookup(_as_tuples(hub.pending_invitations), ttl=ttl, size=size)
        self._aids = TTLLookup(_as_tuples(hub.public_aids), ttl=ttl, size=size)
        self._signals: _Signals = (
            _Notifications(runner.engine, self._drop, ping)
            if runner.engine.dialect.name == "postgresql"
            else _Counter(runner, self._drop)
        )

    async def start(self) -> None:
        await self._signals.start()

    async def aclose(self) -> None:
        await self._signals.aclose()
        self._drop(None)

    async def company_facts(
        self, sirets: Sequence[str], *, trusted: bool | None = None
    ) -> dict[str, CompanyFacts]:
        """As :meth:`HubRepository.company_facts`. ``trusted``: what the signals said for the
        request (``CompanyReads``); asked now when None."""
        return await self._read(self._facts, sirets, trusted)

    async def projects(
        self, sirets: Sequence[str], *, trusted: bool | None = None
    ) -> dict[str, list[ProjectRecord]]:
        """As :meth:`HubRepository.projects`; each caller gets a list of its own."""
        return await self._lists(self._projects, sirets, trusted)

    async def public_aids(
        self, sirets: Sequence[str], *, trusted: bool | None = None
    ) -> dict[str, list[PublicAidRecord]]:
        """As :meth:`HubRepository.public_aids` (what the de minimis headroom and the
        eligibility of a warm request read); each caller gets a list of its own."""
        return await self._lists(self._aids, sirets, trusted)

    async def pending_invitations(
        self, sirets: Sequence[str], *, trusted: bool | None = None
    ) -> dict[str, list[InvitationRecord]]:
        """As :meth:`HubRepository.pending_invitations`; each caller gets a list of its own."""
        return await self._lists(self._invitations, sirets, trusted)

    def for_request(self) -> CompanyReads:
        """The cache as one request reads it: whether what is kept may be served is asked at
        the request's first read, and that answer holds for the request's later reads
        (``CompanyReads``)."""
        return CompanyReads(self)

    def forget(self, sirets: Sequence[str]) -> None:
        """Drops these companies now: this instance just changed them."""
        for siret in sirets:
            self._drop(siret)

    def forget_all(self) -> None:
        """Drops every company now: this instance committed a write whose companies it does
        not name (``HubWriter``'s transactions)."""
        self._drop(None)

    async def _lists(
        self, lookup: TTLLookup[tuple[V, ...]], sirets: Sequence[str], trusted: bool | None
    ) -> dict[str, list[V]]:
        """Kept as tuples, so that no caller changes what another reads; each caller gets a
        list of its own."""
        found = await self._read(lookup, sirets, trusted)
        return {siret: list(items) for siret, items in found.items()}

    async def _read(
        self, lookup: TTLLookup[V], sirets: Sequence[str], trusted: bool | None
    ) -> dict[str, V]:
        if trusted is None:
            trusted = await self._signals.trusted()
        return await lookup.get(sirets, fresh=not trusted)

    def _drop(self, siret: str | None) -> None:
        """``siret``'s entries, or every entry when None."""
        for lookup in (self._facts, self._projects, self._invitations, self._aids):
            if siret is None:
                lookup.clear()
            else:
                lookup.forget([siret])


class CompanyReads:
    """One request's reads of the ``CompanyCache`` (``CompanyCache.for_request``): the
    signals are asked once, at its first read, not once per kind of record (on SQLite, a
    warm company sheet read the count of writes three times). The request's later reads
    serve what is kept on that answer, as if they had been made with the first: a write
    another process commits while the request runs is seen by the next request (this
    instance's own writes drop what they changed at once, whatever was asked:
    ``forget``, ``forget_all``)."""

    __slots__ = ("_cache", "_trusted")

    def __init__(self, cache: CompanyCache) -> None:
        self._cache = cache
        self._trusted: bool | None = None

    async def company_facts(self, sirets: Sequence[str]) -> dict[str, CompanyFacts]:
        return await self._cache.company_facts(sirets, trusted=await self._trust())

    async def projects(self, sirets: Sequence[str]) -> dict[str, list[ProjectRecord]]:
        return await self._cache.projects(sirets, trusted=await self._trust())

    async def public_aids(self, sirets: Sequence[str]) -> dict[str, list[PublicAidRecord]]:
        return await self._cache.public_aids(sirets, trusted=await self._trust())

    async def pending_invitations(self, sirets: Sequence[str]) -> dict[str, list[InvitationRecord]]:
        return await self._cache.pending_invitations(sirets, trusted=await self._trust())

    def kept_facts(self, siret: str) -> CompanyFacts | None:
        """The company's facts without an await, when what is kept may be served (asked
        once per request, as its reads ask it: here without an await where the signal
        answers so, ``trusted_now``) and they are kept; else None (``company_facts`` reads
        them)."""
        return self._cache._facts.kept(siret) if self._trust_now() else None

    def kept_projects(self, siret: str) -> list[ProjectRecord] | None:
        """As ``kept_facts``, for ``projects`` (a list of the caller's own)."""
        kept = self._cache._projects.kept(siret) if self._trust_now() else None
        return None if kept is None else list(kept)

    def _trust_now(self) -> bool:
        """``_trust`` without an await; False when the signal needs one (reads ask it)."""
        trusted = self._trusted
        if trusted is None:
            now = self._cache._signals.trusted_now()
            if now is None:
                return False
            trusted = self._trusted = now
        return trusted

    async def _trust(self) -> bool:
        trusted = self._trusted
        if trusted is None:
            trusted = self._trusted = await self._cache._signals.trusted()
        return trusted


def _as_tuples(
    fetch: Callable[[Sequence[str]], Awaitable[Mapping[str, list[V]]]],
) -> Callable[[Sequence[str]], Awaitable[dict[str, tuple[V, ...]]]]:
    """``fetch``, answering tuples: what is kept cannot be changed by the caller it went to."""

    async def as_tuples(sirets: Sequence[str]) -> dict[str, tuple[V, ...]]:
        return {siret: tuple(items) for siret, items in (await fetch(sirets)).items()}

    return as_tuples


class _Counter:
    """SQLite: the triggers' count of writes, read before every use of the cache. A count
    that cannot be read (a database not migrated yet, a fault) trusts nothing: the reads go
    to the database, which answers or fails on its own."""

    def __init__(self, runner: CoreRunner, drop: Callable[[str | None], None]) -> None:
        self._runner = runner
        self._drop = drop
        self._seen: int | None = None

    async def start(self) -> None:
        await self.trusted()

    async def trusted(self) -> bool:
        try:
            writes = await self._runner.read_scalar(_COUNTER)
        except Exception as error:  # noqa: BLE001 - not trusted, and said so
            self._unreadable(error)
            writes = None
        return self._judged(writes)

    def trusted_now(self) -> bool | None:
        """The count read straight from the driver (``CoreRunner.read_scalar_now``); None
        when it cannot be (SQLite's lock held)."""
        try:
            read, writes = self._runner.read_scalar_now(_COUNTER)
        except Exception as error:  # noqa: BLE001 - not trusted, and said so
            self._unreadable(error)
            read, writes = True, None
        return self._judged(writes) if read else None

    def _unreadable(self, error: Exception) -> None:
        if self._seen is not None:
            _log.warning("company_cache_count_unreadable", error=type(error).__name__)

    def _judged(self, writes: int | None) -> bool:
        if writes is None or writes != self._seen:
            self._seen = writes
            self._drop(None)
        return writes is not None

    async def aclose(self) -> None:
        return None


class _Notifications:
    """PostgreSQL: ``LISTEN hub_company_changed`` on a connection of the pool held for the
    purpose, re-established after a loss (waiting 0.5 s, then twice as long each time, up to
    30 s). Trusted only while listening, and listening is proven, not assumed: before it is
    trusted and then every ``ping`` seconds, a probe is notified on the channel from another
    connection of the pool and must be heard within ``ping`` seconds (a pooler between the
    gateway and PostgreSQL in transaction mode, for one, would take the LISTEN and never
    deliver: such a listener is never trusted)."""

    def __init__(
        self, engine: AsyncEngine, drop: Callable[[str | None], None], ping: float
    ) -> None:
        self._engine = engine
        self._drop = drop
        self._ping = ping
        self._listening = False
        self._heard = False
        """The connection that was just lost had been listening."""
        self._task: asyncio.Task[None] | None = None
        self._ready = asyncio.Event()
        self._probes: dict[str, asyncio.Future[None]] = {}
        """The probes notified and not heard yet, by payload."""

    async def start(self) -> None:
        """Starts listening; waits (briefly) for the first LISTEN, so that a gateway that just
        started keeps its reads at once when the database answers."""
        self._task = asyncio.create_task(self._listen_forever(), name="company-cache-listener")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._ready.wait(), timeout=5.0)

    async def trusted(self) -> bool:
        return self._listening

    def trusted_now(self) -> bool:
        return self._listening

    async def aclose(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _listen_forever(self) -> None:
        delay = 0.5
        while True:
            try:
                await self._listen()
            except asyncio.CancelledError:
                raise
            except Exception as error:  # noqa: BLE001 - any loss: serve fresh, then listen again
                if self._heard:  # it had listened: try again soon
                    delay = 0.5
                _log.warning("company_cache_not_listening", error=type(error).__name__,
                             retry_in_s=delay)  # fmt: skip
            finally:
                self._listening = self._heard = False
                self._drop(None)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 30.0)

    async def _listen(self) -> None:
        async with self._engine.connect() as connection:
            raw = await connection.get_raw_connection()
            listener: Any = raw.driver_connection  # an asyncpg connection
            lost = asyncio.Event()
            listener.add_termination_listener(lambda _connection: self._lost(lost))
            try:
                await listener.add_listener(CHANNEL, self._notified)
                await self._probe()
                self._drop(None)  # a change made before the LISTEN was not heard
                self._listening = self._heard = True
                self._ready.set()
                _log.info("company_cache_listening")
                while not lost.is_set():
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(lost.wait(), timeout=self._ping)
                        break
                    await self._probe()
                raise ConnectionError("the listening connection was lost")
            finally:
                self._listening = False  # from now: fresh reads, until listening again
                with contextlib.suppress(Exception):  # it may be gone already
                    await connection.invalidate()  # never back to the pool: it was listening

    def _lost(self, lost: asyncio.Event) -> None:
        self._listening = False
        lost.set()

    async def _probe(self) -> None:
        """Notifies a probe from another connection and waits until the listener hears it;
        TimeoutError when it does not within ``ping`` seconds."""
        payload = f"{_PROBE}{uuid.uuid4().hex}"
        heard = self._probes[payload] = asyncio.get_running_loop().create_future()
        try:
            async with self._engine.connect() as connection:
                sender = await connection.execution_options(isolation_level="AUTOCOMMIT")
                await sender.execute(_NOTIFY, {"channel": CHANNEL, "payload": payload})
            await asyncio.wait_for(heard, timeout=self._ping)
        finally:
            self._probes.pop(payload, None)

    def _notified(self, _connection: object, _pid: int, _channel: str, payload: str) -> None:
        if payload.startswith(_PROBE):
            heard = self._probes.get(payload)
            if heard is not None and not heard.done():
                heard.set_result(None)
            return
        self._drop(None if payload == "*" else payload)
