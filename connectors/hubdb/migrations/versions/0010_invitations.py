"""A mandataire invites collaborators (``collaborator_invitations``) instead of attaching
whichever account has the e-mail typed.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 23:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PENDING = "status = 'PENDING'"


def upgrade() -> None:
    op.create_table(
        "collaborator_invitations",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("siret", sa.String(14), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("phone", sa.String(32), nullable=True),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("invited_by", sa.String(36), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("account_id", sa.String(36), nullable=True),
        sa.CheckConstraint("status IN ('PENDING', 'ACCEPTED', 'REVOKED', 'EXPIRED')",
                           name=op.f("ck_collaborator_invitations_status")),
        sa.ForeignKeyConstraint(["siret"], ["companies.siret"], ondelete="CASCADE",
                                name=op.f("fk_collaborator_invitations_siret_companies")),
        sa.ForeignKeyConstraint(["invited_by"], ["accounts.id"], ondelete="SET NULL",
                                name=op.f("fk_collaborator_invitations_invited_by_accounts")),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], ondelete="SET NULL",
                                name=op.f("fk_collaborator_invitations_account_id_accounts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_collaborator_invitations")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_collaborator_invitations_token_hash")),
    )  # fmt: skip
    op.create_index(
        op.f("ix_collaborator_invitations_siret"), "collaborator_invitations", ["siret"]
    )
    op.create_index(
        "uq_collaborator_invitations_pending",
        "collaborator_invitations",
        ["siret", "email"],
        unique=True,
        sqlite_where=sa.text(_PENDING),
        postgresql_where=sa.text(_PENDING),
    )


def downgrade() -> None:
    op.drop_index("uq_collaborator_invitations_pending", table_name="collaborator_invitations")
    op.drop_index(op.f("ix_collaborator_invitations_siret"), table_name="collaborator_invitations")
    op.drop_table("collaborator_invitations")
