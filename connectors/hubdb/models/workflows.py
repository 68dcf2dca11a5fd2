"""Tables of the hub's workflows: in-app notifications, the e-mail outbox, and companies'
requests to change referent."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from connectors.hubdb.enums import ChangeRequestStatus, OutboxStatus
from connectors.hubdb.models.base import Base, UTCDateTime, check_in, utcnow

__all__ = ["EmailOutbox", "Notification", "ReferentChangeRequest"]


class Notification(Base):
    """An in-app notification of one account; ``dedupe_key`` keeps a retried write single."""

    __tablename__ = "notifications"
    __table_args__ = (sa.Index("ix_notifications_account_id_created_at", "account_id",
                               "created_at"),)  # fmt: skip

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    account_id: Mapped[str] = mapped_column(sa.ForeignKey("accounts.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    dedupe_key: Mapped[str | None] = mapped_column(sa.String(200), unique=True)


class EmailOutbox(Base):
    """An e-mail to send (at least once): written in the transaction that decides it, sent
    later by a worker that locks it (``locked_until``) and retries at ``next_attempt_at``."""

    __tablename__ = "email_outbox"
    __table_args__ = (
        check_in("status", OutboxStatus, "status"),
        sa.Index("ix_email_outbox_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    to_address: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(16), default=OutboxStatus.PENDING.value)
    attempts: Mapped[int] = mapped_column(sa.Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ReferentChangeRequest(Base):
    """A company's request to change referent; it goes to the hub administrator."""

    __tablename__ = "referent_change_requests"
    __table_args__ = (check_in("status", ChangeRequestStatus, "status"),)

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    siret: Mapped[str] = mapped_column(
        sa.ForeignKey("companies.siret", ondelete="CASCADE"), index=True
    )
    account_id: Mapped[str] = mapped_column(
        sa.ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    message: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(16), default=ChangeRequestStatus.OPEN.value)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
