"""An account's in-app notifications: listed newest first, counted unread, marked read.

Every read and write is scoped to one account: another account's notification ids are
ignored as if they did not exist (nothing tells a caller that they do)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from connectors.hubdb._newest_first import newest_first_page
from connectors.hubdb.models import Notification
from connectors.hubdb.records import NotificationRecord
from connectors.hubdb.runner import CoreRunner
from connectors.pagination import Page

__all__ = ["NotificationPage", "NotificationRecord", "NotificationStore"]

NotificationPage = Page[NotificationRecord]
"""Satisfies ``schema.pagination.RecordPage``: items, cursors, total, has_next, has_previous."""

_TABLE = Notification.__table__


def _record(row: sa.Row[tuple[object, ...]]) -> NotificationRecord:
    return NotificationRecord(
        id=row.id,
        account_id=row.account_id,
        kind=row.kind,
        payload=row.payload or {},
        created_at=row.created_at,
        read_at=row.read_at,
        dedupe_key=row.dedupe_key,
    )


class NotificationStore:
    def __init__(
        self, session_factory: async_sessionmaker[AsyncSession], runner: CoreRunner | None = None
    ) -> None:
        """``runner`` runs the reads (``connectors.hubdb.runner``); without one they run on
        the async engine of ``session_factory``. Marking read is an ORM write transaction."""
        self._session_factory = session_factory
        self._runner = CoreRunner.or_sessions(runner, session_factory)

    async def page(
        self, account_id: str, *, first: int, after: str | None = None, unread_only: bool = False
    ) -> NotificationPage:
        """Newest first (ties by id); ``total`` counts every match of the filter, all pages.
        ``ValueError("invalid cursor")`` for an ``after`` this store did not give."""
        mine = [_TABLE.c.account_id == account_id]
        if unread_only:
            mine.append(_TABLE.c.read_at.is_(None))
        return await self._runner.read(
            lambda connection: newest_first_page(
                connection, _TABLE, _TABLE.c.created_at, mine, _record,
                first=first, after=after,
            )
        )  # fmt: skip

    async def get(self, account_id: str, notification_id: str) -> NotificationRecord | None:
        """One of the account's notifications; None for anyone else's (or none at all)."""
        query = sa.select(_TABLE).where(
            _TABLE.c.account_id == account_id, _TABLE.c.id == notification_id
        )
        row = await self._runner.read(lambda connection: connection.execute(query).first())
        return None if row is None else _record(row)

    async def unread_count(self, account_ids: Sequence[str]) -> dict[str, int]:
        """Every account asked for, in one statement (0 when it has none unread)."""
        counts = dict.fromkeys(account_ids, 0)
        if not counts:
            return counts
        query = (
            sa.select(_TABLE.c.account_id, sa.func.count())
            .where(_TABLE.c.account_id.in_(sorted(counts)), _TABLE.c.read_at.is_(None))
            .group_by(_TABLE.c.account_id)
        )
        rows = await self._runner.read(lambda connection: connection.execute(query).all())
        for account_id, count in rows:
            counts[account_id] = count
        return counts

    async def mark_read(self, account_id: str, ids: Sequence[str], now: datetime) -> int:
        """How many of the account's unread notifications among ``ids`` are now read; ids
        of read, unknown or other accounts' notifications count for nothing."""
        if not ids:
            return 0
        statement = (
            sa.update(Notification)
            .where(
                Notification.account_id == account_id,
                Notification.id.in_(sorted(set(ids))),
                Notification.read_at.is_(None),
            )
            .values(read_at=now)
        )
        async with self._session_factory() as session, session.begin():
            result = await session.execute(statement)
        return int(result.rowcount)  # type: ignore[attr-defined]
