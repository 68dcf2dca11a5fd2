"""Directory search and workflows: structures' city, label and kinds of support; agents'
filières, domains and territories as indexed rows (their JSON columns migrated, then
dropped) with folded names; projects' filière and structure; notifications, the e-mail
outbox and referent change requests.

SQLite keeps its foreign keys enforced during migrations, so this revision never rebuilds a
referenced table there (a rebuild would cascade deletes): columns are added and dropped with
SQLite's own ALTER TABLE.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 11:30:00
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SUPPORT_KINDS = (
    "'CREATION', 'REPRISE', 'DEVELOPPEMENT', 'INNOVATION', 'INTERNATIONAL', 'FINANCEMENT', "
    "'TRANSMISSION', 'EMPLOI_FORMATION', 'DEVELOPPEMENT_DURABLE'"
)
_CRITERIA = (("agent_filieres", "filiere", 64, "filieres"),
             ("agent_domains", "domain", 64, "domains"),
             ("agent_territories", "code", 5, "territory"))  # fmt: skip


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", " ".join(text.split()))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _timestamp(name: str, *, nullable: bool) -> sa.Column[datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def upgrade() -> None:
    _upgrade_structures()
    _upgrade_agents()
    _upgrade_projects()
    _create_workflow_tables()


def _upgrade_structures() -> None:
    op.add_column("structures", sa.Column("city", sa.String(100), nullable=True))
    op.add_column("structures", sa.Column("postal_code", sa.String(5), nullable=True))
    op.add_column("structures", sa.Column("labelled", sa.Boolean(), nullable=False,
                                          server_default=sa.false()))  # fmt: skip
    op.add_column("structures", sa.Column("search_name", sa.String(200), nullable=False,
                                          server_default=""))  # fmt: skip
    structures = sa.table("structures", sa.column("id"), sa.column("name"),
                          sa.column("search_name"))  # fmt: skip
    bind = op.get_bind()
    for id_, name in bind.execute(sa.select(structures.c.id, structures.c.name)).all():
        bind.execute(structures.update().where(structures.c.id == id_)
                     .values(search_name=_fold(name)))  # fmt: skip
    op.create_index("ix_structures_search_name_id", "structures", ["search_name", "id"])
    op.create_index("ix_structures_department_code", "structures", ["department_code"])
    op.create_table(
        "structure_support_kinds",
        sa.Column("structure_id", sa.String(64), nullable=False),
        sa.Column("support_kind", sa.String(32), nullable=False),
        sa.CheckConstraint(f"support_kind IN ({_SUPPORT_KINDS})",
                           name=op.f("ck_structure_support_kinds_support_kind")),
        sa.ForeignKeyConstraint(["structure_id"], ["structures.id"], ondelete="CASCADE",
                                name=op.f("fk_structure_support_kinds_structure_id_structures")),
        sa.PrimaryKeyConstraint("structure_id", "support_kind",
                                name=op.f("pk_structure_support_kinds")),
    )  # fmt: skip
    op.create_index("ix_structure_support_kinds_support_kind", "structure_support_kinds",
                    ["support_kind", "structure_id"])  # fmt: skip


def _create_criterion_table(table: str, column: str, length: int) -> None:
    op.create_table(
        table,
        sa.Column("agent_id", sa.String(64), nullable=False),
        sa.Column(column, sa.String(length), nullable=False),
        sa.ForeignKeyConstraint(["agent_id"], ["agents.id"], ondelete="CASCADE",
                                name=op.f(f"fk_{table}_agent_id_agents")),
        sa.PrimaryKeyConstraint("agent_id", column, name=op.f(f"pk_{table}")),
    )  # fmt: skip
    op.create_index(f"ix_{table}_{column}", table, [column, "agent_id"])


def _upgrade_agents() -> None:
    op.add_column("agents", sa.Column("search_name", sa.String(201), nullable=False,
                                      server_default=""))  # fmt: skip
    op.add_column("agents", sa.Column("sort_name", sa.String(201), nullable=False,
                                      server_default=""))  # fmt: skip
    for table, column, length, _ in _CRITERIA:
        _create_criterion_table(table, column, length)
    agents = sa.table("agents", sa.column("id"), sa.column("first_name"),
                      sa.column("last_name"), sa.column("search_name"), sa.column("sort_name"),
                      sa.column("filieres", sa.JSON()), sa.column("domains", sa.JSON()),
                      sa.column("territory", sa.JSON()))  # fmt: skip
    bind = op.get_bind()
    rows = bind.execute(sa.select(agents)).mappings().all()
    for row in rows:
        bind.execute(agents.update().where(agents.c.id == row["id"]).values(
            search_name=_fold(f"{row['first_name']} {row['last_name']}"),
            sort_name=f"{_fold(row['last_name'])}\t{_fold(row['first_name'])}",
        ))  # fmt: skip
    for table, column, _, json_column in _CRITERIA:
        values = [{"agent_id": row["id"], column: value}
                  for row in rows for value in dict.fromkeys(row[json_column] or ())]  # fmt: skip
        if values:
            op.bulk_insert(sa.table(table, sa.column("agent_id"), sa.column(column)), values)
    for _, _, _, json_column in _CRITERIA:
        op.drop_column("agents", json_column)
    op.create_index("ix_agents_sort_name_id", "agents", ["sort_name", "id"])
    op.create_index("ix_agent_roles_role", "agent_roles", ["role", "agent_id"])


def _upgrade_projects() -> None:
    op.add_column("projects", sa.Column("filiere", sa.String(64), nullable=True))
    if _sqlite():
        op.execute(
            "ALTER TABLE projects ADD COLUMN structure_id VARCHAR(64) "
            "CONSTRAINT fk_projects_structure_id_structures REFERENCES structures (id)"
        )
    else:
        op.add_column("projects", sa.Column("structure_id", sa.String(64), nullable=True))
        op.create_foreign_key(op.f("fk_projects_structure_id_structures"), "projects",
                              "structures", ["structure_id"], ["id"])  # fmt: skip
    op.create_index(op.f("ix_projects_structure_id"), "projects", ["structure_id"])


def _create_workflow_tables() -> None:
    op.create_table(
        "notifications",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("account_id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        _timestamp("created_at", nullable=False),
        _timestamp("read_at", nullable=True),
        sa.Column("dedupe_key", sa.String(200), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], ondelete="CASCADE",
                                name=op.f("fk_notifications_account_id_accounts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_notifications_dedupe_key")),
    )  # fmt: skip
    op.create_index("ix_notifications_account_id_created_at", "notifications",
                    ["account_id", "created_at"])  # fmt: skip
    op.create_table(
        "email_outbox",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("dedupe_key", sa.String(200), nullable=False),
        sa.Column("to_address", sa.String(254), nullable=False),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _timestamp("next_attempt_at", nullable=False),
        _timestamp("locked_until", nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        _timestamp("created_at", nullable=False),
        _timestamp("sent_at", nullable=True),
        sa.CheckConstraint("status IN ('PENDING', 'SENT', 'FAILED')",
                           name=op.f("ck_email_outbox_status")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_email_outbox")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_email_outbox_dedupe_key")),
    )  # fmt: skip
    op.create_index("ix_email_outbox_status_next_attempt_at", "email_outbox",
                    ["status", "next_attempt_at"])  # fmt: skip
    op.create_table(
        "referent_change_requests",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("siret", sa.String(14), nullable=False),
        sa.Column("account_id", sa.String(36), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        _timestamp("created_at", nullable=False),
        sa.CheckConstraint("status IN ('OPEN', 'CLOSED')",
                           name=op.f("ck_referent_change_requests_status")),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], ondelete="CASCADE",
                                name=op.f("fk_referent_change_requests_account_id_accounts")),
        sa.ForeignKeyConstraint(["siret"], ["companies.siret"], ondelete="CASCADE",
                                name=op.f("fk_referent_change_requests_siret_companies")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referent_change_requests")),
    )  # fmt: skip
    op.create_index(op.f("ix_referent_change_requests_account_id"), "referent_change_requests",
                    ["account_id"])  # fmt: skip
    op.create_index(op.f("ix_referent_change_requests_siret"), "referent_change_requests",
                    ["siret"])  # fmt: skip


def downgrade() -> None:
    for table in ("referent_change_requests", "email_outbox", "notifications"):
        op.drop_table(table)
    _downgrade_projects()
    _downgrade_agents()
    op.drop_table("structure_support_kinds")
    op.drop_index("ix_structures_department_code", "structures")
    op.drop_index("ix_structures_search_name_id", "structures")
    for column in ("search_name", "labelled", "postal_code", "city"):
        op.drop_column("structures", column)


def _downgrade_projects() -> None:
    op.drop_index(op.f("ix_projects_structure_id"), "projects")
    if not _sqlite():
        op.drop_constraint(op.f("fk_projects_structure_id_structures"), "projects",
                           type_="foreignkey")  # fmt: skip
        op.drop_column("projects", "structure_id")
    else:
        # SQLite drops no column that is in a foreign key: rebuild the table, keeping its
        # actors (dropping the old table would cascade to them).
        bind = op.get_bind()
        actors = bind.execute(sa.text("SELECT * FROM project_actors")).mappings().all()
        with op.batch_alter_table("projects") as batch:
            batch.drop_column("structure_id")
        bind.execute(sa.text("DELETE FROM project_actors"))
        if actors:
            bind.execute(sa.text("INSERT INTO project_actors (project_id, agent_id, role, "
                                 "added_at) VALUES (:project_id, :agent_id, :role, :added_at)"),
                         [dict(row) for row in actors])  # fmt: skip
    op.drop_column("projects", "filiere")


def _downgrade_agents() -> None:
    op.drop_index("ix_agent_roles_role", "agent_roles")
    op.drop_index("ix_agents_sort_name_id", "agents")
    bind = op.get_bind()
    agents = sa.table(
        "agents",
        sa.column("id"),
        sa.column("filieres", sa.JSON()),
        sa.column("domains", sa.JSON()),
        sa.column("territory", sa.JSON()),
    )
    for _, _, _, json_column in _CRITERIA:
        op.add_column("agents", sa.Column(json_column, sa.JSON(), nullable=False,
                                          server_default="[]"))  # fmt: skip
    for table, column, _, json_column in _CRITERIA:
        grouped: dict[str, list[str]] = {}
        for agent_id, value in bind.execute(
            sa.text(f"SELECT agent_id, {column} FROM {table} ORDER BY agent_id, {column}")
        ):
            grouped.setdefault(agent_id, []).append(value)
        for agent_id, values in grouped.items():
            bind.execute(agents.update().where(agents.c.id == agent_id)
                         .values({json_column: values}))  # fmt: skip
        op.drop_table(table)
    op.drop_column("agents", "sort_name")
    op.drop_column("agents", "search_name")
