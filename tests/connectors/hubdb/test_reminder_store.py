"""Overdue referent requests are listed, and taken for their reminder exactly once, even by
two workers on two engines at the same time."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from connectors.hubdb import create_engine, create_session_factory
from connectors.hubdb.models import Company, ReferentAssignment
from connectors.hubdb.reminders import ReminderStore
from connectors.hubdb.writes import HubWriter

DURAND = "agent-pierre-durand"
REQUESTED = datetime(2031, 3, 3, 9, 0, tzinfo=UTC)  # after every seeded request
DUE = REQUESTED + timedelta(days=2)


async def _request(factory: async_sessionmaker[AsyncSession], siret: str) -> str:
    async with HubWriter(factory).transaction() as tx:
        tx.session.add(
            Company(siret=siret, siren=siret[:9], display_name="ATELIER TEST",
                    registered_at=REQUESTED)
        )  # fmt: skip
        await tx.session.flush()
        return await tx.create_assignment(siret=siret, agent_id=DURAND, now=REQUESTED, due_at=DUE)


async def _reminded_at(factory: async_sessionmaker[AsyncSession], assignment_id: str) -> object:
    async with factory() as session:
        return await session.scalar(
            sa.select(ReferentAssignment.reminded_at).where(ReferentAssignment.id == assignment_id)
        )


async def test_due_lists_pending_requests_past_their_deadline(
    fresh_session_factory: async_sessionmaker[AsyncSession],
) -> None:
    store = ReminderStore(fresh_session_factory)
    assignment_id = await _request(fresh_session_factory, "99999999900011")
    assert assignment_id not in await store.due(now=DUE - timedelta(seconds=1), limit=10_000)
    assert assignment_id in await store.due(now=DUE, limit=10_000)


async def test_take_marks_the_request_reminded_once(
    fresh_session_factory: async_sessionmaker[AsyncSession],
) -> None:
    store = ReminderStore(fresh_session_factory)
    assignment_id = await _request(fresh_session_factory, "99999999900011")
    writer = HubWriter(fresh_session_factory)

    async with writer.transaction() as tx:
        assert await store.take(tx.session, assignment_id, now=DUE - timedelta(seconds=1)) is None
    async with writer.transaction() as tx:
        taken = await store.take(tx.session, assignment_id, now=DUE)
    async with writer.transaction() as tx:
        again = await store.take(tx.session, assignment_id, now=DUE + timedelta(hours=1))

    assert taken is not None and again is None
    assert (taken.siret, taken.company_name, taken.due_at) == (
        "99999999900011",
        "ATELIER TEST",
        DUE,
    )
    assert taken.agent_email == "pierre.durand@cci-gard.example"
    assert await _reminded_at(fresh_session_factory, assignment_id) == DUE
    assert assignment_id not in await ReminderStore(fresh_session_factory).due(
        now=DUE, limit=10_000
    )


async def test_a_rolled_back_take_leaves_the_request_due(
    fresh_session_factory: async_sessionmaker[AsyncSession],
) -> None:
    store = ReminderStore(fresh_session_factory)
    assignment_id = await _request(fresh_session_factory, "99999999900011")
    try:
        async with HubWriter(fresh_session_factory).transaction() as tx:
            assert await store.take(tx.session, assignment_id, now=DUE) is not None
            raise RuntimeError("the notification could not be written")
    except RuntimeError:
        pass
    assert await _reminded_at(fresh_session_factory, assignment_id) is None


async def test_an_answered_request_is_not_taken(
    fresh_session_factory: async_sessionmaker[AsyncSession],
) -> None:
    store = ReminderStore(fresh_session_factory)
    assignment_id = await _request(fresh_session_factory, "99999999900011")
    writer = HubWriter(fresh_session_factory)
    async with writer.transaction() as tx:
        await tx.answer_assignment(assignment_id=assignment_id, accept=True, reason=None, now=DUE)
    async with writer.transaction() as tx:
        assert await store.take(tx.session, assignment_id, now=DUE + timedelta(days=1)) is None


async def test_two_workers_taking_the_same_request_at_once_take_it_once(
    fresh_url: str, fresh_engine: AsyncEngine
) -> None:
    assignment_id = await _request(create_session_factory(fresh_engine), "99999999900011")
    other = create_engine(fresh_url)
    try:
        factories = [create_session_factory(fresh_engine), create_session_factory(other)]

        async def take(factory: async_sessionmaker[AsyncSession]) -> bool:
            async with HubWriter(factory).transaction() as tx:
                taken = await ReminderStore(factory).take(tx.session, assignment_id, now=DUE)
                await asyncio.sleep(0.05)  # hold the row while the other worker tries
                return taken is not None

        results = await asyncio.gather(*(take(factory) for factory in factories))
    finally:
        await other.dispose()
    assert sorted(results) == [False, True]
