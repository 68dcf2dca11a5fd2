"""A request's headers by name, read once per request: the trace, the request ids, CORS, the
body's limits, the authentication and the view each look up one or two, and each used to
walk the whole list (seven walks of a warm anonymous request)."""

from __future__ import annotations

from starlette.types import Scope

__all__ = ["request_header"]

_BY_NAME = "gateway.headers"


def request_header(scope: Scope, name: bytes) -> bytes | None:
    """The first value of the header ``name`` (lower case), as Starlette's ``Headers.get``
    reads it; None when the request has none."""
    by_name: dict[bytes, bytes] | None = scope.get(_BY_NAME)
    if by_name is None:
        by_name = {}
        for key, value in scope.get("headers", ()):
            if key not in by_name:
                by_name[key] = value
        scope[_BY_NAME] = by_name
    return by_name.get(name)
