"""Throwaway hub databases for tests: SQLite files, or PostgreSQL databases created on the
server named by ``TEST_DATABASE_URL`` and dropped afterwards."""

from __future__ import annotations

import asyncio
import atexit
import os
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from connectors.hubdb import create_engine, create_session_factory, migrate
from sandbox.hubdb import seed

__all__ = [
    "POSTGRES_ENV",
    "DatabaseServer",
    "PostgresServer",
    "SqliteServer",
    "migrate_and_seed",
    "seeded_database",
    "seeded_template",
]

POSTGRES_ENV = "TEST_DATABASE_URL"


async def migrate_and_seed(url: str) -> None:
    await migrate(url)
    engine = create_engine(url)
    try:
        await seed(create_session_factory(engine))
    finally:
        await engine.dispose()


class DatabaseServer(Protocol):
    backend: str

    async def new_database(self) -> str: ...

    async def copy_of(self, template_url: str) -> str:
        """A new database holding what ``template_url``'s holds; nothing may be connected
        to the template meanwhile."""
        ...

    async def close(self) -> None: ...


def _copy_file(template_url: str, url: str) -> None:
    """Copies a SQLite database file to the file of ``url``."""
    template, copy = (Path(str(make_url(u).database)) for u in (template_url, url))
    copy.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(template, copy)


@dataclass
class SqliteServer:
    root: Path
    backend: str = "sqlite"
    _count: int = 0

    async def new_database(self) -> str:
        self._count += 1
        return f"sqlite+aiosqlite:///{self.root / f'db{self._count}' / 'hub.sqlite3'}"

    async def copy_of(self, template_url: str) -> str:
        url = await self.new_database()
        _copy_file(template_url, url)
        return url

    async def close(self) -> None:
        return None


@dataclass
class PostgresServer:
    admin_url: str
    backend: str = "postgresql"
    _names: list[str] = field(default_factory=list)

    async def new_database(self) -> str:
        name = f"hubdb_test_{uuid.uuid4().hex[:12]}"
        await self._admin(f'CREATE DATABASE "{name}"')
        self._names.append(name)
        return make_url(self.admin_url).set(database=name).render_as_string(hide_password=False)

    async def copy_of(self, template_url: str) -> str:
        """PostgreSQL copies the template's files (``CREATE DATABASE … TEMPLATE``): a
        tenth of the time migrating and seeding a new database takes."""
        name = f"hubdb_test_{uuid.uuid4().hex[:12]}"
        template = make_url(template_url).database
        await self._admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        self._names.append(name)
        return make_url(self.admin_url).set(database=name).render_as_string(hide_password=False)

    async def close(self) -> None:
        for name in self._names:
            await self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    async def _admin(self, statement: str) -> None:
        # A short-lived engine per call: fixtures run in different event loops.
        engine = create_async_engine(
            self.admin_url, poolclass=NullPool, isolation_level="AUTOCOMMIT"
        )
        try:
            async with engine.connect() as connection:
                await connection.execute(sa.text(statement))
        finally:
            await engine.dispose()


@asynccontextmanager
async def seeded_database(backend: str, folder: Path, *, seed: bool = True) -> AsyncIterator[str]:
    """A migrated (and, unless ``seed=False``, seeded) database of ``backend`` ("sqlite" or
    "postgresql"), dropped afterwards; PostgreSQL needs ``TEST_DATABASE_URL`` (the test is
    skipped without it). A copy of a template made once per test process
    (``_Templates``)."""
    template = await seeded_template(backend, seed=seed)
    if backend == "sqlite":
        url = f"sqlite+aiosqlite:///{folder / 'hub.sqlite3'}"
        _copy_file(template, url)
        yield url
        return
    server = PostgresServer(_admin_url())
    try:
        yield await server.copy_of(template)
    finally:
        await server.close()


async def seeded_template(backend: str, *, seed: bool = True) -> str:
    """The migrated (and, unless ``seed=False``, seeded) database of ``backend`` that copies
    are made of, made once per test process (``_Templates``); nothing may connect to it.
    PostgreSQL's is on the server of ``TEST_DATABASE_URL`` (the test is skipped without
    it)."""
    if backend == "sqlite":
        return await _TEMPLATES.sqlite(seed)
    return await _TEMPLATES.postgres(_admin_url(), seed)


def _admin_url() -> str:
    admin_url = os.environ.get(POSTGRES_ENV)
    if not admin_url:
        pytest.skip(f"{POSTGRES_ENV} is not set: the PostgreSQL run is skipped")
    return admin_url


class _Templates:
    """The databases ``seeded_database`` copies, migrated (and seeded) on first use, once per
    test process, and removed when it exits: a copy takes a tenth of the time migrating and
    seeding does. Nothing connects to a template once it is made."""

    def __init__(self) -> None:
        self._made: dict[tuple[str, bool], str] = {}
        self._folder: Path | None = None
        self._server: PostgresServer | None = None

    async def sqlite(self, seed: bool) -> str:
        made = self._made.get(("sqlite", seed))
        if made is None:
            if self._folder is None:
                self._folder = Path(tempfile.mkdtemp(prefix="hub-templates-"))
                atexit.register(shutil.rmtree, self._folder, ignore_errors=True)
            made = f"sqlite+aiosqlite:///{self._folder / f'seed-{seed}.sqlite3'}"
            await (migrate_and_seed if seed else migrate)(made)
            self._made["sqlite", seed] = made
        return made

    async def postgres(self, admin_url: str, seed: bool) -> str:
        made = self._made.get(("postgresql", seed))
        if made is None:
            if self._server is None:
                self._server = PostgresServer(admin_url)
                atexit.register(_drop_templates, self._server)
            made = await self._server.new_database()
            await (migrate_and_seed if seed else migrate)(made)
            self._made["postgresql", seed] = made
        return made


def _drop_templates(server: PostgresServer) -> None:
    asyncio.run(server.close())


_TEMPLATES = _Templates()
