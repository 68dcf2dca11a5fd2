"""``python -m bench.hubdb_paths``: what each way of reaching the hub database costs, for the
hot reads (LEROY's company facts, a referent search, Pierre Durand's portfolio), on a
temporary SQLite file and a temporary PostgreSQL database, both migrated and seeded.

Ways, each the same read (the repository's Core function of a synchronous ``Connection``):

- SQLite: ``runner inline`` (``CoreRunner.read``: the standard library's driver on the loop's
  thread), ``runner thread`` (the same on one worker thread, through ``run_in_executor``),
  ``aiosqlite Core`` (each statement awaited on an ``AsyncConnection``: the plain async
  engine) and ``aiosqlite ORM`` (each statement awaited on an ``AsyncSession``);
- PostgreSQL: ``runner run_sync`` (what ``CoreRunner`` does there), ``asyncpg Core`` and
  ``asyncpg ORM``.

Each is measured three ways: ``alone`` (one read at a time), ``busy loop`` (one read at a
time while another task keeps the loop busy in 1 ms slices, like requests being executed)
and ``32 at once`` (rounds of 32 concurrent reads). Latency is per read (µs, p50 and p99;
for ``32 at once``, from the round's start); CPU is the process's (every thread's) CPU time
per read, and in brackets the event loop thread's (while the loop runs a read, it runs
nothing else). PostgreSQL's own CPU is not counted. Under a minute in all (~35 s).

The databases are made like the tests' (``tests.databases.seeded_database``): a SQLite file
in a temporary folder, and a database created on the server named by ``TEST_DATABASE_URL``
and dropped afterwards (without it, PostgreSQL is skipped).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.environment import busy_share
from bench.measure import percentile
from connectors.hubdb import (
    AgentFilter,
    CoreRunner,
    _loaders,
    _portfolio,
    _search,
    create_engine,
    create_session_factory,
)
from connectors.hubdb.engine import sqlite_connection_events
from tests.databases import POSTGRES_ENV, seeded_database

LEROY = "84215637400014"
READS: dict[str, Callable[[Connection], object]] = {
    "company facts": lambda c: _loaders.load_company_facts(c, [LEROY]),
    "agents search": lambda c: _search.search_agents(
        c,
        AgentFilter(postal_code="31000", filieres=("aeronautique", "spatial", "numerique",
                    "industrie"), domains=("innovation", "financement", "export", "creation"),
                    role="REFERENT", selectable_only=True),
        20, None,
    ),
    "portfolio": lambda c: _portfolio.portfolio(c, "agent-pierre-durand", 100, None),
}  # fmt: skip
"""The company sheet's read of every request, the bench's wide referent search (a full page
of 20 agents), an agent's portfolio of 56 companies."""

Read = Callable[[Connection], object]
Way = Callable[[Read], Awaitable[object]]


@dataclass(frozen=True, slots=True)
class Figures:
    p50_us: float
    p99_us: float
    cpu_us: float
    """The process's CPU time (every thread) per read."""
    loop_us: float
    """The event loop thread's CPU time per read: while it runs a read, nothing else runs."""


@dataclass(slots=True)
class _Spent:
    process: float = 0.0
    loop: float = 0.0

    @classmethod
    def now(cls) -> _Spent:
        return cls(time.process_time(), time.thread_time())

    def since(self, start: _Spent) -> _Spent:
        return _Spent(self.process - start.process, self.loop - start.loop)


# --- the ways --------------------------------------------------------------------------


class _Replay:
    """The part of ``Connection`` the reads use, answering from results fetched beforehand
    (in the order the read asks): a read's statements can then be awaited one by one."""

    def __init__(self, results: Sequence[Any], dialect: sa.Dialect) -> None:
        self._results = iter(results)
        self.dialect = dialect

    def execute(self, statement: Any, parameters: Any = None) -> Any:
        return next(self._results)

    def scalar(self, statement: Any, parameters: Any = None) -> Any:
        return next(self._results).scalar()

    def scalars(self, statement: Any, parameters: Any = None) -> Any:
        return next(self._results).scalars()


class _Recording(_Replay):
    """Runs a read on a real connection, keeping its statements and parameters."""

    def __init__(self, connection: Connection) -> None:
        super().__init__((), connection.dialect)
        self.connection = connection
        self.sent: list[tuple[Any, Any]] = []

    def execute(self, statement: Any, parameters: Any = None) -> Any:
        self.sent.append((statement, parameters))
        return self.connection.execute(statement, parameters)

    def scalar(self, statement: Any, parameters: Any = None) -> Any:
        return self.execute(statement, parameters).scalar()

    def scalars(self, statement: Any, parameters: Any = None) -> Any:
        return self.execute(statement, parameters).scalars()


async def _statements(engine: AsyncEngine, read: Read) -> list[tuple[Any, Any]]:
    def record(connection: Connection) -> list[tuple[Any, Any]]:
        recording = _Recording(connection)
        read(recording)  # type: ignore[arg-type]
        return recording.sent

    async with engine.connect() as connection:
        return await connection.run_sync(record)


def _awaited(engine: AsyncEngine, *, orm: bool) -> Way:
    """Each statement of the read awaited on an ``AsyncConnection`` (or ``AsyncSession``),
    then the read's Python part on the results (what an async Core read does)."""
    sessions = create_session_factory(engine)
    recorded: dict[Read, list[tuple[Any, Any]]] = {}

    async def way(read: Read) -> object:
        if read not in recorded:
            recorded[read] = await _statements(engine, read)
        results = []
        if orm:
            async with sessions() as session:
                for statement, parameters in recorded[read]:
                    results.append(await session.execute(statement, parameters))
        else:
            async with engine.connect() as connection:
                for statement, parameters in recorded[read]:
                    results.append(await connection.execute(statement, parameters))
        return read(_Replay(results, engine.dialect))  # type: ignore[arg-type]

    return way


def _on_a_thread(made: sa.Engine, worker: ThreadPoolExecutor) -> Way:
    """The read on ``worker``'s thread, on ``made``'s connection (the standard library's
    driver, like the runner's)."""

    def run(read: Read) -> object:
        with made.connect() as connection:
            return read(connection)

    async def way(read: Read) -> object:
        return await asyncio.get_running_loop().run_in_executor(worker, run, read)

    return way


@asynccontextmanager
async def _ways(url: str) -> AsyncIterator[dict[str, Way]]:
    engine = create_engine(url)
    runner = CoreRunner(engine)
    try:
        if engine.dialect.name != "sqlite":
            yield {
                "runner run_sync": runner.read,
                "asyncpg Core": _awaited(engine, orm=False),
                "asyncpg ORM": _awaited(engine, orm=True),
            }
            return
        made = sa.create_engine(engine.url.set(drivername="sqlite+pysqlite"), pool_size=1,
                                max_overflow=0)  # fmt: skip
        sqlite_connection_events(made, wal=True)
        try:
            with ThreadPoolExecutor(1, thread_name_prefix="bench-reader") as worker:
                yield {
                    "runner inline": runner.read,
                    "runner thread": _on_a_thread(made, worker),
                    "aiosqlite Core": _awaited(engine, orm=False),
                    "aiosqlite ORM": _awaited(engine, orm=True),
                }
        finally:
            made.dispose()
    finally:
        await runner.aclose()
        await engine.dispose()


# --- measuring -------------------------------------------------------------------------


async def _one_at_a_time(
    way: Way, read: Read, count: int, seconds: float
) -> tuple[list[float], _Spent]:
    """Each read's latency, and the CPU time they took together: ``count`` reads, fewer
    (five at least) when ``seconds`` have passed."""
    latencies: list[float] = []
    start = _Spent.now()
    deadline = time.perf_counter() + seconds
    while len(latencies) < count and (len(latencies) < 5 or time.perf_counter() < deadline):
        started = time.perf_counter()
        await way(read)
        latencies.append(time.perf_counter() - started)
    return latencies, _Spent.now().since(start)


async def _alone(way: Way, read: Read, count: int, seconds: float) -> Figures:
    latencies, spent = await _one_at_a_time(way, read, count, seconds)
    return _figures(latencies, spent)


async def _on_a_busy_loop(way: Way, read: Read, count: int, seconds: float) -> Figures:
    """One read at a time while another task holds the loop 1 ms at a time (its CPU is left
    out of the read's)."""
    stop = False
    hogged = 0.0

    async def hog() -> None:
        nonlocal hogged
        while not stop:
            started = time.thread_time()
            until = time.perf_counter() + 0.001
            while time.perf_counter() < until:
                pass
            hogged += time.thread_time() - started
            await asyncio.sleep(0)

    hogging = asyncio.ensure_future(hog())
    await asyncio.sleep(0)
    latencies, spent = await _one_at_a_time(way, read, count, seconds)
    stop = True
    await hogging
    spent.process -= hogged
    spent.loop -= hogged
    return _figures(latencies, spent)


async def _at_once(way: Way, read: Read, rounds: int, concurrency: int, seconds: float) -> Figures:
    """Rounds of ``concurrency`` reads started together (one round at least, fewer than
    ``rounds`` when ``seconds`` have passed)."""
    latencies: list[float] = []

    async def timed(started: float) -> None:
        await way(read)
        latencies.append(time.perf_counter() - started)

    start = _Spent.now()
    deadline = time.perf_counter() + seconds
    for _ in range(rounds):
        started = time.perf_counter()
        await asyncio.gather(*(timed(started) for _ in range(concurrency)))
        if started > deadline:
            break
    return _figures(latencies, _Spent.now().since(start))


def _figures(latencies: Sequence[float], spent: _Spent) -> Figures:
    count = len(latencies)
    return Figures(
        p50_us=percentile(latencies, 50) * 1e6,
        p99_us=percentile(latencies, 99) * 1e6,
        cpu_us=max(spent.process, 0.0) / count * 1e6,
        loop_us=max(spent.loop, 0.0) / count * 1e6,
    )


async def _measure(url: str, backend: str, arguments: argparse.Namespace) -> None:
    async with _ways(url) as ways:
        for read_name, read in READS.items():
            for way_name, way in ways.items():
                for _ in range(arguments.warmup):
                    await way(read)
                seconds = arguments.seconds
                alone = await _alone(way, read, arguments.reads, seconds)
                busy = await _on_a_busy_loop(way, read, arguments.reads // 4, seconds)
                crowd = await _at_once(way, read, arguments.rounds, arguments.concurrency,
                                       seconds)  # fmt: skip
                print(f"| {backend} | {read_name} | {way_name} | " + " | ".join(
                    f"{f.p50_us:,.0f} / {f.p99_us:,.0f} | {f.cpu_us:,.0f} ({f.loop_us:,.0f})"
                    for f in (alone, busy, crowd)
                ) + " |", flush=True)  # fmt: skip


async def _main(arguments: argparse.Namespace) -> None:
    other = busy_share()
    if other is not None:
        print(f"CPUs busy with other work before the run: {other:.0%}")
    started = time.perf_counter()
    header = " | ".join(f"{kind} p50 / p99 µs | CPU (loop) µs" for kind in
                        ("alone", "busy loop", f"{arguments.concurrency} at once"))  # fmt: skip
    print(f"| backend | read | way | {header} |")
    print("|---" * 9 + "|")
    backends = ["sqlite", "postgresql"] if os.environ.get(POSTGRES_ENV) else ["sqlite"]
    for backend in backends:
        with tempfile.TemporaryDirectory() as folder:
            async with seeded_database(backend, Path(folder)) as url:
                await _measure(url, backend, arguments)
    if len(backends) == 1:
        print(f"PostgreSQL skipped: {POSTGRES_ENV} is not set")
    print(f"{time.perf_counter() - started:.0f} s, seeding included")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.hubdb_paths", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    parser.add_argument(
        "--reads",
        type=int,
        default=80,
        help="reads one at a time (default 80; a quarter on the busy loop)",
    )
    parser.add_argument("--rounds", type=int, default=2,
                        help="rounds of concurrent reads (default 2)")  # fmt: skip
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=1.0,
                        help="at most this long (about) for each figure (default 1)")  # fmt: skip
    asyncio.run(_main(parser.parse_args(argv)))


if __name__ == "__main__":
    main()
