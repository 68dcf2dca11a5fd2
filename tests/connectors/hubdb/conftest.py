"""Fixtures running the hub database suite on SQLite and, when ``TEST_DATABASE_URL`` is set,
on PostgreSQL. Every PostgreSQL run works in throwaway databases it creates and drops."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
import pytest_asyncio
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
)

from connectors.hubdb import CompanyCache, HubRepository, create_engine, create_session_factory
from connectors.hubdb.runner import CoreRunner
from tests.databases import (
    POSTGRES_ENV,
    DatabaseServer,
    PostgresServer,
    SqliteServer,
    migrate_and_seed,
    seeded_template,
)

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
    await migrate_and_seed(url)
    return url


@pytest.fixture
async def empty_url(database_server: DatabaseServer) -> str:
    """A new, empty database of the current backend (not migrated)."""
    return await database_server.new_database()


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def template_url(database_server: DatabaseServer) -> str:
    """A database migrated and seeded once per test process and backend, that nothing
    connects to: what ``fresh_url`` copies. It was made once per module, which cost each
    module 1–2 s (a module may bring its own ``database_server``: the template is on the
    same PostgreSQL server, ``TEST_DATABASE_URL``'s)."""
    return await seeded_template(database_server.backend)


@pytest.fixture
async def fresh_url(database_server: DatabaseServer, template_url: str) -> str:
    """A new database, migrated and seeded (a copy of ``template_url``): tests may write to
    it."""
    return await database_server.copy_of(template_url)


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
    yield from _recorded(engine)


@pytest.fixture
def fresh_statements(fresh_engine: AsyncEngine) -> Iterator[list[str]]:
    """The SQL statements the fresh engine sends (its listeners see the runner's too), in
    order (cleared by the test as it needs)."""
    yield from _recorded(fresh_engine)


def _recorded(engine: AsyncEngine) -> Iterator[list[str]]:
    sent: list[str] = []

    def record(*args: Any) -> None:
        sent.append(args[2])

    sa.event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        sa.event.remove(engine.sync_engine, "before_cursor_execute", record)


@pytest.fixture
async def company_cache(
    fresh_engine: AsyncEngine, fresh_session_factory: async_sessionmaker[AsyncSession]
) -> AsyncIterator[CompanyCache]:
    """A started company cache on a fresh database; its listener (PostgreSQL) pings every
    0.2 s, so that a lost connection is found quickly."""
    runner = CoreRunner(fresh_engine)
    made = CompanyCache(HubRepository(fresh_session_factory, runner), runner, ping=0.2)
    await made.start()
    try:
        yield made
    finally:
        await made.aclose()
        await runner.aclose()
