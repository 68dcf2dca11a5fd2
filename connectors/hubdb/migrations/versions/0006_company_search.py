"""Company search: the registered companies' Sirene columns and their search keys.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05 09:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from connectors.text import fold

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_INDEXES = {
    "ix_companies_sort_name_siret": ["sort_name", "siret"],
    "ix_companies_department_code": ["department_code"],
    "ix_companies_postal_code": ["postal_code"],
    "ix_companies_naf_code": ["naf_code"],
}


def upgrade() -> None:
    # Plain ADD COLUMN, not a batch copy: on SQLite a batch drops and recreates `companies`,
    # and with foreign keys on, dropping it deletes the projects (and their groups) that
    # reference it.
    op.add_column("companies", sa.Column("postal_code", sa.String(5), nullable=True))
    op.add_column("companies", sa.Column("city", sa.String(100), nullable=True))
    op.add_column("companies", sa.Column("department_code", sa.String(3), nullable=True))
    op.add_column("companies", sa.Column("naf_code", sa.String(6), nullable=True))
    op.add_column(
        "companies", sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true())
    )
    op.add_column(
        "companies", sa.Column("search_text", sa.String(400), nullable=False, server_default="")
    )
    op.add_column(
        "companies", sa.Column("sort_name", sa.String(200), nullable=False, server_default="")
    )
    for name, columns in _INDEXES.items():
        op.create_index(name, "companies", columns)
    # The search keys of the companies already registered (their Sirene columns stay empty
    # until the space is registered again or refreshed).
    companies = sa.table(
        "companies",
        sa.column("siret", sa.String),
        sa.column("display_name", sa.String),
        sa.column("search_text", sa.String),
        sa.column("sort_name", sa.String),
    )
    connection = op.get_bind()
    for siret, name in connection.execute(sa.select(companies.c.siret, companies.c.display_name)):
        connection.execute(
            companies.update()
            .where(companies.c.siret == siret)
            .values(search_text=fold(f"{name} {siret}"), sort_name=fold(name))
        )


def downgrade() -> None:
    for name in _INDEXES:
        op.drop_index(name, table_name="companies")
    for column in ("sort_name", "search_text", "active", "naf_code", "department_code",
                   "city", "postal_code"):  # fmt: skip
        op.drop_column("companies", column)  # SQLite 3.35+ drops a column in place
