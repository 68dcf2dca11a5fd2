"""The outbox as a work queue: due rows are leased to one worker at a time, outcomes are
recorded, nothing is deleted; two workers on two engines never claim the same row."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from connectors.hubdb import create_engine, create_session_factory, migrate
from connectors.hubdb.models import EmailOutbox
from connectors.hubdb.outbox import OutboxBacklog, OutboxStore
from connectors.hubdb.writes import HubWriter

T0 = datetime(2027, 5, 3, 8, 0, tzinfo=UTC)
LEASE = timedelta(minutes=2)


@pytest.fixture
async def outbox_url(empty_url: str) -> str:
    await migrate(empty_url)
    return empty_url


@pytest.fixture
async def engines(outbox_url: str) -> AsyncIterator[tuple[AsyncEngine, AsyncEngine]]:
    """Two engines on one database: two gateway instances."""
    first, second = create_engine(outbox_url), create_engine(outbox_url)
    try:
        yield first, second
    finally:
        await first.dispose()
        await second.dispose()


@pytest.fixture
def factory(engines: tuple[AsyncEngine, AsyncEngine]) -> async_sessionmaker[AsyncSession]:
    return create_session_factory(engines[0])


async def _enqueue(
    factory: async_sessionmaker[AsyncSession], count: int, *, at: datetime = T0
) -> list[str]:
    keys = [f"test:{at.isoformat()}:{n}" for n in range(count)]
    async with HubWriter(factory).transaction() as tx:
        for n, key in enumerate(keys):
            assert await tx.enqueue_mail(
                dedupe_key=key, to=f"user{n}@example.fr", subject="Objet", body="Corps", now=at
            )
    return keys


async def _row(factory: async_sessionmaker[AsyncSession], row_id: str) -> EmailOutbox:
    async with factory() as session:
        return (await session.scalars(sa.select(EmailOutbox).where(EmailOutbox.id == row_id))).one()


async def test_claim_leases_due_rows_once_until_the_lease_runs_out(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    store = OutboxStore(factory)
    await _enqueue(factory, 2)
    await _enqueue(factory, 1, at=T0 + timedelta(hours=1))  # not due at T0

    claimed = await store.claim(now=T0, lease=LEASE)

    assert sorted(item.to for item in claimed) == ["user0@example.fr", "user1@example.fr"]
    assert all(item.attempts == 0 and item.created_at == T0 for item in claimed)
    assert (await _row(factory, claimed[0].id)).locked_until == T0 + LEASE
    assert await store.claim(now=T0 + LEASE - timedelta(seconds=1), lease=LEASE) == []
    again = await store.claim(now=T0 + LEASE, lease=LEASE)  # the worker died: due again
    assert {item.id for item in again} == {item.id for item in claimed}


async def test_the_backlog_counts_what_waits_and_since_when(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    store = OutboxStore(factory)
    assert await store.backlog() == OutboxBacklog(0, None)
    await _enqueue(factory, 2)
    await _enqueue(factory, 1, at=T0 + timedelta(hours=1))
    [item, *_] = await store.claim(now=T0, lease=LEASE)
    await store.mark_sent(item.id, T0)

    assert await store.backlog() == OutboxBacklog(2, T0)


async def test_claim_takes_at_most_limit_rows(factory: async_sessionmaker[AsyncSession]) -> None:
    store = OutboxStore(factory)
    await _enqueue(factory, 5)
    first = await store.claim(now=T0, lease=LEASE, limit=3)
    second = await store.claim(now=T0, lease=LEASE, limit=3)
    assert len(first) == 3 and len(second) == 2
    assert not {item.id for item in first} & {item.id for item in second}


async def test_outcomes_are_recorded_and_release_the_lease(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    store = OutboxStore(factory)
    await _enqueue(factory, 3)
    sent, retried, failed = await store.claim(now=T0, lease=LEASE)
    retry_at = T0 + timedelta(minutes=5)

    assert await store.mark_sent(sent.id, T0)
    assert await store.mark_retry(retried.id, 1, retry_at, "the SMTP server timed out")
    assert await store.mark_failed(failed.id, 1, "refused (550)")

    row = await _row(factory, sent.id)
    assert (row.status, row.attempts, row.sent_at, row.locked_until) == ("SENT", 1, T0, None)
    row = await _row(factory, retried.id)
    assert (row.status, row.attempts, row.next_attempt_at, row.locked_until) == (
        "PENDING", 1, retry_at, None,
    )  # fmt: skip
    assert row.last_error == "the SMTP server timed out"
    row = await _row(factory, failed.id)
    assert (row.status, row.last_error, row.locked_until) == ("FAILED", "refused (550)", None)
    assert not await store.mark_sent(failed.id, T0)  # settled rows stay as they are
    assert await store.claim(now=retry_at - timedelta(seconds=1), lease=LEASE) == []
    assert [item.id for item in await store.claim(now=retry_at, lease=LEASE)] == [retried.id]
    async with factory() as session:
        assert await session.scalar(sa.select(sa.func.count()).select_from(EmailOutbox)) == 3


async def test_released_rows_are_due_again_without_an_attempt(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    store = OutboxStore(factory)
    await _enqueue(factory, 2)
    claimed = await store.claim(now=T0, lease=LEASE)
    await store.release([item.id for item in claimed])
    again = await store.claim(now=T0, lease=LEASE)
    assert sorted(item.id for item in again) == sorted(item.id for item in claimed)
    assert all(item.attempts == 0 for item in again)


async def test_two_workers_claiming_concurrently_never_share_a_row(
    engines: tuple[AsyncEngine, AsyncEngine],
) -> None:
    factories = [create_session_factory(engine) for engine in engines]
    await _enqueue(factories[0], 60)
    stores = [OutboxStore(factory) for factory in factories]
    seen: list[str] = []
    for _ in range(10):
        batches = await asyncio.gather(
            *(store.claim(now=T0, lease=LEASE, limit=7) for store in stores)
        )
        ids = [item.id for batch in batches for item in batch]
        assert len(ids) == len(set(ids))
        seen += ids
        await asyncio.gather(*(stores[0].mark_sent(row_id, T0) for row_id in ids))
    assert len(seen) == len(set(seen)) == 60
    async with factories[0]() as session:
        statuses = (await session.scalars(sa.select(EmailOutbox.status))).all()
    assert set(statuses) == {"SENT"}
