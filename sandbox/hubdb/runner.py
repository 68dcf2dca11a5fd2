"""Insert the seed rows that are missing, in bulk; never touch rows that exist."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from types import MappingProxyType
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker
from sqlalchemy.sql.schema import CallableColumnDefault, ScalarElementColumnDefault

from connectors.hubdb.enums import CURRENT_ASSIGNMENT_STATUSES
from connectors.hubdb.models import Base, agent_sort_name, company_search_text, fold
from sandbox.hubdb._common import Rows
from sandbox.hubdb.canonical import CANONICAL_PEOPLE, CANONICAL_STRUCTURES, canonical_rows
from sandbox.hubdb.companies import company_rows
from sandbox.hubdb.directory import directory_rows
from sandbox.hubdb.interactions import interaction_rows
from sandbox.hubdb.offers import offer_rows

__all__ = ["CHUNK", "seed", "seed_rows"]

CHUNK = 1000
"""Rows per INSERT statement."""

_CURRENT = {status.value for status in CURRENT_ASSIGNMENT_STATUSES}
_Key = tuple[Any, ...]


async def seed(
    session_factory: async_sessionmaker[AsyncSession],
    rows: Callable[[], Sequence[Base]] | None = None,
) -> None:
    """Add the seed rows whose primary key is not in the database yet, in one transaction:
    the canonical identities (or ``rows()`` when given), then the generated directory,
    companies and project holders.

    Idempotent: a second run finds every key and writes nothing. Rows edited since (a phone
    changed, a referent refused) are left as they are; a seeded referent request is not
    added to a company that has another current referent. Bulk Core inserts, no ORM flush.
    """
    by_table = _as_rows(rows()) if rows is not None else seed_rows()
    async with session_factory() as session, session.begin():
        connection = await session.connection()
        for table in Base.metadata.sorted_tables:
            candidates = by_table.get(table.name, ())
            if not candidates:
                continue
            missing = await _missing(connection, table, candidates)
            if table.name == "referent_assignments":
                missing = await _without_current_conflict(connection, table, missing)
            missing = _with_nullable_columns(table, missing)
            for start in range(0, len(missing), CHUNK):
                await connection.execute(sa.insert(table), missing[start : start + CHUNK])


@functools.cache
def seed_rows() -> MappingProxyType[str, tuple[dict[str, Any], ...]]:
    """Every seed row, by table (built once per process; do not mutate)."""
    by_table: dict[str, list[dict[str, Any]]] = {}
    directory = directory_rows(CANONICAL_STRUCTURES, CANONICAL_PEOPLE)
    generated = company_rows(directory)
    for part in (_as_rows(canonical_rows()), directory, generated):
        for name, table_rows in part.items():
            by_table.setdefault(name, []).extend(table_rows)
    support = interaction_rows(
        by_table["structures"], by_table["agents"], generated["companies"], generated["projects"]
    )
    for part in (offer_rows(by_table["structures"]), support):
        for name, table_rows in part.items():
            by_table.setdefault(name, []).extend(table_rows)
    return MappingProxyType({name: tuple(found) for name, found in by_table.items()})


def _as_rows(instances: Sequence[Base]) -> Rows:
    """ORM instances as complete column dicts (Python defaults and derived columns filled)."""
    rows: Rows = {}
    for instance in instances:
        table = cast(sa.Table, instance.__table__)
        row = {}
        for column in table.columns:
            value = getattr(instance, column.key, None)
            if value is None and isinstance(column.default, ScalarElementColumnDefault):
                value = column.default.arg
            elif value is None and isinstance(column.default, CallableColumnDefault):
                value = column.default.arg(cast(Any, None))  # utcnow-like: no context needed
            row[column.key] = value
        if table.name == "agents":
            first_name, last_name = str(row["first_name"]), str(row["last_name"])
            row["search_name"] = fold(f"{first_name} {last_name}")
            row["sort_name"] = agent_sort_name(first_name, last_name)
        elif table.name == "structures":
            row["search_name"] = fold(str(row["name"]))
        elif table.name == "companies":
            name, city = str(row["display_name"]), row["city"]
            row["search_text"] = company_search_text(name, str(row["siret"]), city)
            row["sort_name"] = fold(name)
        rows.setdefault(table.name, []).append(row)
    return rows


def _with_nullable_columns(table: sa.Table, rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows made before a nullable column was added leave it out: NULL (one INSERT takes
    rows with the same keys only)."""
    nullable = [column.key for column in table.columns if column.nullable]
    return [{**dict.fromkeys(nullable), **row} for row in rows]


def _key(table: sa.Table, row: dict[str, Any]) -> _Key:
    return tuple(row[column.key] for column in table.primary_key.columns)


async def _missing(
    connection: AsyncConnection, table: sa.Table, candidates: Sequence[dict[str, Any]]
) -> list[dict[str, Any]]:
    existing = {tuple(found) for found in await connection.execute(
        sa.select(*table.primary_key.columns))}  # fmt: skip
    return [row for row in candidates if _key(table, row) not in existing]


async def _without_current_conflict(
    connection: AsyncConnection, table: sa.Table, candidates: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    if not candidates:
        return []
    current = {
        (siret, project_id)
        for siret, project_id in await connection.execute(
            sa.select(table.c.siret, table.c.project_id).where(table.c.status.in_(sorted(_CURRENT)))
        )
    }
    return [
        row
        for row in candidates
        if row["status"] not in _CURRENT or (row.get("siret"), row.get("project_id")) not in current
    ]
