"""Fixtures running the hub database suite on SQLite and, when ``TEST_DATABASE_URL`` is set,
on PostgreSQL. Every PostgreSQL run works in throwaway databases it creates and drops."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import pytest
import pytest_asyncio
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import NullPool

from connectors.hubdb import HubRepository, create_engine, create_session_factory, migrate, seed

POSTGRES_ENV = "TEST_DATABASE_URL"


class DatabaseServer(Protocol):
    backend: str

    async def new_database(self) -> str: ...

    async def close(self) -> None: ...


@dataclass
class SqliteServer:
    root: Path
    backend: str = "sqlite"
    _count: int = 0

    async def new_database(self) -> str:
        self._count += 1
        return f"sqlite+aiosqlite:///{self.root / f'db{self._count}' / 'hub.sqlite3'}"

    async def close(self) -> None:
        return None


@dataclass
class PostgresServer:
    admin_url: str
    backend: str = "postgresql"
    _names: list[str] = field(default_factory=list)

    async def new_database(self) -> str:
        name = f"hubdb_test_{uuid.uuid4().hex[:12]}"
        await self._admin(f'CREATE DATABASE "{name}"')
        self._names.append(name)
        return make_url(self.admin_url).set(database=name).render_as_string(hide_password=False)

    async def close(self) -> None:
        for name in self._names:
            await self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    async def _admin(self, statement: str) -> None:
        # A short-lived engine per call: fixtures run in different event loops.
        engine = create_async_engine(
            self.admin_url, poolclass=NullPool, isolation_level="AUTOCOMMIT"
        )
        try:
            async with engine.connect() as connection:
                await connection.execute(sa.text(statement))
        finally:
            await engine.dispose()


BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]


@pytest_asyncio.fixture(scope="session", loop_scope="session", params=BACKENDS)
async def database_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[DatabaseServer]:
    server: DatabaseServer
    if request.param == "sqlite":
        server = SqliteServer(tmp_path_factory.mktemp("hubdb"))
    else:
        url = os.environ.get(POSTGRES_ENV)
        if not url:
            pytest.skip(
                f"PostgreSQL run skipped: set {POSTGRES_ENV}, e.g. "
                "postgresql+asyncpg://postgres@127.0.0.1:5432/test (needs CREATEDB)"
            )
        server = PostgresServer(url)
    try:
        yield server
    finally:
        await server.close()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def seeded_url(database_server: DatabaseServer) -> str:
    """A database migrated and seeded once per backend; tests must not write to it."""
    url = await database_server.new_database()
    await migrate(url)
    engine = create_engine(url)
    try:
        await seed(create_session_factory(engine))
    finally:
        await engine.dispose()
    return url


@pytest.fixture
async def empty_url(database_server: DatabaseServer) -> str:
    """A new, empty database of the current backend (not migrated)."""
    return await database_server.new_database()


@pytest.fixture
async def fresh_url(empty_url: str) -> str:
    """A new database, migrated and seeded: tests may write to it."""
    await migrate(empty_url)
    engine = create_engine(empty_url)
    try:
        await seed(create_session_factory(engine))
    finally:
        await engine.dispose()
    return empty_url


async def _engine(url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(url)
    try:
        yield engine
    finally:
        await engine.dispose()


@pytest.fixture
async def engine(seeded_url: str) -> AsyncIterator[AsyncEngine]:
    async for engine in _engine(seeded_url):
        yield engine


@pytest.fixture
async def fresh_engine(fresh_url: str) -> AsyncIterator[AsyncEngine]:
    async for engine in _engine(fresh_url):
        yield engine


@pytest.fixture
def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_session_factory(engine)


@pytest.fixture
def fresh_session_factory(fresh_engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_session_factory(fresh_engine)


@pytest.fixture
def repository(session_factory: async_sessionmaker[AsyncSession]) -> HubRepository:
    return HubRepository(session_factory)


@pytest.fixture
def statements(engine: AsyncEngine) -> Iterator[list[str]]:
    """The SQL statements the engine sends, in order (cleared by the test as it needs)."""
    sent: list[str] = []

    def record(*args: Any) -> None:
        sent.append(args[2])

    sa.event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        sa.event.remove(engine.sync_engine, "before_cursor_execute", record)
