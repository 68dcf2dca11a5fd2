"""Inserts that are idempotent by a unique key tell a duplicate (answered quietly) from any
other integrity error (raised, and the transaction rolled back), on every backend."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from connectors.hubdb.models import Notification
from connectors.hubdb.writes import HubWriter

CLAIRE = "account-claire-leroy"
NOW = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)


async def _count(sessions: async_sessionmaker[AsyncSession], key: str) -> int:
    async with sessions() as session:
        query = sa.select(sa.func.count()).where(Notification.dedupe_key == key)
        return int(await session.scalar(query) or 0)


async def test_a_second_notification_with_the_same_key_is_a_quiet_duplicate(
    fresh_session_factory: async_sessionmaker[AsyncSession],
) -> None:
    writer = HubWriter(fresh_session_factory)
    async with writer.transaction() as tx:
        first = await tx.notify(account_id=CLAIRE, kind="REFERENT_CHOSEN", payload={},
                                dedupe_key="chosen:1", now=NOW)  # fmt: skip
        again = await tx.notify(account_id=CLAIRE, kind="REFERENT_CHOSEN", payload={},
                                dedupe_key="chosen:1", now=NOW)  # fmt: skip
    assert first is not None and again is None
    assert await _count(fresh_session_factory, "chosen:1") == 1


async def test_a_notification_for_an_unknown_account_raises_and_writes_nothing(
    fresh_session_factory: async_sessionmaker[AsyncSession],
) -> None:
    writer = HubWriter(fresh_session_factory)
    with pytest.raises(IntegrityError):
        async with writer.transaction() as tx:
            await tx.notify(account_id=CLAIRE, kind="REFERENT_CHOSEN", payload={},
                            dedupe_key="before", now=NOW)  # fmt: skip
            await tx.notify(account_id="no-such-account", kind="REFERENT_CHOSEN", payload={},
                            dedupe_key="orphan", now=NOW)  # fmt: skip
    assert await _count(fresh_session_factory, "before") == 0  # rolled back with the error
    assert await _count(fresh_session_factory, "orphan") == 0


async def test_a_mail_with_a_missing_column_raises_instead_of_passing_for_a_duplicate(
    fresh_session_factory: async_sessionmaker[AsyncSession],
) -> None:
    writer = HubWriter(fresh_session_factory)
    with pytest.raises(IntegrityError):
        async with writer.transaction() as tx:
            await tx.enqueue_mail(dedupe_key="mail:1", to=None, subject="s", body="b",  # type: ignore[arg-type]
                                  now=NOW)  # fmt: skip
    async with writer.transaction() as tx:
        assert await tx.enqueue_mail(dedupe_key="mail:1", to="a@b.example", subject="s",
                                     body="b", now=NOW)  # fmt: skip
        assert not await tx.enqueue_mail(dedupe_key="mail:1", to="a@b.example", subject="s",
                                         body="b", now=NOW)  # fmt: skip
