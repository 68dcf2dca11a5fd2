"""The outbox flush against a real local SMTP server: it rides out an outage, gives up on a
refusal or after MAX_ATTEMPTS, resends after a crash with the same Message-ID, and two
workers send every message once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from connectors.hubdb import create_engine, create_session_factory
from connectors.hubdb.models import EmailOutbox
from connectors.hubdb.outbox import OutboxStore
from connectors.hubdb.writes import HubWriter
from connectors.mail import MAX_ATTEMPTS, MailConfig, Mailer
from resolvers.outbox import FlushReport, flush_outbox, message_id_for
from sandbox.smtp import SmtpSink
from tests.databases import seeded_database

T0 = datetime(2027, 5, 3, 8, 0, tzinfo=UTC)
DELAY = 90.0


def _delay(attempts: int) -> float:
    return DELAY


@pytest.fixture(
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)  # fmt: skip
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    async with seeded_database(request.param, tmp_path, seed=False) as url:
        yield url


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    try:
        yield engine
    finally:
        await engine.dispose()


@pytest.fixture
def factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_session_factory(engine)


@pytest.fixture
async def sink(tmp_path: Path) -> AsyncIterator[SmtpSink]:
    sink = SmtpSink(folder=tmp_path / "mail")
    await sink.start()
    try:
        yield sink
    finally:
        await sink.stop()


@pytest.fixture
def mailer(sink: SmtpSink) -> Mailer:
    return Mailer(MailConfig(host=sink.host, port=sink.port, timeout=5, local_hostname="hub"))


async def _enqueue(factory: async_sessionmaker[AsyncSession], *keys: str) -> None:
    async with HubWriter(factory).transaction() as tx:
        for key in keys:
            await tx.enqueue_mail(
                dedupe_key=key,
                to="jeanne.martin@example.fr",
                subject="Votre référent a répondu",
                body="Bonjour,\nvotre référent a accepté.",
                now=T0,
            )


async def _rows(factory: async_sessionmaker[AsyncSession]) -> list[EmailOutbox]:
    async with factory() as session:
        return list((await session.scalars(sa.select(EmailOutbox))).all())


async def test_outbox_survives_an_smtp_outage(
    factory: async_sessionmaker[AsyncSession], sink: SmtpSink, mailer: Mailer
) -> None:
    store = OutboxStore(factory)
    await _enqueue(factory, "referent-accepted:a1:acc1:mail")
    sink.refuse(421)

    during = await flush_outbox(store, mailer, now=T0, retry_delay=_delay)

    assert during == FlushReport(retried=1)
    assert sink.messages == [] and sink.refusals == 1
    [row] = await _rows(factory)
    assert (row.status, row.attempts, row.locked_until) == ("PENDING", 1, None)
    assert row.next_attempt_at == T0 + timedelta(seconds=DELAY)
    assert "421" in (row.last_error or "")
    too_soon = T0 + timedelta(seconds=DELAY - 1)
    assert await flush_outbox(store, mailer, now=too_soon, retry_delay=_delay) == FlushReport()
    assert sink.refusals == 1  # not even tried

    sink.accept()
    later = T0 + timedelta(seconds=DELAY)
    after = await flush_outbox(store, mailer, now=later, retry_delay=_delay)

    assert after == FlushReport(sent=1)
    [received] = await sink.wait_for(1)
    assert received.message_id == message_id_for("referent-accepted:a1:acc1:mail")
    assert received.subject == "Votre référent a répondu"
    assert received.recipients == ("jeanne.martin@example.fr",)
    [row] = await _rows(factory)
    assert (row.status, row.attempts, row.sent_at) == ("SENT", 2, later)
    next_day = later + timedelta(days=1)
    assert await flush_outbox(store, mailer, now=next_day, retry_delay=_delay) == FlushReport()
    assert len(sink.messages) == 1


async def test_one_flush_drains_every_batch_on_few_reused_connections(
    factory: async_sessionmaker[AsyncSession], sink: SmtpSink, mailer: Mailer
) -> None:
    keys = [f"k:drain:{n}" for n in range(25)]
    await _enqueue(factory, *keys)

    report = await flush_outbox(OutboxStore(factory), mailer, now=T0, limit=10, concurrency=2)

    assert report == FlushReport(sent=25)
    received = await sink.wait_for(25)
    assert sorted(mail.message_id for mail in received) == sorted(map(message_id_for, keys))
    assert sink.connections <= 6  # two per batch of ten at most, not one per e-mail
    assert {row.status for row in await _rows(factory)} == {"SENT"}


async def test_a_flush_stops_draining_when_a_batch_sends_nothing(
    factory: async_sessionmaker[AsyncSession], sink: SmtpSink, mailer: Mailer
) -> None:
    await _enqueue(factory, *(f"k:down:{n}" for n in range(15)))
    sink.refuse(421)

    report = await flush_outbox(OutboxStore(factory), mailer, now=T0, limit=10, retry_delay=_delay)

    assert report == FlushReport(retried=10)  # the second batch waits for the next tick
    assert sink.refusals == 10


async def test_a_crash_after_sending_resends_the_same_message_after_the_lease(
    factory: async_sessionmaker[AsyncSession], sink: SmtpSink, mailer: Mailer
) -> None:
    class CrashAfterSend(OutboxStore):
        async def mark_sent_many(self, ids: Sequence[str], now: datetime) -> int:
            raise ConnectionError("the database went away")

    await _enqueue(factory, "referent-chosen:a2:acc2:mail")
    lease = timedelta(minutes=2)
    with pytest.raises(ConnectionError):
        await flush_outbox(CrashAfterSend(factory), mailer, now=T0, lease=lease)
    store = OutboxStore(factory)
    assert await flush_outbox(store, mailer, now=T0 + timedelta(minutes=1)) == FlushReport()

    assert await flush_outbox(store, mailer, now=T0 + lease) == FlushReport(sent=1)

    first, second = await sink.wait_for(2)
    assert first.message_id == second.message_id == message_id_for("referent-chosen:a2:acc2:mail")
    assert first.raw == second.raw  # same Date too: a receiver sees the same message


async def test_a_refused_message_fails_for_good(
    factory: async_sessionmaker[AsyncSession], sink: SmtpSink, mailer: Mailer
) -> None:
    store = OutboxStore(factory)
    await _enqueue(factory, "k:rejected")
    sink.refuse(550)

    assert await flush_outbox(store, mailer, now=T0, retry_delay=_delay) == FlushReport(failed=1)

    [row] = await _rows(factory)
    assert (row.status, row.attempts, row.locked_until) == ("FAILED", 1, None)
    assert "550" in (row.last_error or "")
    sink.accept()
    later = T0 + timedelta(days=1)
    assert await flush_outbox(store, mailer, now=later, retry_delay=_delay) == FlushReport()
    assert sink.messages == []


async def test_a_message_fails_after_max_attempts(
    factory: async_sessionmaker[AsyncSession], sink: SmtpSink, mailer: Mailer
) -> None:
    store = OutboxStore(factory)
    await _enqueue(factory, "k:outage")
    sink.refuse(451)
    now, reports = T0, []
    for _ in range(MAX_ATTEMPTS):
        reports.append(await flush_outbox(store, mailer, now=now, retry_delay=_delay))
        now += timedelta(seconds=DELAY)

    assert reports == [FlushReport(retried=1)] * (MAX_ATTEMPTS - 1) + [FlushReport(failed=1)]
    [row] = await _rows(factory)
    assert (row.status, row.attempts) == ("FAILED", MAX_ATTEMPTS)
    assert sink.refusals == MAX_ATTEMPTS
    assert await flush_outbox(store, mailer, now=now + timedelta(days=1)) == FlushReport()


async def test_two_workers_flushing_at_once_send_every_message_once(
    database_url: str, factory: async_sessionmaker[AsyncSession], sink: SmtpSink, mailer: Mailer
) -> None:
    keys = [f"k:{n}" for n in range(24)]
    await _enqueue(factory, *keys)
    other = create_engine(database_url)
    try:
        stores = [OutboxStore(factory), OutboxStore(create_session_factory(other))]
        reports = await asyncio.gather(
            *(flush_outbox(store, mailer, now=T0, limit=5) for store in stores for _ in range(3))
        )
        reports += [await flush_outbox(stores[1], mailer, now=T0, limit=50)]
    finally:
        await other.dispose()

    assert sum(report.sent for report in reports) == len(keys)
    received = await sink.wait_for(len(keys))
    assert sorted(mail.message_id for mail in received) == sorted(map(message_id_for, keys))
    assert {row.status for row in await _rows(factory)} == {"SENT"}
