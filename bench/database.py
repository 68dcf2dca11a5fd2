"""``--database-url``: the run's hub database on a PostgreSQL server, its own database there
(``hub_bench_<random>``), created before the run and dropped after it (the gateways of the
run migrate and seed it, as they do the default SQLite file)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

__all__ = ["database_backend", "throwaway_database"]


@contextmanager
def throwaway_database(server_url: str | None) -> Iterator[str]:
    """A new empty database on the server of ``server_url`` (its URL), dropped at the end;
    with no URL, "" (the workspace's SQLite file)."""
    if not server_url:
        yield ""
        return
    if make_url(server_url).get_backend_name() != "postgresql":
        raise SystemExit("--database-url: a postgresql+asyncpg:// URL")
    name = f"hub_bench_{uuid.uuid4().hex[:12]}"
    asyncio.run(_admin(server_url, f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(_admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def database_backend(url: str) -> str:
    """What the results record of the database: its backend, never its credentials."""
    return make_url(url).get_backend_name() if url else "sqlite"


async def _admin(server_url: str, statement: str) -> None:
    engine = create_async_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.exec_driver_sql(statement)
    finally:
        await engine.dispose()
