"""Every write to what a company's access is decided from signals it, whoever the writer
(a resolver, a scheduled job, an operator's command, another instance, a hand in psql): the
gateway keeps those reads in memory and drops them on the signal
(``connectors/hubdb/company_cache.py``).

The tables: ``companies``, ``company_memberships``, ``referent_assignments``,
``collaborator_invitations``, ``projects``, ``project_actors``, ``public_aids``; and the
columns of
``accounts`` (name, e-mail, phone) and ``agents`` (structure) that a company's facts carry.

- PostgreSQL: a trigger sends ``NOTIFY hub_company_changed`` with the company's SIRET (``*``
  after a ``TRUNCATE``), delivered when the transaction commits, to every listening instance.
- SQLite (one machine; other processes may write, such as the operators' commands): the
  triggers count the writes in the one row of ``company_change_counter``, which a reader
  compares with the count it last saw. The table exists on PostgreSQL too (one schema for
  both), where it stays at 0: one row updated by every writer would serialise them.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05 05:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHANNEL = "hub_company_changed"

_BY_SIRET = (
    "companies",
    "company_memberships",
    "referent_assignments",
    "collaborator_invitations",
    "projects",
    "public_aids",
)
_COLUMNS = {"accounts": ("name", "email", "phone"), "agents": ("structure_id",)}
"""Tables without a SIRET: only these columns reach a company's facts."""

_ALL = (*_BY_SIRET, "project_actors", *_COLUMNS)

_PG_FUNCTION = f"""
CREATE FUNCTION hub_company_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changed record;
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        PERFORM pg_notify('{CHANNEL}', '*');
        RETURN NULL;
    END IF;
    IF TG_OP = 'DELETE' THEN changed := OLD; ELSE changed := NEW; END IF;
    IF TG_TABLE_NAME = 'project_actors' THEN
        PERFORM pg_notify('{CHANNEL}', p.siret)
            FROM projects p WHERE p.id = changed.project_id AND p.siret IS NOT NULL;
    ELSIF TG_TABLE_NAME = 'accounts' THEN
        PERFORM pg_notify('{CHANNEL}', m.siret)
            FROM company_memberships m WHERE m.account_id = changed.id;
    ELSIF TG_TABLE_NAME = 'agents' THEN
        PERFORM pg_notify('{CHANNEL}', a.siret)
            FROM referent_assignments a WHERE a.agent_id = changed.id AND a.siret IS NOT NULL;
    ELSE
        IF changed.siret IS NOT NULL THEN
            PERFORM pg_notify('{CHANNEL}', changed.siret);
        END IF;
        IF TG_OP = 'UPDATE' THEN
            IF OLD.siret IS DISTINCT FROM NEW.siret AND OLD.siret IS NOT NULL THEN
                PERFORM pg_notify('{CHANNEL}', OLD.siret);
            END IF;
        END IF;
    END IF;
    RETURN NULL;
END
$$
"""


def _events(table: str) -> str:
    columns = _COLUMNS.get(table)
    return f"UPDATE OF {', '.join(columns)} OR DELETE" if columns else "INSERT OR UPDATE OR DELETE"


def upgrade() -> None:
    op.create_table(
        "company_change_counter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("writes", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_company_change_counter_one_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_company_change_counter")),
    )
    op.execute("INSERT INTO company_change_counter (id, writes) VALUES (1, 0)")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_FUNCTION)
        for table in _ALL:
            op.execute(
                f"CREATE TRIGGER {table}_company_changed AFTER {_events(table)} ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION hub_company_changed()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_company_truncated AFTER TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION hub_company_changed()"
            )
        return
    for table in _ALL:
        columns = _COLUMNS.get(table)
        events = (f"UPDATE OF {', '.join(columns)}", "DELETE") if columns else (
            "INSERT", "UPDATE", "DELETE")  # fmt: skip
        for event in events:
            op.execute(
                f"CREATE TRIGGER {table}_{event.split()[0].lower()}_company_changed "
                f"AFTER {event} ON {table} BEGIN "
                "UPDATE company_change_counter SET writes = writes + 1 WHERE id = 1; END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in _ALL:
            op.execute(f"DROP TRIGGER {table}_company_changed ON {table}")
            op.execute(f"DROP TRIGGER {table}_company_truncated ON {table}")
        op.execute("DROP FUNCTION hub_company_changed()")
    else:
        for table in _ALL:
            events = ("update", "delete") if table in _COLUMNS else ("insert", "update", "delete")
            for event in events:
                op.execute(f"DROP TRIGGER {table}_{event}_company_changed")
    op.drop_table("company_change_counter")
