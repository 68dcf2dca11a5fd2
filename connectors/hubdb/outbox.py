"""The e-mail outbox as a work queue: workers claim due rows under a lease, then record
what became of each one. Nothing is ever deleted: a row ends SENT or FAILED.

Claiming is one atomic statement, so workers of several gateway instances never hold the
same row at once: ``UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED LIMIT n)
RETURNING …`` on PostgreSQL (rows another worker is claiming are skipped, not waited for,
and the lease it sets is seen once it commits); on SQLite the same statement without the
locking clause, which SQLite runs under its single database write lock."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from connectors.hubdb.enums import OutboxStatus
from connectors.hubdb.models import EmailOutbox

__all__ = ["OutboxBacklog", "OutboxItem", "OutboxStore"]

_PENDING = OutboxStatus.PENDING.value


@dataclass(frozen=True, slots=True)
class OutboxItem:
    """A claimed e-mail; ``attempts`` counts the attempts made before this claim."""

    id: str
    dedupe_key: str
    to: str
    subject: str
    body: str
    attempts: int
    created_at: datetime


@dataclass(frozen=True, slots=True)
class OutboxBacklog:
    """The e-mails still to send (PENDING, due or not) and when the oldest was queued."""

    pending: int
    oldest: datetime | None


class OutboxStore:
    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self._session_factory = session_factory

    async def claim(self, *, now: datetime, lease: timedelta, limit: int = 20) -> list[OutboxItem]:
        """Up to ``limit`` PENDING rows due at ``now`` and not leased, oldest due first,
        leased until ``now + lease``. A row whose lease ran out (its worker died) is due
        again."""
        if limit < 1:
            return []
        due = (
            sa.select(EmailOutbox.id)
            .where(
                EmailOutbox.status == _PENDING,
                EmailOutbox.next_attempt_at <= now,
                sa.or_(EmailOutbox.locked_until.is_(None), EmailOutbox.locked_until <= now),
            )
            .order_by(EmailOutbox.next_attempt_at, EmailOutbox.id)
            .limit(limit)
            .with_for_update(skip_locked=True)  # rendered on PostgreSQL, ignored by SQLite
        )
        claim = (
            sa.update(EmailOutbox)
            .where(EmailOutbox.id.in_(due.scalar_subquery()))
            .values(locked_until=now + lease)
            .returning(
                EmailOutbox.id,
                EmailOutbox.dedupe_key,
                EmailOutbox.to_address,
                EmailOutbox.subject,
                EmailOutbox.body,
                EmailOutbox.attempts,
                EmailOutbox.created_at,
            )
        )
        async with self._session_factory() as session, session.begin():
            rows = (await session.execute(claim)).all()
        items = [OutboxItem(*row) for row in rows]
        return sorted(items, key=lambda item: (item.created_at, item.id))

    async def backlog(self) -> OutboxBacklog:
        """What metrics read: how many e-mails wait, and since when."""
        query = sa.select(sa.func.count(), sa.func.min(EmailOutbox.created_at)).where(
            EmailOutbox.status == _PENDING
        )
        async with self._session_factory() as session:
            count, oldest = (await session.execute(query)).one()
        return OutboxBacklog(int(count), oldest)

    async def mark_sent(self, id: str, now: datetime) -> bool:
        """The e-mail was handed to the SMTP server (one more attempt, the last)."""
        return await self._finish(
            id,
            status=OutboxStatus.SENT.value,
            attempts=EmailOutbox.attempts + 1,
            sent_at=now,
            last_error=None,
        )

    async def mark_sent_many(self, ids: Sequence[str], now: datetime) -> int:
        """``mark_sent`` for many rows in one statement; how many were still PENDING (the
        others were settled by another worker after this one's lease ran out)."""
        if not ids:
            return 0
        async with self._session_factory() as session, session.begin():
            result = await session.execute(
                sa.update(EmailOutbox)
                .where(EmailOutbox.id.in_(list(ids)), EmailOutbox.status == _PENDING)
                .values(
                    locked_until=None,
                    status=OutboxStatus.SENT.value,
                    attempts=EmailOutbox.attempts + 1,
                    sent_at=now,
                    last_error=None,
                )
            )
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def mark_retry(
        self, id: str, attempts: int, next_attempt_at: datetime, error: str
    ) -> bool:
        """Not sent this time; due again at ``next_attempt_at`` (the lease is released)."""
        return await self._finish(
            id, attempts=attempts, next_attempt_at=next_attempt_at, last_error=error
        )

    async def mark_failed(self, id: str, attempts: int, error: str) -> bool:
        """Given up: it stays in the outbox as FAILED, with the reason."""
        return await self._finish(
            id, status=OutboxStatus.FAILED.value, attempts=attempts, last_error=error
        )

    async def release(self, ids: Sequence[str]) -> None:
        """Give back claimed rows that were not tried, due again at once (no attempt counted)."""
        if not ids:
            return
        async with self._session_factory() as session, session.begin():
            await session.execute(
                sa.update(EmailOutbox)
                .where(EmailOutbox.id.in_(list(ids)), EmailOutbox.status == _PENDING)
                .values(locked_until=None)
            )

    async def _finish(self, id: str, **values: object) -> bool:
        """Applies ``values`` and clears the lease if the row is still PENDING; False when
        it is not (another worker, after this one's lease ran out, settled it already)."""
        async with self._session_factory() as session, session.begin():
            result = await session.execute(
                sa.update(EmailOutbox)
                .where(EmailOutbox.id == id, EmailOutbox.status == _PENDING)
                .values(locked_until=None, **values)
            )
        return bool(result.rowcount)  # type: ignore[attr-defined]
