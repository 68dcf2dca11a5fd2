"""The scheduler runs each job at its interval with the clock it is given, survives a job
that raises, and stops cleanly; two instances running the reminder and outbox jobs on one
database send one reminder, once."""

from __future__ import annotations

import asyncio
import itertools
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from structlog.testing import capture_logs

from connectors.hubdb import DatabaseUnavailable, create_engine, create_session_factory
from connectors.hubdb.models import Company, Notification, ReferentAssignment
from connectors.hubdb.outbox import OutboxStore
from connectors.hubdb.reminders import ReminderStore
from connectors.hubdb.writes import HubWriter
from connectors.mail import MailConfig, Mailer
from gateway.scheduler import Scheduler
from resolvers.outbox import flush_outbox
from resolvers.reminders import send_due_reminders
from sandbox.smtp import SmtpSink
from tests.databases import migrate_and_seed

T0 = datetime(2031, 6, 2, 8, 0, tzinfo=UTC)


class FakeTime:
    """A clock that moves only when the scheduler sleeps."""

    def __init__(self) -> None:
        self.now = T0
        self.sleeps: list[float] = []

    def clock(self) -> datetime:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += timedelta(seconds=seconds)
        await asyncio.sleep(0)


async def test_runs_each_job_at_its_interval_with_the_given_clock() -> None:
    time = FakeTime()
    runs: list[datetime] = []
    enough = asyncio.Event()

    async def job(now: datetime) -> None:
        runs.append(now)
        if len(runs) == 3:
            enough.set()

    scheduler = Scheduler(clock=time.clock, sleep=time.sleep)
    scheduler.add("flush", 60, job)
    await scheduler.start()
    await asyncio.wait_for(enough.wait(), 1)
    await scheduler.stop()

    assert runs[0] == T0
    assert all(59 < seconds <= 60 for seconds in time.sleeps[:2])
    assert [later - earlier for earlier, later in itertools.pairwise(runs)][:2] == [
        timedelta(seconds=s) for s in time.sleeps[:2]
    ]


async def _fails_once_then_recovers(name: str, failure: Exception) -> list[dict[str, Any]]:
    """Runs a job named ``name`` that raises ``failure`` on its first run; the logs."""
    time = FakeTime()
    calls = 0
    recovered = asyncio.Event()

    async def job(now: datetime) -> str:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise failure
        recovered.set()
        return "ok"

    scheduler = Scheduler(clock=time.clock, sleep=time.sleep)
    scheduler.add(name, 30, job)
    with capture_logs() as logs:
        await scheduler.start()
        await asyncio.wait_for(recovered.wait(), 1)
        await scheduler.stop()
    assert calls >= 2
    return logs


async def test_a_failing_job_is_logged_and_runs_again() -> None:
    logs = await _fails_once_then_recovers("reminders", RuntimeError("database down"))

    failures = [entry for entry in logs if entry["event"] == "scheduler.job_failed"]
    assert [entry["job"] for entry in failures] == ["reminders"]


async def test_a_job_deferred_by_an_unavailable_database_logs_one_line_and_no_traceback() -> None:
    logs = await _fails_once_then_recovers("outbox", DatabaseUnavailable("connection refused"))

    deferred = [entry for entry in logs if entry["event"] == "scheduler.job_deferred"]
    assert deferred == [
        {"event": "scheduler.job_deferred", "job": "outbox", "reason": "connection refused",
         "log_level": "info"}
    ]  # fmt: skip
    assert not [entry for entry in logs if entry["event"] == "scheduler.job_failed"]


async def test_stop_cancels_idle_jobs_and_lets_a_running_one_finish() -> None:
    started, finished = asyncio.Event(), asyncio.Event()
    release = asyncio.Event()

    async def slow(now: datetime) -> None:
        started.set()
        await release.wait()
        finished.set()

    async def quick(now: datetime) -> None:
        return None

    scheduler = Scheduler()
    scheduler.add("slow", 3600, slow)
    scheduler.add("quick", 3600, quick)
    await scheduler.start()
    await asyncio.wait_for(started.wait(), 1)
    asyncio.get_running_loop().call_later(0.05, release.set)

    await asyncio.wait_for(scheduler.stop(grace_s=2), 1)

    assert finished.is_set() and not scheduler.running
    assert not [t for t in asyncio.all_tasks() if t.get_name().startswith("scheduler:")]


async def test_stop_cancels_a_job_that_overruns_its_grace() -> None:
    cancelled = asyncio.Event()

    async def stuck(now: datetime) -> None:
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            cancelled.set()
            raise

    scheduler = Scheduler()
    scheduler.add("stuck", 1, stuck)
    await scheduler.start()
    await asyncio.sleep(0.01)
    await asyncio.wait_for(scheduler.stop(grace_s=0.05), 1)
    assert cancelled.is_set() and not scheduler.running


async def test_two_instances_send_one_reminder_once(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'hub.sqlite3'}"
    await migrate_and_seed(url)
    sink = SmtpSink(folder=tmp_path / "mail")
    await sink.start()
    mailer = Mailer(MailConfig(host=sink.host, port=sink.port, timeout=5, local_hostname="hub"))
    engines = [create_engine(url), create_engine(url)]
    schedulers = []
    try:
        factory = create_session_factory(engines[0])
        async with HubWriter(factory).transaction() as tx:
            await tx.session.execute(
                sa.update(ReferentAssignment).where(ReferentAssignment.status == "PENDING")
                .values(reminded_at=T0)
            )  # fmt: skip
            tx.session.add(Company(siret="99999999900011", siren="999999999",
                                   display_name="ATELIER TEST", registered_at=T0))  # fmt: skip
            await tx.session.flush()
            await tx.create_assignment(siret="99999999900011", agent_id="agent-pierre-durand",
                                       now=T0, due_at=T0 + timedelta(days=2))  # fmt: skip
        for engine in engines:
            instance = create_session_factory(engine)
            writer, reminders = HubWriter(instance), ReminderStore(instance)
            outbox = OutboxStore(instance)
            scheduler = Scheduler(clock=lambda: T0 + timedelta(days=3))

            async def remind(now: datetime, w: HubWriter = writer, r: ReminderStore = reminders
                             ) -> int:  # fmt: skip
                return await send_due_reminders(w, r, now=now)

            async def flush(now: datetime, o: OutboxStore = outbox) -> object:
                return await flush_outbox(o, mailer, now=now)

            scheduler.add("reminders", 0.02, remind)
            scheduler.add("outbox", 0.02, flush)
            schedulers.append(scheduler)
        await asyncio.gather(*(scheduler.start() for scheduler in schedulers))
        [mail] = await sink.wait_for(1)
        await asyncio.sleep(0.3)  # many more ticks of both instances
        for scheduler in schedulers:
            await scheduler.stop()
        async with factory() as session:
            kinds = (await session.scalars(sa.select(Notification.kind))).all()
    finally:
        for scheduler in schedulers:
            await scheduler.stop()
        for engine in engines:
            await engine.dispose()
        await sink.stop()

    assert len(sink.messages) == 1
    assert mail.subject == "Rappel : ATELIER TEST attend votre réponse"
    assert list(kinds).count("REFERENT_REMINDER") == 1
