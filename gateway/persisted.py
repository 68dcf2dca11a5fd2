"""Trusted documents (persisted queries): documents registered by the administrator, sent by
their SHA-256 instead of their text, and the keys restricted to them.

A request names a document by ``documentId`` (``"sha256:<hex>"`` or the bare hex) or by
Apollo's ``extensions.persistedQuery.sha256Hash``. A partner key restricted to persisted
documents runs only those it was given, whether it sends the id or the very same text;
anything else is refused with HTTP 400 and a coded error."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from cachetools import LRUCache
from graphql import GraphQLError
from strawberry.http import GraphQLRequestData

from auth.viewer import Viewer
from connectors.hubdb.partners import PartnerStore, document_id

__all__ = ["DocumentRefused", "TrustedDocuments", "document_id"]

_SHA256 = "sha256:"


class DocumentRefused(Exception):
    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.error = GraphQLError(message, extensions={"code": code})


def _requested_id(data: GraphQLRequestData, body: dict[str, Any] | None) -> str | None:
    persisted = (data.extensions or {}).get("persistedQuery")
    if isinstance(persisted, dict) and isinstance(persisted.get("sha256Hash"), str):
        return str(persisted["sha256Hash"]).lower()
    named = (body or {}).get("documentId")
    if isinstance(named, str):
        return named.removeprefix(_SHA256).lower()
    return None


class TrustedDocuments:
    """Registered documents by id, remembered in process (an id names one text forever)."""

    def __init__(self, store: PartnerStore, *, size: int = 1024) -> None:
        self._store = store
        self._known: LRUCache[str, str] = LRUCache(maxsize=size)

    async def document(self, id: str) -> str | None:
        known = self._known.get(id)
        if known is None:
            found = (await self._store.documents([id])).get(id)
            if found is None:
                return None
            known = self._known[id] = found.document
        return known

    async def resolve(
        self,
        data: GraphQLRequestData,
        viewer: Viewer,
        body: Callable[[], Awaitable[str | bytes]],
    ) -> GraphQLRequestData:
        """The request with its document's text; ``DocumentRefused`` when the document is
        unknown or the viewer's key may not run it. ``body`` reads the raw request body,
        only needed (and read) when the request has no ``query``."""
        allowed = viewer.partner.documents if viewer.partner is not None else None
        if data.query is not None:
            if allowed is not None and document_id(data.query) not in allowed:
                raise _required()
            return data
        requested = _requested_id(data, _json_object(await body()))
        if requested is None:
            return data  # no document at all: the GraphQL view says so
        document = await self.document(requested)
        if document is None:
            raise DocumentRefused("PersistedQueryNotFound", "PERSISTED_QUERY_NOT_FOUND")
        if allowed is not None and requested not in allowed:
            raise _required()
        return GraphQLRequestData(
            query=document,
            variables=data.variables,
            operation_name=data.operation_name,
            extensions=data.extensions,
            protocol=data.protocol,
        )


def _required() -> DocumentRefused:
    return DocumentRefused(
        "This API key runs only the persisted documents it was given: send one of them by "
        "`documentId` (or `extensions.persistedQuery.sha256Hash`).",
        "PERSISTED_QUERY_REQUIRED",
    )


def _json_object(raw: str | bytes) -> dict[str, Any] | None:
    try:
        decoded = json.loads(raw)
    except ValueError:
        return None
    return decoded if isinstance(decoded, dict) else None
