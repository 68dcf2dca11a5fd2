"""Real HTTP servers for tests: an ASGI app served by uvicorn on 127.0.0.1, a free port; or
``hub-gateway`` (or nginx) as a process of its own: its command, a free port for each of its
listeners, the wait until it answers, and its stop."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from pathlib import Path

import httpx
import pytest
import uvicorn
from starlette.types import ASGIApp

from gateway import sandbox_wiring
from sandbox.ports import free_port

__all__ = [
    "free_port",
    "hub_gateway_command",
    "running",
    "sandbox_ports",
    "serving",
    "stop",
    "wait_until_ready",
]


@asynccontextmanager
async def serving(app: ASGIApp) -> AsyncIterator[str]:
    """Serves ``app`` (lifespan included) for the duration of the block; yields its base URL."""
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on")
    async with running(uvicorn.Server(config)) as url:
        yield url


@asynccontextmanager
async def running(server: uvicorn.Server) -> AsyncIterator[str]:
    """Runs ``server`` (configured for port 0) for the duration of the block; yields its base
    URL."""
    task = asyncio.create_task(server.serve())
    try:
        async with asyncio.timeout(10):
            while not server.started:
                if task.done():
                    task.result()  # raises what stopped the server
                await asyncio.sleep(0.02)
        port = server.servers[0].sockets[0].getsockname()[1]
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


def sandbox_ports() -> dict[str, str]:
    """A free port for each sandbox stand-in that ``hub-gateway serve`` starts, by the setting
    that chooses it (``SANDBOX_PORT``, ``NEWS_SANDBOX_PORT``…): two processes on one machine,
    or a process beside a developer's ``make serve``, then never fight for a port."""
    return {setting: str(free_port()) for setting in sandbox_wiring.stand_in_port_settings()}


def hub_gateway_command() -> list[str]:
    """``hub-gateway``: the console script beside the interpreter, else the module."""
    script = Path(sys.executable).with_name("hub-gateway")
    return [str(script)] if script.exists() else [sys.executable, "-m", "gateway.cli"]


async def wait_until_ready(
    url: str, process: subprocess.Popen[bytes] | None, log: Path, *, timeout_s: float
) -> None:
    """Until a GET of ``url`` answers 200; fails the test, with the end of ``log``, when
    ``process`` exits first or ``timeout_s`` passes (a bound, not a timing)."""
    last = "no answer"
    async with httpx.AsyncClient(timeout=2) as client:
        try:
            async with asyncio.timeout(timeout_s):
                while True:
                    if process is not None and process.poll() is not None:
                        pytest.fail(f"{url} exited ({process.returncode}):\n{_tail(log)}")
                    with suppress(httpx.HTTPError):
                        response = await client.get(url)
                        if response.status_code == 200:
                            return
                        last = f"{response.status_code} {response.text[:300]}"
                    await asyncio.sleep(0.2)
        except TimeoutError:
            pytest.fail(f"{url} not ready within {timeout_s} s (last: {last}):\n{_tail(log)}")


def stop(process: subprocess.Popen[bytes], *, grace_s: float = 10) -> None:
    """SIGTERM, then SIGKILL if it is still running ``grace_s`` later."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(grace_s)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _tail(log: Path) -> str:
    return log.read_text(errors="replace")[-3000:] if log.exists() else ""
