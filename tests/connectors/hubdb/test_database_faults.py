"""The hub database stopped, hung or slow, on a PostgreSQL cluster the suite runs itself
(tests/private_postgres.py): every call ends in ``DatabaseUnavailable`` within its bounds,
the circuit refuses at once while the database is known down, and the engine recovers by
itself when the database is back."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from connectors.hubdb import DatabaseBounds, DatabaseUnavailable, create_engine, database_circuit
from connectors.hubdb.availability import CircuitState
from tests.private_postgres import PrivatePostgres

_BOUNDS = DatabaseBounds(
    connect_timeout_s=1.0, statement_timeout_s=0.5, pool_timeout_s=1.0, open_s=0.2
)
_GUARD_S = 30  # a bound on the test itself, not an assertion on timing


@pytest.fixture
async def engine(postgres_cluster: PrivatePostgres) -> AsyncIterator[AsyncEngine]:
    made = create_engine(postgres_cluster.url, bounds=_BOUNDS)
    yield made
    await made.dispose()


async def _select_one(engine: AsyncEngine, statement: str = "SELECT 1") -> object:
    async with asyncio.timeout(_GUARD_S), engine.connect() as connection:
        return (await connection.execute(sa.text(statement))).scalar()


async def _until_answered(engine: AsyncEngine) -> None:
    async with asyncio.timeout(_GUARD_S):
        while True:
            try:
                await _select_one(engine)
                return
            except DatabaseUnavailable:
                await asyncio.sleep(0.05)


async def test_a_stopped_database_is_unavailable_then_refused_at_once_then_back(
    engine: AsyncEngine, postgres_cluster: PrivatePostgres
) -> None:
    assert await _select_one(engine) == 1
    postgres_cluster.stop()
    with pytest.raises(DatabaseUnavailable) as first:
        await _select_one(engine)
    assert first.value.reason in {"connection refused", "connection lost"}
    with pytest.raises(DatabaseUnavailable) as second:
        await _select_one(engine)
    assert second.value.reason == "known down, not retried yet"  # not even tried
    circuit = database_circuit(engine)
    assert circuit is not None and circuit.state is CircuitState.OPEN
    postgres_cluster.start()
    await _until_answered(engine)  # no restart of the engine
    assert circuit.state is CircuitState.CLOSED


async def test_a_hung_database_ends_in_a_timeout_not_a_wait(
    engine: AsyncEngine, postgres_cluster: PrivatePostgres
) -> None:
    assert await _select_one(engine) == 1  # a pooled connection, then the server freezes
    postgres_cluster.freeze()
    try:
        with pytest.raises(DatabaseUnavailable) as hung:
            await _select_one(engine)
        assert hung.value.reason == "timeout"
        with pytest.raises(DatabaseUnavailable) as refused:
            await _select_one(engine)
        assert refused.value.reason == "known down, not retried yet"
    finally:
        postgres_cluster.thaw()
    await _until_answered(engine)


async def test_a_new_connection_to_a_hung_database_times_out(
    postgres_cluster: PrivatePostgres,
) -> None:
    postgres_cluster.freeze()
    engine = create_engine(postgres_cluster.url, bounds=_BOUNDS)
    try:
        with pytest.raises(DatabaseUnavailable) as hung:
            await _select_one(engine)
        assert hung.value.reason == "timeout"
    finally:
        postgres_cluster.thaw()
        await engine.dispose()


async def test_a_statement_past_the_timeout_is_cancelled_and_others_go_on(
    engine: AsyncEngine,
) -> None:
    with pytest.raises(DatabaseUnavailable) as slow:
        await _select_one(engine, "SELECT pg_sleep(5)")
    assert slow.value.reason == "statement timeout"
    assert await _select_one(engine) == 1  # the database answered: the circuit stays closed


async def test_a_bug_is_not_called_unavailable(engine: AsyncEngine) -> None:
    with pytest.raises(sa.exc.ProgrammingError):
        await _select_one(engine, "SELEC 1")
    assert await _select_one(engine) == 1
