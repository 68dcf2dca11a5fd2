"""Filing applications on the submission platforms: the outbox of filings, the polling job's
lease and cursor per platform, the last status seen of each application.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 20:00:00
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PLATFORMS = "platform IN ('DEL', 'MES_AIDES_EN_LIGNE')"


def _timestamp(name: str, *, nullable: bool) -> sa.Column[datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "submissions",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("siret", sa.String(14), nullable=False),
        sa.Column("account_id", sa.String(36), nullable=True),
        sa.Column("idempotency_key", sa.String(200), nullable=False),
        sa.Column("platform_key", sa.String(80), nullable=False),
        sa.Column("scheme_id", sa.String(200), nullable=False),
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("payload_hash", sa.String(64), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("reference", sa.String(64), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _timestamp("lease_until", nullable=True),
        _timestamp("next_attempt_at", nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        _timestamp("created_at", nullable=False),
        _timestamp("updated_at", nullable=False),
        sa.CheckConstraint("state IN ('PENDING', 'CONFIRMED', 'UNCONFIRMED', 'FAILED')",
                           name=op.f("ck_submissions_state")),
        sa.CheckConstraint(_PLATFORMS, name=op.f("ck_submissions_platform")),
        sa.ForeignKeyConstraint(["siret"], ["companies.siret"], ondelete="CASCADE",
                                name=op.f("fk_submissions_siret_companies")),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], ondelete="SET NULL",
                                name=op.f("fk_submissions_account_id_accounts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submissions")),
        sa.UniqueConstraint("siret", "idempotency_key",
                            name=op.f("uq_submissions_siret_idempotency_key")),
        sa.UniqueConstraint("platform_key", name=op.f("uq_submissions_platform_key")),
    )  # fmt: skip
    op.create_index("ix_submissions_state_next_attempt_at", "submissions",
                    ["state", "next_attempt_at"])  # fmt: skip
    op.create_table(
        "platform_polls",
        sa.Column("platform", sa.String(32), nullable=False),
        _timestamp("cursor", nullable=True),
        _timestamp("lease_until", nullable=True),
        _timestamp("polled_at", nullable=True),
        sa.CheckConstraint(_PLATFORMS, name=op.f("ck_platform_polls_platform")),
        sa.PrimaryKeyConstraint("platform", name=op.f("pk_platform_polls")),
    )
    op.create_table(
        "application_statuses",
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("reference", sa.String(64), nullable=False),
        sa.Column("siret", sa.String(14), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("platform_status", sa.String(200), nullable=False),
        _timestamp("seen_at", nullable=False),
        sa.CheckConstraint(_PLATFORMS, name=op.f("ck_application_statuses_platform")),
        sa.PrimaryKeyConstraint("platform", "reference", name=op.f("pk_application_statuses")),
    )
    op.create_index(op.f("ix_application_statuses_siret"), "application_statuses", ["siret"])


def downgrade() -> None:
    op.drop_index(op.f("ix_application_statuses_siret"), table_name="application_statuses")
    op.drop_table("application_statuses")
    op.drop_table("platform_polls")
    op.drop_index("ix_submissions_state_next_attempt_at", table_name="submissions")
    op.drop_table("submissions")
