"""Public aids received by companies (for the de minimis ceiling).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 13:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "public_aids",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("siret", sa.String(14), nullable=False),
        sa.Column("granted_on", sa.Date(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("grantor", sa.String(200), nullable=False),
        sa.Column("scheme", sa.String(300), nullable=False),
        sa.Column("regulation", sa.String(32), nullable=True),
        sa.CheckConstraint("amount >= 0", name=op.f("ck_public_aids_amount_not_negative")),
        sa.ForeignKeyConstraint(
            ["siret"], ["companies.siret"],
            name=op.f("fk_public_aids_siret_companies"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_public_aids")),
    )  # fmt: skip
    op.create_index(op.f("ix_public_aids_siret"), "public_aids", ["siret"])


def downgrade() -> None:
    op.drop_index(op.f("ix_public_aids_siret"), table_name="public_aids")
    op.drop_table("public_aids")
