"""Identity documents people send at sign-up: metadata here, the file in the file store."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from connectors.hubdb.enums import DocumentStatus
from connectors.hubdb.models.base import Base, UTCDateTime, check_in, utcnow

__all__ = ["IdentityDocument"]


class IdentityDocument(Base):
    """One identity document, queued for the administrator's verification. The file itself
    is in the file store under ``file_key``; only the administrator reads it."""

    __tablename__ = "identity_documents"
    __table_args__ = (
        check_in("status", DocumentStatus, "status"),
        sa.Index("ix_identity_documents_status_submitted_at", "status", "submitted_at"),
    )

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    account_id: Mapped[str] = mapped_column(
        sa.ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    file_key: Mapped[str] = mapped_column(sa.String(100), unique=True)
    content_type: Mapped[str] = mapped_column(sa.String(32))
    """Detected from the file's first bytes, never the client's say."""
    size: Mapped[int] = mapped_column(sa.Integer)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    status: Mapped[str] = mapped_column(sa.String(16), default=DocumentStatus.PENDING.value)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by: Mapped[str | None] = mapped_column(sa.String(36))
    """The administrator's account id."""
    reason: Mapped[str | None] = mapped_column(sa.Text)
