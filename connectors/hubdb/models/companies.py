"""Companies registered on the hub, the people of their company space, and their referent."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from connectors.hubdb.enums import CURRENT_ASSIGNMENT_STATUSES, AssignmentStatus, MembershipRole
from connectors.hubdb.models.base import Base, UTCDateTime, check_in, utcnow

__all__ = ["CURRENT_ASSIGNMENT_WHERE", "Company", "CompanyMembership", "ReferentAssignment"]

CURRENT_ASSIGNMENT_WHERE = "status IN ({})".format(
    ", ".join(f"'{status.value}'" for status in CURRENT_ASSIGNMENT_STATUSES)
)
"""The predicate of the partial unique index: one current referent per company."""


class Company(Base):
    """A company whose space was created on the hub (by one of its mandataires)."""

    __tablename__ = "companies"
    __table_args__ = (
        sa.CheckConstraint("length(siret) = 14", name="siret_length"),
        sa.CheckConstraint("length(siren) = 9", name="siren_length"),
    )

    siret: Mapped[str] = mapped_column(sa.String(14), primary_key=True)
    siren: Mapped[str] = mapped_column(sa.String(9), index=True)
    display_name: Mapped[str] = mapped_column(sa.String(200))
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CompanyMembership(Base):
    """An account's access to a company space, as mandataire or authorised collaborator."""

    __tablename__ = "company_memberships"
    __table_args__ = (
        sa.UniqueConstraint("siret", "account_id"),
        check_in("role", MembershipRole, "role"),
    )

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    siret: Mapped[str] = mapped_column(sa.ForeignKey("companies.siret", ondelete="CASCADE"))
    account_id: Mapped[str] = mapped_column(
        sa.ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(sa.String(32))


class ReferentAssignment(Base):
    """A company's request to an agent to be its referent, and the agent's answer.

    Refused requests stay as history; at most one PENDING or ACCEPTED row exists per company.
    """

    __tablename__ = "referent_assignments"
    __table_args__ = (
        check_in("status", AssignmentStatus, "status"),
        sa.Index(
            "uq_referent_assignments_current_siret",
            "siret",
            unique=True,
            sqlite_where=sa.text(CURRENT_ASSIGNMENT_WHERE),
            postgresql_where=sa.text(CURRENT_ASSIGNMENT_WHERE),
        ),
    )

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    siret: Mapped[str] = mapped_column(sa.ForeignKey("companies.siret"), index=True)
    agent_id: Mapped[str] = mapped_column(sa.ForeignKey("agents.id"), index=True)
    status: Mapped[str] = mapped_column(sa.String(16))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    refusal_reason: Mapped[str | None] = mapped_column(sa.Text)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    end_reason: Mapped[str | None] = mapped_column(sa.Text, default=None)
    """Why the administrator ended it (ENDED)."""
