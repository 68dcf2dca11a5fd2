"""What the migration tests do to a database: run raw SQL, and downgrade to a revision."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import command
from sqlalchemy.engine import Connection

from connectors.hubdb import create_engine
from connectors.hubdb.migrate import alembic_config

__all__ = ["downgrade", "run_sql"]


async def run_sql(url: str, *statements: str) -> list[list[tuple[Any, ...]]]:
    """Runs ``statements`` in one transaction; the rows each returned (none for writes)."""
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            results = [await connection.execute(sa.text(s)) for s in statements]
            return [list(result) if result.returns_rows else [] for result in results]
    finally:
        await engine.dispose()


async def downgrade(url: str, revision: str) -> None:
    def down(sync_connection: Connection) -> None:
        config = alembic_config(url)
        config.attributes["connection"] = sync_connection
        command.downgrade(config, revision)

    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(down)
    finally:
        await engine.dispose()
