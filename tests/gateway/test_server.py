"""The gateway's HTTP server (``hub-gateway serve``'s uvicorn) against slow and greedy
clients, over real sockets on a free port: no connection stays open past its bound, and a
client that sends a too-large body whole still reads its 413."""

from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
import websockets

from gateway.app import create_app
from gateway.server import gateway_server
from gateway.settings import Settings
from tests.servers import running

HEAD_TIMEOUT = 0.5
BODY_TIMEOUT = 1.0
MARGIN = 10.0
"""Generous: the machine is shared; the test checks a bound, not a speed."""


@pytest.fixture
def header_timeout() -> float:
    return HEAD_TIMEOUT


@pytest.fixture
async def gateway(
    database_url: str, tmp_path: Path, header_timeout: float
) -> AsyncIterator[tuple[str, int]]:
    settings = Settings(
        database_url=database_url,
        dev_secret_file=tmp_path / "secret",
        scheduler_enabled=False,
        port=0,
        max_body_bytes=10_000,
        max_body_drain_bytes=30_000_000,
        http_header_timeout_s=header_timeout,
        http_body_timeout_s=BODY_TIMEOUT,
        http_max_header_bytes=16_384,
        log_level="WARNING",
    )
    async with running(gateway_server(create_app(settings), settings)) as url:
        address = urlsplit(url)
        assert address.hostname is not None and address.port is not None
        yield address.hostname, address.port
        # unharmed: a normal request is still answered
        async with httpx.AsyncClient(base_url=url) as client:
            response = await client.post("/graphql", json={"query": "{ viewer { kind } }"})
        assert response.json() == {"data": {"viewer": {"kind": "ANONYMOUS"}}}
        assert "server" not in response.headers  # the server's software is not named
        assert "date" in response.headers


async def _closed(reader: asyncio.StreamReader) -> bytes:
    """What the server sent before it closed the connection."""
    received = b""
    try:
        while chunk := await reader.read(65_536):
            received += chunk
    except ConnectionResetError:
        pass
    return received


async def _slow_head(host: str, port: int) -> bytes:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        writer.write(b"POST /graphql HTTP/1.1\r\nHost: gateway\r\n")

        async def trickle() -> None:
            for _ in range(1_000):
                await asyncio.sleep(0.1)
                writer.write(b"X")
                await writer.drain()

        trickling = asyncio.create_task(trickle())
        try:
            return await _closed(reader)
        finally:
            trickling.cancel()
            await asyncio.gather(trickling, return_exceptions=True)
    finally:
        writer.close()


async def test_200_slow_heads_are_closed_within_the_header_timeout(
    gateway: tuple[str, int],
) -> None:
    host, port = gateway
    async with asyncio.timeout(HEAD_TIMEOUT + MARGIN):
        received = await asyncio.gather(*(_slow_head(host, port) for _ in range(200)))
    assert received == [b""] * 200  # closed without an answer: nothing came to answer


@pytest.mark.parametrize(
    "sent",
    [b"", b"GET /healthz HTTP/1.1\r\nHost: gateway\r\n\r\n"],
    ids=["silent", "after-a-kept-alive-request"],
)
async def test_a_head_that_does_not_come_is_closed_within_the_header_timeout(
    gateway: tuple[str, int], sent: bytes
) -> None:
    reader, writer = await asyncio.open_connection(*gateway)
    if sent:
        writer.write(sent)
        assert (await reader.readline()).startswith(b"HTTP/1.1 200")
        await reader.readuntil(b'{"status":"ok"}')
        writer.write(b"GET /healthz HTTP/1.1\r\n")  # the next head, and nothing more
    async with asyncio.timeout(HEAD_TIMEOUT + MARGIN):
        assert await _closed(reader) == b""
    writer.close()


@pytest.mark.parametrize("header_timeout", [3600.0])  # only the size can close it here
async def test_a_head_past_its_size_is_closed(gateway: tuple[str, int]) -> None:
    reader, writer = await asyncio.open_connection(*gateway)
    writer.write(b"GET /healthz HTTP/1.1\r\nHost: gateway\r\nX-Pad: " + b"x" * 40_000)
    async with asyncio.timeout(MARGIN):
        assert not (await _closed(reader)).startswith(b"HTTP/1.1 200")
    writer.close()


async def test_a_trickled_body_is_answered_408_within_the_body_timeout(
    gateway: tuple[str, int],
) -> None:
    reader, writer = await asyncio.open_connection(*gateway)
    writer.write(
        b"POST /graphql HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\n"
        b"Content-Length: 100\r\n\r\n{"
    )
    async with asyncio.timeout(BODY_TIMEOUT + MARGIN):
        answer = await _closed(reader)
    writer.close()
    assert answer.startswith(b"HTTP/1.1 408")
    assert json.loads(answer.partition(b"\r\n\r\n")[2])["errors"][0]["extensions"] == {
        "code": "REQUEST_TIMEOUT"
    }


def _urllib_post(url: str, body: bytes) -> tuple[int, dict[str, object]]:
    request = urllib.request.Request(
        url, data=body, headers={"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=MARGIN) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


async def test_a_client_that_sends_a_too_large_body_whole_reads_its_413(
    gateway: tuple[str, int],
) -> None:
    host, port = gateway
    # Past what the sockets' buffers hold: had the server closed on unread data, the client
    # would see the connection reset (it did here, every time) instead of the answer.
    body = json.dumps({"query": "{ viewer { kind } }", "pad": "x" * 20_000_000}).encode()
    for _ in range(3):
        status, answer = await asyncio.to_thread(
            _urllib_post, f"http://{host}:{port}/graphql", body
        )
        assert status == 413
        assert answer["errors"][0]["extensions"] == {"code": "PAYLOAD_TOO_LARGE"}  # type: ignore[index]


def test_serve_takes_uvicorn_s_limits_from_the_settings(tmp_path: Path) -> None:
    settings = Settings(
        dev_secret_file=tmp_path / "secret",
        http_limit_concurrency=7,
        http_keep_alive_s=3,
        http_max_header_bytes=4096,
    )
    config = gateway_server(create_app(settings), settings).config
    assert (config.limit_concurrency, config.timeout_keep_alive) == (7, 3)
    assert config.http.__name__ == "HeadTimeout"  # type: ignore[union-attr]
    assert config.http.max_head_bytes == 4096  # type: ignore[union-attr]


async def test_a_websocket_outlives_the_header_timeout(gateway: tuple[str, int]) -> None:
    host, port = gateway
    url = f"ws://{host}:{port}/graphql"
    async with websockets.connect(url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
        await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        await asyncio.sleep(HEAD_TIMEOUT * 4)  # past the bound a head would have had
        await ws.send(json.dumps({"type": "ping"}))
        assert json.loads(await ws.recv())["type"] == "pong"
