"""The hub database stopped, hung or slow, on a PostgreSQL cluster the suite runs itself
(tests/private_postgres.py): every call ends in ``DatabaseUnavailable`` within its bounds,
the circuit refuses at once while the database is known down, and the engine recovers by
itself when the database is back."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from connectors.hubdb import (
    CoreRunner,
    DatabaseBounds,
    DatabaseUnavailable,
    create_engine,
    database_circuit,
)
from connectors.hubdb.availability import CircuitState
from connectors.hubdb.engine import PING_AFTER_IDLE_S, ping_when_idle
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
    assert first.value.reason in {"connection refused", "connection lost", "server unavailable"}
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
        circuit = database_circuit(engine)
        assert circuit is not None and circuit.state is CircuitState.OPEN
        # the asyncpg connection's clean-up may outlast the open window: the next call is
        # then the circuit's one probe, and it times out too (on connecting)
        with pytest.raises(DatabaseUnavailable) as next_call:
            await _select_one(engine)
        assert next_call.value.reason in {"known down, not retried yet", "timeout"}
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


class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def _backend_pid(connection: AsyncConnection) -> int:
    return int((await connection.execute(sa.text("SELECT pg_backend_pid()"))).scalar_one())


async def _terminate(url: str, pid: int) -> None:
    """Ends a server process from a connection of another engine (what a restart does to a
    pooled connection), and waits until it is gone and this event loop has read the end of
    its socket."""
    other = create_async_engine(url, poolclass=sa.NullPool)
    try:
        async with asyncio.timeout(_GUARD_S), other.connect() as connection:
            await connection.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            alive = sa.text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid")
            while (await connection.execute(alive, {"pid": pid})).scalar_one():
                await asyncio.sleep(0.01)
    finally:
        await other.dispose()
    await asyncio.sleep(0.05)


Pinged = tuple[AsyncEngine, _Clock, list[object]]


def _counted_pings(engine: AsyncEngine) -> list[object]:
    """The connections the engine's dialect pings from now on, in order."""
    pings: list[object] = []
    ping = engine.sync_engine.dialect.do_ping

    def counted(dbapi_connection: Any) -> bool:
        pings.append(dbapi_connection)
        return ping(dbapi_connection)

    engine.sync_engine.dialect.do_ping = counted  # type: ignore[method-assign]
    return pings


@pytest.fixture
async def idle_pinged(postgres_cluster: PrivatePostgres) -> AsyncIterator[Pinged]:
    """An engine of one connection whose pool pings connections idle past 10 s, on a clock
    of the test's, and the pings it sent."""
    clock = _Clock()
    made = create_async_engine(postgres_cluster.url, pool_size=1, max_overflow=0)
    pings = _counted_pings(made)
    ping_when_idle(made.sync_engine, idle_s=10, clock=clock)
    yield made, clock, pings
    await made.dispose()


async def _pid_of_next(engine: AsyncEngine) -> int:
    async with asyncio.timeout(_GUARD_S), engine.connect() as connection:
        return await _backend_pid(connection)


async def test_a_connection_in_steady_use_is_handed_out_without_a_ping(
    idle_pinged: Pinged,
) -> None:
    engine, clock, pings = idle_pinged
    first = await _pid_of_next(engine)
    for _ in range(3):
        clock.now += 9
        assert await _pid_of_next(engine) == first
    assert pings == []


async def test_a_connection_idle_too_long_is_pinged_then_handed_out(
    idle_pinged: Pinged,
) -> None:
    engine, clock, pings = idle_pinged
    first = await _pid_of_next(engine)
    clock.now += 11
    assert await _pid_of_next(engine) == first
    assert len(pings) == 1


async def test_a_connection_the_server_closed_is_replaced_without_a_ping(
    idle_pinged: Pinged, postgres_cluster: PrivatePostgres
) -> None:
    engine, _clock, pings = idle_pinged
    first = await _pid_of_next(engine)
    await _terminate(postgres_cluster.url, first)
    assert await _pid_of_next(engine) != first  # no failed statement: a new connection
    assert pings == []


async def test_production_engines_ping_idle_connections_only(
    postgres_cluster: PrivatePostgres,
) -> None:
    engine = create_engine(postgres_cluster.url, bounds=_BOUNDS)
    pings = _counted_pings(engine)
    try:
        first = await _pid_of_next(engine)
        await _terminate(postgres_cluster.url, first)
        for _ in range(3):
            assert await _select_one(engine) == 1
        assert pings == []
        assert PING_AFTER_IDLE_S >= 5
    finally:
        await engine.dispose()


async def test_an_audit_insert_to_a_hung_database_is_unavailable_and_opens_the_circuit(
    engine: AsyncEngine, postgres_cluster: PrivatePostgres
) -> None:
    """The audit's insert goes straight to the driver (``CoreRunner.write_one``): a
    database out of reach under it is reported as the engine's own statements report it."""
    runner = CoreRunner(engine)
    assert await _select_one(engine) == 1  # a pooled connection, then the server freezes
    postgres_cluster.freeze()
    try:
        with pytest.raises(DatabaseUnavailable) as hung:
            async with asyncio.timeout(_GUARD_S):
                await runner.write_one("SELECT $1::int", [1])
        assert hung.value.reason == "timeout"
        circuit = database_circuit(engine)
        assert circuit is not None and circuit.state is CircuitState.OPEN
    finally:
        postgres_cluster.thaw()
    await _until_answered(engine)
    await runner.write_one("SELECT $1::int", [1])
