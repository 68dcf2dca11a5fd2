"""``hub-gateway serve``: a shutdown (SIGTERM) waits for requests in flight no longer than
SHUTDOWN_GRACE_S."""

from __future__ import annotations

import asyncio

import httpx
from starlette.types import Receive, Scope, Send

from gateway.server import plain_server
from gateway.settings import Settings
from tests.servers import running


async def _hangs(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "lifespan":
        await receive()
        await send({"type": "lifespan.startup.complete"})
        await receive()
        await send({"type": "lifespan.shutdown.complete"})
        return
    await asyncio.Event().wait()  # a request that never ends


def test_the_grace_period_is_a_setting() -> None:
    assert Settings(shutdown_grace_s=3).shutdown_grace_s == 3
    assert Settings().shutdown_grace_s > 0


async def test_shutdown_cuts_a_hung_request_after_the_grace_period() -> None:
    server = plain_server(_hangs, "127.0.0.1", 0, grace_s=1)
    async with httpx.AsyncClient() as client:
        async with asyncio.timeout(30):  # unbounded before: the block's end would never come
            async with running(server) as url:
                request = asyncio.create_task(client.get(f"{url}/"))
                await asyncio.sleep(0.1)  # the request is in flight
            # running's end: should_exit, what uvicorn's SIGTERM handler does; then serve() ends
        outcome = await asyncio.gather(request, return_exceptions=True)
    assert not isinstance(outcome[0], httpx.Response) or outcome[0].status_code >= 500
