"""Expected failures as GraphQL errors with an ``extensions.code`` frontends can rely on."""

from __future__ import annotations

from typing import Any

from graphql import GraphQLError

from connectors.errors import ConnectorError, NotFound, RateLimited
from connectors.hubdb import DatabaseUnavailable

__all__ = [
    "BAD_USER_INPUT",
    "DATABASE_UNAVAILABLE",
    "FORBIDDEN",
    "NOT_FOUND",
    "RATE_LIMITED",
    "UNAUTHENTICATED",
    "UPSTREAM_UNAVAILABLE",
    "coded_error",
    "from_connector_error",
]

BAD_USER_INPUT = "BAD_USER_INPUT"
NOT_FOUND = "NOT_FOUND"
FORBIDDEN = "FORBIDDEN"
UNAUTHENTICATED = "UNAUTHENTICATED"
UPSTREAM_UNAVAILABLE = "UPSTREAM_UNAVAILABLE"
RATE_LIMITED = "RATE_LIMITED"
DATABASE_UNAVAILABLE = "DATABASE_UNAVAILABLE"


def coded_error(message: str, code: str, **extensions: Any) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code, **extensions})


def from_connector_error(error: ConnectorError) -> GraphQLError:
    """A connector's typed failure, told to the client without internal detail."""
    if isinstance(error, DatabaseUnavailable):
        return coded_error(
            "The hub database is unavailable; try again shortly.",
            DATABASE_UNAVAILABLE,
            retryAfter=int(error.retry_after_header),
        )
    if isinstance(error, NotFound):
        return coded_error(
            f"Not found at the source ({error.source}).", NOT_FOUND, source=error.source
        )
    if isinstance(error, RateLimited):
        extra = {} if error.retry_after is None else {"retryAfter": error.retry_after}
        return coded_error(
            f"The source {error.source} is rate-limiting the hub; try again later.",
            RATE_LIMITED,
            source=error.source,
            **extra,
        )
    return coded_error(
        f"The source {error.source} is unavailable; try again later.",
        UPSTREAM_UNAVAILABLE,
        source=error.source,
    )
