"""Trusted documents (persisted queries): documents registered by the administrator, sent by
their SHA-256 instead of their text, and the keys restricted to them; beside them, Apollo's
automatic persisted queries (APQ) for browser clients.

A request names a document by ``documentId`` (``"sha256:<hex>"`` or the bare hex) or by
Apollo's ``extensions.persistedQuery.sha256Hash``. A partner key restricted to persisted
documents runs only those it was given, whether it sends the id or the very same text;
anything else is refused with HTTP 400 and a coded error.

APQ: a hash the gateway does not know is ``PERSISTED_QUERY_NOT_FOUND`` (message
``PersistedQueryNotFound``, as Apollo's clients expect); the client then sends the hash with
the text, which is checked against the hash, run, and stored once it ran (``QueryStore``:
in Redis when the cache is, so every instance knows it). Over GET only a hash is taken, and
only a query runs. With ``TRUSTED_DOCUMENTS_ONLY`` (production), the administrator's
documents alone run: free text and APQ registration are refused with a coded 400."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any, NamedTuple

from cachetools import LRUCache
from graphql import GraphQLError
from strawberry.http import GraphQLRequestData

from auth.viewer import Viewer
from connectors.hubdb.partners import PartnerStore, document_id
from connectors.query_store import QueryStore

__all__ = ["DocumentRefused", "Resolved", "TrustedDocuments", "document_id"]

_SHA256 = "sha256:"


class DocumentRefused(Exception):
    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.error = GraphQLError(message, extensions={"code": code})


def _persisted_hash(data: GraphQLRequestData) -> str | None:
    persisted = (data.extensions or {}).get("persistedQuery")
    if isinstance(persisted, dict) and isinstance(persisted.get("sha256Hash"), str):
        return str(persisted["sha256Hash"]).lower()
    return None


def _document_id_in(body: dict[str, Any] | None) -> str | None:
    named = (body or {}).get("documentId")
    if isinstance(named, str):
        return named.removeprefix(_SHA256).lower()
    return None


class Resolved(NamedTuple):
    data: GraphQLRequestData
    register: str | None
    """The hash under which to store the query once it ran (an APQ registration)."""


class TrustedDocuments:
    """Registered documents by id, remembered in process (an id names one text forever);
    beside them, the automatic persisted queries of browser clients (``queries``)."""

    def __init__(
        self,
        store: PartnerStore,
        *,
        size: int = 1024,
        queries: QueryStore | None = None,
        trusted_only: bool = False,
    ) -> None:
        self._store = store
        self._known: LRUCache[str, str] = LRUCache(maxsize=size)
        self._queries = queries
        self._trusted_only = trusted_only

    @property
    def trusted_only(self) -> bool:
        """TRUSTED_DOCUMENTS_ONLY: nothing but the administrator's documents runs."""
        return self._trusted_only

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
        *,
        method: str = "POST",
    ) -> Resolved:
        """The request with its document's text; ``DocumentRefused`` when the document is
        unknown, does not match its hash, or may not run here (a key restricted to its
        documents, ``TRUSTED_DOCUMENTS_ONLY``, free text over GET). ``body`` reads the raw
        request (its JSON, or a GET's parameters), for a ``documentId``: only read when the
        request has no ``query``."""
        allowed = viewer.partner.documents if viewer.partner is not None else None
        if data.query is not None:
            return await self._text(data, _persisted_hash(data), allowed, method)
        requested = _persisted_hash(data) or _document_id_in(_json_object(await body()))
        if requested is None:
            return Resolved(data, None)  # no document at all: the GraphQL view says so
        document = await self.document(requested)
        if document is None and self._queries is not None and not self._trusted_only:
            document = await self._queries.get(requested)
        if document is None:
            raise DocumentRefused("PersistedQueryNotFound", "PERSISTED_QUERY_NOT_FOUND")
        if allowed is not None and requested not in allowed:
            raise _required()
        return Resolved(
            GraphQLRequestData(
                query=document,
                variables=data.variables,
                operation_name=data.operation_name,
                extensions=data.extensions,
                protocol=data.protocol,
            ),
            None,
        )

    async def _text(
        self,
        data: GraphQLRequestData,
        requested: str | None,
        allowed: frozenset[str] | None,
        method: str,
    ) -> Resolved:
        assert data.query is not None
        sha256 = document_id(data.query)
        if requested is not None and requested != sha256:
            raise DocumentRefused("provided sha does not match query", "BAD_USER_INPUT")
        if allowed is not None and sha256 not in allowed:
            raise _required()
        if method == "GET":
            raise DocumentRefused(
                "Over GET the gateway runs persisted queries only, by their hash "
                "(`extensions.persistedQuery.sha256Hash`); send the text by POST.",
                "BAD_USER_INPUT",
            )
        trusted = self._trusted_only or requested is not None
        if trusted and await self.document(sha256) is not None:
            return Resolved(data, None)
        if self._trusted_only:
            raise DocumentRefused(
                "This gateway runs trusted documents only: send one by `documentId` (or "
                "`extensions.persistedQuery.sha256Hash`).",
                "PERSISTED_QUERY_REQUIRED",
            )
        return Resolved(data, sha256 if requested is not None and self._queries else None)

    async def register(self, sha256: str, query: str) -> None:
        """Stores an automatic persisted query that ran (parsed, valid): never a text that
        does not match its hash (``resolve`` checked it)."""
        if self._queries is not None:
            await self._queries.put(sha256, query)


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
