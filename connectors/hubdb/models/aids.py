"""Public aids a company received, as the hub knows them (granted through the hub, or
declared by the company when it applies: the de minimis declaration)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from connectors.hubdb.models.base import Base

__all__ = ["PublicAid"]


class PublicAid(Base):
    __tablename__ = "public_aids"
    __table_args__ = (sa.CheckConstraint("amount >= 0", name="amount_not_negative"),)

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    siret: Mapped[str] = mapped_column(
        sa.ForeignKey("companies.siret", ondelete="CASCADE"), index=True
    )
    granted_on: Mapped[date] = mapped_column(sa.Date)
    amount: Mapped[int] = mapped_column(sa.BigInteger)
    """Gross grant equivalent, in euros."""
    grantor: Mapped[str] = mapped_column(sa.String(200))
    scheme: Mapped[str] = mapped_column(sa.String(300))
    regulation: Mapped[str | None] = mapped_column(sa.String(32))
    """The EU regulation it was granted under (``2023/2831``, ``1407/2013``…), if any."""
