"""HTTP middlewares (pure ASGI, cheap on the hot path): request id, authentication."""

from __future__ import annotations

import json
import re
import uuid

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from auth.identity import Authenticator
from auth.oidc import IdentityProviderUnavailable
from auth.tokens import InvalidToken

__all__ = ["AuthenticationMiddleware", "RequestIdMiddleware"]

_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
_log = structlog.get_logger("gateway.http")


class RequestIdMiddleware:
    """Takes a sane ``X-Request-Id`` from the client or makes one; echoes it back and binds
    it to every log line of the request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        given = _header(scope, b"x-request-id")
        request_id = given if given and _VALID_ID.match(given) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", []).append((b"x-request-id", request_id.encode()))
            await send(message)

        with structlog.contextvars.bound_contextvars(request_id=request_id):
            await self.app(scope, receive, send_with_id)


class AuthenticationMiddleware:
    """Puts the Viewer on the request. No token: anonymous. A bad or expired token: HTTP 401
    with a message that says why (never the token itself). The identity provider out of
    reach: HTTP 503 with ``Retry-After`` (the token may well be good)."""

    def __init__(self, app: ASGIApp, authenticator: Authenticator) -> None:
        self.app = app
        self.authenticator = authenticator

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            viewer = await self.authenticator.viewer(_header(scope, b"authorization"))
        except IdentityProviderUnavailable as error:
            _log.warning("token_unchecked", reason=str(error), retry_after=error.retry_after)
            await _provider_unavailable(error, send)
            return
        except InvalidToken as error:
            _log.info("token_refused", reason=str(error))
            await _unauthorized(str(error), send)
            return
        scope.setdefault("state", {})["viewer"] = viewer
        await self.app(scope, receive, send)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return str(value.decode("latin-1"))
    return None


async def _unauthorized(message: str, send: Send) -> None:
    await _error(
        send, 401, message, {"code": "UNAUTHENTICATED"},
        [(b"www-authenticate", b'Bearer error="invalid_token"')],
    )  # fmt: skip


async def _provider_unavailable(error: IdentityProviderUnavailable, send: Send) -> None:
    extensions = {"code": "UPSTREAM_UNAVAILABLE", "source": "identity-provider"}
    retry_after = (b"retry-after", str(error.retry_after).encode())
    await _error(send, 503, str(error), extensions, [retry_after])


async def _error(
    send: Send,
    status: int,
    message: str,
    extensions: dict[str, str],
    headers: list[tuple[bytes, bytes]],
) -> None:
    body = json.dumps({"errors": [{"message": message, "extensions": extensions}]}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
