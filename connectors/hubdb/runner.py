"""The one way the hub reaches its database for reads (and the audit's writes): a function
of a synchronous SQLAlchemy ``Connection``, run with as few hand-offs between threads as
possible.

- On a SQLite file, on synchronous engines over the standard library's driver. Through
  aiosqlite every driver call is handed to its thread and back (begin, cursor, execute,
  fetch, close, rollback: about nine for a read), each waiting for a free event loop.
  - A **read** runs inline, on the event loop's thread, on a connection of its own whose
    busy timeout is 0: it is CPU work on SQLite's page cache (~0.3 ms for the company facts),
    and it never waits for a lock there. In WAL mode a reader does not wait for a writer;
    should SQLite still answer "database is locked" (another process holding the database
    exclusively, a WAL recovery), the read is run again, whole, on the **reader thread**,
    whose connection waits up to the usual busy timeout: the same answer, off the loop.
    ``python -m bench.hubdb_paths`` measures inline reads against a worker thread and
    aiosqlite (docs/decisions.md, "One way to reach the hub database").
  - A **write** runs on one writer thread with its own connection: it may wait for SQLite's
    write lock (up to the busy timeout), which must not block the loop. Writes queue there,
    as SQLite would serialise them anyway.
- Elsewhere (PostgreSQL with asyncpg), on the async engine, through ``run_sync``: asyncpg
  already answers a statement in one round trip. A read runs in autocommit: under
  PostgreSQL's READ COMMITTED every statement sees its own snapshot inside a transaction
  too, so a transaction around a read bought nothing but two more round trips (BEGIN and
  ROLLBACK) to a server that may share the machine's cores.

Both are the same database: the runner's statements are reported to listeners of the async
engine's ``before_cursor_execute`` event (that event only), so counting what the hub sends
(tests, bench) sees every statement whichever way it went (a read run again off the loop
is counted as sent twice: it was).
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import sqlalchemy as sa
import structlog
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from connectors.hubdb.availability import unavailable_reason
from connectors.hubdb.engine import (
    WRITE_TRANSACTION,
    database_circuit,
    sqlite_connection_events,
    sqlite_file_path,
)

__all__ = ["CoreRunner"]

T = TypeVar("T")

_log = structlog.get_logger(__name__)

_CHECKPOINT_EVERY = 200
"""Inline commits between two checkpoints of SQLite's log: an audit event's commit adds
6.5 pages to it (its row and four indexes), so about 1,300 pages (SQLite's own default:
1,000)."""
_CHECKPOINT_WAIT_MS = 200
"""How long a checkpoint waits for the readers of the log (another process's open read
transaction): the audit's writes wait behind it meanwhile, so not the usual 5 s. A
checkpoint that could not wait long enough copies what it can, and the next one tries
again."""


class CoreRunner:
    """``await runner.read(work)`` / ``await runner.write(work)``, ``work(connection)``
    being synchronous. Close it with :meth:`aclose`."""

    def __init__(self, engine: AsyncEngine, *, direct: bool = True) -> None:
        """``direct=False``: everything on the async engine, whatever the database."""
        self._engine = engine
        self._inline: Engine | None = None
        self._reads: Engine | None = None
        self._writes: Engine | None = None
        self._reader: ThreadPoolExecutor | None = None
        self._writer: ThreadPoolExecutor | None = None
        self._scalars: sqlite3.Connection | None = None
        self._inline_commits = 0
        self._checkpoint: asyncio.Future[bool] | None = None
        path = sqlite_file_path(engine.url)
        if direct and path is not None:
            self._scalars = sqlite3.connect(
                path, timeout=0, isolation_level=None, check_same_thread=False
            )
            self._inline = self._sqlite_engine(waits_for_locks=False)
            event.listen(self._inline, "connect", _no_autocheckpoint)
            self._reads = self._sqlite_engine()
            self._writes = self._sqlite_engine()
            self._reader = ThreadPoolExecutor(1, thread_name_prefix="hubdb-reader")
            self._writer = ThreadPoolExecutor(1, thread_name_prefix="hubdb-writer")

    @classmethod
    def or_sessions(
        cls, runner: CoreRunner | None, sessions: async_sessionmaker[AsyncSession]
    ) -> CoreRunner:
        """``runner``, or without one a runner on the async engine behind ``sessions`` (no
        thread, no engine of its own): what a store built without a runner reads through."""
        return runner or cls(sessions.kw["bind"], direct=False)

    @property
    def engine(self) -> AsyncEngine:
        """The async engine: its ``before_cursor_execute`` listeners see every statement the
        runner sends, whichever way it went (what counts statements listens there)."""
        return self._engine

    @property
    def direct(self) -> bool:
        """True on a SQLite file: reads inline, writes on the writer thread."""
        return self._inline is not None

    async def read(self, work: Callable[[Connection], T]) -> T:
        """``work``, which only reads (on PostgreSQL in autocommit: each statement is its own
        READ COMMITTED snapshot, as it would be in a transaction; on SQLite in a read
        transaction, rolled back at the end)."""
        if self._inline is None or self._reads is None or self._reader is None:
            async with self._engine.connect() as connection:
                connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
                return await connection.run_sync(work)
        try:
            with self._inline.connect() as connection:
                return work(connection)
        except sa.exc.OperationalError as error:
            if not _locked(error):
                raise
        _log.warning("hubdb.read_off_the_loop", reason="database is locked")
        return await self._on(self._reader, self._reads, work, write=False)

    async def read_scalar(self, statement: str) -> Any:
        """The one value of a one-row read made on every request (the company cache's count
        of writes). On a SQLite file, straight from the driver, on a connection of its own
        (busy timeout 0, autocommit: a lone SELECT is its own read transaction), without
        SQLAlchemy's round, which costs ten times the read; reported to the statement
        listeners all the same. Elsewhere, or when SQLite answers "locked", as :meth:`read`."""
        read, value = self.read_scalar_now(statement)
        if read:
            return value
        return await self.read(lambda connection: connection.exec_driver_sql(statement).scalar())

    def read_scalar_now(self, statement: str) -> tuple[bool, Any]:
        """``read_scalar`` without an await, where it is read straight from the driver (a
        SQLite file): ``(True, value)``; ``(False, None)`` where it needs an await
        (elsewhere, or when SQLite answers "locked")."""
        if self._scalars is None:
            return False, None
        self._report(None, None, statement, (), None, False)
        try:
            row = self._scalars.execute(statement).fetchone()
        except sqlite3.OperationalError as error:
            if not _busy(error):
                raise
            return False, None
        return True, (row[0] if row is not None else None)

    async def write(self, work: Callable[[Connection], T]) -> T:
        """``work`` in a write transaction, committed when it returns, rolled back when it
        raises (on SQLite, the write lock is taken at its start: ``BEGIN IMMEDIATE``)."""
        if self._writes is None or self._writer is None:
            async with self._engine.connect() as connection:
                connection = await connection.execution_options(**{WRITE_TRANSACTION: True})
                async with connection.begin():
                    return await connection.run_sync(work)
        return await self._on(self._writer, self._writes, work, write=True)

    async def write_one(self, statement: str, parameters: Sequence[Any]) -> None:
        """One statement that writes (atomic by itself), in the driver's own SQL and with
        parameters as the driver takes them: the audit's insert, on the path of every
        audited request. Over asyncpg, straight to the driver's connection (a connection
        of the pool, no transaction around the statement: one round trip): through
        ``run_sync``, SQLAlchemy's round cost a warm company sheet 0.2 ms of CPU and 0.3 ms
        of wall time more than the insert itself (``docs/decisions.md``). A connection that
        failed under it is dropped from the pool. Elsewhere (SQLite, whose transaction costs
        no round trip), as ``write``."""
        if self._engine.dialect.driver != "asyncpg":
            await self.write(
                lambda connection: connection.exec_driver_sql(statement, tuple(parameters))
            )
            return
        async with self._engine.connect() as connection:
            driver: Any = (await connection.get_raw_connection()).driver_connection
            self._report(None, None, statement, parameters, None, False)
            try:
                await driver.execute(statement, *parameters)
            except BaseException as error:
                await connection.invalidate()
                reason = unavailable_reason(error) if isinstance(error, Exception) else None
                circuit = database_circuit(self._engine)
                if reason is None or circuit is None:
                    raise
                raise circuit.failed(reason) from error  # as the engine's statements do

    async def write_rows(self, statement: str, rows: Sequence[Sequence[Any]]) -> None:
        """One statement (the driver's own SQL) run once per row of parameters, in one write
        transaction: the audit's events where one statement cannot carry them all. On a
        SQLite file, straight to the driver's connection (``BEGIN IMMEDIATE``,
        ``executemany``, ``COMMIT``), without SQLAlchemy's connection and transaction:
        inline when SQLite's write lock is free at once (:meth:`_write_rows_inline`), else
        on the writer thread, which waits for it. Reported to the statement listeners all
        the same. Elsewhere, as ``write``."""
        if self._writes is None or self._writer is None or self._inline is None:
            await self.write(
                lambda connection: connection.exec_driver_sql(statement, [tuple(r) for r in rows])
            )
            return
        self._report(None, None, statement, rows, None, True)
        if self._write_rows_inline(self._inline, statement, rows):
            return
        engine = self._writes

        def run() -> None:
            pooled = engine.raw_connection()  # the writer's one connection
            try:
                _rows_written(pooled.driver_connection, statement, rows, or_locked=False)
            finally:
                pooled.close()

        await asyncio.get_running_loop().run_in_executor(self._writer, run)

    def _write_rows_inline(self, engine: Engine, statement: str, rows: Sequence[Any]) -> bool:
        """The rows written and committed on the event loop's thread, if SQLite's write lock
        is free at once (the inline connection waits for no lock): False when it is not,
        nothing written. An audited sheet's one event cost 0.45 ms of CPU through the writer
        thread, 0.15 ms here (``docs/decisions.md``). This connection never checkpoints
        the log on its own (``wal_autocheckpoint=0``: the copy to the database file and its
        sync would hold the loop); every ``_CHECKPOINT_EVERY`` commits, the writer thread
        does (:meth:`_checkpoint_soon`)."""
        try:
            pooled = engine.raw_connection()
        except sa.exc.OperationalError as error:
            if _locked(error):
                return False
            raise
        try:
            if not _rows_written(pooled.driver_connection, statement, rows, or_locked=True):
                return False
        finally:
            pooled.close()
        self._inline_commits += 1
        if self._inline_commits % _CHECKPOINT_EVERY == 0:
            self._checkpoint_soon()
        return True

    def _checkpoint_soon(self) -> None:
        """A checkpoint of the log on the writer thread, unless one is under way. RESTART:
        new writers wait while it runs (the loop's, which wait for no lock, go to the writer
        thread, behind it), so that it copies the whole log and the next write starts the
        log over; it waits ``_CHECKPOINT_WAIT_MS`` at most for the log's readers. A PASSIVE
        one let the loop's commits go on appending behind it: under a steady flow of
        audited requests the log was never whole in the database file, so it was never
        started over, and grew with every request."""
        if self._writer is None or self._writes is None:
            return
        if self._checkpoint is not None and not self._checkpoint.done():
            return
        engine = self._writes

        def checkpoint() -> bool:
            pooled = engine.raw_connection()  # the writer's one connection, in autocommit
            try:
                driver: Any = pooled.driver_connection
                (waits,) = driver.execute("PRAGMA busy_timeout").fetchone()
                driver.execute(f"PRAGMA busy_timeout={_CHECKPOINT_WAIT_MS:d}")
                try:
                    (busy, _log_pages, _copied) = driver.execute(
                        "PRAGMA wal_checkpoint(RESTART)"
                    ).fetchone()
                finally:
                    driver.execute(f"PRAGMA busy_timeout={int(waits):d}")
            finally:
                pooled.close()
            return bool(busy)

        self._checkpoint = asyncio.get_running_loop().run_in_executor(self._writer, checkpoint)
        self._checkpoint.add_done_callback(_checkpoint_done)

    async def aclose(self) -> None:
        """Waits for the reads and the write in progress; later calls run on the async
        engine."""
        threads = [thread for thread in (self._reader, self._writer) if thread is not None]
        engines = [made for made in (self._inline, self._reads, self._writes) if made is not None]
        self._inline = self._reads = self._writes = None
        self._reader = self._writer = None
        if self._scalars is not None:
            self._scalars.close()
            self._scalars = None
        for thread in threads:
            await asyncio.get_running_loop().run_in_executor(None, thread.shutdown)
        for made in engines:
            made.dispose()

    @staticmethod
    async def _on(
        thread: ThreadPoolExecutor,
        engine: Engine,
        work: Callable[[Connection], T],
        *,
        write: bool,
    ) -> T:
        def run() -> T:
            with engine.connect() as connection:
                if not write:
                    return work(connection)
                connection = connection.execution_options(**{WRITE_TRANSACTION: True})
                with connection.begin():
                    return work(connection)

        return await asyncio.get_running_loop().run_in_executor(thread, run)

    def _sqlite_engine(self, *, waits_for_locks: bool = True) -> Engine:
        """One connection: reads on the loop, on the reader thread, writes on the writer
        thread each run one at a time."""
        made = sa.create_engine(
            self._engine.url.set(drivername="sqlite+pysqlite"),
            pool_size=1,
            max_overflow=0,
        )
        if waits_for_locks:
            sqlite_connection_events(made, wal=True)
        else:
            sqlite_connection_events(made, wal=True, busy_timeout_ms=0)
        event.listen(made, "before_cursor_execute", self._report)
        return made

    def _report(self, *args: Any) -> None:
        listeners = self._engine.sync_engine.dispatch.before_cursor_execute
        if listeners:
            listeners(*args)


def _rows_written(driver: Any, statement: str, rows: Sequence[Any], *, or_locked: bool) -> bool:
    """``statement`` once per row, in one write transaction of the driver's connection,
    committed. ``or_locked``: False when SQLite answers "database is locked" (past the
    connection's busy timeout), nothing written; else that error is raised."""
    try:
        driver.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as error:
        if or_locked and _busy(error):
            return False
        raise
    try:
        driver.executemany(statement, rows)
        driver.execute("COMMIT")
    except BaseException as error:
        if driver.in_transaction:  # SQLite may have rolled it back already
            driver.execute("ROLLBACK")
        if or_locked and _busy(error):
            return False
        raise
    return True


def _busy(error: BaseException | None) -> bool:
    """SQLite's "database is locked" (SQLITE_BUSY, whatever its extended code), from the
    driver."""
    code = getattr(error, "sqlite_errorcode", None)
    return isinstance(code, int) and code & 0xFF == sqlite3.SQLITE_BUSY


def _no_autocheckpoint(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.execute("PRAGMA wal_autocheckpoint=0")


def _checkpoint_done(done: asyncio.Future[bool]) -> None:
    if done.cancelled():
        return
    if done.exception() is not None:
        _log.warning("hubdb.checkpoint_failed", error=type(done.exception()).__name__)
    elif done.result():
        _log.info("hubdb.checkpoint_busy", reason="a reader kept the log from starting over")


def _locked(error: sa.exc.OperationalError) -> bool:
    """SQLite's "database is locked" (SQLITE_BUSY, whatever its extended code), met when a
    connection is opened or a statement run, through SQLAlchemy."""
    return _busy(error.orig)
