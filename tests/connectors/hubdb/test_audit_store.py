"""The audit store's group commit, on both backends: requests that end while a write is under
way are written together in the next transaction; each returns once its events are committed,
and a refusal reaches every request of its transaction."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from connectors.hubdb.audit import (
    AuditEventRecord,
    AuditFilter,
    AuditStore,
    UpstreamCallRecord,
)
from connectors.hubdb.runner import CoreRunner

NOW = datetime(2026, 12, 5, 9, tzinfo=UTC)


def _event(request: int) -> AuditEventRecord:
    return AuditEventRecord(
        id=str(uuid.uuid4()), occurred_at=NOW, request_id=f"request-{request}",
        viewer_kind="AGENT", account_id="account-durand", api_key_id=None,
        structure_id="cci-gard", siret="84215637400014", access="TIER2",
        fields=("turnover",), upstream_calls=(),
    )  # fmt: skip


async def test_requests_waiting_for_a_write_are_committed_together(
    fresh_engine: AsyncEngine,
    fresh_session_factory: async_sessionmaker[AsyncSession],
) -> None:
    runner = CoreRunner(fresh_engine)
    store = AuditStore(fresh_session_factory, runner)
    inserts: list[int] = []
    for name in ("write", "write_one", "write_rows"):  # each a transaction
        setattr(runner, name, _counted(getattr(runner, name), inserts))
    try:
        await asyncio.gather(*(store.write([_event(n), _event(n)]) for n in range(10)))
        page = await store.page(AuditFilter(), first=100)
    finally:
        await store.aclose()
        await runner.aclose()
    assert len(page.items) == 20
    assert {e.request_id for e in page.items} == {f"request-{n}" for n in range(10)}
    assert len(inserts) == 1  # all ten came before the write began: one transaction


def _counted(write: Callable[..., Awaitable[Any]], calls: list[int]) -> Any:
    async def counted(*args: Any) -> Any:
        calls.append(1)
        return await write(*args)

    return counted


async def test_a_refused_write_fails_every_request_of_its_transaction(
    fresh_session_factory: async_sessionmaker[AsyncSession],
) -> None:
    store = AuditStore(fresh_session_factory)
    duplicate = _event(0)
    results = await asyncio.gather(
        store.write([_event(1)]),
        store.write([duplicate]),
        store.write([duplicate]),  # the same id twice: the database refuses the statement
        return_exceptions=True,
    )
    assert all(isinstance(result, Exception) for result in results)  # none was written
    assert not (await store.page(AuditFilter(), first=10)).items
    await store.write([_event(4)])  # the next transaction is a new one
    await store.aclose()
    page = await store.page(AuditFilter(), first=10)
    assert [e.request_id for e in page.items] == ["request-4"]


async def test_a_request_that_stops_waiting_does_not_stop_its_write(
    fresh_session_factory: async_sessionmaker[AsyncSession],
) -> None:
    store = AuditStore(fresh_session_factory)
    first = asyncio.ensure_future(store.write([_event(1)]))
    waiting = asyncio.ensure_future(store.write([_event(2)]))
    await asyncio.sleep(0)
    waiting.cancel()
    await first
    with pytest.raises(asyncio.CancelledError):
        await waiting
    await store.aclose()
    page = await store.page(AuditFilter(), first=10)
    assert sorted(e.request_id for e in page.items) == ["request-1", "request-2"]


async def test_an_event_reads_back_as_written_and_is_found_by_its_time(
    fresh_engine: AsyncEngine,
    fresh_session_factory: async_sessionmaker[AsyncSession],
) -> None:
    """The events go to the driver without SQLAlchemy's per-row processing: each value is
    stored as SQLAlchemy stores it (the time as its type writes it, the lists as JSON), so
    that they read back, and filter by time, as any row."""
    runner = CoreRunner(fresh_engine)
    store = AuditStore(fresh_session_factory, runner)
    call = UpstreamCallRecord("etablissement", "84215637400014", "Suivi « référent »", "CACHE")
    written = replace(
        _event(1),
        occurred_at=datetime(2026, 12, 5, 9, 30, 15, 250, tzinfo=UTC),
        client_request_id="client-1",
        fields=("turnover", "compliance"),
        upstream_calls=(call,),
    )
    try:
        await store.write([written, replace(_event(2), occurred_at=NOW)])
        found = await store.page(
            AuditFilter(since=datetime(2026, 12, 5, 9, 30, 15, 250, tzinfo=UTC)), first=10
        )
        before = await store.page(
            AuditFilter(until=datetime(2026, 12, 5, 9, 30, 15, 250, tzinfo=UTC)), first=10
        )
    finally:
        await store.aclose()
        await runner.aclose()
    assert list(found.items) == [written]
    assert [event.request_id for event in before.items] == ["request-2"]


async def test_events_past_what_one_statement_carries_are_written_in_one_transaction(
    fresh_engine: AsyncEngine,
    fresh_session_factory: async_sessionmaker[AsyncSession],
    fresh_statements: list[str],
) -> None:
    """PostgreSQL takes a request's events in one statement (one round trip); a group
    commit too large for one (30,000 parameters: 2,500 events) is one transaction of one
    statement per event. Either way every event is written."""
    runner = CoreRunner(fresh_engine)
    store = AuditStore(fresh_session_factory, runner)
    try:
        await store.write([_event(1), _event(1)])
        small = [statement.split(" (")[0] for statement in fresh_statements]
        await store.write([_event(2) for _ in range(2_600)])
        page = await store.page(AuditFilter(), first=1)
    finally:
        await store.aclose()
        await runner.aclose()
    assert small == ["INSERT INTO audit_events"]
    assert page.total == 2_602
