"""The structures' support offers (the CCI standard Entreprendre & Transmettre and each
structure's own), their products, and the interactions agents record (issue 15).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 23:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SEGMENTS = "segment IN ('CREATEUR', 'REPRENEUR', 'NOUVEAU_DIRIGEANT', 'CEDANT')"
_LEVELS = "expertise_level IN ('DISCOVERY', 'ORIENTATION', 'EXPERTISE', 'SUPPORT')"
_KINDS = (
    "kind IN ('WELCOME', 'SENSITISATION', 'QUALIFICATION', 'TRAINING', 'ADVICE_MEETING', "
    "'WORKSHOP', 'SUPPORT_PROGRAMME', 'BUSINESS_PLAN')"
)


def upgrade() -> None:
    op.create_table(
        "offers",
        sa.Column("id", sa.String(96), nullable=False),
        sa.Column("structure_id", sa.String(64), nullable=False),
        sa.Column("segment", sa.String(32), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("level_title", sa.String(100), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("national", sa.Boolean(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.CheckConstraint(_SEGMENTS, name=op.f("ck_offers_segment")),
        sa.CheckConstraint("level BETWEEN 1 AND 9", name=op.f("ck_offers_level_range")),
        sa.ForeignKeyConstraint(["structure_id"], ["structures.id"], ondelete="CASCADE",
                                name=op.f("fk_offers_structure_id_structures")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offers")),
    )  # fmt: skip
    op.create_index(
        "ix_offers_structure_id_segment_level", "offers", ["structure_id", "segment", "level"]
    )
    op.create_table(
        "offer_products",
        sa.Column("offer_id", sa.String(96), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(8), nullable=True),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("mandatory", sa.Boolean(), nullable=False),
        sa.Column("expertise_level", sa.String(16), nullable=False),
        sa.CheckConstraint(_LEVELS, name=op.f("ck_offer_products_expertise_level")),
        sa.ForeignKeyConstraint(["offer_id"], ["offers.id"], ondelete="CASCADE",
                                name=op.f("fk_offer_products_offer_id_offers")),
        sa.PrimaryKeyConstraint("offer_id", "position", name=op.f("pk_offer_products")),
    )  # fmt: skip
    op.create_table(
        "interactions",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("structure_id", sa.String(64), nullable=False),
        sa.Column("agent_id", sa.String(64), nullable=True),
        sa.Column("siret", sa.String(14), nullable=True),
        sa.Column("project_id", sa.String(64), nullable=True),
        sa.Column("person", sa.String(80), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("segment", sa.String(32), nullable=False),
        sa.Column("offer_id", sa.String(96), nullable=True),
        sa.Column("level", sa.Integer(), nullable=True),
        sa.Column("product", sa.String(8), nullable=True),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(_KINDS, name=op.f("ck_interactions_kind")),
        sa.CheckConstraint("channel IN ('ON_SITE', 'REMOTE')", name=op.f("ck_interactions_channel")),
        sa.CheckConstraint(_SEGMENTS, name=op.f("ck_interactions_segment")),
        sa.CheckConstraint("(siret IS NULL) <> (project_id IS NULL)",
                           name=op.f("ck_interactions_one_subject")),
        sa.CheckConstraint("minutes IS NULL OR minutes BETWEEN 1 AND 100000",
                           name=op.f("ck_interactions_minutes")),
        sa.ForeignKeyConstraint(["structure_id"], ["structures.id"], ondelete="CASCADE",
                                name=op.f("fk_interactions_structure_id_structures")),
        sa.ForeignKeyConstraint(["agent_id"], ["agents.id"], ondelete="SET NULL",
                                name=op.f("fk_interactions_agent_id_agents")),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], ondelete="CASCADE",
                                name=op.f("fk_interactions_project_id_projects")),
        sa.ForeignKeyConstraint(["offer_id"], ["offers.id"], ondelete="SET NULL",
                                name=op.f("fk_interactions_offer_id_offers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interactions")),
    )  # fmt: skip
    op.create_index(
        "ix_interactions_structure_id_occurred_on", "interactions", ["structure_id", "occurred_on"]
    )
    for column in ("agent_id", "siret", "project_id"):
        op.create_index(op.f(f"ix_interactions_{column}"), "interactions", [column])


def downgrade() -> None:
    op.drop_table("interactions")
    op.drop_table("offer_products")
    op.drop_index("ix_offers_structure_id_segment_level", table_name="offers")
    op.drop_table("offers")
