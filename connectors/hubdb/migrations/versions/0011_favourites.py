"""A person's filières (for its news and events) and its favourites.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 23:45:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "account_filieres",
        sa.Column("account_id", sa.String(36), nullable=False),
        sa.Column("filiere", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"],
            name=op.f("fk_account_filieres_account_id_accounts"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("account_id", "filiere", name=op.f("pk_account_filieres")),
    )  # fmt: skip
    op.create_table(
        "favourites",
        sa.Column("account_id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("item_id", sa.String(500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('SCHEME', 'EVENT', 'NEWS', 'OFFER')", name=op.f("ck_favourites_kind")
        ),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"],
            name=op.f("fk_favourites_account_id_accounts"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("account_id", "kind", "item_id", name=op.f("pk_favourites")),
    )  # fmt: skip


def downgrade() -> None:
    op.drop_table("favourites")
    op.drop_table("account_filieres")
