"""Runs the hot path's Core statements with as few hand-offs between threads as possible.

A function of a synchronous SQLAlchemy ``Connection`` runs:
- on a SQLite file, on a synchronous engine over the standard library's driver. Through
  aiosqlite every driver call is handed to its thread and back (begin, cursor, execute,
  fetch, close, rollback: about nine for a read), each waiting for a free event loop.
  - A **read** runs inline, on the event loop's thread: it is CPU work on SQLite's page
    cache (0.3 ms for the company facts), and in a WAL database a reader never waits for a
    writer. Through a worker thread it cost the same CPU plus two hand-offs, and the loop
    and the worker then took turns on the GIL (measured: a 0.6 ms read took 2 to 3 ms on a
    busy loop). Reads have their own connections, never lent to a write.
  - A **write** runs on one worker thread with its own connection: it may wait for SQLite's
    write lock (up to the busy timeout), which must not block the loop. Writes queue there,
    as SQLite would serialise them anyway.
- elsewhere (PostgreSQL with asyncpg), on the async engine, through ``run_sync``: asyncpg
  already answers a statement in one round trip.

Both are the same database: the runner's statements are reported to listeners of the async
engine's ``before_cursor_execute`` event (that event only), so counting what the hub sends
(tests, bench) sees every statement whichever way it went.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.ext.asyncio import AsyncEngine

from connectors.hubdb.engine import WRITE_TRANSACTION, sqlite_connection_events, sqlite_file_path

__all__ = ["CoreRunner"]

T = TypeVar("T")


class CoreRunner:
    """``await runner.read(work)`` / ``await runner.write(work)``, ``work(connection)``
    being synchronous. Close it with :meth:`aclose`."""

    def __init__(self, engine: AsyncEngine, *, direct: bool = True) -> None:
        """``direct=False``: everything on the async engine, whatever the database."""
        self._engine = engine
        self._reads: Engine | None = None
        self._writes: Engine | None = None
        self._writer: ThreadPoolExecutor | None = None
        if direct and sqlite_file_path(engine.url) is not None:
            self._reads = self._sqlite_engine(pool_size=1)  # reads run one at a time, inline
            self._writes = self._sqlite_engine(pool_size=1)
            self._writer = ThreadPoolExecutor(1, thread_name_prefix="hubdb-writer")

    @property
    def direct(self) -> bool:
        """True on a SQLite file: reads inline, writes on the writer thread."""
        return self._reads is not None

    async def read(self, work: Callable[[Connection], T]) -> T:
        """``work`` in a read transaction (rolled back at the end)."""
        if self._reads is None:
            async with self._engine.connect() as connection:
                return await connection.run_sync(work)
        with self._reads.connect() as connection:
            return work(connection)

    async def write(self, work: Callable[[Connection], T]) -> T:
        """``work`` in a write transaction, committed when it returns, rolled back when it
        raises (on SQLite, the write lock is taken at its start: ``BEGIN IMMEDIATE``)."""
        if self._writes is None or self._writer is None:
            async with self._engine.connect() as connection:
                connection = await connection.execution_options(**{WRITE_TRANSACTION: True})
                async with connection.begin():
                    return await connection.run_sync(work)
        writes = self._writes

        def run() -> T:
            with writes.connect() as connection:
                connection = connection.execution_options(**{WRITE_TRANSACTION: True})
                with connection.begin():
                    return work(connection)

        return await asyncio.get_running_loop().run_in_executor(self._writer, run)

    async def aclose(self) -> None:
        """Waits for a write in progress; later calls run on the async engine."""
        if self._writer is not None:
            writer, self._writer = self._writer, None
            await asyncio.get_running_loop().run_in_executor(None, writer.shutdown)
        for engine in (self._reads, self._writes):
            if engine is not None:
                engine.dispose()
        self._reads = self._writes = None

    def _sqlite_engine(self, *, pool_size: int) -> Engine:
        made = sa.create_engine(
            self._engine.url.set(drivername="sqlite+pysqlite"),
            pool_size=pool_size,
            max_overflow=0,
        )
        sqlite_connection_events(made, wal=True)
        event.listen(made, "before_cursor_execute", self._report)
        return made

    def _report(self, *args: Any) -> None:
        listeners = self._engine.sync_engine.dispatch.before_cursor_execute
        if listeners:
            listeners(*args)
