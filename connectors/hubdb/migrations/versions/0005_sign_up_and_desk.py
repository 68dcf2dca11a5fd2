"""Sign-up and the administrator's desk: accounts bound to their provider's issuer and
``sub``, identity status and documents, ended referent assignments, charter dates,
deactivated agents.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 09:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CURRENT_ASSIGNMENT = "status IN ('PENDING', 'ACCEPTED')"
_STATUSES = "status IN ('PENDING', 'ACCEPTED', 'REFUSED', 'ENDED')"
_STATUSES_0001 = "status IN ('PENDING', 'ACCEPTED', 'REFUSED')"


def upgrade() -> None:
    op.add_column("accounts", sa.Column("idp_issuer", sa.String(300), nullable=True))
    op.add_column("accounts", sa.Column("idp_subject", sa.String(255), nullable=True))
    op.add_column("accounts", sa.Column("identity_status", sa.String(32), nullable=True))
    op.create_index(
        "uq_accounts_idp_issuer_idp_subject",
        "accounts",
        ["idp_issuer", "idp_subject"],
        unique=True,
    )
    op.add_column("agents", sa.Column("deactivated_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("structures", sa.Column("charter_signed_on", sa.Date(), nullable=True))
    _assignment_statuses(_STATUSES, add_end=True)
    op.create_table(
        "identity_documents",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("account_id", sa.String(36), nullable=False),
        sa.Column("file_key", sa.String(100), nullable=False),
        sa.Column("content_type", sa.String(32), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(36), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "status IN ('PENDING', 'ACCEPTED', 'REJECTED')",
            name=op.f("ck_identity_documents_status"),
        ),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"],
            name=op.f("fk_identity_documents_account_id_accounts"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_documents")),
        sa.UniqueConstraint("file_key", name=op.f("uq_identity_documents_file_key")),
    )  # fmt: skip
    op.create_index(op.f("ix_identity_documents_account_id"), "identity_documents", ["account_id"])
    op.create_index(
        "ix_identity_documents_status_submitted_at",
        "identity_documents",
        ["status", "submitted_at"],
    )


def downgrade() -> None:
    op.drop_index("ix_identity_documents_status_submitted_at", table_name="identity_documents")
    op.drop_index(op.f("ix_identity_documents_account_id"), table_name="identity_documents")
    op.drop_table("identity_documents")
    op.execute("DELETE FROM referent_assignments WHERE status = 'ENDED'")
    _assignment_statuses(_STATUSES_0001, add_end=False)
    # plain ALTER TABLE … DROP COLUMN (SQLite 3.35+): a copy of these referenced tables
    # would trip their foreign keys
    op.drop_column("structures", "charter_signed_on")
    op.drop_column("agents", "deactivated_at")
    op.drop_index("uq_accounts_idp_issuer_idp_subject", table_name="accounts")
    for column in ("identity_status", "idp_subject", "idp_issuer"):
        op.drop_column("accounts", column)


def _assignment_statuses(check: str, *, add_end: bool) -> None:
    """Replaces the CHECK on ``referent_assignments.status`` (and adds or drops the end's
    columns). SQLite copies the table for this: the partial unique index is dropped first
    and made again after, so that its WHERE clause is never lost in the copy."""
    op.drop_index("uq_referent_assignments_current_siret", table_name="referent_assignments")
    with op.batch_alter_table("referent_assignments") as batch:
        batch.drop_constraint(op.f("ck_referent_assignments_status"), type_="check")
        batch.create_check_constraint(op.f("ck_referent_assignments_status"), check)
        if add_end:
            batch.add_column(sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True))
            batch.add_column(sa.Column("end_reason", sa.Text(), nullable=True))
        else:
            batch.drop_column("end_reason")
            batch.drop_column("ended_at")
    op.create_index(
        "uq_referent_assignments_current_siret",
        "referent_assignments",
        ["siret"],
        unique=True,
        sqlite_where=sa.text(_CURRENT_ASSIGNMENT),
        postgresql_where=sa.text(_CURRENT_ASSIGNMENT),
    )
