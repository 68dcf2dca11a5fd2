"""Initial schema: directory, accounts, company spaces, referent assignments, projects.

Revision ID: 0001
Revises:
Create Date: 2025-01-06 09:00:00
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CURRENT_ASSIGNMENT = "status IN ('PENDING', 'ACCEPTED')"


def _timestamp(name: str, *, nullable: bool) -> sa.Column[datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "structures",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("department_code", sa.String(3), nullable=True),
        sa.Column("in_network", sa.Boolean(), nullable=False),
        sa.Column("charter_signed", sa.Boolean(), nullable=False),
        sa.Column("email", sa.String(254), nullable=True),
        sa.Column("phone", sa.String(32), nullable=True),
        sa.CheckConstraint(
            "kind IN ('REGION', 'ADOCC', 'CCI', 'CMA', 'BGE', 'INITIATIVE', 'EPCI', 'RESO', "
            "'RESO_INNOVATION', 'OTHER')",
            name=op.f("ck_structures_kind"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_structures")),
    )
    op.create_table(
        "accounts",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("phone", sa.String(32), nullable=True),
        sa.Column("kind", sa.String(32), nullable=False),
        _timestamp("created_at", nullable=False),
        sa.CheckConstraint(
            "kind IN ('COMPANY_USER', 'PROJECT_HOLDER', 'AGENT')", name=op.f("ck_accounts_kind")
        ),
        sa.CheckConstraint("email = lower(email)", name=op.f("ck_accounts_email_lower_case")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accounts")),
        sa.UniqueConstraint("email", name=op.f("uq_accounts_email")),
    )
    op.create_table(
        "companies",
        sa.Column("siret", sa.String(14), nullable=False),
        sa.Column("siren", sa.String(9), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False),
        _timestamp("registered_at", nullable=False),
        sa.CheckConstraint("length(siren) = 9", name=op.f("ck_companies_siren_length")),
        sa.CheckConstraint("length(siret) = 14", name=op.f("ck_companies_siret_length")),
        sa.PrimaryKeyConstraint("siret", name=op.f("pk_companies")),
    )
    op.create_index(op.f("ix_companies_siren"), "companies", ["siren"])

    op.create_table(
        "agents",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("account_id", sa.String(36), nullable=False),
        sa.Column("structure_id", sa.String(64), nullable=False),
        sa.Column("first_name", sa.String(100), nullable=False),
        sa.Column("last_name", sa.String(100), nullable=False),
        sa.Column("title", sa.String(200), nullable=True),
        sa.Column("filieres", sa.JSON(), nullable=False),
        sa.Column("domains", sa.JSON(), nullable=False),
        sa.Column("territory", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_agents_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["structure_id"], ["structures.id"], name=op.f("fk_agents_structure_id_structures")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agents")),
        sa.UniqueConstraint("account_id", name=op.f("uq_agents_account_id")),
    )
    op.create_index(op.f("ix_agents_structure_id"), "agents", ["structure_id"])

    op.create_table(
        "agent_roles",
        sa.Column("agent_id", sa.String(64), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.CheckConstraint(
            "role IN ('REFERENT', 'FUNDING_EXPERT', 'SPECIALIST', 'ADMIN')",
            name=op.f("ck_agent_roles_role"),
        ),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["agents.id"],
            name=op.f("fk_agent_roles_agent_id_agents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("agent_id", "role", name=op.f("pk_agent_roles")),
    )

    op.create_table(
        "company_memberships",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("siret", sa.String(14), nullable=False),
        sa.Column("account_id", sa.String(36), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.CheckConstraint(
            "role IN ('MANDATAIRE', 'COLLABORATOR')", name=op.f("ck_company_memberships_role")
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_company_memberships_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["siret"],
            ["companies.siret"],
            name=op.f("fk_company_memberships_siret_companies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_company_memberships")),
        sa.UniqueConstraint(
            "siret", "account_id", name=op.f("uq_company_memberships_siret_account_id")
        ),
    )
    op.create_index(
        op.f("ix_company_memberships_account_id"), "company_memberships", ["account_id"]
    )

    op.create_table(
        "referent_assignments",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("siret", sa.String(14), nullable=False),
        sa.Column("agent_id", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        _timestamp("requested_at", nullable=False),
        _timestamp("answered_at", nullable=True),
        _timestamp("due_at", nullable=True),
        _timestamp("reminded_at", nullable=True),
        sa.Column("refusal_reason", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "status IN ('PENDING', 'ACCEPTED', 'REFUSED')",
            name=op.f("ck_referent_assignments_status"),
        ),
        sa.ForeignKeyConstraint(
            ["agent_id"], ["agents.id"], name=op.f("fk_referent_assignments_agent_id_agents")
        ),
        sa.ForeignKeyConstraint(
            ["siret"], ["companies.siret"], name=op.f("fk_referent_assignments_siret_companies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referent_assignments")),
    )
    op.create_index(op.f("ix_referent_assignments_agent_id"), "referent_assignments", ["agent_id"])
    op.create_index(op.f("ix_referent_assignments_siret"), "referent_assignments", ["siret"])
    op.create_index(
        "uq_referent_assignments_current_siret",
        "referent_assignments",
        ["siret"],
        unique=True,
        sqlite_where=sa.text(_CURRENT_ASSIGNMENT),
        postgresql_where=sa.text(_CURRENT_ASSIGNMENT),
    )

    op.create_table(
        "projects",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("siret", sa.String(14), nullable=True),
        sa.Column("holder_account_id", sa.String(36), nullable=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("theme", sa.String(64), nullable=True),
        _timestamp("created_at", nullable=False),
        sa.CheckConstraint("length(trim(title)) > 0", name=op.f("ck_projects_title_not_empty")),
        sa.CheckConstraint(
            "siret IS NOT NULL OR holder_account_id IS NOT NULL", name=op.f("ck_projects_has_owner")
        ),
        sa.ForeignKeyConstraint(
            ["holder_account_id"],
            ["accounts.id"],
            name=op.f("fk_projects_holder_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["siret"],
            ["companies.siret"],
            name=op.f("fk_projects_siret_companies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_projects")),
    )
    op.create_index(op.f("ix_projects_holder_account_id"), "projects", ["holder_account_id"])
    op.create_index(op.f("ix_projects_siret"), "projects", ["siret"])

    op.create_table(
        "project_actors",
        sa.Column("project_id", sa.String(64), nullable=False),
        sa.Column("agent_id", sa.String(64), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        _timestamp("added_at", nullable=False),
        sa.CheckConstraint(
            "role IN ('REFERENT', 'FUNDING_EXPERT', 'SPECIALIST')",
            name=op.f("ck_project_actors_role"),
        ),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["agents.id"],
            name=op.f("fk_project_actors_agent_id_agents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_project_actors_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("project_id", "agent_id", "role", name=op.f("pk_project_actors")),
    )
    op.create_index(op.f("ix_project_actors_agent_id"), "project_actors", ["agent_id"])


def downgrade() -> None:
    op.drop_table("project_actors")
    op.drop_table("projects")
    op.drop_table("referent_assignments")
    op.drop_table("company_memberships")
    op.drop_table("agent_roles")
    op.drop_table("agents")
    op.drop_table("companies")
    op.drop_table("accounts")
    op.drop_table("structures")
