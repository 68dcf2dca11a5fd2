"""The hub database of a run, per backend: a SQLite file in the run's directory, or a fresh
PostgreSQL database created on the server named by ``BENCH_DATABASE_URL`` (else
``TEST_DATABASE_URL``) and dropped at the end, on failure too. ``hub-gateway serve`` (sandbox
mode) migrates and seeds either."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

__all__ = ["BACKENDS", "SERVER_ENVS", "HubDatabase", "choose_backends", "hub_database"]

BACKENDS = ("sqlite", "postgresql")
SERVER_ENVS = ("BENCH_DATABASE_URL", "TEST_DATABASE_URL")
_CONNECT_TIMEOUT_S = 5.0


@dataclass(frozen=True, slots=True)
class HubDatabase:
    backend: str
    url: str  # what the gateways and the in-process probes get as DATABASE_URL

    def describe(self) -> dict[str, str]:
        """For the result file: the backend and where, without a password."""
        shown = make_url(self.url)
        return {"backend": self.backend, "url": shown.render_as_string(hide_password=True)}


def _server_url() -> tuple[str, URL] | None:
    for name in SERVER_ENVS:
        if value := os.environ.get(name):
            return name, make_url(value).set(drivername="postgresql+asyncpg")
    return None


async def _admin(url: URL, *statements: str) -> None:
    engine = create_async_engine(
        url, poolclass=NullPool, isolation_level="AUTOCOMMIT",
        connect_args={"timeout": _CONNECT_TIMEOUT_S},
    )  # fmt: skip
    try:
        async with engine.connect() as connection:
            for statement in statements:
                await connection.execute(sa.text(statement))
    finally:
        await engine.dispose()


def choose_backends(asked: str | None) -> tuple[list[str], str | None]:
    """The backends to run and, when PostgreSQL is left out or cannot be used, why.
    ``asked=None``: both if the server answers, else SQLite alone with the reason."""
    server = _server_url()
    if asked == "sqlite":
        return ["sqlite"], None
    if server is None:
        reason = f"PostgreSQL skipped: neither {' nor '.join(SERVER_ENVS)} is set"
    else:
        name, url = server
        try:
            asyncio.run(_admin(url, "SELECT 1"))
            reason = None
        except (OSError, sa.exc.SQLAlchemyError, TimeoutError) as error:
            shown = url.render_as_string(hide_password=True)
            reason = f"PostgreSQL skipped: {name} ({shown}) not reachable: {error!s:.200}"
    if reason is None:
        return (["postgresql"] if asked == "postgresql" else list(BACKENDS)), None
    if asked is None:
        return ["sqlite"], reason
    raise SystemExit(f"--database {asked}: {reason.removeprefix('PostgreSQL skipped: ')}")


@contextmanager
def hub_database(backend: str, root: Path) -> Iterator[HubDatabase]:
    """The run's hub database for ``backend``, empty until a gateway migrates and seeds it."""
    if backend == "sqlite":
        yield HubDatabase("sqlite", f"sqlite+aiosqlite:///{root / 'hub.db'}")
        return
    server = _server_url()
    if server is None:
        raise RuntimeError(f"PostgreSQL needs {' or '.join(SERVER_ENVS)}")
    admin = server[1]
    name = f"bench_{datetime.now(UTC).strftime('%Y%m%dt%H%M%S')}_{os.getpid()}"
    asyncio.run(_admin(admin, f'CREATE DATABASE "{name}"'))
    try:
        url = admin.set(database=name).render_as_string(hide_password=False)
        yield HubDatabase("postgresql", url)
    finally:
        # FORCE: a gateway killed mid-request may leave a connection behind
        asyncio.run(_admin(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
