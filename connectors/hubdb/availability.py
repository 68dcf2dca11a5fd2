"""When the hub database cannot answer: one exception, one circuit, bounded waits.

Whatever the driver says when the database is out of reach (connection refused or reset,
a connect, statement or pool timeout, asyncpg's and SQLAlchemy's ``InterfaceError`` /
``OperationalError``, PostgreSQL shutting down or refusing connections) comes out of the
engine as one :class:`DatabaseUnavailable`, which the gateway answers with HTTP 503 and
``DATABASE_UNAVAILABLE``. A bug (a syntax error, a constraint) is not classified: it stays
what it is.

The :class:`Circuit` lets a request fail at once while the database is known down: after a
failure it refuses for ``open_s`` seconds without waiting, then lets one probe through; the
probe's success closes it, its failure opens it again. Each kind of failure is logged once
per ``log_interval_s`` with the count of those it kept quiet (a stopped database under load
would otherwise write a traceback per request).
"""

from __future__ import annotations

import math
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

import structlog
from sqlalchemy import exc as sa_exc

from connectors.errors import ConnectorError

__all__ = [
    "DATABASE_SOURCE",
    "Circuit",
    "CircuitState",
    "DatabaseBounds",
    "DatabaseUnavailable",
    "unavailable_reason",
]

DATABASE_SOURCE = "hubdb"

_log = structlog.get_logger(__name__)

Clock = Callable[[], float]

# SQLSTATE classes and codes that say "the server cannot serve now", not "your statement is
# wrong": connection exceptions (08…), too many connections, shutting down, starting up,
# a statement cancelled by statement_timeout (57014).
_UNAVAILABLE_SQLSTATE_CLASSES = ("08",)
_UNAVAILABLE_SQLSTATES = frozenset({"53300", "57014", "57P01", "57P02", "57P03"})
_STATEMENT_TIMEOUT = "statement timeout"
_POOL_EXHAUSTED = "no free connection in the pool"
_ANSWERING = frozenset({_STATEMENT_TIMEOUT, _POOL_EXHAUSTED})


class DatabaseUnavailable(ConnectorError):
    """The hub database is down, hung or saturated: try again in ``retry_after`` seconds."""

    def __init__(self, reason: str, retry_after: float = 1.0) -> None:
        super().__init__(DATABASE_SOURCE, f"the hub database is unavailable ({reason})")
        self.reason = reason
        self.retry_after = retry_after

    @property
    def retry_after_header(self) -> str:
        """Whole seconds, at least one, for an HTTP ``Retry-After``."""
        return str(max(1, math.ceil(self.retry_after)))


@dataclass(frozen=True, slots=True)
class DatabaseBounds:
    """How long the hub may wait for its database (PostgreSQL)."""

    connect_timeout_s: float = 3.0
    """Opening a connection (asyncpg ``timeout``)."""
    statement_timeout_s: float = 5.0
    """One statement: the server cancels it (``statement_timeout``); the client gives up one
    second later (asyncpg ``command_timeout``) when the server itself is hung."""
    pool_timeout_s: float = 2.0
    """Waiting for a free connection of the pool."""
    open_s: float = 1.0
    """How long the circuit refuses without waiting after a failure, before one probe."""
    log_interval_s: float = 10.0
    """At most one log line per kind of failure per this many seconds."""

    @property
    def command_timeout_s(self) -> float:
        return self.statement_timeout_s + 1.0


def unavailable_reason(error: BaseException) -> str | None:
    """A few words saying why the database is out of reach, or None when ``error`` is not
    that (a bug, a constraint, bad input). Reads the chain of causes and the driver's own
    exception under SQLAlchemy's."""
    seen: set[int] = set()
    pending: list[BaseException | None] = [error]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        reason = _own_reason(current)
        if reason is not None:
            return reason
        pending.extend((getattr(current, "orig", None), current.__cause__, current.__context__))
    return None


def _own_reason(error: BaseException) -> str | None:
    if isinstance(error, DatabaseUnavailable):
        return error.reason
    if isinstance(error, sa_exc.TimeoutError):  # QueuePool limit reached
        return _POOL_EXHAUSTED
    if isinstance(error, TimeoutError):  # asyncpg's connect and command timeouts
        return "timeout"
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    if isinstance(error, (ConnectionError, OSError)) and not isinstance(error, FileNotFoundError):
        return "connection lost"
    if _is_driver_error(error, "ConnectionDoesNotExistError", "ConnectionFailureError"):
        return "connection lost"
    sqlstate = getattr(error, "sqlstate", None) or getattr(error, "pgcode", None)
    if isinstance(sqlstate, str):
        if sqlstate == "57014":
            return _STATEMENT_TIMEOUT
        if sqlstate in _UNAVAILABLE_SQLSTATES or sqlstate.startswith(_UNAVAILABLE_SQLSTATE_CLASSES):
            return "server unavailable"
        return None
    if isinstance(error, (sa_exc.InterfaceError, sa_exc.DisconnectionError)):
        return "connection lost"
    if isinstance(error, sa_exc.OperationalError) and not isinstance(error.orig, sqlite3.Error):
        return "operational error"
    return None


def _is_driver_error(error: BaseException, *names: str) -> bool:
    return any(cls.__name__ in names for cls in type(error).__mro__)


class CircuitState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    PROBING = "probing"


class Circuit:
    """Fail fast while the database is known down (see the module's docstring)."""

    def __init__(self, bounds: DatabaseBounds, *, clock: Clock = time.monotonic) -> None:
        self._bounds = bounds
        self._clock = clock
        self._state = CircuitState.CLOSED
        self._until = 0.0
        # A probe that neither succeeds nor fails (cancelled) frees its place after this.
        self._probe_s = bounds.connect_timeout_s + bounds.command_timeout_s + bounds.pool_timeout_s
        self._logged: dict[str, float] = {}
        self._quiet: dict[str, int] = {}

    @property
    def state(self) -> CircuitState:
        """What the circuit does now (metrics may read it)."""
        return self._state

    def check(self) -> None:
        """Before reaching the database: raises DatabaseUnavailable while the circuit is
        open, or while another request probes; lets the first request after the open
        window through as the probe."""
        if self._state is CircuitState.CLOSED:
            return
        now = self._clock()
        if now < self._until:
            raise DatabaseUnavailable("known down, not retried yet", self._until - now)
        self._state = CircuitState.PROBING
        self._until = now + self._probe_s

    def succeeded(self) -> None:
        if self._state is not CircuitState.CLOSED:
            _log.info("hubdb.available_again")
            self._state = CircuitState.CLOSED

    def failed(self, reason: str) -> DatabaseUnavailable:
        """The exception to raise, logged once per kind and interval. Opens the circuit,
        unless the database answered (a statement it cancelled, a pool all busy: the
        database is slow or saturated, and refusing everyone would not help it)."""
        now = self._clock()
        self._log(reason, now)
        if reason in _ANSWERING:
            return DatabaseUnavailable(reason, self._bounds.open_s)
        self._state = CircuitState.OPEN
        self._until = now + self._bounds.open_s
        return DatabaseUnavailable(reason, self._bounds.open_s)

    def _log(self, reason: str, now: float) -> None:
        last = self._logged.get(reason)
        if last is not None and now - last < self._bounds.log_interval_s:
            self._quiet[reason] = self._quiet.get(reason, 0) + 1
            return
        self._logged[reason] = now
        _log.warning("hubdb.unavailable", reason=reason, since_last=self._quiet.pop(reason, 0))
