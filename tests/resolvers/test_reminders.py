"""Referent reminders: an unanswered request gets one reminder (in-app and e-mail) once its
48 working hours are spent — time travel across a weekend, 1 May and Ascension — never
for an answered one, and exactly once with two instances at the same time."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from connectors.hubdb import create_engine, create_session_factory
from connectors.hubdb.models import Company, EmailOutbox, Notification, ReferentAssignment
from connectors.hubdb.reminders import ReminderStore
from connectors.hubdb.writes import HubWriter
from resolvers.reminders import send_due_reminders
from resolvers.working_hours import working_deadline
from tests.databases import seeded_database

PARIS = ZoneInfo("Europe/Paris")
DURAND_ACCOUNT_EMAIL = "pierre.durand@cci-gard.example"
SIRET = "99999999900011"


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS)  # type: ignore[misc]


@pytest.fixture(
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)  # fmt: skip
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A seeded database whose seeded requests were all reminded already (quiet)."""
    async with seeded_database(request.param, tmp_path) as url:
        await _quiet(url)
        yield url


async def _quiet(url: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                sa.update(ReferentAssignment)
                .where(ReferentAssignment.status == "PENDING")
                .values(reminded_at=datetime(2000, 1, 1, tzinfo=UTC))
            )
    finally:
        await engine.dispose()


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


async def _request(factory: async_sessionmaker[AsyncSession], requested: datetime) -> str:
    """A PENDING request to Pierre Durand, due 48 working hours after ``requested``."""
    async with HubWriter(factory).transaction() as tx:
        tx.session.add(Company(siret=SIRET, siren=SIRET[:9], display_name="ATELIER TEST",
                               registered_at=requested))  # fmt: skip
        await tx.session.flush()
        return await tx.create_assignment(
            siret=SIRET,
            agent_id="agent-pierre-durand",
            now=requested,
            due_at=working_deadline(requested),
        )


async def _assignment(
    factory: async_sessionmaker[AsyncSession], assignment_id: str
) -> ReferentAssignment:
    async with factory() as session:
        return await session.get_one(ReferentAssignment, assignment_id)


async def _remind(factory: async_sessionmaker[AsyncSession], now: datetime) -> int:
    return await send_due_reminders(HubWriter(factory), ReminderStore(factory), now=now)


async def test_an_overdue_request_gets_one_reminder_in_app_and_by_mail(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    requested = paris(2027, 6, 1, 10, 0)  # a Tuesday
    assignment_id = await _request(factory, requested)
    due = working_deadline(requested)
    now = due + timedelta(minutes=1)

    assert await _remind(factory, now) == 1
    assert await _remind(factory, now + timedelta(hours=1)) == 0

    assignment = await _assignment(factory, assignment_id)
    assert (assignment.status, assignment.due_at, assignment.reminded_at) == ("PENDING", due, now)
    async with factory() as session:
        notes = (
            await session.scalars(sa.select(Notification).where(
                Notification.kind == "REFERENT_REMINDER"))
        ).all()  # fmt: skip
        mails = (
            await session.scalars(sa.select(EmailOutbox).where(
                EmailOutbox.dedupe_key == f"referent-reminder:{assignment_id}"))
        ).all()  # fmt: skip
    [note] = notes
    assert note.account_id == "account-pierre-durand"
    assert note.payload == {
        "assignmentId": assignment_id,
        "siret": SIRET,
        "company": "ATELIER TEST",
        "dueAt": due.isoformat(),
    }
    [mail] = mails
    assert (mail.to_address, mail.status) == (DURAND_ACCOUNT_EMAIL, "PENDING")
    assert mail.subject == "Rappel : ATELIER TEST attend votre réponse"
    assert SIRET in mail.body and "03/06/2027 à 10:00" in mail.body
    assert "http" not in mail.body


async def test_no_reminder_before_the_deadline_or_for_an_answered_request(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    requested = paris(2027, 6, 1, 10, 0)
    assignment_id = await _request(factory, requested)
    due = working_deadline(requested)

    assert await _remind(factory, due - timedelta(seconds=1)) == 0
    async with HubWriter(factory).transaction() as tx:
        await tx.answer_assignment(assignment_id=assignment_id, accept=True, reason=None, now=due)
    assert await _remind(factory, due + timedelta(days=7)) == 0
    assert (await _assignment(factory, assignment_id)).reminded_at is None


async def test_the_deadline_skips_the_weekend_and_1_may(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    # Friday 30 April 2027, 14:00; Saturday is 1 May: 10 h on Friday, 24 h on Monday 3 May,
    # 14 h on Tuesday 4 May.
    requested = paris(2027, 4, 30, 14, 0)
    assignment_id = await _request(factory, requested)
    due = working_deadline(requested)
    assert due == paris(2027, 5, 4, 14, 0)

    for too_early in (paris(2027, 5, 2, 14, 0), paris(2027, 5, 3, 13, 59), due - timedelta(
            seconds=1)):  # fmt: skip
        assert await _remind(factory, too_early) == 0
    assert (await _assignment(factory, assignment_id)).reminded_at is None
    assert await _remind(factory, due) == 1
    assert (await _assignment(factory, assignment_id)).reminded_at == due


async def test_the_deadline_skips_ascension(factory: async_sessionmaker[AsyncSession]) -> None:
    # Wednesday 5 May 2027, 10:00; Thursday 6 May is Ascension, then a weekend.
    requested = paris(2027, 5, 5, 10, 0)
    assignment_id = await _request(factory, requested)
    due = working_deadline(requested)
    assert due == paris(2027, 5, 10, 10, 0)

    for too_early in (paris(2027, 5, 7, 10, 0), paris(2027, 5, 10, 9, 59)):
        assert await _remind(factory, too_early) == 0
    assert await _remind(factory, paris(2027, 5, 10, 10, 1)) == 1
    assert (await _assignment(factory, assignment_id)).reminded_at == paris(2027, 5, 10, 10, 1)


async def test_two_instances_at_once_send_exactly_one_reminder(
    database_url: str, engine: AsyncEngine
) -> None:
    requested = paris(2027, 6, 1, 10, 0)
    factory = create_session_factory(engine)
    assignment_id = await _request(factory, requested)
    now = working_deadline(requested) + timedelta(minutes=5)
    other = create_engine(database_url)
    try:
        factories = [factory, create_session_factory(other)]
        counts = await asyncio.gather(*(_remind(f, now) for f in factories for _ in range(2)))
    finally:
        await other.dispose()

    assert sum(counts) == 1
    async with factory() as session:
        reminders = await session.scalar(
            sa.select(sa.func.count()).select_from(Notification)
            .where(Notification.kind == "REFERENT_REMINDER")
        )  # fmt: skip
        mails = await session.scalar(
            sa.select(sa.func.count()).select_from(EmailOutbox)
            .where(EmailOutbox.dedupe_key == f"referent-reminder:{assignment_id}")
        )  # fmt: skip
    assert (reminders, mails) == (1, 1)
