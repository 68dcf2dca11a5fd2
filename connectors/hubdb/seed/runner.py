"""Insert seed rows that are missing; never touch rows that exist."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from connectors.hubdb.enums import CURRENT_ASSIGNMENT_STATUSES
from connectors.hubdb.models import Base, ReferentAssignment
from connectors.hubdb.seed.canonical import canonical_rows

__all__ = ["seed"]

_Key = tuple[object, ...]


async def seed(
    session_factory: async_sessionmaker[AsyncSession],
    rows: Callable[[], Sequence[Base]] = canonical_rows,
) -> None:
    """Add the seed rows whose primary key is not in the database yet, in one transaction.

    Idempotent: a second run finds every key and writes nothing. Rows edited since (a phone
    changed, a referent refused) are left as they are; a canonical referent request is not
    added to a company that has another current referent.
    """
    by_model: dict[type[Base], list[Base]] = {}
    for row in rows():
        by_model.setdefault(type(row), []).append(row)
    async with session_factory() as session, session.begin():
        for model, instances in by_model.items():
            existing = await _existing_keys(session, model, instances)
            missing = [row for row in instances if _key(model, row) not in existing]
            if model is ReferentAssignment:
                missing = await _without_current_conflict(session, missing)
            session.add_all(missing)
            await session.flush()


def _key(model: type[Base], row: Base) -> _Key:
    return tuple(sa.inspect(model).primary_key_from_instance(row))


async def _existing_keys(
    session: AsyncSession, model: type[Base], instances: Sequence[Base]
) -> set[_Key]:
    columns = sa.inspect(model).primary_key
    leading = {_key(model, row)[0] for row in instances}
    result = await session.execute(sa.select(*columns).where(columns[0].in_(leading)))
    return {tuple(found) for found in result}


async def _without_current_conflict(session: AsyncSession, candidates: list[Base]) -> list[Base]:
    assignments = [row for row in candidates if isinstance(row, ReferentAssignment)]
    if not assignments:
        return []
    current = set(
        await session.scalars(
            sa.select(ReferentAssignment.siret).where(
                ReferentAssignment.siret.in_({row.siret for row in assignments}),
                ReferentAssignment.status.in_(CURRENT_ASSIGNMENT_STATUSES),
            )
        )
    )
    return [
        row
        for row in assignments
        if row.status not in CURRENT_ASSIGNMENT_STATUSES or row.siret not in current
    ]
