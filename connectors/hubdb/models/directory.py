"""The developers network: structures, accounts, agents, their roles and search criteria."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, validates

from connectors.hubdb.enums import (
    AccountKind,
    AgentRole,
    StructureKind,
    SupportKind,
)
from connectors.hubdb.models.base import Base, UTCDateTime, check_in, fold, utcnow

__all__ = [
    "Account",
    "Agent",
    "AgentDomain",
    "AgentFiliere",
    "AgentRoleRow",
    "AgentTerritory",
    "Structure",
    "StructureSupportKind",
    "agent_sort_name",
    "normalize_email",
]


def normalize_email(email: str) -> str:
    """E-mails are compared case-insensitively: they are stored trimmed and lower-cased."""
    return email.strip().lower()


def agent_sort_name(first_name: str, last_name: str) -> str:
    """The agents' sort key: folded last name, a tab, folded first name (a tab sorts before
    every character of a name, so this orders by last name, then first name)."""
    return f"{fold(last_name)}\t{fold(first_name)}"


class Structure(Base):
    """A support structure (CCI, BGE, AD'OCC, EPCI…); its id is a readable slug."""

    __tablename__ = "structures"
    __table_args__ = (
        check_in("kind", StructureKind, "kind"),
        sa.Index("ix_structures_search_name_id", "search_name", "id"),
        sa.Index("ix_structures_department_code", "department_code"),
    )

    id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[str] = mapped_column(sa.String(32))
    department_code: Mapped[str | None] = mapped_column(sa.String(3))
    in_network: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    charter_signed: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    charter_signed_on: Mapped[date | None] = mapped_column(sa.Date, default=None)
    """When the administrator recorded the structure's signature of the network charter."""
    email: Mapped[str | None] = mapped_column(sa.String(254))
    phone: Mapped[str | None] = mapped_column(sa.String(32))
    city: Mapped[str | None] = mapped_column(sa.String(100))
    postal_code: Mapped[str | None] = mapped_column(sa.String(5))
    labelled: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    """A structure the Région labels to support creators and buyers (project holders)."""
    search_name: Mapped[str] = mapped_column(sa.String(200), default="")
    """``fold(name)``, kept by the ORM on insert and update."""


class StructureSupportKind(Base):
    """One kind of support (creation, reprise, export…) a structure offers."""

    __tablename__ = "structure_support_kinds"
    __table_args__ = (
        check_in("support_kind", SupportKind, "support_kind"),
        sa.Index("ix_structure_support_kinds_support_kind", "support_kind", "structure_id"),
    )

    structure_id: Mapped[str] = mapped_column(
        sa.ForeignKey("structures.id", ondelete="CASCADE"), primary_key=True
    )
    support_kind: Mapped[str] = mapped_column(sa.String(32), primary_key=True)


class Account(Base):
    """A person who signs in: a company user, a project holder or a network agent."""

    __tablename__ = "accounts"
    __table_args__ = (
        check_in("kind", AccountKind, "kind"),
        sa.CheckConstraint("email = lower(email)", name="email_lower_case"),
        sa.Index("uq_accounts_idp_issuer_idp_subject", "idp_issuer", "idp_subject", unique=True),
    )

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    phone: Mapped[str | None] = mapped_column(sa.String(32))
    kind: Mapped[str] = mapped_column(sa.String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    idp_issuer: Mapped[str | None] = mapped_column(sa.String(300), default=None)
    """The identity provider the account is bound to (its ``iss``), with ``idp_subject``
    (its ``sub``): set at sign-up, or at the first sign-in of an account made otherwise."""
    idp_subject: Mapped[str | None] = mapped_column(sa.String(255), default=None)
    identity_status: Mapped[str | None] = mapped_column(sa.String(32), default=None)
    """``IdentityStatus`` (no CHECK: SQLite would copy the referenced table to add one);
    NULL for accounts that did not sign up (agents, collaborators)."""

    @validates("email")
    def _normalize_email(self, _key: str, email: str) -> str:
        return normalize_email(email)


class Agent(Base):
    """A member of the developers network, attached to one structure. Its filières,
    competence domains and territories are rows of the ``agent_*`` tables (searchable)."""

    __tablename__ = "agents"
    __table_args__ = (sa.Index("ix_agents_sort_name_id", "sort_name", "id"),)

    id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    account_id: Mapped[str] = mapped_column(sa.ForeignKey("accounts.id"), unique=True)
    structure_id: Mapped[str] = mapped_column(sa.ForeignKey("structures.id"), index=True)
    first_name: Mapped[str] = mapped_column(sa.String(100))
    last_name: Mapped[str] = mapped_column(sa.String(100))
    title: Mapped[str | None] = mapped_column(sa.String(200))
    search_name: Mapped[str] = mapped_column(sa.String(201), default="")
    """``fold("first last")``, for the name search; kept by the ORM on insert and update."""
    sort_name: Mapped[str] = mapped_column(sa.String(201), default="")
    """:func:`agent_sort_name`; kept by the ORM on insert and update."""
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    """Set by the administrator: the agent no longer signs in, its work moved to another."""


class AgentRoleRow(Base):
    """One role of an agent in the hub; only the administrator changes these."""

    __tablename__ = "agent_roles"
    __table_args__ = (
        check_in("role", AgentRole, "role"),
        sa.Index("ix_agent_roles_role", "role", "agent_id"),
    )

    agent_id: Mapped[str] = mapped_column(
        sa.ForeignKey("agents.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(sa.String(32), primary_key=True)


class AgentFiliere(Base):
    """A filière (sector) an agent specialises in: "aeronautique", "hydrogene"…"""

    __tablename__ = "agent_filieres"
    __table_args__ = (sa.Index("ix_agent_filieres_filiere", "filiere", "agent_id"),)

    agent_id: Mapped[str] = mapped_column(
        sa.ForeignKey("agents.id", ondelete="CASCADE"), primary_key=True
    )
    filiere: Mapped[str] = mapped_column(sa.String(64), primary_key=True)


class AgentDomain(Base):
    """A competence domain of an agent: "creation", "financement", "export"…"""

    __tablename__ = "agent_domains"
    __table_args__ = (sa.Index("ix_agent_domains_domain", "domain", "agent_id"),)

    agent_id: Mapped[str] = mapped_column(
        sa.ForeignKey("agents.id", ondelete="CASCADE"), primary_key=True
    )
    domain: Mapped[str] = mapped_column(sa.String(64), primary_key=True)


class AgentTerritory(Base):
    """A territory an agent covers: a department code ("30", "2A") or a postal-code
    prefix ("301")."""

    __tablename__ = "agent_territories"
    __table_args__ = (sa.Index("ix_agent_territories_code", "code", "agent_id"),)

    agent_id: Mapped[str] = mapped_column(
        sa.ForeignKey("agents.id", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(sa.String(5), primary_key=True)


@sa.event.listens_for(Structure, "before_insert")
@sa.event.listens_for(Structure, "before_update")
def _fold_structure_name(_mapper: Any, _connection: Any, structure: Structure) -> None:
    structure.search_name = fold(structure.name)


@sa.event.listens_for(Agent, "before_insert")
@sa.event.listens_for(Agent, "before_update")
def _fold_agent_name(_mapper: Any, _connection: Any, agent: Agent) -> None:
    agent.search_name = fold(f"{agent.first_name} {agent.last_name}")
    agent.sort_name = agent_sort_name(agent.first_name, agent.last_name)
