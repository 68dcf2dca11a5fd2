"""Status polling: a change on a platform is told once — to the company's members and its
accepted referent, in-app, live and by e-mail through a real local SMTP server — with what
changed, even with two gateway instances (two schedulers) polling one database."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest
import sqlalchemy as sa
from starlette.applications import Starlette

from connectors.hubdb import create_engine, create_session_factory
from connectors.hubdb.models import Notification
from connectors.hubdb.platform_polls import PollStore
from connectors.mail import MailConfig, Mailer
from connectors.platforms import Lifecycle, PlatformConnector
from gateway.scheduler import Scheduler
from resolvers.context import Services
from resolvers.outbox import flush_outbox
from resolvers.status_polling import STATUS_CHANGED_KIND, PollReport, poll_statuses
from sandbox.platforms.config import PlatformConfig
from sandbox.smtp import SmtpSink
from tests.conftest import CountingTransport
from tests.databases import seeded_database
from tests.platforms import LEROY, mesaides_app, store_of, submit

if TYPE_CHECKING:
    from tests.conftest import Run

TOLD = {
    "claire.leroy@leroy-sas.example",  # mandataire
    "thomas.blanc@cabinet-blanc.example",  # collaborator
    "pierre.durand@cci-gard.example",  # the accepted referent
}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    async with seeded_database(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def platform_app(platforms_config: PlatformConfig) -> Starlette:
    return mesaides_app(platforms_config)


@pytest.fixture
def mesaides_upstream(platform_app: Starlette) -> CountingTransport:
    return CountingTransport(httpx.ASGITransport(app=platform_app))


@pytest.fixture
async def sink(tmp_path: Path) -> AsyncIterator[SmtpSink]:
    sink = SmtpSink(folder=tmp_path / "mail")
    await sink.start()
    yield sink
    await sink.stop()


def connectors(services: Services) -> list[PlatformConnector]:
    return [services.del_, services.mesaides]


async def filed_and_baselined(run: Run, services: Services) -> str:
    """LEROY's application filed through the hub (its status recorded), and a first poll done
    (every application the platforms hold is recorded, silently): its reference."""
    filed = (await submit(run)).data["submitApplication"]
    first = await poll_statuses(
        services.polls, connectors(services), services.writer, now=datetime.now(UTC)
    )
    assert first.changes == 0 and sorted(first.polled) == ["DEL", "MES_AIDES_EN_LIGNE"]
    return str(filed["reference"])


async def status_notifications(services: Services) -> list[Notification]:
    async with services.writer.transaction() as tx:
        found = await tx.session.scalars(
            sa.select(Notification).where(Notification.kind == STATUS_CHANGED_KIND)
        )
        return list(found)


async def test_a_status_change_is_told_to_members_and_referent_in_app_live_and_by_mail(
    run: Run, services: Services, platform_app: Starlette, sink: SmtpSink
) -> None:
    reference = await filed_and_baselined(run, services)
    later = datetime.now(UTC) + timedelta(minutes=5)
    (await store_of(platform_app)).instruct(
        reference, now=later, status=Lifecycle.UNDER_REVIEW,
        platform_status="En cours d'instruction",
    )  # fmt: skip
    async with services.writer.transaction() as tx:
        claire = next(a for a, e in await tx.members(LEROY) if e.startswith("claire"))

    async with services.broker.subscribe(claire) as live:
        report = await poll_statuses(
            services.polls, connectors(services), services.writer, now=later,
            broker=services.broker,
        )  # fmt: skip
        message = await anext(live)

    assert report.changes == 1
    assert message["kind"] == STATUS_CHANGED_KIND
    payload = message["payload"]
    assert (payload["oldStatus"], payload["newStatus"]) == ("SUBMITTED", "UNDER_REVIEW")
    assert payload["platformStatus"] == "En cours d'instruction"
    assert (payload["reference"], payload["schemeId"]) == (
        reference, "paysdelaloire:investissement-numerique",
    )  # fmt: skip
    assert len(await status_notifications(services)) == 3
    mailer = Mailer(MailConfig(host="127.0.0.1", port=sink.port))
    while (await flush_outbox(services.outbox, mailer, now=later, limit=200)).sent:
        pass
    told = [m for m in sink.messages if reference in m.subject]
    assert {m.to for m in told} == TOLD
    assert all("transmise → en cours d'instruction" in m.body for m in told)

    again = await poll_statuses(
        services.polls, connectors(services), services.writer, now=later + timedelta(minutes=5)
    )
    assert again.changes == 0  # seen already: told once


async def test_two_instances_poll_each_platform_once_and_tell_a_change_once(
    run: Run, services: Services, platform_app: Starlette, database_url: str
) -> None:
    reference = await filed_and_baselined(run, services)
    later = datetime.now(UTC) + timedelta(minutes=5)
    (await store_of(platform_app)).instruct(
        reference, now=later, status=Lifecycle.ACKNOWLEDGED, platform_status="Recevable"
    )
    engines = [create_engine(database_url), create_engine(database_url)]
    reports: list[PollReport] = []
    both_ran = asyncio.Event()
    parked = asyncio.Event()  # never set: each scheduler runs its job once, then waits

    async def wait(_seconds: float) -> None:
        await parked.wait()

    def instance(engine: object) -> Scheduler:
        polls = PollStore(create_session_factory(engine))  # type: ignore[arg-type]

        async def job(now: datetime) -> PollReport:
            report = await poll_statuses(polls, connectors(services), services.writer, now=now)
            reports.append(report)
            if len(reports) == 2:
                both_ran.set()
            return report

        scheduler = Scheduler(clock=lambda: later, sleep=wait)
        scheduler.add("poll_statuses", 60, job)
        return scheduler

    schedulers = [instance(engine) for engine in engines]
    try:
        for scheduler in schedulers:
            await scheduler.start()
        await both_ran.wait()
    finally:
        for scheduler in schedulers:
            await scheduler.stop()
        for engine in engines:
            await engine.dispose()

    polled = [platform for report in reports for platform in report.polled]
    assert sorted(polled) == ["DEL", "MES_AIDES_EN_LIGNE"]  # each platform by one instance
    assert sum(report.changes for report in reports) == 1
    assert len(await status_notifications(services)) == 3
