"""CORS: which browser pages, on other origins, may call the gateway (``CORS_ALLOWED_ORIGINS``).

Starlette's ``CORSMiddleware``: GET and POST, the headers a GraphQL client sends, and never
credentials: a token travels in the ``Authorization`` header, never in a cookie, so no
allowed origin can make a browser send one on its own. A preflight from an origin not
allowed is refused with no CORS header at all, and a simple request from one gets none:
the browser keeps the answer from the page."""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from gateway.over_http import error_response
from gateway.settings import Settings

__all__ = ["cors_middleware"]

_ALLOWED_HEADERS = (
    "Accept",
    "Authorization",
    "Content-Type",
    "Apollo-Require-Preflight",
    "GraphQL-Require-Preflight",
    "X-Request-Id",
)
_EXPOSED_HEADERS = (
    "X-Request-Id",
    "X-Client-Request-Id",
    "Retry-After",
    "RateLimit-Limit",
    "RateLimit-Remaining",
    "RateLimit-Reset",
)


class _AllowList(CORSMiddleware):
    def preflight_response(self, request_headers: Headers) -> Response:
        if not self.is_allowed_origin(request_headers["origin"]):
            return error_response(403, "This origin may not call the gateway from a browser.")
        return super().preflight_response(request_headers)

    async def simple_response(
        self, scope: Scope, receive: Receive, send: Send, request_headers: Headers
    ) -> None:
        origin = request_headers.get("origin")
        if origin is not None and not self.is_allowed_origin(origin):
            # As if it had no Origin: "Vary: Origin" only, not even the exposed headers.
            without = [(k, v) for k, v in request_headers.raw if k != b"origin"]
            request_headers = Headers(raw=without)
        await super().simple_response(scope, receive, send, request_headers)


def cors_middleware(settings: Settings) -> list[Middleware]:
    """None when no origin is allowed (production's default)."""
    regex = settings.cors_origin_regex
    if not settings.cors_allowed_origins and regex is None:
        return []
    return [
        Middleware(
            _AllowList,
            allow_origins=settings.cors_allowed_origins,
            allow_origin_regex=regex,
            allow_methods=("GET", "POST"),
            allow_headers=_ALLOWED_HEADERS,
            allow_credentials=False,
            expose_headers=_EXPOSED_HEADERS,
            max_age=600,
        )
    ]
