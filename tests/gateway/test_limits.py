"""The expanded size of a document, and the body limit in the request pipeline around a bare
app."""

from __future__ import annotations

import httpx
import pytest
from graphql import parse
from starlette.types import Receive, Scope, Send

from gateway.limits import BodyLimit, expanded_size
from gateway.pipeline import RequestPipeline


@pytest.mark.parametrize(
    ("document", "size"),
    [
        ("{ viewer { kind email } }", 3),
        ("{ a: viewer { kind } b: viewer { kind } }", 4),
        ("{ ...F ...F } fragment F on Query { viewer { kind } }", 4),
        ("{ ... on Query { viewer { kind } } }", 2),
        (
            "{ ...B } fragment A on Query { viewer { kind } } fragment B on Query { ...A ...A ...A }",
            6,
        ),
        ("{ ...A } fragment A on Query { viewer { kind } ...B } fragment B on Query { ...A }", 2),
        ("{ ...Missing viewer { kind } }", 2),
    ],
)
def test_expanded_size_counts_every_field_once_fragments_are_expanded(
    document: str, size: int
) -> None:
    assert expanded_size(parse(document), 1000) == size


def test_expanded_size_stops_just_past_the_ceiling() -> None:
    chain = " ".join(f"fragment F{i} on Query {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, 60))
    document = parse(f"{{ ...F59 }} {chain} fragment F0 on Query {{ viewer {{ kind }} }}")
    assert expanded_size(document, 5000) == 5001  # 2**60 fields, never counted one by one


async def _echo(scope: Scope, receive: Receive, send: Send) -> None:
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": body})


async def test_the_body_limit_passes_a_small_body_whole_and_refuses_a_large_one() -> None:
    app = RequestPipeline(_echo, body_limit=BodyLimit(max_bytes=10))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        small = await client.post("/", content=b"0123456789")
        assert (small.status_code, small.content) == (200, b"0123456789")
        large = await client.post("/", content=b"0123456789a")
        assert large.status_code == 413
        assert large.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
