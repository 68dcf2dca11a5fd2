"""The support offers of the structures (the CCI standard's and each structure's own) and
the interactions agents record with companies and project holders."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from connectors.hubdb.enums import Channel, ExpertiseLevel, InteractionKind, Segment
from connectors.hubdb.models.base import Base, UTCDateTime, check_in, utcnow

__all__ = ["Interaction", "Offer", "OfferProduct"]


class Offer(Base):
    """One level of a structure's offer to one client segment."""

    __tablename__ = "offers"
    __table_args__ = (
        check_in("segment", Segment, "segment"),
        sa.CheckConstraint("level BETWEEN 1 AND 9", name="level_range"),
        sa.Index("ix_offers_structure_id_segment_level", "structure_id", "segment", "level"),
    )

    id: Mapped[str] = mapped_column(sa.String(96), primary_key=True)
    structure_id: Mapped[str] = mapped_column(sa.ForeignKey("structures.id", ondelete="CASCADE"))
    segment: Mapped[str] = mapped_column(sa.String(32))
    level: Mapped[int] = mapped_column(sa.Integer)
    level_title: Mapped[str] = mapped_column(sa.String(100))
    title: Mapped[str] = mapped_column(sa.String(200))
    national: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    """The CCI standard's offer (else the structure's own)."""
    search_text: Mapped[str] = mapped_column(sa.Text, default="")
    """Folded title, level title and products' titles (the ``text`` filter)."""


class OfferProduct(Base):
    """A product or service of an offer's level, in the offer's order."""

    __tablename__ = "offer_products"
    __table_args__ = (check_in("expertise_level", ExpertiseLevel, "expertise_level"),)

    offer_id: Mapped[str] = mapped_column(
        sa.ForeignKey("offers.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    code: Mapped[str | None] = mapped_column(sa.String(8))
    """A national product's code (``N1``…``N17``, ``O1``…``O5``); NULL for a local one."""
    title: Mapped[str] = mapped_column(sa.String(300))
    mandatory: Mapped[bool] = mapped_column(sa.Boolean)
    expertise_level: Mapped[str] = mapped_column(sa.String(16))


class Interaction(Base):
    """Support an agent of a structure gave a company (``siret``) or a project holder's
    project (``project_id``): exactly one of the two. ``person`` is whom the indicators count
    once per period (the company, or the project's holder)."""

    __tablename__ = "interactions"
    __table_args__ = (
        check_in("kind", InteractionKind, "kind"),
        check_in("channel", Channel, "channel"),
        check_in("segment", Segment, "segment"),
        sa.CheckConstraint("(siret IS NULL) <> (project_id IS NULL)", name="one_subject"),
        sa.CheckConstraint("minutes IS NULL OR minutes BETWEEN 1 AND 100000", name="minutes"),
        sa.Index("ix_interactions_structure_id_occurred_on", "structure_id", "occurred_on"),
    )

    id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    structure_id: Mapped[str] = mapped_column(sa.ForeignKey("structures.id", ondelete="CASCADE"))
    agent_id: Mapped[str | None] = mapped_column(
        sa.ForeignKey("agents.id", ondelete="SET NULL"), index=True
    )
    siret: Mapped[str | None] = mapped_column(sa.String(14), index=True)
    project_id: Mapped[str | None] = mapped_column(
        sa.ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    person: Mapped[str] = mapped_column(sa.String(80))
    kind: Mapped[str] = mapped_column(sa.String(32))
    channel: Mapped[str] = mapped_column(sa.String(16))
    segment: Mapped[str] = mapped_column(sa.String(32))
    offer_id: Mapped[str | None] = mapped_column(sa.ForeignKey("offers.id", ondelete="SET NULL"))
    level: Mapped[int | None] = mapped_column(sa.Integer)
    product: Mapped[str | None] = mapped_column(sa.String(8))
    occurred_on: Mapped[date] = mapped_column(sa.Date)
    minutes: Mapped[int | None] = mapped_column(sa.Integer)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
