"""Real HTTP servers for tests: an ASGI app served by uvicorn on 127.0.0.1, a free port."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn
from starlette.types import ASGIApp

__all__ = ["running", "serving"]


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
