"""Tables of the hub's dealings with the submission platforms: the outbox of filings
(``submissions``), the polling job's lease and cursor per platform (``platform_polls``) and the
last status the hub saw of each application (``application_statuses``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from connectors.hubdb.enums import SubmissionState
from connectors.hubdb.models.base import Base, UTCDateTime, check_in

__all__ = ["ApplicationStatusRow", "PlatformPoll", "Submission"]

_PLATFORMS = "platform IN ('DEL', 'MES_AIDES_EN_LIGNE')"


class Submission(Base):
    """An application the hub files: written before the platform is called, so that it is
    never lost, and keyed by the company's idempotency key, so that it is never filed twice
    (``platform_key``, derived from the company and its key, is what the platform sees)."""

    __tablename__ = "submissions"
    __table_args__ = (
        sa.UniqueConstraint("siret", "idempotency_key"),
        check_in("state", SubmissionState, "state"),
        sa.CheckConstraint(_PLATFORMS, name="platform"),
        sa.Index("ix_submissions_state_next_attempt_at", "state", "next_attempt_at"),
    )

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    siret: Mapped[str] = mapped_column(sa.ForeignKey("companies.siret", ondelete="CASCADE"))
    account_id: Mapped[str | None] = mapped_column(
        sa.ForeignKey("accounts.id", ondelete="SET NULL")
    )
    idempotency_key: Mapped[str] = mapped_column(sa.String(200))
    platform_key: Mapped[str] = mapped_column(sa.String(80), unique=True)
    scheme_id: Mapped[str] = mapped_column(sa.String(200))
    platform: Mapped[str] = mapped_column(sa.String(32))
    payload: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    payload_hash: Mapped[str] = mapped_column(sa.String(64))
    state: Mapped[str] = mapped_column(sa.String(16))
    reference: Mapped[str | None] = mapped_column(sa.String(64))
    attempts: Mapped[int] = mapped_column(sa.Integer)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PlatformPoll(Base):
    """One row per platform: who polls it now (``lease_until``) and from when (``cursor``)."""

    __tablename__ = "platform_polls"
    __table_args__ = (sa.CheckConstraint(_PLATFORMS, name="platform"),)

    platform: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    cursor: Mapped[datetime | None] = mapped_column(UTCDateTime())
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    polled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ApplicationStatusRow(Base):
    """The last status the hub saw of an application, to tell a change from a repeat."""

    __tablename__ = "application_statuses"
    __table_args__ = (sa.CheckConstraint(_PLATFORMS, name="platform"),)

    platform: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    reference: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    siret: Mapped[str] = mapped_column(sa.String(14), index=True)
    status: Mapped[str] = mapped_column(sa.String(32))
    platform_status: Mapped[str] = mapped_column(sa.String(200))
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
