"""A project holder's project has a referent: ``referent_assignments.project_id`` beside
``siret`` (exactly one of the two), one current request per project.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 21:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CURRENT_ASSIGNMENT = "status IN ('PENDING', 'ACCEPTED')"
_ONE_SUBJECT = "(siret IS NULL) <> (project_id IS NULL)"
_SIRET_INDEX = "uq_referent_assignments_current_siret"
_PROJECT_INDEX = "uq_referent_assignments_current_project_id"


def upgrade() -> None:
    # SQLite copies referent_assignments for the nullable siret and the CHECK: no table
    # references it, so the copy deletes nothing; the partial index is dropped first and
    # made again after (0005), so that its WHERE clause is never lost in the copy.
    op.drop_index(_SIRET_INDEX, table_name="referent_assignments")
    with op.batch_alter_table("referent_assignments") as batch:
        batch.alter_column("siret", existing_type=sa.String(14), nullable=True)
        batch.add_column(sa.Column("project_id", sa.String(64), nullable=True))
        batch.create_foreign_key(
            op.f("fk_referent_assignments_project_id_projects"),
            "projects",
            ["project_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch.create_check_constraint(op.f("ck_referent_assignments_one_subject"), _ONE_SUBJECT)
    op.create_index(
        op.f("ix_referent_assignments_project_id"), "referent_assignments", ["project_id"]
    )
    _current_index(_SIRET_INDEX, "siret")
    _current_index(_PROJECT_INDEX, "project_id")


def downgrade() -> None:
    # Before 0008 a referent request was a company's: the project holders' requests go.
    op.execute("DELETE FROM referent_assignments WHERE project_id IS NOT NULL")
    op.drop_index(_PROJECT_INDEX, table_name="referent_assignments")
    op.drop_index(_SIRET_INDEX, table_name="referent_assignments")
    op.drop_index(op.f("ix_referent_assignments_project_id"), table_name="referent_assignments")
    with op.batch_alter_table("referent_assignments") as batch:
        batch.drop_constraint(op.f("ck_referent_assignments_one_subject"), type_="check")
        batch.drop_constraint(
            op.f("fk_referent_assignments_project_id_projects"), type_="foreignkey"
        )
        batch.drop_column("project_id")
        batch.alter_column("siret", existing_type=sa.String(14), nullable=False)
    _current_index(_SIRET_INDEX, "siret")


def _current_index(name: str, column: str) -> None:
    op.create_index(
        name,
        "referent_assignments",
        [column],
        unique=True,
        sqlite_where=sa.text(_CURRENT_ASSIGNMENT),
        postgresql_where=sa.text(_CURRENT_ASSIGNMENT),
    )
