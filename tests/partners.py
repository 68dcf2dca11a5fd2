"""Partner keys for tests: made through the real ``ApiKeys`` service, run through the real
schema with the key's own Viewer."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from strawberry.types import ExecutionResult

from auth.scopes import Scope
from auth.viewer import Viewer
from gateway.errors import HubSchema
from resolvers.context import Context, Services

__all__ = ["EVERY_SCOPE", "execute_as", "make_key"]

EVERY_SCOPE = frozenset(Scope)


async def make_key(
    services: Services,
    structure_id: str = "cci-gard",
    scopes: frozenset[Scope] = EVERY_SCOPE,
    *,
    expires_at: datetime | None = None,
    rate_limit: int | None = None,
    documents: tuple[str, ...] | None = None,
) -> tuple[str, Viewer]:
    """A new key of ``structure_id`` and the Viewer it acts as."""
    key, _ = await services.api_keys.create(
        structure_id=structure_id, name="test key", scopes=scopes, expires_at=expires_at,
        rate_limit=rate_limit, documents=documents,
    )  # fmt: skip
    return key, await services.api_keys.viewer(key)


async def execute_as(
    schema: HubSchema,
    services: Services,
    viewer: Viewer,
    query: str,
    variables: dict[str, Any] | None = None,
    request_id: str = "test-request",
) -> ExecutionResult:
    context = Context.create(viewer, services, request_id)
    return await schema.execute(query, variable_values=variables, context_value=context)
