"""CoreRunner: on a SQLite file, reads inline and writes on one writer thread; on the async
engine elsewhere. The same transactions either way, a read never waits behind a write, and
every statement is seen by the engine's listeners."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from connectors.hubdb import CoreRunner, create_engine

_TABLE = sa.table("runner_probe", sa.column("name", sa.String))


@pytest.fixture
async def runner(fresh_engine: AsyncEngine) -> AsyncIterator[CoreRunner]:
    async with fresh_engine.begin() as connection:
        await connection.execute(sa.text("CREATE TABLE runner_probe (name VARCHAR(20))"))
    opened = CoreRunner(fresh_engine)
    yield opened
    await opened.aclose()


def _names(connection: Connection) -> list[str]:
    return list(connection.execute(sa.select(_TABLE.c.name).order_by(_TABLE.c.name)).scalars())


async def test_uses_the_driver_directly_on_a_sqlite_file_only(
    runner: CoreRunner, fresh_engine: AsyncEngine
) -> None:
    assert runner.direct is (fresh_engine.dialect.name == "sqlite")
    memory = create_engine("sqlite+aiosqlite://")
    try:
        assert not CoreRunner(memory).direct  # another engine could not see that database
    finally:
        await memory.dispose()


async def test_a_write_is_committed_and_read_back(runner: CoreRunner) -> None:
    await runner.write(lambda c: c.execute(sa.insert(_TABLE), [{"name": "a"}, {"name": "b"}]))
    assert await runner.read(_names) == ["a", "b"]


async def test_a_write_that_fails_leaves_nothing(runner: CoreRunner) -> None:
    def half_then_fail(connection: Connection) -> None:
        connection.execute(sa.insert(_TABLE), [{"name": "lost"}])
        raise RuntimeError("after the insert")

    with pytest.raises(RuntimeError):
        await runner.write(half_then_fail)
    assert await runner.read(_names) == []


def _verbs(sent: list[str]) -> list[str]:
    return [statement.split()[0] for statement in sent if "runner_probe" in statement]


async def test_the_async_engines_listeners_see_the_runners_statements(
    runner: CoreRunner, fresh_statements: list[str]
) -> None:
    await runner.write(lambda c: c.execute(sa.insert(_TABLE), [{"name": "a"}]))
    await runner.read(_names)
    assert _verbs(fresh_statements) == ["INSERT", "SELECT"]


def _one_insert(engine: AsyncEngine) -> str:
    """An insert of one row in the driver's own SQL (numbered or question-mark parameters)."""
    return str(sa.insert(_TABLE).values(name=sa.bindparam("name")).compile(dialect=engine.dialect))


async def test_one_statement_is_written_and_seen_by_the_listeners(
    runner: CoreRunner, fresh_engine: AsyncEngine, fresh_statements: list[str]
) -> None:
    await runner.write_one(_one_insert(fresh_engine), ["one"])
    assert _verbs(fresh_statements) == ["INSERT"]
    assert await runner.read(_names) == ["one"]


async def test_one_statement_the_database_refuses_raises_and_the_next_is_written(
    runner: CoreRunner, fresh_engine: AsyncEngine
) -> None:
    no_such_column = _one_insert(fresh_engine).replace("(name)", "(nope)")
    with pytest.raises(Exception):  # noqa: B017 - the driver's own error
        await runner.write_one(no_such_column, ["refused"])
    await runner.write_one(_one_insert(fresh_engine), ["after"])
    assert await runner.read(_names) == ["after"]


async def test_rows_of_one_statement_are_written_in_one_transaction(
    runner: CoreRunner, fresh_engine: AsyncEngine, fresh_statements: list[str]
) -> None:
    await runner.write_rows(_one_insert(fresh_engine), [["a"], ["b"]])
    assert await runner.read(_names) == ["a", "b"]
    assert (
        _verbs(fresh_statements)[0] == "INSERT"
    )  # seen by the listeners (one executemany, or per row)


async def test_rows_of_which_one_is_refused_leave_nothing(
    runner: CoreRunner, fresh_engine: AsyncEngine
) -> None:
    refused = "x" * 5000 if fresh_engine.dialect.name == "postgresql" else sa.null  # not a value
    with pytest.raises(Exception):  # noqa: B017 - the driver's own error
        await runner.write_rows(_one_insert(fresh_engine), [["kept?"], [refused]])
    assert await runner.read(_names) == []
    await runner.write_rows(_one_insert(fresh_engine), [["after"]])
    assert await runner.read(_names) == ["after"]


async def test_after_closing_it_still_answers_on_the_async_engine(runner: CoreRunner) -> None:
    await runner.aclose()
    await runner.write(lambda c: c.execute(sa.insert(_TABLE), [{"name": "late"}]))
    assert await runner.read(_names) == ["late"]


async def _probe_runner(path: Path) -> tuple[AsyncEngine, CoreRunner]:
    """A SQLite file with the probe table, and a runner of it."""
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    async with engine.begin() as connection:
        await connection.execute(sa.text("CREATE TABLE runner_probe (name VARCHAR(20))"))
    return engine, CoreRunner(engine)


async def test_a_read_is_answered_while_writes_wait_for_the_lock(tmp_path: Path) -> None:
    """SQLite's write lock is database-wide (PostgreSQL has none to wait for)."""
    path = tmp_path / "locked.sqlite3"
    engine, runner = await _probe_runner(path)
    holder = sqlite3.connect(str(path), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process holds SQLite's write lock
    try:
        writes = [
            asyncio.ensure_future(
                runner.write(lambda c: c.execute(sa.insert(_TABLE), [{"name": "w"}]))
            )
            for _ in range(4)
        ]
        await asyncio.sleep(0.05)
        assert await runner.read(_names) == []  # the writes wait; the read does not
        assert not any(write.done() for write in writes)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    try:
        await asyncio.gather(*writes)
        assert await runner.read(_names) == ["w"] * 4
    finally:
        await runner.aclose()
        await engine.dispose()


async def test_a_read_that_meets_a_lock_waits_off_the_event_loop(tmp_path: Path) -> None:
    """Another process holds the SQLite file exclusively (EXCLUSIVE locking mode, a write
    transaction): readers get "database is locked". The read waits on the reader thread,
    not on the loop: the loop keeps running meanwhile, and the read answers once the lock is
    released, with what the holder committed."""
    path = tmp_path / "locked.sqlite3"
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    async with engine.begin() as connection:
        await connection.execute(sa.text("CREATE TABLE runner_probe (name VARCHAR(20))"))
    await engine.dispose()  # no connection of ours stays open: the holder can lock the file
    holder = sqlite3.connect(str(path), isolation_level=None)
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("INSERT INTO runner_probe VALUES ('held')")
    reader = sqlite3.connect(str(path), timeout=0)
    with pytest.raises(sqlite3.OperationalError, match="database is locked"):
        reader.execute("SELECT name FROM runner_probe").fetchall()  # readers are locked out
    reader.close()
    runner = CoreRunner(engine)
    threads = set(threading.enumerate())
    try:
        read = asyncio.ensure_future(runner.read(_names))
        while not _reader_thread_started(threads):  # the read was handed off, the loop runs on
            assert not read.done(), read
            await asyncio.sleep(0)
        ticks = 0
        for _ in range(20):
            await asyncio.sleep(0)
            ticks += 1
        assert ticks == 20 and not read.done()  # the lock is still held: the read waits
        holder.execute("COMMIT")
        holder.close()  # in EXCLUSIVE locking mode, the lock goes with the connection
        assert await read == ["held"]
        assert await runner.read(_names) == ["held"]  # inline again, the lock gone
    finally:
        holder.close()
        await runner.aclose()
        await engine.dispose()


async def test_a_read_that_fails_otherwise_is_not_run_again(
    runner: CoreRunner, fresh_statements: list[str]
) -> None:
    with pytest.raises(sa.exc.SQLAlchemyError):
        await runner.read(lambda c: c.execute(sa.text("SELECT name FROM no_such_table")).all())
    assert len([s for s in fresh_statements if "no_such_table" in s]) == 1


def _reader_thread_started(before: set[threading.Thread]) -> bool:
    started = set(threading.enumerate()) - before
    return any(thread.name.startswith("hubdb-reader") for thread in started)


async def test_a_scalar_read_answers_and_is_seen_by_the_listeners(
    runner: CoreRunner, fresh_statements: list[str]
) -> None:
    await runner.write(lambda c: c.execute(sa.insert(_TABLE), [{"name": "a"}, {"name": "b"}]))
    fresh_statements.clear()
    assert await runner.read_scalar("SELECT count(*) FROM runner_probe") == 2
    assert await runner.read_scalar("SELECT name FROM runner_probe WHERE name = 'z'") is None
    assert [s for s in fresh_statements if "runner_probe" in s] == [
        "SELECT count(*) FROM runner_probe",
        "SELECT name FROM runner_probe WHERE name = 'z'",
    ]


async def test_a_scalar_read_without_an_await_is_made_on_a_sqlite_file_only(
    runner: CoreRunner, fresh_engine: AsyncEngine
) -> None:
    await runner.write(lambda c: c.execute(sa.insert(_TABLE), [{"name": "a"}]))
    now = runner.read_scalar_now("SELECT count(*) FROM runner_probe")
    assert now == ((True, 1) if fresh_engine.dialect.name == "sqlite" else (False, None))


async def test_a_scalar_read_that_meets_a_lock_waits_off_the_event_loop(tmp_path: Path) -> None:
    """As a read: the file held exclusively by another process, the scalar read is handed to
    the reader thread and answers once the lock is released."""
    path = tmp_path / "locked.sqlite3"
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    async with engine.begin() as connection:
        await connection.execute(sa.text("CREATE TABLE runner_probe (name VARCHAR(20))"))
    await engine.dispose()
    holder = sqlite3.connect(str(path), isolation_level=None)
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("INSERT INTO runner_probe VALUES ('held')")
    runner = CoreRunner(engine)
    try:
        read = asyncio.ensure_future(runner.read_scalar("SELECT count(*) FROM runner_probe"))
        for _ in range(20):
            await asyncio.sleep(0)
        assert not read.done()  # the lock is held: the read waits, the loop runs on
        assert runner.read_scalar_now("SELECT count(*) FROM runner_probe") == (False, None)
        holder.execute("COMMIT")
        holder.close()
        assert await read == 1
        assert runner.read_scalar_now("SELECT count(*) FROM runner_probe") == (True, 1)
    finally:
        holder.close()
        await runner.aclose()
        await engine.dispose()


def _writer_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("hubdb-writer")]


async def test_rows_are_written_on_the_loop_when_the_write_lock_is_free(tmp_path: Path) -> None:
    """The audit's write on a SQLite file, when no one holds the write lock: committed
    without the writer thread (it is started on first use only, and never was)."""
    before = set(_writer_threads())
    engine, runner = await _probe_runner(tmp_path / "free.sqlite3")
    try:
        await runner.write_rows(_one_insert(engine), [["a"], ["b"]])
        assert set(_writer_threads()) == before
        assert await runner.read(_names) == ["a", "b"]
    finally:
        await runner.aclose()
        await engine.dispose()


async def test_rows_wait_off_the_loop_while_another_holds_the_write_lock(tmp_path: Path) -> None:
    """Another process in a write transaction: the rows are not written on the loop (which
    keeps running) but on the writer thread, once the lock is released; nothing is lost."""
    path = tmp_path / "locked.sqlite3"
    engine, runner = await _probe_runner(path)
    holder = sqlite3.connect(str(path), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        write = asyncio.ensure_future(runner.write_rows(_one_insert(engine), [["w"]]))
        for _ in range(20):
            await asyncio.sleep(0)
        assert not write.done()  # the lock is held: the write waits, the loop runs on
        holder.execute("INSERT INTO runner_probe VALUES ('held')")
        holder.execute("COMMIT")
        await write
        assert await runner.read(_names) == ["held", "w"]
    finally:
        holder.close()
        await runner.aclose()
        await engine.dispose()


async def test_rows_written_on_the_loop_have_the_log_checkpointed_off_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The loop's connection never copies the log into the database file itself (that copy
    and its sync would hold the loop); the writer thread does, every so many commits, so the
    log does not grow with every audited request, even when they come one after the other
    with no pause for the copy to catch up."""
    monkeypatch.setattr("connectors.hubdb.runner._CHECKPOINT_EVERY", 20)
    path = tmp_path / "log.sqlite3"
    engine, runner = await _probe_runner(path)
    commits = 400
    try:
        for index in range(commits):
            await runner.write_rows(_one_insert(engine), [[f"n{index}"]])
        await runner.aclose()  # waits for the last checkpoint
        log = path.with_name(path.name + "-wal").stat().st_size
        assert log < commits * 4096 / 4  # each commit adds at least one page to the log
    finally:
        await runner.aclose()
        await engine.dispose()


async def test_rows_are_written_while_another_process_keeps_reading_the_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process holds a read transaction open (an operator's shell): the checkpoints
    cannot start the log over, and give up waiting for it soon; every row is still
    written, and the reader's snapshot is left alone."""
    monkeypatch.setattr("connectors.hubdb.runner._CHECKPOINT_EVERY", 5)
    path = tmp_path / "read.sqlite3"
    engine, runner = await _probe_runner(path)
    await runner.write_rows(_one_insert(engine), [["before"]])
    reader = sqlite3.connect(str(path), isolation_level=None)
    reader.execute("BEGIN")
    assert reader.execute("SELECT count(*) FROM runner_probe").fetchone() == (1,)
    try:
        for index in range(20):
            await runner.write_rows(_one_insert(engine), [[f"n{index}"]])
        assert reader.execute("SELECT count(*) FROM runner_probe").fetchone() == (1,)
        reader.execute("COMMIT")
        assert len(await runner.read(_names)) == 21
    finally:
        reader.close()
        await runner.aclose()
        await engine.dispose()
