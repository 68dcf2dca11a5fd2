"""The audit trail of tier-2 reads: written once per request (one statement for all of the
request's events; the requests that end while a write is under way are written together
by the next), read by the administrator newest first, filtered and paged."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from operator import attrgetter
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from connectors.hubdb._newest_first import newest_first_page
from connectors.hubdb.models import AuditEvent
from connectors.hubdb.runner import CoreRunner
from connectors.pagination import Page

__all__ = ["AuditEventRecord", "AuditFilter", "AuditStore", "UpstreamCallRecord"]

_TABLE = AuditEvent.__table__


@dataclass(frozen=True, slots=True)
class _Insert:
    """The events' INSERT as the driver takes it, for one dialect: its SQL, the columns in
    the order of its parameters, and the values to convert on the way (by position).

    An agent's portfolio writes 56 events per request, on the request's path (the answer
    waits for the commit). Through ``connection.execute`` SQLAlchemy processed every value
    of every row on each write, JSON through the standard library: four fifths of the write
    (cProfile of ``_insert``, 56 rows: 2.7 ms, the driver's ``executemany`` 0.34). Here the
    statement is compiled once, and only the values that need it are converted: by the
    column type's own processor for the dialect (SQLAlchemy's ``bind_processor``), the JSON
    columns' by orjson."""

    sql: str
    width: int
    """Parameters per row: the table's columns."""
    values: Callable[[Any], tuple[Any, ...]]
    """An event's values in the order of the columns (its attributes are named as they)."""
    converted: tuple[tuple[int, Callable[[Any], Any]], ...]

    @classmethod
    def for_dialect(cls, dialect: sa.Dialect) -> _Insert:
        compiled = sa.insert(AuditEvent).compile(dialect=dialect)
        columns = tuple(compiled.positiontup or ())
        converted = []
        for position, name in enumerate(columns):
            type_ = _TABLE.c[name].type
            process = (
                _json if isinstance(type_, sa.JSON)
                else type_.dialect_impl(dialect).bind_processor(dialect)
            )  # fmt: skip
            if process is not None:
                converted.append((position, process))
        return cls(str(compiled), len(columns), attrgetter(*columns), tuple(converted))

    def parameters(self, event: AuditEventRecord) -> tuple[Any, ...]:
        """The event's row, straight from its attributes (no dict in between: a portfolio
        writes 56 of them per request)."""
        values = list(self.values(event))
        for position, process in self.converted:
            values[position] = process(values[position])
        return tuple(values)

    def one_statement(self, rows: int) -> str | None:
        """The INSERT of ``rows`` rows as one statement (``VALUES (…), (…)``), for a driver
        whose parameters are numbered (``$1``: asyncpg): one round trip, atomic by itself.
        None elsewhere, or past what one statement may carry."""
        head, values, tail = self.sql.partition(" VALUES ")
        if not values or not tail.startswith("($1") or rows * self.width > _MOST_PARAMETERS:
            return None
        return _statements(head, tail, self.width, rows)


_MOST_PARAMETERS = 30_000
"""PostgreSQL's protocol carries at most 32,767 parameters per statement."""


@lru_cache(maxsize=256)
def _statements(head: str, row: str, width: int, rows: int) -> str:
    """``head VALUES row, row…`` with each row's ``$n`` numbered after the previous row's."""
    return f"{head} VALUES {', '.join(_numbered(row, index * width) for index in range(rows))}"


def _numbered(row: str, offset: int) -> str:
    return re.sub(r"\$(\d+)", lambda found: f"${int(found.group(1)) + offset}", row)


def _json(value: Any) -> str:
    """A JSON column's text; an event's calls are dataclasses, which orjson writes as the
    objects of their fields (endpoint, identifier, object, outcome)."""
    return orjson.dumps(value).decode()


_INSERTS: dict[str, _Insert] = {}


def _insert_for(dialect: sa.Dialect) -> _Insert:
    insert = _INSERTS.get(dialect.name)
    if insert is None:
        insert = _INSERTS[dialect.name] = _Insert.for_dialect(dialect)
    return insert


def _retrieved(written: asyncio.Future[None]) -> None:
    """A request that stopped waiting leaves its failure unread: read it, so that asyncio
    does not log it as never retrieved (the request is gone; the write's error was logged by
    whoever waited)."""
    if not written.cancelled():
        written.exception()


@dataclass(frozen=True, slots=True)
class UpstreamCallRecord:
    endpoint: str
    identifier: str
    object: str
    """The purpose sent to API Entreprise as ``object``."""
    outcome: str
    """UPSTREAM (a call went out), CACHE (a fresh cached copy: no call), SHARED (joined an
    identical call in flight: no call of its own), STALE (the call failed, an older copy was
    served), FAILED (no data)."""


@dataclass(frozen=True, slots=True)
class AuditEventRecord:
    id: str
    occurred_at: datetime
    request_id: str
    viewer_kind: str
    account_id: str | None
    api_key_id: str | None
    structure_id: str | None
    siret: str
    access: str
    fields: tuple[str, ...]
    upstream_calls: tuple[UpstreamCallRecord, ...]
    client_request_id: str | None = None
    """The client's own ``X-Request-Id``, when it sent a sane one (``request_id`` is the
    gateway's)."""


@dataclass(frozen=True, slots=True)
class AuditFilter:
    siret: str | None = None
    account_id: str | None = None
    api_key_id: str | None = None
    since: datetime | None = None
    """Inclusive."""
    until: datetime | None = None
    """Exclusive."""


def _call(value: Mapping[str, Any]) -> UpstreamCallRecord:
    return UpstreamCallRecord(
        endpoint=str(value.get("endpoint", "")),
        identifier=str(value.get("identifier", "")),
        object=str(value.get("object", "")),
        outcome=str(value.get("outcome", "")),
    )


def _record(row: sa.Row[tuple[object, ...]]) -> AuditEventRecord:
    return AuditEventRecord(
        id=row.id,
        occurred_at=row.occurred_at,
        request_id=row.request_id,
        viewer_kind=row.viewer_kind,
        account_id=row.account_id,
        api_key_id=row.api_key_id,
        structure_id=row.structure_id,
        siret=row.siret,
        access=row.access,
        fields=tuple(row.fields or ()),
        upstream_calls=tuple(_call(call) for call in row.upstream_calls or ()),
        client_request_id=row.client_request_id,
    )


class AuditStore:
    def __init__(
        self, session_factory: async_sessionmaker[AsyncSession], runner: CoreRunner | None = None
    ) -> None:
        """``runner`` writes the events (on every audited request, so on the hot path) and
        reads them (``connectors.hubdb.runner``); without one, both run on the async engine
        of ``session_factory``."""
        self._runner = CoreRunner.or_sessions(runner, session_factory)
        self._waiting: list[tuple[list[tuple[Any, ...]], asyncio.Future[None]]] = []
        self._writing: asyncio.Task[None] | None = None

    async def write(self, events: Sequence[AuditEventRecord]) -> None:
        """Returns once the request's events are committed; raises when the database refuses
        them (the caller decides what the request then answers). Group commit: when no write
        is under way, they are written at once, in one statement; else they wait for it to
        end, and every request that came meanwhile is written in the next transaction (at 32
        concurrent audited requests, a few transactions instead of 32). A request that
        stops waiting (cancelled) does not stop its events' write."""
        if not events:
            return
        insert = _insert_for(self._runner.engine.dialect)
        rows = [insert.parameters(event) for event in events]
        written: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        written.add_done_callback(_retrieved)
        self._waiting.append((rows, written))
        if self._writing is None or self._writing.done():
            self._writing = asyncio.ensure_future(self._write_waiting())
        await asyncio.shield(written)

    async def _write_waiting(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting, []
            rows = [row for request_rows, _ in batch for row in request_rows]
            try:
                await self._write(rows)
            except Exception as error:  # noqa: BLE001 - each waiting request gets it
                for _, written in batch:
                    written.set_exception(error)
            else:
                for _, written in batch:
                    written.set_result(None)

    async def _write(self, rows: list[tuple[Any, ...]]) -> None:
        """In one statement where the driver takes one (PostgreSQL: one round trip, atomic
        by itself), else one per row in a transaction."""
        insert = _insert_for(self._runner.engine.dialect)
        statement = insert.one_statement(len(rows))
        if statement is None:
            await self._runner.write_rows(insert.sql, rows)
            return
        await self._runner.write_one(statement, [value for row in rows for value in row])

    async def aclose(self) -> None:
        """Waits for the events being written (shutdown: none is dropped)."""
        if self._writing is not None:
            await asyncio.shield(self._writing)

    async def page(
        self, filter: AuditFilter, *, first: int, after: str | None = None
    ) -> Page[AuditEventRecord]:
        """Newest first (ties by id); ``total`` counts every match of the filter.
        ``ValueError("invalid cursor")`` for an ``after`` this store did not give."""
        matching = []
        if filter.siret is not None:
            matching.append(_TABLE.c.siret == filter.siret)
        if filter.account_id is not None:
            matching.append(_TABLE.c.account_id == filter.account_id)
        if filter.api_key_id is not None:
            matching.append(_TABLE.c.api_key_id == filter.api_key_id)
        if filter.since is not None:
            matching.append(_TABLE.c.occurred_at >= filter.since)
        if filter.until is not None:
            matching.append(_TABLE.c.occurred_at < filter.until)
        return await self._runner.read(
            lambda connection: newest_first_page(
                connection, _TABLE, _TABLE.c.occurred_at, matching, _record,
                first=first, after=after,
            )
        )  # fmt: skip
