"""The hub database out of reach: one exception for every way a driver says so, a circuit
that refuses at once while it is known down and lets one probe through, and one log line
per kind of failure per interval."""

from __future__ import annotations

import sqlite3

import asyncpg
import pytest
import sqlalchemy as sa
from structlog.testing import capture_logs

from connectors.hubdb import DatabaseBounds, DatabaseUnavailable
from connectors.hubdb.availability import Circuit, CircuitState, unavailable_reason


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _wrapped(orig: BaseException, kind: type[sa.exc.DBAPIError] = sa.exc.DBAPIError) -> Exception:
    return kind("SELECT 1", None, orig)  # type: ignore[arg-type]


def _postgres_error(sqlstate: str) -> BaseException:
    error = asyncpg.PostgresError("server said no")
    error.sqlstate = sqlstate  # type: ignore[attr-defined]
    return error


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (ConnectionRefusedError(111, "Connect call failed"), "connection refused"),
        (TimeoutError(), "timeout"),
        (ConnectionResetError(104, "reset"), "connection lost"),
        (asyncpg.ConnectionDoesNotExistError("closed mid-operation"), "connection lost"),
        (sa.exc.TimeoutError("QueuePool limit of size 5 overflow 10 reached"),
         "no free connection in the pool"),
        (_wrapped(Exception("server closed"), sa.exc.OperationalError), "operational error"),
        (_wrapped(Exception("connection is closed"), sa.exc.InterfaceError), "connection lost"),
        (_wrapped(_postgres_error("57014")), "statement timeout"),
        (_wrapped(_postgres_error("57P01")), "server unavailable"),
        (_wrapped(_postgres_error("08006")), "server unavailable"),
        (_wrapped(_postgres_error("53300")), "server unavailable"),
    ],
)  # fmt: skip
def test_every_way_of_being_out_of_reach_is_classified(error: BaseException, reason: str) -> None:
    assert unavailable_reason(error) == reason


def test_a_cause_down_the_chain_is_found() -> None:
    try:
        try:
            raise ConnectionRefusedError(111, "Connect call failed")
        except OSError as refused:
            raise RuntimeError("while connecting") from refused
    except RuntimeError as error:
        assert unavailable_reason(error) == "connection refused"


@pytest.mark.parametrize(
    "error",
    [
        _wrapped(_postgres_error("42601"), sa.exc.ProgrammingError),  # syntax error: a bug
        _wrapped(_postgres_error("23505"), sa.exc.IntegrityError),  # unique violation
        ValueError("not a database failure"),
        _wrapped(sqlite3.OperationalError("no such table: x"), sa.exc.OperationalError),
    ],
)
def test_a_bug_or_a_constraint_is_not_classified(error: BaseException) -> None:
    assert unavailable_reason(error) is None


def _circuit(clock: FakeClock) -> Circuit:
    return Circuit(DatabaseBounds(open_s=2.0, log_interval_s=10.0), clock=clock)


def test_a_failure_opens_the_circuit_and_requests_are_refused_without_waiting() -> None:
    clock = FakeClock()
    circuit = _circuit(clock)
    circuit.check()  # closed: through
    error = circuit.failed("connection refused")
    assert error.reason == "connection refused" and error.retry_after_header == "2"
    assert circuit.state is CircuitState.OPEN
    clock.now += 1.5
    with pytest.raises(DatabaseUnavailable) as refused:
        circuit.check()
    assert refused.value.retry_after_header == "1"


def test_after_the_open_window_one_probe_goes_through_and_its_success_closes() -> None:
    clock = FakeClock()
    circuit = _circuit(clock)
    circuit.failed("timeout")
    clock.now += 2.0
    circuit.check()  # the probe
    assert circuit.state is CircuitState.PROBING
    with pytest.raises(DatabaseUnavailable):
        circuit.check()  # everyone else waits for the probe's outcome
    circuit.succeeded()
    assert circuit.state is CircuitState.CLOSED
    circuit.check()


def test_a_failed_probe_opens_the_circuit_again() -> None:
    clock = FakeClock()
    circuit = _circuit(clock)
    circuit.failed("timeout")
    clock.now += 2.0
    circuit.check()
    circuit.failed("timeout")
    assert circuit.state is CircuitState.OPEN
    with pytest.raises(DatabaseUnavailable):
        circuit.check()


def test_a_probe_that_never_reports_frees_its_place() -> None:
    clock = FakeClock()
    circuit = _circuit(clock)
    circuit.failed("timeout")
    clock.now += 2.0
    circuit.check()  # this probe is cancelled and never reports
    clock.now += 60.0
    circuit.check()  # another may probe


def test_a_statement_timeout_or_a_busy_pool_does_not_open_the_circuit() -> None:
    circuit = _circuit(FakeClock())
    circuit.failed("statement timeout")
    circuit.failed("no free connection in the pool")
    assert circuit.state is CircuitState.CLOSED
    circuit.check()


def test_each_kind_of_failure_is_logged_once_per_interval() -> None:
    clock = FakeClock()
    circuit = _circuit(clock)
    with capture_logs() as logs:
        for _ in range(50):
            circuit.failed("connection refused")
            circuit.failed("timeout")
            clock.now += 0.1
        clock.now += 10.0
        circuit.failed("connection refused")
    lines = [
        (line["reason"], line["since_last"])
        for line in logs
        if line["event"] == "hubdb.unavailable"
    ]
    assert lines == [("connection refused", 0), ("timeout", 0), ("connection refused", 49)]
