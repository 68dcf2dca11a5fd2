"""Projects of companies and project holders, and the network agents working on them."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from connectors.hubdb.enums import ProjectActorRole
from connectors.hubdb.models.base import Base, UTCDateTime, check_in, utcnow

__all__ = ["Project", "ProjectActor"]


class Project(Base):
    """A company's project (``siret``) or a project holder's (``holder_account_id``)."""

    __tablename__ = "projects"
    __table_args__ = (
        sa.CheckConstraint("length(trim(title)) > 0", name="title_not_empty"),
        sa.CheckConstraint("siret IS NOT NULL OR holder_account_id IS NOT NULL", name="has_owner"),
    )

    id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    siret: Mapped[str | None] = mapped_column(
        sa.ForeignKey("companies.siret", ondelete="CASCADE"), index=True
    )
    holder_account_id: Mapped[str | None] = mapped_column(
        sa.ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(sa.String(200))
    theme: Mapped[str | None] = mapped_column(sa.String(64))
    filiere: Mapped[str | None] = mapped_column(sa.String(64))
    structure_id: Mapped[str | None] = mapped_column(sa.ForeignKey("structures.id"), index=True)
    """The (labelled) support structure of a project holder's project."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ProjectActor(Base):
    """An agent added to a project's group by the referent."""

    __tablename__ = "project_actors"
    __table_args__ = (check_in("role", ProjectActorRole, "role"),)

    project_id: Mapped[str] = mapped_column(
        sa.ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    agent_id: Mapped[str] = mapped_column(
        sa.ForeignKey("agents.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
