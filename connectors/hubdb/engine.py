"""Engines and session factories for the hub database (SQLite by default, PostgreSQL)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

from sqlalchemy import event, exc
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.engine.interfaces import ExceptionContext
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.ext.asyncio import create_async_engine as _create_async_engine
from sqlalchemy.pool import AsyncAdaptedQueuePool, ConnectionPoolEntry, PoolProxiedConnection

from connectors.hubdb.availability import (
    Circuit,
    DatabaseBounds,
    DatabaseUnavailable,
    unavailable_reason,
)

__all__ = [
    "PING_AFTER_IDLE_S",
    "WRITE_TRANSACTION",
    "create_engine",
    "create_session_factory",
    "database_circuit",
    "ping_when_idle",
    "sqlite_connection_events",
    "sqlite_file_path",
]

_SQLITE_BUSY_TIMEOUT_MS = 5000
WRITE_TRANSACTION = "hub_write_transaction"
"""Execution option of a connection that will write (SQLite: ``BEGIN IMMEDIATE``)."""

PING_AFTER_IDLE_S = 10.0
"""A pooled PostgreSQL connection that sat unused for longer is pinged before it is handed
out (see :func:`ping_when_idle`)."""
_RETURNED_AT = "hub_returned_at"


def sqlite_file_path(url: URL) -> Path | None:
    """The file behind a SQLite URL, or ``None`` for other backends and in-memory databases."""
    if url.get_backend_name() != "sqlite":
        return None
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def create_engine(url: str, *, bounds: DatabaseBounds | None = None) -> AsyncEngine:
    """An async engine for ``url``.

    With ``bounds`` (what the gateway serves with; not migrations), a PostgreSQL engine
    waits for its database only so long (connect, statement and pool timeouts), turns every
    "database out of reach" into ``DatabaseUnavailable``, and fails fast while the database
    is known down (``availability.Circuit``, read with :func:`database_circuit`).

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
    if parsed.get_backend_name() == "sqlite":
        engine = _create_async_engine(parsed)
        sqlite_connection_events(engine.sync_engine, wal=path is not None)
        return engine
    if bounds is None:
        engine = _create_async_engine(parsed)
        ping_when_idle(engine.sync_engine)
        return engine
    circuit = Circuit(bounds)
    engine = _create_async_engine(
        parsed,
        poolclass=_guarded_pool(circuit),
        pool_timeout=bounds.pool_timeout_s,
        connect_args=_connect_args(parsed, bounds),
    )
    ping_when_idle(engine.sync_engine)
    event.listen(engine.sync_engine, "handle_error", _classifier(circuit))
    return engine


def ping_when_idle(
    engine: Engine,
    *,
    idle_s: float = PING_AFTER_IDLE_S,
    clock: Callable[[], float] = time.monotonic,
) -> None:
    """Checks a pooled connection before handing it out without a round trip, and pings it
    only when it sat unused for more than ``idle_s``; a connection that fails either is
    replaced by a new one (``DisconnectionError``: the pool opens another).

    SQLAlchemy's ``pool_pre_ping`` pings on every checkout, which on asyncpg costs three
    round trips (``BEGIN``, ``;``, ``ROLLBACK``) before each read and each audit write, on
    the path of every signed-in request. Instead:

    - A connection the server closed (a restart, ``pg_terminate_backend``) is known closed
      to the driver as soon as the event loop reads the end of its socket: it is replaced at
      once, with no round trip.
    - A connection unused for longer than ``idle_s`` is pinged: what a proxy or a firewall
      drops silently, after minutes of quiet, the driver cannot know.
    - What is left is a connection that dies between its checkout and its statement (as it
      could between a ping and a statement): the statement fails with
      ``DatabaseUnavailable``, and SQLAlchemy drops every connection of the pool opened
      before the failure."""
    dialect = engine.dialect

    def stamp(_dbapi_connection: Any, record: ConnectionPoolEntry, *_: Any) -> None:
        record.info[_RETURNED_AT] = clock()

    def check(dbapi_connection: Any, record: ConnectionPoolEntry, _proxy: Any) -> None:
        if _known_closed(dbapi_connection):
            raise exc.DisconnectionError("the server closed this pooled connection")
        returned = record.info.get(_RETURNED_AT)
        if returned is not None and clock() - returned <= idle_s:
            return
        try:
            alive = dialect.do_ping(dbapi_connection)
        except Exception as error:
            raise exc.DisconnectionError("an idle pooled connection failed its ping") from error
        if not alive:
            raise exc.DisconnectionError("an idle pooled connection failed its ping")

    event.listen(engine, "connect", stamp)
    event.listen(engine, "checkin", stamp)
    event.listen(engine, "checkout", check)


def _known_closed(dbapi_connection: Any) -> bool:
    """Whether the driver already knows the connection closed (asyncpg's ``is_closed``: a
    flag, no round trip)."""
    is_closed = getattr(getattr(dbapi_connection, "driver_connection", None), "is_closed", None)
    return bool(is_closed()) if callable(is_closed) else False


def database_circuit(engine: AsyncEngine) -> Circuit | None:
    """The circuit of an engine made with ``bounds`` (None otherwise)."""
    circuit = getattr(engine.sync_engine.pool, "circuit", None)
    return circuit if isinstance(circuit, Circuit) else None


def _connect_args(url: URL, bounds: DatabaseBounds) -> dict[str, Any]:
    if url.get_driver_name() != "asyncpg":
        return {}
    statement_ms = round(bounds.statement_timeout_s * 1000)
    return {
        "timeout": bounds.connect_timeout_s,
        "command_timeout": bounds.command_timeout_s,
        "server_settings": {"statement_timeout": str(statement_ms)},
    }


def _guarded_pool(guard: Circuit) -> type[AsyncAdaptedQueuePool]:
    """The engine's pool, behind the circuit: a checkout is refused at once while the
    database is known down, and a failed one (refused, timed out, pool exhausted) opens it.
    A subclass per engine: ``Pool.recreate`` (after a disconnect) keeps the same circuit."""

    class GuardedPool(AsyncAdaptedQueuePool):
        circuit: ClassVar[Circuit] = guard

        def connect(self) -> PoolProxiedConnection:
            self.circuit.check()
            try:
                connection = super().connect()
            except DatabaseUnavailable as error:
                raise self.circuit.failed(error.reason) from error
            except Exception as error:
                reason = unavailable_reason(error)
                if reason is None:
                    raise
                raise self.circuit.failed(reason) from error
            self.circuit.succeeded()
            return connection

    return GuardedPool


def _classifier(circuit: Circuit) -> Callable[[ExceptionContext], None]:
    """A statement (or commit, rollback) that failed because the database is out of reach:
    its connection is dropped (it may be mid-protocol) and ``DatabaseUnavailable`` raised. A
    failed pre-ping is left to the pool, which reconnects (and the checkout then fails or
    not)."""

    def classify(context: ExceptionContext) -> None:
        reason = unavailable_reason(context.original_exception)
        if reason is None:
            return
        context.is_disconnect = True
        if context.is_pre_ping:
            return
        raise circuit.failed(reason)

    return classify


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
                # SQLite's advice for WAL: a commit is durable across a crash of the process
                # (not of the machine) without a sync of the log per commit, which made
                # every audited read wait for the disk (docs/decisions.md).
                cursor.execute("PRAGMA synchronous=NORMAL")
        finally:
            cursor.close()

    return on_connect
