"""The yearly satisfaction survey of the CCI standard (``satisfaction_surveys``): one row per
structure, year and person supported, with its answers (issue 15).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 01:45:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SATISFACTION = (
    "satisfaction IN ('VERY_SATISFIED', 'SATISFIED', 'DISSATISFIED', 'VERY_DISSATISFIED')"
)


def upgrade() -> None:
    op.create_table(
        "satisfaction_surveys",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("structure_id", sa.String(64), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("person", sa.String(80), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("satisfaction", sa.String(24), nullable=True),
        sa.Column("useful", sa.Boolean(), nullable=True),
        sa.Column("turnover_impact", sa.Boolean(), nullable=True),
        sa.Column("employment_impact", sa.Boolean(), nullable=True),
        sa.Column("investment_impact", sa.Boolean(), nullable=True),
        sa.Column("would_recommend", sa.Boolean(), nullable=True),
        sa.CheckConstraint(_SATISFACTION, name=op.f("ck_satisfaction_surveys_satisfaction")),
        sa.CheckConstraint("(answered_at IS NULL) = (satisfaction IS NULL)",
                           name=op.f("ck_satisfaction_surveys_answered_whole")),
        sa.ForeignKeyConstraint(["structure_id"], ["structures.id"], ondelete="CASCADE",
                                name=op.f("fk_satisfaction_surveys_structure_id_structures")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_satisfaction_surveys")),
        sa.UniqueConstraint("structure_id", "year", "person",
                            name=op.f("uq_satisfaction_surveys_structure_id_year_person")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_satisfaction_surveys_token_hash")),
    )  # fmt: skip


def downgrade() -> None:
    op.drop_table("satisfaction_surveys")
