"""How ``hub-gateway serve``'s HTTP protocol writes answers (``gateway.server``,
``_OneWriteCycle``): an answer of known length in one write, with uvicorn's checks of its
headers made before anything is sent; anything else as uvicorn writes it. Over real
sockets, the server's writes recorded."""

from __future__ import annotations

import asyncio
from asyncio import selector_events
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlsplit

import pytest
from starlette.types import Receive, Scope, Send

from gateway.server import head_timeout_protocol, plain_server
from tests.servers import running

App = Callable[[Scope, Receive, Send], Any]


@asynccontextmanager
async def _served(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[tuple[int, list[bytes]]]:
    """The server's port and what it writes (on asyncio's loop, whose transports are
    Python's)."""
    written: list[bytes] = []
    port = 0
    transport: Any = vars(selector_events)["_SelectorSocketTransport"]  # asyncio's own
    write = transport.write

    def recording(self: Any, data: bytes) -> None:
        if self.get_extra_info("sockname")[1] == port:
            written.append(bytes(data))
        write(self, data)

    monkeypatch.setattr(transport, "write", recording)
    server = plain_server(
        app, "127.0.0.1", 0, http=head_timeout_protocol(10, 16_384), loop="asyncio"
    )
    async with running(server) as url:
        port = urlsplit(url).port or 0
        yield port, written


async def _exchange(port: int, request: bytes, *, until: bytes = b"", times: int = 1) -> bytes:
    """Sends ``request`` and reads until the server closes, or until ``until`` came
    ``times`` times."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(request)
    received = b""
    try:
        async with asyncio.timeout(5):
            while not (until and received.count(until) >= times):
                chunk = await reader.read(65536)
                if not chunk:
                    break
                received += chunk
    finally:
        writer.close()
    return received


def _answering(*messages: dict[str, Any]) -> App:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        for message in messages:
            await send(message)

    return app


def _of_length_2(
    body: bytes, *headers: tuple[bytes, bytes], name: bytes = b"content-length"
) -> App:
    """An answer that says it is 2 bytes long (``body`` may say otherwise)."""
    return _answering(
        {"type": "http.response.start", "status": 200, "headers": [(name, b"2"), *headers]},
        {"type": "http.response.body", "body": body},
    )


_POST = b"POST /graphql HTTP/1.1\r\nhost: t\r\ncontent-length: 2\r\n\r\n{}"


async def test_an_answer_of_known_length_goes_out_in_one_write(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = _of_length_2(b"ok", (b"X-Request-Id", b"abc"), name=b"Content-Length")
    async with _served(app, monkeypatch) as (port, written):
        answers = await _exchange(port, _POST * 2, until=b"\r\n\r\nok", times=2)  # pipelined
    assert answers == b"".join(written) and len(written) == 2  # each answer, one write
    assert written[0].endswith(b"\r\n\r\nok")
    head = written[0].split(b"\r\n\r\n")[0].split(b"\r\n")
    assert head[0] == b"HTTP/1.1 200 OK"
    assert b"content-length: 2" in head and b"x-request-id: abc" in head  # names in lower case
    assert any(line.startswith(b"date: ") for line in head)


async def test_an_answer_without_a_length_has_its_head_sent_before_its_body(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    release = asyncio.Event()

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await release.wait()
        await send({"type": "http.response.body", "body": b"later"})

    async with _served(app, monkeypatch) as (port, _):
        head = await _exchange(port, _POST, until=b"\r\n\r\n")  # while the app still waits
        release.set()
    assert head.startswith(b"HTTP/1.1 200 OK") and b"transfer-encoding: chunked" in head


@pytest.mark.parametrize(
    ("name", "value"), [(b"x-bad", b"a\r\nset-cookie: b"), (b"x bad", b"a"), (b"x-bad", b"\x00")]
)
async def test_a_bad_header_name_or_value_is_refused_with_a_500(
    monkeypatch: pytest.MonkeyPatch, name: bytes, value: bytes
) -> None:
    app = _of_length_2(b"ok", (name, value))
    async with _served(app, monkeypatch) as (port, _):
        answer = await _exchange(port, _POST, until=b"Internal Server Error")
    assert answer.startswith(b"HTTP/1.1 500") and b"set-cookie" not in answer


async def test_a_body_past_its_length_sends_no_answer_and_closes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = _of_length_2(b"too long")
    async with _served(app, monkeypatch) as (port, _):
        assert await _exchange(port, _POST) == b""


async def test_head_and_closing_requests_are_answered_as_uvicorn_answers_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = _of_length_2(b"ok")
    async with _served(app, monkeypatch) as (port, written):
        head = await _exchange(port, b"HEAD / HTTP/1.1\r\nhost: t\r\n\r\n", until=b"\r\n\r\n")
        closing = await _exchange(port, b"GET / HTTP/1.1\r\nhost: t\r\nconnection: close\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK") and head.endswith(b"content-length: 2\r\n\r\n")
    assert closing.startswith(b"HTTP/1.1 200 OK") and closing.endswith(b"\r\n\r\nok")
    assert b"connection: close" in closing and len(written) == 3  # uvicorn's: head, then body
