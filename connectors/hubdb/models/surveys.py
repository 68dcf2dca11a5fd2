"""The yearly satisfaction survey of the CCI standard: one row per structure, year and person
supported, from the e-mail sent to its answers."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from connectors.hubdb.enums import Satisfaction
from connectors.hubdb.models.base import Base, UTCDateTime, check_in

__all__ = ["SatisfactionSurvey"]


class SatisfactionSurvey(Base):
    """A structure's survey of one person it supported in ``year`` (``person`` as the
    interactions count it: ``company:<siret>`` or ``account:<id>``), sent once (the unique
    key), answered at most once with the secret token of its e-mail (kept here as its
    SHA-256). No e-mail address is kept: the outbox row holds it."""

    __tablename__ = "satisfaction_surveys"
    __table_args__ = (
        sa.UniqueConstraint("structure_id", "year", "person"),
        check_in("satisfaction", Satisfaction, "satisfaction"),
        sa.CheckConstraint("(answered_at IS NULL) = (satisfaction IS NULL)", name="answered_whole"),
    )

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    structure_id: Mapped[str] = mapped_column(sa.ForeignKey("structures.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(sa.Integer)
    person: Mapped[str] = mapped_column(sa.String(80))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    satisfaction: Mapped[str | None] = mapped_column(sa.String(24))
    useful: Mapped[bool | None] = mapped_column(sa.Boolean)
    turnover_impact: Mapped[bool | None] = mapped_column(sa.Boolean)
    employment_impact: Mapped[bool | None] = mapped_column(sa.Boolean)
    investment_impact: Mapped[bool | None] = mapped_column(sa.Boolean)
    would_recommend: Mapped[bool | None] = mapped_column(sa.Boolean)
