"""Partner access in the hub database: API keys (found by their non-secret prefix, only a
keyed hash of the secret stored) and persisted documents (trusted queries by SHA-256)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from connectors.hubdb.models import ApiKey, PersistedQuery, Structure
from connectors.hubdb.runner import CoreRunner

__all__ = [
    "ApiKeyRecord",
    "NewApiKey",
    "PartnerStore",
    "PersistedQueryRecord",
    "UnknownStructure",
    "document_id",
]


def document_id(document: str) -> str:
    """A persisted document's id: the SHA-256 of its text (UTF-8), in hex."""
    return hashlib.sha256(document.encode()).hexdigest()


class UnknownStructure(LookupError):
    """No structure has this id."""


@dataclass(frozen=True, slots=True)
class ApiKeyRecord:
    """A key as the administrator sees it: never its secret, nor the secret's hash."""

    id: str
    structure_id: str
    name: str
    prefix: str
    scopes: tuple[str, ...]
    documents: tuple[str, ...] | None
    rate_limit: int | None
    created_at: datetime
    created_by: str | None
    expires_at: datetime | None
    revoked_at: datetime | None


@dataclass(frozen=True, slots=True)
class NewApiKey:
    id: str
    structure_id: str
    name: str
    prefix: str
    secret_hash: str
    scopes: tuple[str, ...]
    documents: tuple[str, ...] | None
    rate_limit: int | None
    created_by: str | None
    expires_at: datetime | None


@dataclass(frozen=True, slots=True)
class PersistedQueryRecord:
    id: str
    """The SHA-256 of ``document`` (hex)."""
    name: str | None
    document: str
    created_at: datetime


_KEYS = ApiKey.__table__
_DOCUMENTS = PersistedQuery.__table__


def _key(row: sa.Row[tuple[object, ...]]) -> ApiKeyRecord:
    return ApiKeyRecord(
        id=row.id,
        structure_id=row.structure_id,
        name=row.name,
        prefix=row.prefix,
        scopes=tuple(row.scopes or ()),
        documents=None if row.documents is None else tuple(row.documents),
        rate_limit=row.rate_limit,
        created_at=row.created_at,
        created_by=row.created_by,
        expires_at=row.expires_at,
        revoked_at=row.revoked_at,
    )


def _document(row: sa.Row[tuple[object, ...]]) -> PersistedQueryRecord:
    return PersistedQueryRecord(
        id=row.id, name=row.name, document=row.document, created_at=row.created_at
    )


class PartnerStore:
    def __init__(
        self, session_factory: async_sessionmaker[AsyncSession], runner: CoreRunner | None = None
    ) -> None:
        """Writes are ORM transactions; ``runner`` runs the reads (``connectors.hubdb.runner``),
        without one they run on the async engine of ``session_factory``."""
        self._session_factory = session_factory
        self._runner = CoreRunner.or_sessions(runner, session_factory)

    async def create_key(self, key: NewApiKey, *, now: datetime) -> ApiKeyRecord:
        """``UnknownStructure`` when the structure does not exist."""
        async with self._session_factory() as session, session.begin():
            if await session.get(Structure, key.structure_id) is None:
                raise UnknownStructure(key.structure_id)
            session.add(
                ApiKey(
                    id=key.id,
                    structure_id=key.structure_id,
                    name=key.name,
                    prefix=key.prefix,
                    secret_hash=key.secret_hash,
                    scopes=list(key.scopes),
                    documents=None if key.documents is None else list(key.documents),
                    rate_limit=key.rate_limit,
                    created_at=now,
                    created_by=key.created_by,
                    expires_at=key.expires_at,
                )
            )
        found = await self.keys(ids=[key.id])
        return found[0]

    async def credentials(self, prefix: str) -> tuple[ApiKeyRecord, str] | None:
        """The key whose prefix this is, with the stored hash of its secret."""
        query = sa.select(_KEYS).where(_KEYS.c.prefix == prefix)
        row = await self._runner.read(lambda connection: connection.execute(query).first())
        return None if row is None else (_key(row), row.secret_hash)

    async def keys(
        self,
        *,
        ids: Sequence[str] | None = None,
        structure_id: str | None = None,
        include_revoked: bool = True,
    ) -> list[ApiKeyRecord]:
        """Newest first."""
        query = sa.select(_KEYS).order_by(_KEYS.c.created_at.desc(), _KEYS.c.id)
        if ids is not None:
            query = query.where(_KEYS.c.id.in_(list(ids)))
        if structure_id is not None:
            query = query.where(_KEYS.c.structure_id == structure_id)
        if not include_revoked:
            query = query.where(_KEYS.c.revoked_at.is_(None))
        rows = await self._runner.read(lambda connection: connection.execute(query).all())
        return [_key(row) for row in rows]

    async def revoke(self, key_id: str, *, by: str | None, now: datetime) -> ApiKeyRecord | None:
        """The key, revoked now (or when it already was); None when no key has this id."""
        async with self._session_factory() as session, session.begin():
            await session.execute(
                sa.update(ApiKey)
                .where(ApiKey.id == key_id, ApiKey.revoked_at.is_(None))
                .values(revoked_at=now, revoked_by=by)
            )
        found = await self.keys(ids=[key_id])
        return found[0] if found else None

    async def register_document(
        self, id: str, document: str, *, name: str | None, by: str | None, now: datetime
    ) -> PersistedQueryRecord:
        """Registers ``document`` under its hash ``id``; registering it again changes
        nothing (a hash names one text forever)."""
        try:
            async with self._session_factory() as session, session.begin():
                if await session.get(PersistedQuery, id) is None:
                    session.add(
                        PersistedQuery(
                            id=id, name=name, document=document, created_at=now, created_by=by
                        )
                    )
        except IntegrityError:  # registered concurrently: the same text, by its hash
            pass
        return (await self.documents([id]))[id]

    async def documents(self, ids: Sequence[str] | None = None) -> dict[str, PersistedQueryRecord]:
        """By id; every document when ``ids`` is None."""
        query = sa.select(_DOCUMENTS).order_by(_DOCUMENTS.c.created_at, _DOCUMENTS.c.id)
        if ids is not None:
            query = query.where(_DOCUMENTS.c.id.in_(sorted(set(ids))))
        rows = await self._runner.read(lambda connection: connection.execute(query).all())
        return {row.id: _document(row) for row in rows}
