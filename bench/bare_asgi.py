"""The ceiling of the Python server stack for the side-by-side scenario: an ASGI app that
reads the request and answers the fixed bytes of ``BARE_BODY`` (the gateway's own answer), run
by uvicorn with uvloop and httptools like the gateway."""

from __future__ import annotations

import os

from starlette.types import Receive, Scope, Send

_BODY = os.environ.get("BARE_BODY", "{}").encode()
_HEADERS = [(b"content-type", b"application/json"), (b"content-length", str(len(_BODY)).encode())]


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] != "http":
        return
    more = True
    while more:
        message = await receive()
        more = message.get("more_body", False)
    await send({"type": "http.response.start", "status": 200, "headers": _HEADERS})
    await send({"type": "http.response.body", "body": _BODY})
