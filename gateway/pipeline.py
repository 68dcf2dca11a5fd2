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
every request (docs/decisions.md, "One request pipeline").

**The door.** A request without a token to ``/graphql`` whose answer is kept whole
(``gateway.execution.whole``) is answered before step 1, by the same pieces in the same
order, less what has nothing to do for it: its body came whole with its head (so no wait
to bound), the view says what it would send (``GraphQLView.kept_request``), the rate limit
counts it (``AuthenticationMiddleware.admit``: a 429 past it), and its ids, CORS headers,
access line and metrics are the same as on the way in. What it leaves out: the trace's
context (no span is recorded, ``spans_recorded``; the access line says the trace id the
request would have had), the body limit's timer and the endpoint's layers. The operation
is noted, and the answer asked for again, once the rate limit let it through: an answer no
longer kept by then is the view's to give. Anything else goes the whole way, its body
replayed. ``tests/gateway/test_pipeline_door.py`` holds the two ways to the same answer,
headers, line and metrics."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.applications import Starlette
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from auth.viewer import ANONYMOUS
from connectors.http import tallying
from connectors.hubdb import DatabaseUnavailable
from gateway.access import open_record, write_access_line
from gateway.cors import CorsPolicy
from gateway.graphql import GraphQLView
from gateway.kept_answers import KEPT_REQUEST_MAX_BYTES
from gateway.limits import BodyLimit
from gateway.logging import unbind_request_ids
from gateway.middleware import (
    AuthenticationMiddleware,
    RequestIds,
    answer_database_unavailable,
    answer_headers,
)
from gateway.request_headers import request_header
from gateway.tracing import spans_recorded, tracing_middleware

__all__ = ["PipelinedApplication", "RequestPipeline"]


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
        if (
            scope["type"] == "http"
            and scope["method"] == "POST"
            and scope["path"] == "/graphql"
            and not scope.get("root_path")
            and not request_header(scope, b"authorization")
            and not spans_recorded()
        ):
            going_on = await self._at_door(scope, receive, send)
            if going_on is None:
                return
            receive = going_on
        await self._traced(scope, receive, send)

    async def _at_door(self, scope: Scope, receive: Receive, send: Send) -> Receive | None:
        """Answers a request without a token whose answer is kept whole (the module's
        "door"); None once answered, else what the request receives from then on."""
        graphql = getattr(getattr(scope.get("app"), "state", None), "graphql", None)
        if not isinstance(graphql, AuthenticationMiddleware):
            return receive
        view = graphql.app
        if not isinstance(view, GraphQLView):
            return receive
        body, receive = self._body_limit.ready_body(scope, receive, within=KEPT_REQUEST_MAX_BYTES)
        if body is None:
            return receive
        kept = view.kept_request(scope, body)
        if kept is None:
            return receive

        async def answer(answering: Send) -> None:
            if not await graphql.admit(ANONYMOUS, scope, answering):
                return
            if not await view.send_kept(kept, answering):  # no longer kept: the view answers
                await view(scope, receive, answering)

        await self._attended(scope, send, answer, traced=False)
        return None

    async def _traced_request(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self._http(scope, receive, send)
            return
        logged = RequestIds.assign(scope).bind_to_logs()  # a websocket
        try:
            await self.app(scope, receive, send)
        finally:
            unbind_request_ids(logged)

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def answer(answering: Send) -> None:
            await self._answer(scope, receive, answering)

        await self._attended(scope, send, answer)

    async def _attended(
        self,
        scope: Scope,
        send: Send,
        answer: Callable[[Send], Awaitable[None]],
        *,
        traced: bool = True,
    ) -> None:
        """``answer`` (given the request's one send wrapper) with the request's ids, its
        access line and metrics, its partner calls tallied, and the hub database out of
        reach answered 503. ``traced``: whether it runs in the request's trace."""
        started = time.perf_counter()
        ids = RequestIds.assign(scope)
        answering = self._answering(scope, ids, send)
        logged = ids.bind_to_logs()
        record = open_record()
        try:
            with tallying() as upstream:
                try:
                    await answer(answering)
                except DatabaseUnavailable as error:
                    if answering.status is not None:
                        raise
                    await answer_database_unavailable(error, scope, answering)
        finally:
            unbind_request_ids(logged)
            seconds = time.perf_counter() - started
            status = answering.status or 500
            write_access_line(record, scope, status, seconds, upstream, traced=traced)

    def _answering(self, scope: Scope, ids: RequestIds, send: Send) -> _Answering:
        extra = answer_headers(scope)
        extra.extend(ids.headers())
        cors = self._cors
        return _Answering(
            send, extra, cors, cors.allowed_origin(scope) if cors is not None else None
        )

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


class _Answering:
    """The request's one ``send`` wrapper: the headers the steps add (``extra``: ids, rate
    limits) and CORS's go out on the answer's start, whose status it notes."""

    __slots__ = ("_cors", "_extra", "_origin", "_send", "status")

    def __init__(
        self,
        send: Send,
        extra: list[tuple[bytes, bytes]],
        cors: CorsPolicy | None,
        origin: str | None,
    ) -> None:
        self._send = send
        self._extra = extra
        self._cors = cors
        self._origin = origin
        self.status: int | None = None

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
            headers = message.setdefault("headers", [])
            headers.extend(self._extra)
            if self._cors is not None:
                self._cors.mark(self._origin, headers)
        await self._send(message)


class PipelinedApplication(Starlette):
    """Starlette with the request pipeline around its own stack (its error middleware, its
    exception middleware, the router) rather than inside it as a user middleware; and, when
    ``trusted_proxies`` is set, the client a trusted proxy names (``X-Forwarded-For``: the
    address anonymous rate limits count) put on the request before the pipeline.

    An answer kept whole (the pipeline's door) then goes through no Starlette layer at all:
    the error middleware's call and send wrapper were a twentieth of its CPU. An exception
    of an endpoint still gets the error middleware's 500, now with the pipeline's headers
    (the request id); one of the pipeline's own steps gets uvicorn's, the same plain-text
    500."""

    def __init__(
        self,
        *,
        body_limit: BodyLimit,
        cors: CorsPolicy | None,
        endpoints: dict[str, ASGIApp],
        trusted_proxies: str = "",
        **starlette: Any,
    ) -> None:
        self._body_limit = body_limit
        self._cors = cors
        self._endpoints = endpoints
        self._trusted_proxies = trusted_proxies
        super().__init__(**starlette)

    def build_middleware_stack(self) -> ASGIApp:
        app: ASGIApp = RequestPipeline(
            super().build_middleware_stack(),
            body_limit=self._body_limit,
            cors=self._cors,
            endpoints=self._endpoints,
        )
        if self._trusted_proxies.strip():
            proxied: Any = ProxyHeadersMiddleware  # uvicorn's ASGI types, not Starlette's
            app = proxied(app, trusted_hosts=self._trusted_proxies)
        return app
