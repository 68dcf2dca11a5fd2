"""Partner access and the audit trail: partner API keys (a keyed hash of the secret, never
the secret), persisted documents (trusted queries by SHA-256), and the audit events of
tier-2 reads. New tables only: nothing existing is rebuilt.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 09:00:00
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _timestamp(name: str, *, nullable: bool) -> sa.Column[datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "partner_api_keys",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("structure_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("scopes", sa.JSON(), nullable=False),
        sa.Column("documents", sa.JSON(), nullable=True),
        sa.Column("rate_limit", sa.Integer(), nullable=True),
        _timestamp("created_at", nullable=False),
        sa.Column("created_by", sa.String(36), nullable=True),
        _timestamp("expires_at", nullable=True),
        _timestamp("revoked_at", nullable=True),
        sa.Column("revoked_by", sa.String(36), nullable=True),
        sa.ForeignKeyConstraint(["structure_id"], ["structures.id"], ondelete="CASCADE",
                                name=op.f("fk_partner_api_keys_structure_id_structures")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_api_keys")),
        sa.UniqueConstraint("prefix", name=op.f("uq_partner_api_keys_prefix")),
    )  # fmt: skip
    op.create_index(op.f("ix_partner_api_keys_structure_id"), "partner_api_keys",
                    ["structure_id"])  # fmt: skip
    op.create_table(
        "persisted_queries",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(100), nullable=True),
        sa.Column("document", sa.Text(), nullable=False),
        _timestamp("created_at", nullable=False),
        sa.Column("created_by", sa.String(36), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_persisted_queries")),
    )
    op.create_table(
        "audit_events",
        sa.Column("id", sa.String(36), nullable=False),
        _timestamp("occurred_at", nullable=False),
        sa.Column("request_id", sa.String(64), nullable=False),
        sa.Column("viewer_kind", sa.String(16), nullable=False),
        sa.Column("account_id", sa.String(36), nullable=True),
        sa.Column("api_key_id", sa.String(36), nullable=True),
        sa.Column("structure_id", sa.String(64), nullable=True),
        sa.Column("siret", sa.String(14), nullable=False),
        sa.Column("access", sa.String(8), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("upstream_calls", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    for name, columns in (
        ("ix_audit_events_occurred_at_id", ["occurred_at", "id"]),
        ("ix_audit_events_siret_occurred_at", ["siret", "occurred_at"]),
        ("ix_audit_events_account_id_occurred_at", ["account_id", "occurred_at"]),
        ("ix_audit_events_api_key_id_occurred_at", ["api_key_id", "occurred_at"]),
    ):
        op.create_index(name, "audit_events", columns)


def downgrade() -> None:
    op.drop_table("audit_events")
    op.drop_table("persisted_queries")
    op.drop_index(op.f("ix_partner_api_keys_structure_id"), "partner_api_keys")
    op.drop_table("partner_api_keys")
