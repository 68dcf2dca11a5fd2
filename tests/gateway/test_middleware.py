"""The request pipeline around a bare app: what every log line of a request is bound to."""

from __future__ import annotations

import os
from typing import Any

import httpx
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from gateway.limits import BodyLimit
from gateway.logging import logged_request_ids
from gateway.middleware import RequestIds
from gateway.pipeline import PipelinedApplication, RequestPipeline


async def test_the_request_s_ids_are_on_its_state_and_bound_to_its_log_lines() -> None:
    seen: dict[str, Any] = {}

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        seen.update(scope["state"])
        seen["logged"] = logged_request_ids()
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    transport = httpx.ASGITransport(app=RequestPipeline(app, body_limit=BodyLimit(1024)))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        response = await client.get("/", headers={"X-Request-Id": "crm-req-0001"})
    request_id = response.headers["x-request-id"]
    ids = {"request_id": request_id, "client_request_id": "crm-req-0001"}
    assert seen == {**ids, "logged": ids}
    assert request_id != "crm-req-0001" and logged_request_ids() == {}


async def test_an_answer_the_pipeline_gives_itself_carries_the_request_id() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        raise AssertionError("a body past the limit never reaches the app")

    transport = httpx.ASGITransport(app=RequestPipeline(app, body_limit=BodyLimit(4)))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        response = await client.post(
            "/", content=b"too large", headers={"X-Request-Id": "crm-req-0002"}
        )
    assert response.status_code == 413
    assert len(response.headers["x-request-id"]) == 32
    assert response.headers["x-client-request-id"] == "crm-req-0002"


def test_request_ids_are_32_hex_digits_and_never_repeat_across_reads_of_randomness() -> None:
    scopes: list[dict[str, Any]] = [{"type": "http", "headers": []} for _ in range(1000)]
    ids = [RequestIds.assign(scope).request_id for scope in scopes]  # several reads of 128
    assert len(set(ids)) == len(ids)
    assert all(len(i) == 32 and int(i, 16) >= 0 for i in ids)


def test_a_forked_child_gives_its_own_request_ids_not_its_parent_s_next_ones() -> None:
    RequestIds.assign({"type": "http", "headers": []})  # the parent has ids read ahead
    reading, writing = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child's lines run in the child
        try:
            os.write(
                writing, RequestIds.assign({"type": "http", "headers": []}).request_id.encode()
            )
        finally:
            os._exit(0)
    os.close(writing)
    os.waitpid(child, 0)
    child_id = os.read(reading, 64).decode()
    os.close(reading)
    parent_id = RequestIds.assign({"type": "http", "headers": []}).request_id
    assert len(child_id) == 32 and child_id != parent_id


async def test_an_endpoint_s_exception_is_a_500_that_carries_the_request_id() -> None:
    async def broken(request: Request) -> Response:
        raise RuntimeError("a bug")

    app = PipelinedApplication(
        routes=[Route("/broken", broken)], body_limit=BodyLimit(1024), cors=None, endpoints={}
    )
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        response = await client.get("/broken")
    assert response.status_code == 500
    assert response.text == "Internal Server Error"
    assert len(response.headers["x-request-id"]) == 32
