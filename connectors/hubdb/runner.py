"""Runs the hot path's Core statements with as few hand-offs between threads as possible.

A function of a synchronous SQLAlchemy ``Connection`` runs:
- on a SQLite file, in a worker thread, on a synchronous engine over the standard library's
  driver: one hand-off per call. Through aiosqlite every driver call is one (begin, cursor,
  execute, fetch, close, rollback: about nine for a read), and each waits for the event loop
  to be free. Measured for one indexed read: 1.3 ms through aiosqlite, 0.33 ms in a worker
  thread; 1.8 ms against 0.63 ms while the loop is busy;
- elsewhere (PostgreSQL with asyncpg), on the async engine, through ``run_sync``: asyncpg
  already answers a statement in one round trip.

Both engines are the same database: the runner's statements are reported to listeners of the
async engine's ``before_cursor_execute`` event, so counting what the hub sends (tests, bench)
sees every statement whichever way it went.
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

_WORKERS = 4
"""Worker threads (and pooled SQLite connections): WAL readers do not block each other."""


class CoreRunner:
    """``await runner.read(work)`` / ``await runner.write(work)``, ``work(connection)``
    being synchronous. Close it with :meth:`aclose`."""

    def __init__(self, engine: AsyncEngine, *, threads: bool = True) -> None:
        self._engine = engine
        self._sync: Engine | None = None
        self._workers: ThreadPoolExecutor | None = None
        path = sqlite_file_path(engine.url)
        if threads and path is not None:
            self._sync = sa.create_engine(
                engine.url.set(drivername="sqlite+pysqlite"),
                pool_size=_WORKERS,
                max_overflow=0,
            )
            sqlite_connection_events(self._sync, wal=True)
            event.listen(self._sync, "before_cursor_execute", self._report)
            self._workers = ThreadPoolExecutor(_WORKERS, thread_name_prefix="hubdb")

    @property
    def threaded(self) -> bool:
        """True when statements run in worker threads (a SQLite file)."""
        return self._sync is not None

    async def read(self, work: Callable[[Connection], T]) -> T:
        """``work`` in a read transaction (rolled back at the end)."""
        if self._sync is None or self._workers is None:
            async with self._engine.connect() as connection:
                return await connection.run_sync(work)
        sync = self._sync

        def run() -> T:
            with sync.connect() as connection:
                return work(connection)

        return await asyncio.get_running_loop().run_in_executor(self._workers, run)

    async def write(self, work: Callable[[Connection], T]) -> T:
        """``work`` in a write transaction, committed when it returns, rolled back when it
        raises (on SQLite, the write lock is taken at its start: ``BEGIN IMMEDIATE``)."""
        if self._sync is None or self._workers is None:
            async with self._engine.connect() as connection:
                connection = await connection.execution_options(**{WRITE_TRANSACTION: True})
                async with connection.begin():
                    return await connection.run_sync(work)
        sync = self._sync

        def run() -> T:
            with sync.connect() as connection:
                connection = connection.execution_options(**{WRITE_TRANSACTION: True})
                with connection.begin():
                    return work(connection)

        return await asyncio.get_running_loop().run_in_executor(self._workers, run)

    async def aclose(self) -> None:
        if self._workers is not None:
            workers, self._workers = self._workers, None
            await asyncio.get_running_loop().run_in_executor(None, workers.shutdown)
        if self._sync is not None:
            self._sync.dispose()
            self._sync = None

    def _report(self, *args: Any) -> None:
        listeners = self._engine.sync_engine.dispatch.before_cursor_execute
        if listeners:
            listeners(*args)
