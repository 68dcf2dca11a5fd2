from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from connectors.hubdb import create_engine, create_session_factory, migrate
from connectors.hubdb.models import Account, Agent


async def test_sqlite_engine_creates_the_folder_of_the_database_file(tmp_path: Path) -> None:
    path = tmp_path / "var" / "nested" / "hub.sqlite3"
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    try:
        async with engine.connect() as connection:
            await connection.execute(sa.text("SELECT 1"))
    finally:
        await engine.dispose()
    assert path.exists()


async def test_sqlite_engine_uses_wal_and_enforces_foreign_keys(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'hub.sqlite3'}")
    try:
        async with engine.connect() as connection:
            journal = await connection.scalar(sa.text("PRAGMA journal_mode"))
            foreign_keys = await connection.scalar(sa.text("PRAGMA foreign_keys"))
    finally:
        await engine.dispose()
    assert journal == "wal"
    assert foreign_keys == 1


async def test_sqlite_in_memory_engine_needs_no_folder() -> None:
    engine = create_engine("sqlite+aiosqlite://")
    try:
        async with engine.connect() as connection:
            assert await connection.scalar(sa.text("PRAGMA foreign_keys")) == 1
    finally:
        await engine.dispose()


async def test_sqlite_refuses_a_row_pointing_at_a_missing_parent(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'hub.sqlite3'}"
    await migrate(url)
    engine = create_engine(url)
    try:
        async with create_session_factory(engine)() as session:
            session.add(
                Agent(id="agent-x", account_id="account-missing", structure_id="nowhere",
                      first_name="X", last_name="Y")
            )  # fmt: skip
            with pytest.raises(IntegrityError):
                await session.commit()
    finally:
        await engine.dispose()


async def test_session_objects_stay_readable_after_commit(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'hub.sqlite3'}"
    await migrate(url)
    engine = create_engine(url)
    try:
        async with create_session_factory(engine)() as session:
            account = Account(id="account-x", email="x@hub.example", name="X", kind="AGENT")
            session.add(account)
            await session.commit()
            assert account.name == "X"  # no lazy refresh (which would fail outside greenlet)
    finally:
        await engine.dispose()
