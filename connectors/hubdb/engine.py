"""Engines and session factories for the hub database (SQLite by default, PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.ext.asyncio import create_async_engine as _create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry

__all__ = [
    "WRITE_TRANSACTION",
    "create_engine",
    "create_session_factory",
    "sqlite_connection_events",
    "sqlite_file_path",
]

_SQLITE_BUSY_TIMEOUT_MS = 5000
WRITE_TRANSACTION = "hub_write_transaction"
"""Execution option of a connection that will write (SQLite: ``BEGIN IMMEDIATE``)."""


def sqlite_file_path(url: URL) -> Path | None:
    """The file behind a SQLite URL, or ``None`` for other backends and in-memory databases."""
    if url.get_backend_name() != "sqlite":
        return None
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def create_engine(url: str) -> AsyncEngine:
    """An async engine for ``url``.

    For a SQLite file, its folder is created, foreign keys are enforced and the journal is in
    WAL mode (readers do not block the writer); other backends are used as configured.

    On SQLite the driver's own transaction handling is switched off and SQLAlchemy emits
    ``BEGIN`` itself: otherwise the first ``SAVEPOINT`` of a write opens the transaction and
    its ``RELEASE`` commits it, so a later failure could not roll back what came before.
    """
    parsed = make_url(url)
    path = sqlite_file_path(parsed)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = _create_async_engine(parsed, pool_pre_ping=parsed.get_backend_name() != "sqlite")
    if parsed.get_backend_name() == "sqlite":
        sqlite_connection_events(engine.sync_engine, wal=path is not None)
    return engine


def sqlite_connection_events(
    engine: Engine, *, wal: bool, busy_timeout_ms: int = _SQLITE_BUSY_TIMEOUT_MS
) -> None:
    """What every SQLite connection of the hub needs (see :func:`create_engine`), on a
    synchronous engine: the async engine's own, or ``CoreRunner``'s (whose reads on the event
    loop's thread wait for no lock: ``busy_timeout_ms=0``)."""
    event.listen(engine, "connect", _sqlite_pragmas(wal=wal, busy_timeout_ms=busy_timeout_ms))
    event.listen(engine, "begin", _sqlite_begin)


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions whose objects stay readable after commit (no implicit refresh on access)."""
    return async_sessionmaker(engine, expire_on_commit=False)


def _sqlite_begin(connection: Connection) -> None:
    """On the driver's connection: a transaction's start is not a statement of the hub's.
    A write transaction takes the write lock at once (waiting up to the busy timeout): a
    deferred one that read first could not write after another writer committed."""
    immediate = connection.get_execution_options().get(WRITE_TRANSACTION, False)
    cursor = connection.connection.cursor()
    try:
        cursor.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")
    finally:
        cursor.close()


def _sqlite_pragmas(
    *, wal: bool, busy_timeout_ms: int
) -> Callable[[Any, ConnectionPoolEntry], None]:
    def on_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        dbapi_connection.isolation_level = None  # no implicit BEGIN: see create_engine
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms:d}")
            if wal:
                cursor.execute("PRAGMA journal_mode=WAL")
        finally:
            cursor.close()

    return on_connect
