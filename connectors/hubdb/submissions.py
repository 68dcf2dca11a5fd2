"""The outbox of filings: an application is written here before any platform is called, and
leaves only as CONFIRMED (the platform's reference known) or FAILED.

- **Never duplicated**: ``(siret, idempotency_key)`` is unique. Of concurrent calls with one
  key exactly one inserts; the others read the winner's row (``open``). What the platform
  sees, ``platform_key``, is derived from the company and its key, so the platform dedupes
  the retries of one filing and never confuses two companies' keys.
- **Never lost**: the row is committed before the call; a filing whose answer never came is
  UNCONFIRMED, and a row left PENDING by a dead worker is taken again once its lease runs out.
- **Once across instances**: a worker holds a row under a lease (``lease_until``). The
  reconciliation job claims due rows with one atomic statement (``UPDATE … WHERE id IN
  (SELECT … FOR UPDATE SKIP LOCKED) RETURNING``, as ``connectors.hubdb.outbox`` does);
  settling is a conditional update on a row still open, so the first outcome stands."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from connectors.hubdb.engine import WRITE_TRANSACTION
from connectors.hubdb.enums import SubmissionState
from connectors.hubdb.models import Submission
from connectors.hubdb.runner import CoreRunner
from connectors.hubdb.unique_keys import is_unique_violation

__all__ = [
    "NewSubmission",
    "SubmissionRecord",
    "SubmissionStore",
    "payload_hash",
    "platform_key_for",
    "writing",
]

_OPEN = (SubmissionState.PENDING.value, SubmissionState.UNCONFIRMED.value)


def platform_key_for(siret: str, idempotency_key: str) -> str:
    """The key the platform sees: one per company and key, without either's text."""
    digest = hashlib.sha256(f"{siret}\x1f{idempotency_key}".encode()).hexdigest()
    return f"hub-{digest[:48]}"


def payload_hash(payload: Any) -> str:
    """What tells a retry (the same input) from a reuse of the key for another filing."""
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class NewSubmission:
    siret: str
    account_id: str | None
    idempotency_key: str
    scheme_id: str
    platform: str
    payload: dict[str, Any]
    """The filing as the platform connector takes it (JSON-ready)."""
    input_hash: str
    """``payload_hash`` of the caller's input, as given (before the checks)."""


@dataclass(frozen=True, slots=True)
class SubmissionRecord:
    id: str
    siret: str
    account_id: str | None
    idempotency_key: str
    platform_key: str
    scheme_id: str
    platform: str
    payload: dict[str, Any]
    payload_hash: str
    state: SubmissionState
    reference: str | None
    attempts: int
    lease_until: datetime | None
    last_error: str | None
    created_at: datetime
    updated_at: datetime

    @property
    def settled(self) -> bool:
        return self.state in (SubmissionState.CONFIRMED, SubmissionState.FAILED)


def _record(row: Submission) -> SubmissionRecord:
    return SubmissionRecord(
        id=row.id,
        siret=row.siret,
        account_id=row.account_id,
        idempotency_key=row.idempotency_key,
        platform_key=row.platform_key,
        scheme_id=row.scheme_id,
        platform=row.platform,
        payload=row.payload,
        payload_hash=row.payload_hash,
        state=SubmissionState(row.state),
        reference=row.reference,
        attempts=row.attempts,
        lease_until=row.lease_until,
        last_error=row.last_error,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


@asynccontextmanager
async def writing(
    session_factory: async_sessionmaker[AsyncSession],
) -> AsyncIterator[AsyncSession]:
    """A write transaction (on SQLite it takes the write lock at once, ``BEGIN IMMEDIATE``:
    a transaction that read first could not write after another writer)."""
    async with session_factory() as session, session.begin():
        await session.connection(execution_options={WRITE_TRANSACTION: True})
        yield session


class SubmissionStore:
    def __init__(
        self, session_factory: async_sessionmaker[AsyncSession], runner: CoreRunner | None = None
    ) -> None:
        """Reads go through ``runner`` (``connectors.hubdb.runner``; without one, the async
        engine of ``session_factory``); writes are transactions of ``session_factory``."""
        self._session_factory = session_factory
        self._runner = CoreRunner.or_sessions(runner, session_factory)

    async def open(
        self, new: NewSubmission, *, now: datetime, lease: timedelta
    ) -> tuple[SubmissionRecord, bool]:
        """The submission of ``(siret, idempotency_key)``, and whether this call created it.
        A created row is PENDING and leased to the caller until ``now + lease``, which files
        it; a row found is another call's (same key), in whatever state it is."""
        found = await self.find(new.siret, new.idempotency_key)
        if found is not None:
            return found, False
        row = Submission(
            id=str(uuid.uuid4()),
            siret=new.siret,
            account_id=new.account_id,
            idempotency_key=new.idempotency_key,
            platform_key=platform_key_for(new.siret, new.idempotency_key),
            scheme_id=new.scheme_id,
            platform=new.platform,
            payload=new.payload,
            payload_hash=new.input_hash,
            state=SubmissionState.PENDING.value,
            attempts=0,
            lease_until=now + lease,
            next_attempt_at=now + lease,
            created_at=now,
            updated_at=now,
        )
        try:
            async with writing(self._session_factory) as session:
                session.add(row)
        except IntegrityError as error:
            if not is_unique_violation(error):
                raise
            winner = await self.find(new.siret, new.idempotency_key)
            if winner is None:  # pragma: no cover - a unique key holds a row that exists
                raise
            return winner, False
        return _record(row), True

    async def find(self, siret: str, idempotency_key: str) -> SubmissionRecord | None:
        return await self._one(
            Submission.siret == siret, Submission.idempotency_key == idempotency_key
        )

    async def get(self, submission_id: str) -> SubmissionRecord | None:
        return await self._one(Submission.id == submission_id)

    async def claim_due(
        self, *, now: datetime, lease: timedelta, limit: int = 20
    ) -> list[SubmissionRecord]:
        """Up to ``limit`` open rows (UNCONFIRMED, or PENDING whose filer's lease ran out)
        due at ``now`` and not leased, leased until ``now + lease``, oldest first."""
        is_due = (
            Submission.state.in_(_OPEN),
            Submission.next_attempt_at <= now,
            sa.or_(Submission.lease_until.is_(None), Submission.lease_until <= now),
        )
        anything = sa.select(Submission.id).where(*is_due).limit(1)
        if await self._runner.read(lambda c: c.scalar(anything)) is None:
            return []  # idle: no write lock taken
        due = (
            sa.select(Submission.id)
            .where(*is_due)
            .order_by(Submission.next_attempt_at, Submission.id)
            .limit(limit)
            .with_for_update(skip_locked=True)  # rendered on PostgreSQL, ignored by SQLite
        )
        claim = (
            sa.update(Submission)
            .where(Submission.id.in_(due.scalar_subquery()))
            .values(lease_until=now + lease)
            .returning(Submission.id)
        )
        async with writing(self._session_factory) as session:
            ids = list((await session.scalars(claim)).all())
            rows = (
                await session.scalars(sa.select(Submission).where(Submission.id.in_(ids)))
            ).all()
            records = [_record(row) for row in rows]
        return sorted(records, key=lambda r: (r.created_at, r.id))

    async def confirm(self, submission_id: str, *, reference: str, now: datetime) -> bool:
        """The platform holds the filing under ``reference``; False when it was settled
        already (another worker's outcome stands)."""
        return await self._settle(
            submission_id,
            now,
            state=SubmissionState.CONFIRMED.value,
            reference=reference,
            attempts=Submission.attempts + 1,
            last_error=None,
        )

    async def unconfirmed(
        self, submission_id: str, *, error: str, next_attempt_at: datetime, now: datetime
    ) -> bool:
        """The platform's answer never came: the job looks the filing up at
        ``next_attempt_at``."""
        return await self._settle(
            submission_id,
            now,
            state=SubmissionState.UNCONFIRMED.value,
            attempts=Submission.attempts + 1,
            next_attempt_at=next_attempt_at,
            last_error=error,
        )

    async def fail(self, submission_id: str, *, error: str, now: datetime) -> bool:
        """Refused by the platform, or attempts spent: FAILED for good, with the reason."""
        return await self._settle(
            submission_id,
            now,
            state=SubmissionState.FAILED.value,
            attempts=Submission.attempts + 1,
            last_error=error,
        )

    async def _settle(self, submission_id: str, now: datetime, **values: object) -> bool:
        async with writing(self._session_factory) as session:
            result = await session.execute(
                sa.update(Submission)
                .where(Submission.id == submission_id, Submission.state.in_(_OPEN))
                .values(lease_until=None, updated_at=now, **values)
            )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def _one(self, *where: sa.ColumnElement[bool]) -> SubmissionRecord | None:
        query = sa.select(Submission.__table__).where(*where)
        row = await self._runner.read(lambda c: c.execute(query).mappings().first())
        return None if row is None else _record(Submission(**row))
