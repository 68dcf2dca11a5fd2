"""What the status-polling job keeps: one lease and cursor per platform, and the last status
the hub saw of each application.

Polling a platform once across instances: ``claim`` takes the platform's row with a
conditional update (free, or its lease run out), so of several instances one polls at a
time; ``finish`` moves the cursor only while the lease is still the caller's. A status is
compared and recorded in the caller's transaction (``record``), with the notifications it
causes, so a change is told once: a retried poll finds the status already recorded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from connectors.hubdb.enums import AssignmentStatus
from connectors.hubdb.models import (
    Account,
    Agent,
    ApplicationStatusRow,
    CompanyMembership,
    PlatformPoll,
    ReferentAssignment,
)
from connectors.hubdb.runner import CoreRunner
from connectors.hubdb.submissions import writing
from connectors.hubdb.unique_keys import is_unique_violation

__all__ = ["PollClaim", "PollStore", "Recipient", "StatusChange"]


@dataclass(frozen=True, slots=True)
class PollClaim:
    """The platform is the caller's to poll until ``lease_until``, from ``cursor`` (None: it
    was never polled)."""

    platform: str
    cursor: datetime | None
    lease_until: datetime


@dataclass(frozen=True, slots=True)
class StatusChange:
    previous: str
    previous_label: str


@dataclass(frozen=True, slots=True)
class Recipient:
    account_id: str
    email: str
    referent: bool


class PollStore:
    def __init__(
        self, session_factory: async_sessionmaker[AsyncSession], runner: CoreRunner | None = None
    ) -> None:
        """Reads go through ``runner`` (without one, the async engine of ``session_factory``);
        writes are transactions of ``session_factory``."""
        self._session_factory = session_factory
        self._runner = CoreRunner.or_sessions(runner, session_factory)

    async def claim(
        self,
        platform: str,
        *,
        now: datetime,
        lease: timedelta,
        every: timedelta = timedelta(0),
    ) -> PollClaim | None:
        """The platform leased to the caller until ``now + lease``; None while another
        instance holds it, or when it was polled less than ``every`` ago (by any instance:
        instances on the same schedule poll once per period between them)."""
        await self._ensure(platform)
        until = now + lease
        async with writing(self._session_factory) as session:
            taken = (
                await session.execute(
                    sa.update(PlatformPoll)
                    .where(
                        PlatformPoll.platform == platform,
                        sa.or_(PlatformPoll.lease_until.is_(None), PlatformPoll.lease_until <= now),
                        sa.or_(
                            PlatformPoll.polled_at.is_(None), PlatformPoll.polled_at <= now - every
                        ),
                    )
                    .values(lease_until=until)
                    .returning(PlatformPoll.cursor)
                )
            ).first()
        return None if taken is None else PollClaim(platform, taken[0], until)

    async def finish(self, claim: PollClaim, *, cursor: datetime | None, now: datetime) -> bool:
        """Moves the cursor and frees the platform; False (nothing changed) when the lease
        ran out and another instance took the platform meanwhile."""
        async with writing(self._session_factory) as session:
            result = await session.execute(
                sa.update(PlatformPoll)
                .where(
                    PlatformPoll.platform == claim.platform,
                    PlatformPoll.lease_until == claim.lease_until,
                )
                .values(cursor=cursor, lease_until=None, polled_at=now)
            )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def _ensure(self, platform: str) -> None:
        exists = sa.select(PlatformPoll.platform).where(PlatformPoll.platform == platform)
        if await self._runner.read(lambda c: c.scalar(exists)) is not None:
            return
        try:
            async with writing(self._session_factory) as session:
                session.add(PlatformPoll(platform=platform))
        except IntegrityError as error:  # created meanwhile by another instance
            if not is_unique_violation(error):
                raise

    @staticmethod
    async def record(
        session: AsyncSession,
        *,
        platform: str,
        reference: str,
        siret: str,
        status: str,
        label: str,
        now: datetime,
    ) -> StatusChange | None:
        """Records the status seen in ``session``'s transaction; the previous one when it
        changed. An application seen for the first time is recorded without a change."""
        known = (
            await session.execute(
                sa.select(ApplicationStatusRow)
                .where(
                    ApplicationStatusRow.platform == platform,
                    ApplicationStatusRow.reference == reference,
                )
                .with_for_update()
            )
        ).scalar_one_or_none()
        if known is None:
            try:
                async with session.begin_nested():
                    session.add(
                        ApplicationStatusRow(
                            platform=platform, reference=reference, siret=siret, status=status,
                            platform_status=label, seen_at=now,
                        )
                    )  # fmt: skip
            except IntegrityError as error:  # recorded meanwhile: that record stands
                if not is_unique_violation(error):
                    raise
            return None
        if known.status == status and known.platform_status == label:
            return None
        change = StatusChange(known.status, known.platform_status)
        known.status, known.platform_status, known.seen_at = status, label, now
        await session.flush()
        return change

    @staticmethod
    async def recipients(session: AsyncSession, siret: str) -> list[Recipient]:
        """Who hears of the company's applications: its members and its accepted referent."""
        members = await session.execute(
            sa.select(Account.id, Account.email)
            .join(CompanyMembership, CompanyMembership.account_id == Account.id)
            .where(CompanyMembership.siret == siret)
            .order_by(Account.id)
        )
        referent = await session.execute(
            sa.select(Account.id, Account.email)
            .join(Agent, Agent.account_id == Account.id)
            .join(ReferentAssignment, ReferentAssignment.agent_id == Agent.id)
            .where(
                ReferentAssignment.siret == siret,
                ReferentAssignment.status == AssignmentStatus.ACCEPTED.value,
            )
        )
        found = [Recipient(a, e, False) for a, e in members]
        found += [
            Recipient(a, e, True) for a, e in referent if a not in {r.account_id for r in found}
        ]
        return found
