"""Bring the hub database's schema to the latest Alembic revision, from code.

N gateway instances may start together on one database: the upgrade runs under a lock (a
PostgreSQL advisory lock held by the migrating transaction; for a SQLite file, an exclusive
lock on a file beside it), so one migrates and the others find the schema at head.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from connectors.hubdb.engine import create_engine, sqlite_file_path

__all__ = [
    "MIGRATIONS_PATH",
    "DatabaseUnreachable",
    "Migration",
    "alembic_config",
    "check_reachable",
    "migrate",
    "redacted_url",
]

MIGRATIONS_PATH = Path(__file__).parent / "migrations"
MIGRATION_LOCK_KEY = 0x6875622D6D6967
"""The PostgreSQL advisory lock key of the upgrade ("hub-mig"), the same for every instance."""
_CONNECT_TIMEOUT_S = 10.0


class DatabaseUnreachable(Exception):
    """The hub database did not answer: the message names it (without its password) and why."""


@dataclass(frozen=True, slots=True)
class Migration:
    """What one ``migrate`` call found and left: the revisions before and after."""

    before: str | None
    after: str | None

    @property
    def applied(self) -> bool:
        return self.before != self.after


def redacted_url(url: str) -> str:
    """``url`` fit for a log or a terminal: its password replaced by ``***``."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return "<an unparsable DATABASE_URL>"


def alembic_config(url: str) -> Config:
    """An Alembic configuration built in code: no ``alembic.ini`` needed in the working dir."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_PATH))
    rendered = make_url(url).render_as_string(hide_password=False)
    config.set_main_option("sqlalchemy.url", rendered.replace("%", "%%"))
    return config


async def migrate(url: str, revision: str = "head") -> Migration:
    """Upgrade the database at ``url`` to ``revision`` (the latest by default), under the
    migration lock; ``DatabaseUnreachable`` when it cannot be reached."""
    engine = _engine(url)
    try:
        async with _file_lock(url), _connect(engine, url) as connection:
            if connection.dialect.name == "postgresql":
                # Held until this transaction ends: a second instance waits here, then finds
                # the schema at head and upgrades nothing.
                await connection.execute(
                    sa.select(sa.func.pg_advisory_xact_lock(MIGRATION_LOCK_KEY))
                )
            return await connection.run_sync(_upgrade, alembic_config(url), revision)
    finally:
        await engine.dispose()


async def check_reachable(url: str) -> None:
    """``DatabaseUnreachable`` unless the database at ``url`` answers a trivial query."""
    engine = _engine(url)
    try:
        async with _connect(engine, url) as connection:
            await connection.execute(sa.select(1))
    finally:
        await engine.dispose()


def _engine(url: str) -> AsyncEngine:
    """The engine for ``url``; a URL no installed driver takes is ``DatabaseUnreachable``."""
    try:
        return create_engine(url)
    except sa.exc.ArgumentError as error:
        raise DatabaseUnreachable(
            f"cannot use the hub database URL {redacted_url(url)}: {error} (e.g. "
            "postgresql+asyncpg://user:password@host:5432/hub)"
        ) from None


@asynccontextmanager
async def _connect(engine: AsyncEngine, url: str) -> AsyncIterator[AsyncConnection]:
    """A transaction on ``engine``; a failure to connect becomes ``DatabaseUnreachable``."""
    try:
        async with asyncio.timeout(_CONNECT_TIMEOUT_S):
            connection = await engine.connect()
    except (OSError, DBAPIError, TimeoutError) as error:
        reason = str(getattr(error, "orig", None) or error) or type(error).__name__
        raise DatabaseUnreachable(
            f"cannot reach the hub database at {redacted_url(url)}: {reason.splitlines()[0]}"
        ) from None
    try:
        async with connection.begin():
            yield connection
    finally:
        await connection.close()


@asynccontextmanager
async def _file_lock(url: str) -> AsyncIterator[None]:
    """For a SQLite file: an exclusive lock on ``<file>.migrate-lock`` (nothing otherwise)."""
    path = sqlite_file_path(make_url(url))
    if path is None:
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path.with_name(path.name + ".migrate-lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        await asyncio.to_thread(fcntl.flock, descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # closing releases the lock


def _upgrade(connection: Connection, config: Config, revision: str) -> Migration:
    before = MigrationContext.configure(connection).get_current_revision()
    config.attributes["connection"] = connection
    command.upgrade(config, revision)
    return Migration(before, MigrationContext.configure(connection).get_current_revision())
