from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection

from connectors.hubdb import create_engine, migrate
from connectors.hubdb.migrate import alembic_config
from connectors.hubdb.models import Base

TABLES_0001 = {
    "structures",
    "accounts",
    "agents",
    "agent_roles",
    "companies",
    "company_memberships",
    "referent_assignments",
    "projects",
    "project_actors",
}
TABLES = TABLES_0001 | {
    "structure_support_kinds",
    "agent_filieres",
    "agent_domains",
    "agent_territories",
    "notifications",
    "email_outbox",
    "referent_change_requests",
    "partner_api_keys",
    "persisted_queries",
    "audit_events",
    "public_aids",
    "identity_documents",
    "submissions",
    "platform_polls",
    "application_statuses",
    "offers",
    "offer_products",
    "interactions",
}
HEAD = "0010"


async def _tables_and_revision(url: str) -> tuple[set[str], str | None]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            tables = await connection.run_sync(lambda c: set(sa.inspect(c).get_table_names()))
            revision = None
            if "alembic_version" in tables:
                revision = await connection.scalar(
                    sa.text("SELECT version_num FROM alembic_version")
                )
    finally:
        await engine.dispose()
    return tables - {"alembic_version"}, revision


async def test_migrate_upgrades_an_empty_database_to_head(empty_url: str) -> None:
    await migrate(empty_url)

    tables, revision = await _tables_and_revision(empty_url)
    assert tables == TABLES
    assert revision == HEAD


async def test_migrate_twice_is_a_no_op(empty_url: str) -> None:
    await migrate(empty_url)
    await migrate(empty_url)

    assert await _tables_and_revision(empty_url) == (TABLES, HEAD)


async def test_migrate_needs_no_alembic_ini_in_the_working_directory(
    empty_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)

    await migrate(empty_url)

    assert (await _tables_and_revision(empty_url))[1] == HEAD


async def test_migrations_match_the_models(seeded_url: str) -> None:
    def differences(connection: Connection) -> list[object]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))

    engine = create_engine(seeded_url)
    try:
        async with engine.connect() as connection:
            diff = await connection.run_sync(differences)
    finally:
        await engine.dispose()
    assert diff == []


async def test_downgrade_to_base_removes_every_table_and_upgrade_restores_them(
    empty_url: str,
) -> None:
    await migrate(empty_url)
    engine = create_engine(empty_url)
    try:
        async with engine.begin() as connection:

            def downgrade(sync_connection: Connection) -> None:
                config = alembic_config(empty_url)
                config.attributes["connection"] = sync_connection
                command.downgrade(config, "base")

            await connection.run_sync(downgrade)
    finally:
        await engine.dispose()
    assert await _tables_and_revision(empty_url) == (set(), None)

    await migrate(empty_url)
    assert await _tables_and_revision(empty_url) == (TABLES, HEAD)
