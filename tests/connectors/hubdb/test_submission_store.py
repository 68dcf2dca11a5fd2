"""The outbox of filings and the polling leases, on SQLite and PostgreSQL: one row per company
and key whatever the concurrency, open rows claimed by one worker at a time, the first outcome
standing, a platform polled by one instance at a time, a status change told once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from connectors.hubdb import create_engine, create_session_factory
from connectors.hubdb.enums import SubmissionState
from connectors.hubdb.platform_polls import PollStore
from connectors.hubdb.submissions import NewSubmission, SubmissionStore, platform_key_for
from connectors.hubdb.writes import HubWriter

T0 = datetime(2027, 5, 3, 8, 0, tzinfo=UTC)
LEASE = timedelta(minutes=1)
LEROY = "84215637400014"  # a company of the seed


@pytest.fixture
async def engines(fresh_url: str) -> AsyncIterator[tuple[AsyncEngine, AsyncEngine]]:
    """Two engines on one seeded database: two gateway instances."""
    first, second = create_engine(fresh_url), create_engine(fresh_url)
    try:
        yield first, second
    finally:
        await first.dispose()
        await second.dispose()


@pytest.fixture
def factories(
    engines: tuple[AsyncEngine, AsyncEngine],
) -> tuple[async_sessionmaker[AsyncSession], async_sessionmaker[AsyncSession]]:
    return create_session_factory(engines[0]), create_session_factory(engines[1])


def filing(key: str = "k-1", siret: str = LEROY) -> NewSubmission:
    return NewSubmission(
        siret=siret, account_id=None, idempotency_key=key, scheme_id="paysdelaloire:x",
        platform="MES_AIDES_EN_LIGNE", payload={"projectTitle": "ERP"}, input_hash="h",
    )  # fmt: skip


async def test_concurrent_opens_with_one_key_make_one_row(
    factories: tuple[async_sessionmaker[AsyncSession], async_sessionmaker[AsyncSession]],
) -> None:
    stores = [SubmissionStore(factories[n % 2]) for n in range(8)]

    opened = await asyncio.gather(*(s.open(filing(), now=T0, lease=LEASE) for s in stores))

    assert sum(created for _, created in opened) == 1
    assert len({record.id for record, _ in opened}) == 1
    record = opened[0][0]
    assert record.state is SubmissionState.PENDING and record.lease_until == T0 + LEASE
    assert record.platform_key == platform_key_for(LEROY, "k-1")


def test_the_platform_key_tells_companies_apart_without_their_text() -> None:
    assert platform_key_for(LEROY, "k") != platform_key_for("51234987900027", "k")
    assert LEROY not in platform_key_for(LEROY, "k") and len(platform_key_for(LEROY, "k")) <= 80


async def test_an_open_row_is_claimed_once_its_filers_lease_ran_out(
    factories: tuple[async_sessionmaker[AsyncSession], async_sessionmaker[AsyncSession]],
) -> None:
    first, second = SubmissionStore(factories[0]), SubmissionStore(factories[1])
    await first.open(filing(), now=T0, lease=LEASE)

    assert await first.claim_due(now=T0, lease=LEASE) == []  # its filer holds it
    claims = await asyncio.gather(
        first.claim_due(now=T0 + LEASE, lease=LEASE), second.claim_due(now=T0 + LEASE, lease=LEASE)
    )
    assert sorted(len(c) for c in claims) == [0, 1]
    assert await first.claim_due(now=T0 + LEASE, lease=LEASE) == []


async def test_the_first_outcome_stands(
    factories: tuple[async_sessionmaker[AsyncSession], async_sessionmaker[AsyncSession]],
) -> None:
    store = SubmissionStore(factories[0])
    record, _ = await store.open(filing(), now=T0, lease=LEASE)

    assert await store.unconfirmed(record.id, error="timeout", next_attempt_at=T0, now=T0)
    assert await store.confirm(record.id, reference="MAEL-2027-000001", now=T0)
    assert not await store.fail(record.id, error="late", now=T0)
    settled = await store.get(record.id)
    assert settled is not None
    assert (settled.state, settled.reference, settled.attempts) == (
        SubmissionState.CONFIRMED, "MAEL-2027-000001", 2,
    )  # fmt: skip
    assert settled.last_error is None and settled.lease_until is None


async def test_an_unconfirmed_row_is_due_again_at_its_next_attempt(
    factories: tuple[async_sessionmaker[AsyncSession], async_sessionmaker[AsyncSession]],
) -> None:
    store = SubmissionStore(factories[0])
    record, _ = await store.open(filing(), now=T0, lease=LEASE)
    later = T0 + timedelta(minutes=5)
    await store.unconfirmed(record.id, error="timeout", next_attempt_at=later, now=T0)

    assert await store.claim_due(now=later - timedelta(seconds=1), lease=LEASE) == []
    [claimed] = await store.claim_due(now=later, lease=LEASE)
    assert claimed.state is SubmissionState.UNCONFIRMED and claimed.attempts == 1


async def test_a_platform_is_polled_by_one_instance_at_a_time(
    factories: tuple[async_sessionmaker[AsyncSession], async_sessionmaker[AsyncSession]],
) -> None:
    first, second = PollStore(factories[0]), PollStore(factories[1])

    claims = await asyncio.gather(
        first.claim("DEL", now=T0, lease=LEASE), second.claim("DEL", now=T0, lease=LEASE)
    )
    [claim] = [c for c in claims if c is not None]
    assert claim.cursor is None
    assert await first.claim("MES_AIDES_EN_LIGNE", now=T0, lease=LEASE) is not None
    assert await first.finish(claim, cursor=T0, now=T0)
    again = await second.claim("DEL", now=T0, lease=LEASE)
    assert again is not None and again.cursor == T0


async def test_a_poll_whose_lease_ran_out_does_not_move_the_cursor(
    factories: tuple[async_sessionmaker[AsyncSession], async_sessionmaker[AsyncSession]],
) -> None:
    store = PollStore(factories[0])
    slow = await store.claim("DEL", now=T0, lease=LEASE)
    assert slow is not None
    taker = await store.claim("DEL", now=T0 + LEASE, lease=LEASE)
    assert taker is not None

    assert not await store.finish(slow, cursor=T0 + LEASE, now=T0 + LEASE)
    assert await store.finish(taker, cursor=T0, now=T0 + LEASE)


async def test_a_status_is_a_change_only_against_the_last_one_seen(
    factories: tuple[async_sessionmaker[AsyncSession], async_sessionmaker[AsyncSession]],
) -> None:
    writer = HubWriter(factories[0])

    async def record(status: str, label: str) -> object:
        async with writer.transaction() as tx:
            return await PollStore.record(
                tx.session, platform="DEL", reference="42", siret=LEROY, status=status,
                label=label, now=T0,
            )  # fmt: skip

    assert await record("SUBMITTED", "en_construction") is None  # first seen
    assert await record("SUBMITTED", "en_construction") is None  # the same again
    change = await record("UNDER_REVIEW", "en_instruction")
    assert change is not None and (change.previous, change.previous_label) == (
        "SUBMITTED", "en_construction",
    )  # fmt: skip
    assert await record("UNDER_REVIEW", "en_instruction") is None
