"""The request pipeline around a bare app: what every log line of a request is bound to."""

from __future__ import annotations

from typing import Any

import httpx
import structlog
from starlette.types import Receive, Scope, Send

from gateway.limits import BodyLimit
from gateway.pipeline import RequestPipeline


async def test_log_lines_carry_the_gateway_s_request_id_and_the_client_s() -> None:
    seen: dict[str, Any] = {}

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        seen.update(structlog.contextvars.get_contextvars())
        seen["state"] = dict(scope["state"])
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    transport = httpx.ASGITransport(app=RequestPipeline(app, body_limit=BodyLimit(1024)))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        response = await client.get("/", headers={"X-Request-Id": "crm-req-0001"})
    assert seen["request_id"] == response.headers["x-request-id"] != "crm-req-0001"
    assert seen["client_request_id"] == "crm-req-0001"
    assert seen["state"] == {
        "request_id": seen["request_id"],
        "client_request_id": "crm-req-0001",
    }
