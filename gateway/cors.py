"""CORS: which browser pages, on other origins, may call the gateway (``CORS_ALLOWED_ORIGINS``).

Starlette's ``CORSMiddleware``'s rules: GET and POST, the headers a GraphQL client sends, and never
credentials: a token travels in the ``Authorization`` header, never in a cookie, so no
allowed origin can make a browser send one on its own. A preflight from an origin not
allowed is refused with no CORS header at all, and a simple request from one gets none:
the browser keeps the answer from the page."""

from __future__ import annotations

from collections.abc import Awaitable

from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from gateway.over_http import error_response
from gateway.request_headers import request_header
from gateway.settings import Settings

__all__ = ["CorsPolicy", "cors_policy"]

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
    """Starlette's rules; a preflight from an origin not allowed is refused in JSON."""

    def preflight_response(self, request_headers: Headers) -> Response:
        if not self.is_allowed_origin(request_headers["origin"]):
            return error_response(403, "This origin may not call the gateway from a browser.")
        return super().preflight_response(request_headers)


def _no_app(scope: Scope, receive: Receive, send: Send) -> Awaitable[None]:
    raise NotImplementedError("the request pipeline calls the endpoint, not CORS")


class CorsPolicy:
    """What CORS answers, in the two steps the request pipeline (``gateway.pipeline``) asks
    for: the answer to a preflight, and what a simple request's answer says of CORS (what
    Starlette's ``CORSMiddleware.send`` adds, without a send wrapper of its own)."""

    def __init__(self, allowed_origins: list[str], origin_regex: str | None) -> None:
        self._rules = _AllowList(
            _no_app,
            allow_origins=allowed_origins,
            allow_origin_regex=origin_regex,
            allow_methods=("GET", "POST"),
            allow_headers=_ALLOWED_HEADERS,
            allow_credentials=False,
            expose_headers=_EXPOSED_HEADERS,
            max_age=600,
        )
        self._simple = [
            (name.lower().encode(), value.encode())
            for name, value in self._rules.simple_headers.items()
        ]
        self._set_by_cors = {name for name, _ in self._simple} | {
            b"access-control-allow-origin",
            b"vary",
        }

    def preflight(self, scope: Scope) -> Response | None:
        """The answer to a CORS preflight (403 from an origin not allowed); None when the
        request is not one."""
        if scope["method"] != "OPTIONS":
            return None
        headers = Headers(scope=scope)
        if "origin" not in headers or "access-control-request-method" not in headers:
            return None
        return self._rules.preflight_response(headers)

    def allowed_origin(self, scope: Scope) -> str | None:
        """The request's ``Origin`` when it is allowed; None otherwise, so that an origin not
        allowed gets no CORS header at all (not even the exposed headers)."""
        value = request_header(scope, b"origin")
        if value is None:
            return None
        origin = value.decode("latin-1")
        return origin if self._rules.is_allowed_origin(origin) else None

    def mark(self, origin: str | None, headers: list[tuple[bytes, bytes]]) -> None:
        """Adds to an answer's ``headers`` what CORS says of it for ``origin`` (from
        ``allowed_origin``): the exposed headers and the origin allowed, in place of any
        the answer had, and always ``Origin`` in its ``Vary``."""
        granted = [] if origin is None else list(self._simple)
        if origin is not None and not self._rules.allow_all_origins:
            granted.append((b"access-control-allow-origin", origin.encode("latin-1")))
        varies: list[bytes] = []
        for present, _ in headers:  # names are lower-case in ASGI (Starlette's headers count on it)
            if present in self._set_by_cors:  # seldom: replaced, or merged (Vary)
                varies = [value for name, value in headers if name == b"vary"]
                names = {name for name, _ in granted} | {b"vary"}
                headers[:] = [header for header in headers if header[0] not in names]
                break
        headers.extend(granted)
        headers.append((b"vary", b", ".join([*varies, b"Origin"])))


def cors_policy(settings: Settings) -> CorsPolicy | None:
    """None when no origin is allowed (production's default)."""
    regex = settings.cors_origin_regex
    if not settings.cors_allowed_origins and regex is None:
        return None
    return CorsPolicy(settings.cors_allowed_origins, regex)
