"""A person's filières and favourites, always read and written for one account."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from connectors.hubdb.engine import WRITE_TRANSACTION
from connectors.hubdb.models import AccountFiliere, Favourite
from connectors.hubdb.runner import CoreRunner

__all__ = ["FavouriteRecord", "PreferenceStore"]

_FILIERES = AccountFiliere.__table__
_FAVOURITES = Favourite.__table__


@dataclass(frozen=True, slots=True)
class FavouriteRecord:
    kind: str
    item_id: str
    created_at: datetime


class PreferenceStore:
    def __init__(
        self, session_factory: async_sessionmaker[AsyncSession], runner: CoreRunner | None = None
    ) -> None:
        self._session_factory = session_factory
        self._runner = CoreRunner.or_sessions(runner, session_factory)

    @asynccontextmanager
    async def _writing(self) -> AsyncIterator[AsyncSession]:
        """One write transaction (on SQLite ``BEGIN IMMEDIATE``: a read then a write in it
        never has to upgrade its lock while another writer holds it)."""
        async with self._session_factory() as session, session.begin():
            await session.connection(execution_options={WRITE_TRANSACTION: True})
            yield session

    async def filieres(self, account_id: str) -> tuple[str, ...]:
        return (await self.filieres_of([account_id]))[account_id]

    async def filieres_of(self, account_ids: Sequence[str]) -> dict[str, tuple[str, ...]]:
        """Every account asked for, in one statement (an empty tuple when it chose none)."""
        found: dict[str, list[str]] = {account_id: [] for account_id in account_ids}
        if not found:
            return {}
        query = (
            sa.select(_FILIERES.c.account_id, _FILIERES.c.filiere)
            .where(_FILIERES.c.account_id.in_(sorted(found)))
            .order_by(_FILIERES.c.account_id, _FILIERES.c.filiere)
        )
        rows = await self._runner.read(lambda connection: connection.execute(query).all())
        for account_id, filiere in rows:
            found[account_id].append(filiere)
        return {account_id: tuple(filieres) for account_id, filieres in found.items()}

    async def set_filieres(self, account_id: str, filieres: Iterable[str]) -> tuple[str, ...]:
        """Replaces the account's filières in one transaction; the stored set, sorted."""
        chosen = tuple(sorted(set(filieres)))
        async with self._writing() as session:
            await session.execute(sa.delete(AccountFiliere).where(
                AccountFiliere.account_id == account_id
            ))  # fmt: skip
            session.add_all(AccountFiliere(account_id=account_id, filiere=f) for f in chosen)
        return chosen

    async def favourites(self, account_id: str) -> list[FavouriteRecord]:
        """Newest first (then by kind and id)."""
        query = (
            sa.select(_FAVOURITES)
            .where(_FAVOURITES.c.account_id == account_id)
            .order_by(_FAVOURITES.c.created_at.desc(), _FAVOURITES.c.kind, _FAVOURITES.c.item_id)
        )
        rows = await self._runner.read(lambda connection: connection.execute(query).all())
        return [FavouriteRecord(row.kind, row.item_id, row.created_at) for row in rows]

    async def add_favourite(self, account_id: str, kind: str, item_id: str, now: datetime) -> None:
        """Idempotent: an item kept already stays as it was (its date included)."""
        async with self._writing() as session:
            kept = await session.get(Favourite, (account_id, kind, item_id))
            if kept is None:
                session.add(Favourite(
                    account_id=account_id, kind=kind, item_id=item_id, created_at=now
                ))  # fmt: skip

    async def remove_favourite(self, account_id: str, kind: str, item_id: str) -> None:
        """Idempotent: removing an item not kept changes nothing."""
        async with self._writing() as session:
            await session.execute(sa.delete(Favourite).where(
                Favourite.account_id == account_id, Favourite.kind == kind,
                Favourite.item_id == item_id,
            ))  # fmt: skip
