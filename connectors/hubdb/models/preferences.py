"""What a person keeps in its own space: the filières its news and events follow, and its
favourites (schemes, events, news, support offers)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from connectors.hubdb.models.base import Base, UTCDateTime

__all__ = ["AccountFiliere", "Favourite"]


class AccountFiliere(Base):
    __tablename__ = "account_filieres"

    account_id: Mapped[str] = mapped_column(
        sa.ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    filiere: Mapped[str] = mapped_column(sa.String(64), primary_key=True)


class Favourite(Base):
    """One kept item, by the id its source gives it; once per account, kind and id."""

    __tablename__ = "favourites"
    __table_args__ = (
        sa.CheckConstraint("kind IN ('SCHEME', 'EVENT', 'NEWS', 'OFFER')", name="kind"),
    )

    account_id: Mapped[str] = mapped_column(
        sa.ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    item_id: Mapped[str] = mapped_column(sa.String(500), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
