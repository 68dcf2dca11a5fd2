"""Bring the hub database's schema to the latest Alembic revision, from code."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection, make_url

from connectors.hubdb.engine import create_engine

__all__ = ["MIGRATIONS_PATH", "alembic_config", "migrate"]

MIGRATIONS_PATH = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> Config:
    """An Alembic configuration built in code: no ``alembic.ini`` needed in the working dir."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_PATH))
    rendered = make_url(url).render_as_string(hide_password=False)
    config.set_main_option("sqlalchemy.url", rendered.replace("%", "%%"))
    return config


async def migrate(url: str, revision: str = "head") -> None:
    """Upgrade the database at ``url`` to ``revision`` (the latest by default)."""
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_upgrade, alembic_config(url), revision)
    finally:
        await engine.dispose()


def _upgrade(connection: Connection, config: Config, revision: str) -> None:
    config.attributes["connection"] = connection
    command.upgrade(config, revision)
