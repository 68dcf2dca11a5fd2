"""Partner access, run by the administrator: API keys (created with their secret shown once,
listed, revoked) and the persisted documents a key may be restricted to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import structlog
from graphql import GraphQLError, parse, validate

from auth.actions import Action, require
from auth.scopes import Scope
from connectors.hubdb.partners import (
    ApiKeyRecord,
    PersistedQueryRecord,
    UnknownStructure,
    document_id,
)
from resolvers.context import Info
from resolvers.errors import BAD_USER_INPUT, NOT_FOUND, coded_error

__all__ = [
    "KeyRequest",
    "api_keys",
    "create_api_key",
    "persisted_queries",
    "register_persisted_query",
    "revoke_api_key",
]

_log = structlog.get_logger(__name__)
_MAX_NAME = 100
_MAX_RATE = 100_000
_MAX_DOCUMENT = 100_000


@dataclass(frozen=True, slots=True)
class KeyRequest:
    structure_id: str
    name: str
    scopes: frozenset[Scope]
    expires_at: datetime | None = None
    rate_limit: int | None = None
    documents: tuple[str, ...] | None = None


async def create_api_key(info: Info, request: KeyRequest) -> tuple[str, ApiKeyRecord]:
    """The key (its secret is in no log and nowhere else afterwards) and its record."""
    context = info.context
    require(Action.MANAGE_PARTNER_ACCESS, context.viewer)
    name = " ".join(request.name.split())
    if not name or len(name) > _MAX_NAME:
        raise coded_error(f"A key's name has 1 to {_MAX_NAME} characters.", BAD_USER_INPUT,
                          argument="name")  # fmt: skip
    if not request.scopes:
        raise coded_error("Give the key at least one scope.", BAD_USER_INPUT, argument="scopes")
    if request.expires_at is not None and request.expires_at <= datetime.now(UTC):
        raise coded_error("The expiry must be in the future.", BAD_USER_INPUT,
                          argument="expiresAt")  # fmt: skip
    if request.rate_limit is not None and not 1 <= request.rate_limit <= _MAX_RATE:
        raise coded_error(f"The rate limit is between 1 and {_MAX_RATE} requests per minute.",
                          BAD_USER_INPUT, argument="rateLimitPerMinute")  # fmt: skip
    documents = None
    if request.documents is not None:
        documents = tuple(sorted({d.removeprefix("sha256:").lower() for d in request.documents}))
        known = await context.services.partners.documents(documents)
        missing = [d for d in documents if d not in known]
        if missing or not documents:
            raise coded_error(
                "Register the persisted queries first (registerPersistedQuery); unknown: "
                f"{', '.join(missing) or 'none given'}.",
                BAD_USER_INPUT,
                argument="persistedQueries",
            )
    try:
        key, record = await context.services.api_keys.create(
            structure_id=request.structure_id,
            name=name,
            scopes=request.scopes,
            expires_at=request.expires_at,
            rate_limit=request.rate_limit,
            documents=documents,
            created_by=context.viewer.account_id,
        )
    except UnknownStructure:
        raise coded_error(f"No structure has the id {request.structure_id!r}.", NOT_FOUND,
                          argument="structureId") from None  # fmt: skip
    _log.info("api_key.created", api_key_id=record.id, structure_id=record.structure_id,
              scopes=list(record.scopes))  # fmt: skip
    return key, record


async def revoke_api_key(info: Info, key_id: str) -> ApiKeyRecord:
    context = info.context
    require(Action.MANAGE_PARTNER_ACCESS, context.viewer)
    record = await context.services.api_keys.revoke(key_id, by=context.viewer.account_id)
    if record is None:
        raise coded_error(f"No API key has the id {key_id!r}.", NOT_FOUND, argument="id")
    _log.info("api_key.revoked", api_key_id=record.id)
    return record


async def api_keys(
    info: Info, structure_id: str | None, include_revoked: bool
) -> list[ApiKeyRecord]:
    return await info.context.services.partners.keys(
        structure_id=structure_id, include_revoked=include_revoked
    )


async def register_persisted_query(
    info: Info, document: str, name: str | None
) -> PersistedQueryRecord:
    """Registers a document under the SHA-256 of its exact text (what clients send)."""
    context = info.context
    require(Action.MANAGE_PARTNER_ACCESS, context.viewer)
    if not document.strip() or len(document) > _MAX_DOCUMENT:
        raise coded_error(f"A document has 1 to {_MAX_DOCUMENT} characters.", BAD_USER_INPUT,
                          argument="document")  # fmt: skip
    try:
        errors = validate(info.schema._schema, parse(document))
    except GraphQLError as error:
        errors = [error]
    if errors:
        raise coded_error(f"The document is not valid here: {errors[0].message}",
                          BAD_USER_INPUT, argument="document")  # fmt: skip
    if name is not None and len(name) > _MAX_NAME:
        raise coded_error(f"A name has at most {_MAX_NAME} characters.", BAD_USER_INPUT,
                          argument="name")  # fmt: skip
    return await context.services.partners.register_document(
        document_id(document), document, name=name, by=context.viewer.account_id,
        now=datetime.now(UTC),
    )  # fmt: skip


async def persisted_queries(info: Info) -> list[PersistedQueryRecord]:
    return list((await info.context.services.partners.documents()).values())
