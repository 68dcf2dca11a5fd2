"""The gateway's HTTP middlewares as one ASGI callable with one ``send`` wrapper: what every
request goes through before its endpoint, in a fixed order.

1. its trace (``gateway.tracing``: the caller's ``traceparent``, or a new trace);
2. its ids (``gateway.middleware.RequestIds``: ``X-Request-Id``, ``X-Client-Request-Id``,
   bound to the logs), its access line and metrics (``gateway.access``), its partner calls
   tallied (``connectors.http``);
3. CORS (``gateway.cors``): a preflight answered here;
4. the body read within its size and time (``gateway.limits.BodyLimit``: 413, 408);
5. the endpoint: ``/graphql`` straight, as the router would hand it over (authentication
   and rate limits are its ``AuthenticationMiddleware``), the other paths through Starlette's
   router; the hub database out of reach before an answer began: a JSON 503
   (``gateway.middleware.answer_database_unavailable``).

Each step adds what it has to say on the answer (ids, ``RateLimit-*``, CORS) to the one
wrapper that sends the answer's start, which also notes the status for the access line.
A chain of one middleware per step cost a send wrapper, a coroutine and a closure each, on
every request (docs/decisions.md, "One request pipeline")."""

from __future__ import annotations

import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send
from structlog.contextvars import reset_contextvars

from connectors.http import tallying
from connectors.hubdb import DatabaseUnavailable
from gateway.access import open_record, write_access_line
from gateway.cors import CorsPolicy
from gateway.limits import BodyLimit
from gateway.middleware import RequestIds, answer_database_unavailable, answer_headers
from gateway.tracing import tracing_middleware

__all__ = ["RequestPipeline"]


class RequestPipeline:
    """``app``: the rest of the application (Starlette's router); ``endpoints``: paths
    whose endpoint is called straight, without the router (the same endpoint the router
    has for the path: a shortcut, not another route)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        body_limit: BodyLimit,
        cors: CorsPolicy | None = None,
        endpoints: dict[str, ASGIApp] | None = None,
    ) -> None:
        self.app = app
        self._body_limit = body_limit
        self._cors = cors
        self._endpoints = endpoints or {}
        self._traced = tracing_middleware(self._traced_request)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.app(scope, receive, send)
            return
        await self._traced(scope, receive, send)

    async def _traced_request(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self._http(scope, receive, send)
            return
        logged = RequestIds.assign(scope).bind_to_logs()  # a websocket
        try:
            await self.app(scope, receive, send)
        finally:
            reset_contextvars(**logged)

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = time.perf_counter()
        ids = RequestIds.assign(scope)
        extra = answer_headers(scope)
        extra.extend(ids.headers())
        cors = self._cors
        origin = cors.allowed_origin(scope) if cors is not None else None
        status: int | None = None

        async def send_answer(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = message.setdefault("headers", [])
                headers.extend(extra)
                if cors is not None:
                    cors.mark(origin, headers)
            await send(message)

        logged = ids.bind_to_logs()
        record = open_record()
        try:
            with tallying() as upstream:
                try:
                    await self._answer(scope, receive, send_answer)
                except DatabaseUnavailable as error:
                    if status is not None:
                        raise
                    await answer_database_unavailable(error, scope, send_answer)
        finally:
            reset_contextvars(**logged)
            seconds = time.perf_counter() - started
            write_access_line(record, scope, status or 500, seconds, upstream)

    async def _answer(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self._cors is not None:
            preflight = self._cors.preflight(scope)
            if preflight is not None:
                await preflight(scope, receive, send)
                return
        receive_body = await self._body_limit.read(scope, receive, send)
        if receive_body is None:
            return
        endpoint = None if scope.get("root_path") else self._endpoints.get(scope["path"])
        await (endpoint or self.app)(scope, receive_body, send)
