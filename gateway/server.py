"""The gateway's HTTP server: uvicorn, with its limits taken from the settings, and the one
bound uvicorn does not have: the time a client may take to send a request's head.

uvicorn closes an idle keep-alive connection (``timeout_keep_alive``), but a connection
that sends its request line and headers a byte at a time (slowloris), or nothing at all,
stays open for ever. ``HeadTimeout`` closes it once ``HTTP_HEADER_TIMEOUT_S`` passed
without a complete head, or ``HTTP_MAX_HEADER_BYTES`` came without completing it, on a new
connection and between the requests of a kept-alive one.
The body's own bound is ``BodyLimit``'s (``HTTP_BODY_TIMEOUT_S``), where the body
is read.

Once started, the gateway's process sets its garbage collector for serving
(``settle_collector``)."""

from __future__ import annotations

import asyncio
import gc
import socket
from typing import Any

import uvicorn
from starlette.types import ASGIApp
from uvicorn.protocols.http.httptools_impl import (
    HEADER_RE,
    HEADER_VALUE_RE,
    STATUS_LINE,
    HttpToolsProtocol,
    RequestResponseCycle,
)

from gateway.settings import Settings

__all__ = [
    "YOUNGEST_GENERATION",
    "gateway_server",
    "head_timeout_protocol",
    "plain_server",
    "settle_collector",
]

YOUNGEST_GENERATION = 20_000
"""Allocations between two collections of the youngest generation (Python's default: 700)."""


_EARLY_S = 0.001
"""A timer may fire this early (libuv counts milliseconds)."""


def head_timeout_protocol(timeout: float, max_bytes: int) -> type[asyncio.Protocol]:
    """uvicorn's HTTP protocol (httptools), closing a connection whose request head is not
    complete ``timeout`` seconds after the connection opened or the previous answer ended,
    or once ``max_bytes`` came without completing it (httptools has no such bound). Its
    answers of a known length go out in one write (``_OneWriteCycle``)."""
    base: Any = HttpToolsProtocol

    class HeadTimeout(base):  # type: ignore[misc]
        max_head_bytes = max_bytes
        _head_timer: asyncio.TimerHandle | None = None
        _waiting = False
        """Between an answer's end (or the connection's start) and the next head."""
        _waiting_after: object = None
        _head_deadline = 0.0
        _head_bytes = 0

        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            super().connection_made(transport)
            self._arm()

        def data_received(self, data: bytes) -> None:
            super().data_received(data)
            if not self._waiting:
                return
            if self.cycle is not self._waiting_after or self.transport.get_protocol() is not self:
                self._waiting = False  # a head came in (or the connection became a websocket)
                return
            self._head_bytes += len(data)
            if self._head_bytes > self.max_head_bytes and not self.transport.is_closing():
                self._waiting = False
                self.transport.close()

        def on_headers_complete(self) -> None:
            super().on_headers_complete()
            cycle = self.cycle
            if type(cycle) is RequestResponseCycle:
                cycle.__class__ = _OneWriteCycle  # the same object, its send ours

        def on_response_complete(self) -> None:
            super().on_response_complete()
            if not self.transport.is_closing():
                self._arm()

        def connection_lost(self, exc: Exception | None) -> None:
            self._waiting = False
            if self._head_timer is not None:
                self._head_timer.cancel()
                self._head_timer = None
            super().connection_lost(exc)

        def _arm(self) -> None:
            """Waits for a head from now on. A timer still set from an earlier wait is kept
            and moved on when it fires: one timer per connection and ``timeout``, not a
            timer set and cancelled per request (a few µs of each kept-alive request)."""
            self._waiting = True
            self._waiting_after = self.cycle
            self._head_bytes = 0
            self._head_deadline = self.loop.time() + timeout
            if self._head_timer is None:
                self._head_timer = self.loop.call_at(self._head_deadline, self._head_timed_out)

        def _head_timed_out(self) -> None:
            self._head_timer = None
            if not self._waiting:
                return  # a head came; the next wait sets a timer again
            if self.loop.time() < self._head_deadline - _EARLY_S:  # this wait began later
                self._head_timer = self.loop.call_at(self._head_deadline, self._head_timed_out)
                return
            cycle = self.cycle
            in_flight = cycle is not None and not cycle.response_complete  # a pipelined one
            if cycle is self._waiting_after and not in_flight and not self.transport.is_closing():
                self.transport.close()

    return HeadTimeout


_NO_BODY_STATUSES = frozenset({204, 304})
_FRAMING = frozenset({b"transfer-encoding", b"connection"})


class _OneWriteCycle(RequestResponseCycle):
    """uvicorn's request–response cycle, whose usual answer goes out in one write: a
    ``Content-Length``, no framing header of its own (``Transfer-Encoding``,
    ``Connection``), a kept-alive connection, not a ``HEAD``, a status that has a body.
    Its head is made as uvicorn makes it (uvicorn's default headers first, names in lower
    case, the same checks of names and values, over all of them at once) and held until
    the body's first part, then written with it. A bad name or value is refused before
    anything is sent (uvicorn's 500; uvicorn's own ``send`` had begun the answer and could
    only close the connection), a body past its length likewise. Anything else is
    uvicorn's own ``send``.

    uvicorn wrote the head and the body apart (two system calls, two TCP segments) and
    searched each header's name and value apart: 11 % of a kept answer's CPU under load
    (docs/decisions.md, "the door's last cuts"). The cycle is uvicorn's own object, its
    class swapped once its head is parsed (``HeadTimeout.on_headers_complete``)."""

    _held: bytes | None = None

    async def send(self, message: Any) -> None:
        if self._held is not None:
            await self._send_held(message)
        elif not self._hold(message):
            await super().send(message)

    def _hold(self, message: Any) -> bool:
        """Makes and holds the head of ``message``, a start of the usual answer; False, with
        nothing done, for anything else."""
        if (
            message["type"] != "http.response.start"
            or self.response_started
            or self.disconnected
            or self.flow.write_paused
            or self.access_log
            or not self.keep_alive
            or self.scope["method"] == "HEAD"
            or message["status"] in _NO_BODY_STATUSES
        ):
            return False
        headers = message.get("headers", ())
        names = [name.lower() for name, _ in headers]
        if b"content-length" not in names or not _FRAMING.isdisjoint(names):
            return False
        values = [value for _, value in headers]
        if HEADER_RE.search(b"".join(names)):
            raise RuntimeError("Invalid HTTP header name.")
        if HEADER_VALUE_RE.search(b"".join(values)):
            raise RuntimeError("Invalid HTTP header value.")
        length = int(values[names.index(b"content-length")])
        lines = [*map(b": ".join, self.default_headers), *map(b": ".join, zip(names, values))]
        head = b"".join((STATUS_LINE[message["status"]], b"\r\n".join(lines), b"\r\n\r\n"))
        self.response_started = True
        self.waiting_for_100_continue = False
        self.chunked_encoding = False
        self.expected_content_length = length
        self._held = head
        return True

    async def _send_held(self, message: Any) -> None:
        """The body's first part, written with the held head."""
        if message["type"] != "http.response.body":
            raise RuntimeError(
                f"Expected ASGI message 'http.response.body', but got '{message['type']}'."
            )
        if self.flow.write_paused and not self.disconnected:
            await self.flow.drain()
        head, self._held = self._held, None
        if self.disconnected or head is None:
            return
        body = message.get("body", b"")
        if len(body) > self.expected_content_length:
            raise RuntimeError("Response content longer than Content-Length")
        self.expected_content_length -= len(body)
        self.transport.write(head + body)
        if message.get("more_body", False):
            return
        if self.expected_content_length != 0:
            raise RuntimeError("Response content shorter than Content-Length")
        self.response_complete = True
        self.message_event.set()
        if not self.keep_alive:  # a shutdown began meanwhile
            self.transport.close()
        self.on_response()


def plain_server(
    app: ASGIApp,
    host: str,
    port: int,
    *,
    grace_s: int | None = None,
    server_class: type[uvicorn.Server] = uvicorn.Server,
    **limits: Any,
) -> uvicorn.Server:
    """One of the processes' uvicorn servers (the gateway, the metrics port, a sandbox
    stand-in, the local identity providers). log_config=None and no log_level: uvicorn keeps
    the JSON root handler and the level of gateway.logging (its loggers are global: a
    stand-in's level would be everyone's) instead of installing its own plain-text handlers;
    the gateway writes its own access line. ``grace_s``: how long a shutdown waits for
    requests in flight (unbounded when None); ``limits``: more of ``uvicorn.Config``'s
    options (the gateway's own, in ``gateway_server``)."""
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level=None,
        access_log=False,
        log_config=None,
        proxy_headers=False,  # X-Forwarded-For: from TRUSTED_PROXIES only (create_app)
        timeout_graceful_shutdown=grace_s,
        **limits,
    )
    return server_class(config)


def settle_collector() -> None:
    """The garbage collector as a serving process wants it, once started.

    - What start-up made (modules, the schema, the catalogues, the pools) lives as long as
      the process: ``gc.freeze`` moves it out of every later collection's way.
    - The youngest generation is collected every ``YOUNGEST_GENERATION`` allocations, not
      every 700. An answer being made is a young set of live objects (a portfolio of 56
      companies: thousands of dicts, records and futures): at 700, a warm portfolio paid 8
      collections of its own answer per request, 1.5 ms of its CPU (``gc.callbacks``, on
      the development machine); at 20,000, none. What dies young is freed by its reference
      count, collected or not; only cycles wait longer, a few thousand objects at most."""
    gc.collect()
    gc.freeze()
    _, middle, oldest = gc.get_threshold()
    gc.set_threshold(YOUNGEST_GENERATION, middle, oldest)


class _CollectorSettlingServer(uvicorn.Server):
    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started:
            settle_collector()


def gateway_server(app: ASGIApp, settings: Settings, *, serving: bool = False) -> uvicorn.Server:
    """The gateway as ``hub-gateway serve`` runs it: ``plain_server`` with the limits of the
    settings; ``serving``: the process is the server's own (not a test's), and its collector
    is settled once the server started (``settle_collector``)."""
    return plain_server(
        app,
        settings.host,
        settings.port,
        grace_s=settings.shutdown_grace_s,
        http=head_timeout_protocol(settings.http_header_timeout_s, settings.http_max_header_bytes),
        limit_concurrency=settings.http_limit_concurrency,
        timeout_keep_alive=settings.http_keep_alive_s,
        server_header=False,  # the answers do not name the server's software (uvicorn)
        server_class=_CollectorSettlingServer if serving else uvicorn.Server,
    )
