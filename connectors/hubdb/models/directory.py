"""The developers network: structures, accounts, agents and their roles in the hub."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, validates

from connectors.hubdb.enums import AccountKind, AgentRole, StructureKind
from connectors.hubdb.models.base import Base, UTCDateTime, check_in, utcnow

__all__ = ["Account", "Agent", "AgentRoleRow", "Structure", "normalize_email"]


def normalize_email(email: str) -> str:
    """E-mails are compared case-insensitively: they are stored trimmed and lower-cased."""
    return email.strip().lower()


class Structure(Base):
    """A support structure (CCI, BGE, AD'OCC, EPCI…); its id is a readable slug."""

    __tablename__ = "structures"
    __table_args__ = (check_in("kind", StructureKind, "kind"),)

    id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[str] = mapped_column(sa.String(32))
    department_code: Mapped[str | None] = mapped_column(sa.String(3))
    in_network: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    charter_signed: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    email: Mapped[str | None] = mapped_column(sa.String(254))
    phone: Mapped[str | None] = mapped_column(sa.String(32))


class Account(Base):
    """A person who signs in: a company user, a project holder or a network agent."""

    __tablename__ = "accounts"
    __table_args__ = (
        check_in("kind", AccountKind, "kind"),
        sa.CheckConstraint("email = lower(email)", name="email_lower_case"),
    )

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    phone: Mapped[str | None] = mapped_column(sa.String(32))
    kind: Mapped[str] = mapped_column(sa.String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    @validates("email")
    def _normalize_email(self, _key: str, email: str) -> str:
        return normalize_email(email)


class Agent(Base):
    """A member of the developers network, attached to one structure."""

    __tablename__ = "agents"

    id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    account_id: Mapped[str] = mapped_column(sa.ForeignKey("accounts.id"), unique=True)
    structure_id: Mapped[str] = mapped_column(sa.ForeignKey("structures.id"), index=True)
    first_name: Mapped[str] = mapped_column(sa.String(100))
    last_name: Mapped[str] = mapped_column(sa.String(100))
    title: Mapped[str | None] = mapped_column(sa.String(200))
    filieres: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    domains: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    territory: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    """Department codes ("30") or postal-code prefixes ("301") the agent covers."""


class AgentRoleRow(Base):
    """One role of an agent in the hub; only the administrator changes these."""

    __tablename__ = "agent_roles"
    __table_args__ = (check_in("role", AgentRole, "role"),)

    agent_id: Mapped[str] = mapped_column(
        sa.ForeignKey("agents.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
