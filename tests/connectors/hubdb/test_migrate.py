from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection

from connectors.hubdb import create_engine, migrate
from connectors.hubdb.migrate import DatabaseUnreachable, alembic_config, redacted_url
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
    "collaborator_invitations",
    "account_filieres",
    "favourites",
    "offers",
    "offer_products",
    "interactions",
    "satisfaction_surveys",
    "company_change_counter",
}
HEAD = "0014"


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


_MIGRATE_ONCE = (
    "import asyncio, sys\n"
    "from connectors.hubdb import migrate\n"
    "print(asyncio.run(migrate(sys.argv[1])).applied)\n"
)


async def _migrate_in_a_process(url: str) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", _MIGRATE_ONCE, url,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await process.communicate()
    assert process.returncode is not None
    return process.returncode, out.decode().strip() or err.decode()


async def test_two_processes_migrating_an_empty_database_together_migrate_it_once(
    empty_url: str,
) -> None:
    """N instances starting together: the migration lock lets one upgrade, the other then
    finds the schema at head (without the lock, one failed on a duplicate type)."""
    results = await asyncio.gather(*(_migrate_in_a_process(empty_url) for _ in range(2)))

    assert sorted(results) == [(0, "False"), (0, "True")], results
    assert await _tables_and_revision(empty_url) == (TABLES, HEAD)


async def test_migrate_says_which_revisions_it_went_through(empty_url: str) -> None:
    first = await migrate(empty_url)
    second = await migrate(empty_url)

    assert (first.before, first.after, first.applied) == (None, HEAD, True)
    assert (second.before, second.after, second.applied) == (HEAD, HEAD, False)


async def test_an_unreachable_database_is_named_without_its_password() -> None:
    url = "postgresql+asyncpg://hub:s3cret-pw@127.0.0.1:9/hub"  # port 9: nothing listens
    with pytest.raises(DatabaseUnreachable) as raised:
        await migrate(url)
    message = str(raised.value)
    assert "s3cret-pw" not in message
    assert message.startswith("cannot reach the hub database at postgresql+asyncpg://hub:***@")


def test_redacted_url_hides_the_password_only() -> None:
    assert redacted_url("postgresql+asyncpg://u:p%40ss@db:5432/hub") == (
        "postgresql+asyncpg://u:***@db:5432/hub"
    )
    assert redacted_url("sqlite+aiosqlite:///var/hub.db") == "sqlite+aiosqlite:///var/hub.db"


async def test_a_url_no_driver_takes_is_named_without_its_password() -> None:
    with pytest.raises(DatabaseUnreachable) as raised:
        await migrate("postgres://hub:s3cret-pw@db/hub")  # no driver named "postgres"
    assert "s3cret-pw" not in str(raised.value)
    assert str(raised.value).startswith("cannot use the hub database URL postgres://hub:***@db/hub")
