"""Invitations to a company space: what a mandataire typed, until the invitee accepts."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from connectors.hubdb.enums import InvitationStatus
from connectors.hubdb.models.base import Base, UTCDateTime, check_in

__all__ = ["PENDING_INVITATION_WHERE", "CollaboratorInvitation"]

PENDING_INVITATION_WHERE = "status = 'PENDING'"
"""The predicate of the partial unique index: one pending invitation per space and e-mail."""


class CollaboratorInvitation(Base):
    """A mandataire's invitation of a person (by e-mail) to the company space. It holds only
    what the mandataire typed; no account is looked up or attached until the invitee, signed
    in with this e-mail, accepts with the secret token sent to it (kept here as its SHA-256).
    """

    __tablename__ = "collaborator_invitations"
    __table_args__ = (
        check_in("status", InvitationStatus, "status"),
        sa.Index(
            "uq_collaborator_invitations_pending",
            "siret",
            "email",
            unique=True,
            sqlite_where=sa.text(PENDING_INVITATION_WHERE),
            postgresql_where=sa.text(PENDING_INVITATION_WHERE),
        ),
    )

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    siret: Mapped[str] = mapped_column(
        sa.ForeignKey("companies.siret", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(sa.String(254))
    """Normalised, as typed by the mandataire."""
    name: Mapped[str] = mapped_column(sa.String(200))
    phone: Mapped[str | None] = mapped_column(sa.String(32))
    role: Mapped[str] = mapped_column(sa.String(32))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    status: Mapped[str] = mapped_column(sa.String(16))
    invited_by: Mapped[str | None] = mapped_column(
        sa.ForeignKey("accounts.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    account_id: Mapped[str | None] = mapped_column(
        sa.ForeignKey("accounts.id", ondelete="SET NULL")
    )
    """The account that accepted it."""
