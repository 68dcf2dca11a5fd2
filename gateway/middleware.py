"""What the gateway does to a request before its endpoint runs, in pieces the request
pipeline (``gateway.pipeline``) puts together: the request ids, the answer to a hub database
out of reach, and the authentication and rate limits of partner keys, people and anonymous
clients (a middleware around the endpoints that need a viewer)."""

from __future__ import annotations

import contextvars
import os
import re
from dataclasses import dataclass
from typing import Any

import structlog
from starlette.types import ASGIApp, Receive, Scope, Send

from auth.api_keys import ApiKeys, api_key_in
from auth.identity import Authenticator
from auth.oidc import IdentityProviderUnavailable
from auth.tokens import InvalidToken
from auth.viewer import ANONYMOUS, Viewer
from connectors.hubdb import DatabaseUnavailable
from gateway.logging import bind_request_ids
from gateway.metrics import RATE_LIMITED
from gateway.over_http import send_error
from gateway.ratelimit import RateLimiter, Verdict
from gateway.request_headers import request_header

__all__ = [
    "AuthenticationMiddleware",
    "ClientLimits",
    "RequestIds",
    "add_answer_headers",
    "answer_database_unavailable",
    "answer_headers",
]

_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
_log = structlog.get_logger("gateway.http")


class _FreshIds:
    """Request ids of 32 hex digits from the system's randomness (``os.urandom``), read 128
    ids at a time: one system call for 128 requests instead of one each. A forked child
    reads its own (``os.register_at_fork``), never its parent's."""

    _IDS_PER_READ = 128

    def __init__(self) -> None:
        self._digits = ""
        self._at = 0
        os.register_at_fork(after_in_child=self._forget)

    def _forget(self) -> None:
        self._digits, self._at = "", 0

    def next(self) -> str:
        at = self._at
        if at >= len(self._digits):
            self._digits, at = os.urandom(16 * self._IDS_PER_READ).hex(), 0
        self._at = at + 32
        return self._digits[at : at + 32]


_fresh_ids = _FreshIds()


@dataclass(slots=True)  # not frozen: one is made per request, and a frozen one's __init__ costs 3×
class RequestIds:
    """The gateway's own id of a request (``X-Request-Id`` on the answer, on every log line,
    in the audit trail). A sane ``X-Request-Id`` from the client is kept beside it, never in
    its place: echoed as ``X-Client-Request-Id``, logged as ``client_request_id`` and stored
    with the audit events, so a client can find its request without choosing (or forging,
    or reusing) the id an audit entry is known by."""

    request_id: str
    client_request_id: str | None

    @classmethod
    def assign(cls, scope: Scope) -> RequestIds:
        """A new id for the request, put on its state with the client's (``request_id``,
        ``client_request_id``), where the view and the access line read them."""
        given = _header(scope, b"x-request-id")
        ids = cls(_fresh_ids.next(), given if given and _VALID_ID.match(given) else None)
        state = scope.setdefault("state", {})
        state["request_id"] = ids.request_id
        state["client_request_id"] = ids.client_request_id
        return ids

    def headers(self) -> list[tuple[bytes, bytes]]:
        headers = [(b"x-request-id", self.request_id.encode())]
        if self.client_request_id is not None:
            headers.append((b"x-client-request-id", self.client_request_id.encode()))
        return headers

    def bind_to_logs(self) -> contextvars.Token[Any]:
        """Binds the ids to every log line of the request; ``gateway.logging.
        unbind_request_ids(token)`` unbinds them."""
        return bind_request_ids(self.request_id, self.client_request_id)


_ANSWER_HEADERS = "gateway.answer_headers"
"""The scope's key of the headers the request pipeline adds to the answer
(``gateway.pipeline``): what an inner step has to say on it, without a send wrapper of its
own."""


def add_answer_headers(scope: Scope, headers: list[tuple[bytes, bytes]]) -> None:
    """``headers`` go out on the request's answer, whoever sends it."""
    scope[_ANSWER_HEADERS].extend(headers)


def answer_headers(scope: Scope) -> list[tuple[bytes, bytes]]:
    """The headers the request's answer will carry: empty, for the steps to add to."""
    headers: list[tuple[bytes, bytes]] = []
    scope[_ANSWER_HEADERS] = headers
    return headers


@dataclass(frozen=True, slots=True)
class ClientLimits:
    """Requests per minute of one person's account, and of one anonymous client by its
    address (the socket's peer, or the client a trusted proxy names: ``create_app``); 0
    for no limit. A partner key has its own (``rateLimitPerMinute``)."""

    person_per_minute: int
    anonymous_per_minute: int

    def counter(self, viewer: Viewer, scope: Scope) -> tuple[str, str, int]:
        """The namespace, the key and the limit that count this request."""
        if viewer.account_id is not None:
            return "account", viewer.account_id, self.person_per_minute
        client = scope.get("client")
        address = str(client[0]) if client else "unknown"
        return "client-address", address, self.anonymous_per_minute


class AuthenticationMiddleware:
    """Puts the Viewer on the request. No token: anonymous. A bad or expired token, or a
    bad API key: HTTP 401 with a message that says why (never the token itself). The
    identity provider out of reach: HTTP 503 with ``Retry-After`` (the token may well be
    good).

    ``Authorization: Bearer hubk_…`` is a partner API key (``auth.api_keys``): unknown,
    revoked or expired, 401; over its rate limit, 429 with ``Retry-After``. People (by
    account) and anonymous clients (by address) have theirs too (``client_limits``). Every
    answer to a limited caller carries its ``RateLimit-*`` headers (sent by the request
    pipeline, which this runs behind: ``add_answer_headers``); a refusal is logged
    ``rate_limited`` (or ``api_key_rate_limited``) with the viewer's kind, never the address
    or the token."""

    def __init__(
        self,
        app: ASGIApp,
        authenticator: Authenticator,
        api_keys: ApiKeys | None = None,
        limiter: RateLimiter | None = None,
        client_limits: ClientLimits | None = None,
    ) -> None:
        self.app = app
        self.authenticator = authenticator
        self.api_keys = api_keys
        self.limiter = limiter
        self.client_limits = client_limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        authorization = _header(scope, b"authorization")
        viewer = ANONYMOUS if not authorization else await self._viewer(authorization, send)
        if viewer is None:
            return
        if await self.admit(viewer, scope, send):
            await self.app(scope, receive, send)

    async def admit(self, viewer: Viewer, scope: Scope, send: Send) -> bool:
        """Counts the request against its viewer's limit: within it, the viewer is put on the
        request and the limit's headers go out on its answer (True); past it, the 429 is
        sent (False)."""
        counted = self._counted(viewer, scope)
        verdict = None
        if counted is not None and self.limiter is not None:
            key, per_minute, namespace = counted
            verdict = self.limiter.hit_in_memory(key, per_minute, namespace=namespace)
            if verdict is None:  # counted in Redis
                verdict = await self.limiter.hit(key, per_minute, namespace=namespace)
        if verdict is not None:
            if not verdict.allowed:
                if viewer.partner is not None:
                    _log.info("api_key_rate_limited", api_key_id=viewer.partner.key_id)
                else:
                    _log.info("rate_limited", viewer_kind=viewer.kind.value)
                RATE_LIMITED.labels(_limit_of(viewer)).inc()
                await _too_many_requests(verdict, send, _who(viewer))
                return False
            add_answer_headers(scope, verdict.headers())
        scope.setdefault("state", {})["viewer"] = viewer
        return True

    async def _viewer(self, authorization: str, send: Send) -> Viewer | None:
        """The viewer a token or an API key names; None when the request is answered here
        (401, 503)."""
        key = api_key_in(authorization) if self.api_keys is not None else None
        try:
            if key is not None and self.api_keys is not None:
                return await self.api_keys.viewer(key)
            return await self.authenticator.viewer(authorization)
        except IdentityProviderUnavailable as error:
            _log.warning("token_unchecked", reason=str(error), retry_after=error.retry_after)
            await _provider_unavailable(error, send)
        except InvalidToken as error:
            _log.info("token_refused", reason=str(error), api_key=key is not None)
            await _unauthorized(str(error), send)
        return None

    def _counted(self, viewer: Viewer, scope: Scope) -> tuple[str, int | None, str] | None:
        """What this request is counted against: its key, its limit per minute and the
        limit's namespace (``RateLimiter.hit``); None when it has no limit."""
        if self.limiter is None:
            return None
        if viewer.partner is not None:
            return viewer.partner.key_id, viewer.partner.rate_limit, "partner-key"
        if self.client_limits is None:
            return None
        namespace, key, per_minute = self.client_limits.counter(viewer, scope)
        if per_minute == 0:
            return None
        return key, per_minute, namespace


def _limit_of(viewer: Viewer) -> str:
    """The limit a viewer is counted against, as the rate-limit metric labels it."""
    if viewer.partner is not None:
        return "api_key"
    return "account" if viewer.account_id is not None else "address"


def _who(viewer: Viewer) -> str:
    if viewer.partner is not None:
        return "This API key"
    return "This account" if viewer.account_id is not None else "This address"


async def answer_database_unavailable(error: DatabaseUnavailable, scope: Scope, send: Send) -> None:
    """The hub database out of reach before an answer began (the account lookup of a
    signed-in request, a trusted document…): HTTP 503 with a JSON body, ``Retry-After`` and
    ``DATABASE_UNAVAILABLE``, and the connection kept open. The engine has logged it (once
    per kind and interval); a traceback per request would say nothing more."""
    extensions: dict[str, str | int] = {
        "code": "DATABASE_UNAVAILABLE",
        "retryAfter": int(error.retry_after_header),
    }
    request_id = scope.get("state", {}).get("request_id")
    if request_id:
        extensions["requestId"] = request_id
    message = "The hub database is unavailable; try again shortly."
    retry_after = (b"retry-after", error.retry_after_header.encode())
    await _error(send, 503, message, extensions, [retry_after])


def _header(scope: Scope, name: bytes) -> str | None:
    value = request_header(scope, name)
    return None if value is None else value.decode("latin-1")


async def _unauthorized(message: str, send: Send) -> None:
    await _error(
        send, 401, message, {"code": "UNAUTHENTICATED"},
        [(b"www-authenticate", b'Bearer error="invalid_token"')],
    )  # fmt: skip


async def _too_many_requests(verdict: Verdict, send: Send, who: str) -> None:
    message = (
        f"{who} made more than {verdict.limit} requests in a minute: retry in "
        f"{max(1, round(verdict.reset_after))} s."
    )
    await _error(send, 429, message, {"code": "RATE_LIMITED"}, verdict.headers())


async def _provider_unavailable(error: IdentityProviderUnavailable, send: Send) -> None:
    extensions = {"code": "UPSTREAM_UNAVAILABLE", "source": "identity-provider"}
    retry_after = (b"retry-after", str(error.retry_after).encode())
    await _error(send, 503, str(error), extensions, [retry_after])


async def _error(
    send: Send,
    status: int,
    message: str,
    extensions: dict[str, str] | dict[str, str | int],
    headers: list[tuple[bytes, bytes]],
) -> None:
    await send_error(send, status, message, extensions, headers)
