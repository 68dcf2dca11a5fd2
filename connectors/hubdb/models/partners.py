"""Partner access and the audit trail: partner API keys (hashed), the persisted documents a
key may be restricted to, and the record of every tier-2 read of a company."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from connectors.hubdb.models.base import Base, UTCDateTime, utcnow

__all__ = ["ApiKey", "AuditEvent", "PersistedQuery"]


class ApiKey(Base):
    """A structure's API key. Only a keyed hash of the secret is kept (``secret_hash``);
    ``prefix`` is the non-secret part of the key that finds the row."""

    __tablename__ = "partner_api_keys"

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    structure_id: Mapped[str] = mapped_column(
        sa.ForeignKey("structures.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(100))
    prefix: Mapped[str] = mapped_column(sa.String(16), unique=True)
    secret_hash: Mapped[str] = mapped_column(sa.String(64))
    scopes: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    documents: Mapped[list[str] | None] = mapped_column(sa.JSON)
    """The persisted documents (sha256) the key is restricted to; NULL: any document."""
    rate_limit: Mapped[int | None] = mapped_column(sa.Integer)
    """Requests per minute; NULL: the gateway's default."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by: Mapped[str | None] = mapped_column(sa.String(36))
    """The administrator's account id; NULL when made with the command line."""
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_by: Mapped[str | None] = mapped_column(sa.String(36))


class PersistedQuery(Base):
    """A trusted document, by the SHA-256 of its text (hex): immutable once registered."""

    __tablename__ = "persisted_queries"

    id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    name: Mapped[str | None] = mapped_column(sa.String(100))
    document: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by: Mapped[str | None] = mapped_column(sa.String(36))


class AuditEvent(Base):
    """One company read at tier 2 by an agent, the administrator or a partner key, in one
    request: who, when, which fields, and the API Entreprise calls behind them. No foreign
    keys: the trail outlives the accounts, keys and companies it names."""

    __tablename__ = "audit_events"
    __table_args__ = (
        sa.Index("ix_audit_events_occurred_at_id", "occurred_at", "id"),
        sa.Index("ix_audit_events_siret_occurred_at", "siret", "occurred_at"),
        sa.Index("ix_audit_events_account_id_occurred_at", "account_id", "occurred_at"),
        sa.Index("ix_audit_events_api_key_id_occurred_at", "api_key_id", "occurred_at"),
    )

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    request_id: Mapped[str] = mapped_column(sa.String(64))
    """The gateway's own id of the request (never the client's)."""
    client_request_id: Mapped[str | None] = mapped_column(sa.String(64))
    """The client's ``X-Request-Id``, when it sent a sane one."""
    viewer_kind: Mapped[str] = mapped_column(sa.String(16))
    account_id: Mapped[str | None] = mapped_column(sa.String(36))
    api_key_id: Mapped[str | None] = mapped_column(sa.String(36))
    structure_id: Mapped[str | None] = mapped_column(sa.String(64))
    siret: Mapped[str] = mapped_column(sa.String(14))
    access: Mapped[str] = mapped_column(sa.String(8))
    fields: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    upstream_calls: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    """``[{endpoint, identifier, object, outcome}]``: outcome says whether a call went out."""
