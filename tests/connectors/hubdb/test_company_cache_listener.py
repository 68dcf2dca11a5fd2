"""On PostgreSQL, the company cache keeps nothing while it is not listening: its listening
connection killed, every read is fresh until it listens again, and then reads are kept
again."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from connectors.hubdb import CompanyCache, HubRepository
from connectors.hubdb.company_cache import _Notifications
from connectors.hubdb.runner import CoreRunner
from tests.databases import POSTGRES_ENV, DatabaseServer, PostgresServer

pytestmark = pytest.mark.postgres

LEROY = "84215637400014"
_BOUND_S = 10.0
"""How long the listener may take to find its connection lost and listen again (a bound)."""


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def database_server() -> AsyncIterator[DatabaseServer]:
    """This module's tests are PostgreSQL's alone (SQLite has no listener)."""
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.skip(f"PostgreSQL run skipped: set {POSTGRES_ENV}")
    server = PostgresServer(url)
    try:
        yield server
    finally:
        await server.close()


async def test_nothing_is_kept_while_not_listening_and_listening_resumes(
    company_cache: CompanyCache, fresh_engine: AsyncEngine, fresh_statements: list[str]
) -> None:
    await company_cache.company_facts([LEROY])
    fresh_statements.clear()
    await company_cache.company_facts([LEROY])
    assert fresh_statements == []  # kept while listening
    async with fresh_engine.begin() as connection:
        killed = await connection.execute(sa.text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE query LIKE 'LISTEN%' AND datname = current_database()"))  # fmt: skip
        assert killed.scalars().all() == [True]
    deadline = asyncio.get_running_loop().time() + _BOUND_S
    reads: list[int] = []
    while asyncio.get_running_loop().time() < deadline:
        fresh_statements.clear()
        await company_cache.company_facts([LEROY])
        reads.append(len(fresh_statements))
        if reads[-1] == 0 and 1 in reads:
            break  # read fresh while not listening, then kept again
        await asyncio.sleep(0.05)
    assert 1 in reads  # fresh: one statement per read while not listening
    assert reads[-1] == 0  # kept again


async def test_a_listener_that_hears_nothing_is_never_trusted(
    fresh_engine: AsyncEngine,
    fresh_session_factory: async_sessionmaker[AsyncSession],
    fresh_statements: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """As behind a pooler in transaction mode: the LISTEN is taken, nothing is delivered."""
    monkeypatch.setattr(_Notifications, "_notified", lambda *_: None)
    runner = CoreRunner(fresh_engine)
    deaf = CompanyCache(HubRepository(fresh_session_factory, runner), runner, ping=0.2)
    await deaf.start()
    try:
        reads = []
        for _ in range(5):
            fresh_statements.clear()
            await deaf.company_facts([LEROY])
            reads.append(sum("company_memberships" in s for s in fresh_statements))
            await asyncio.sleep(0.1)
    finally:
        await deaf.aclose()
        await runner.aclose()
    assert reads == [1, 1, 1, 1, 1]  # every read fresh
