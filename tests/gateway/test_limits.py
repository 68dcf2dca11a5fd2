"""The expanded size of a document, the body limit in the request pipeline around a bare
app, and a body read at the pipeline's door only when it is already there."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from graphql import parse
from starlette.types import Message, Receive, Scope, Send

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


def _declaring(size: int | None) -> Scope:
    headers = [] if size is None else [(b"content-length", str(size).encode())]
    return {"type": "http", "headers": headers}


def _messages(*messages: Message, wait_before: int | None = None) -> Receive:
    """Hands ``messages`` in turn; the one at ``wait_before`` only after a turn of the loop."""
    handed = 0

    async def receive() -> Message:
        nonlocal handed
        if handed == wait_before:
            await asyncio.sleep(0)
        handed += 1
        return messages[handed - 1]

    return receive


def _piece(body: bytes, more: bool) -> Message:
    return {"type": "http.request", "body": body, "more_body": more}


async def test_a_body_already_there_is_read_without_a_wait_and_replayed() -> None:
    receive = _messages(
        _piece(b"01234", True), _piece(b"56789", False), {"type": "http.disconnect"}
    )
    body, rest = BodyLimit(max_bytes=10).ready_body(_declaring(10), receive)

    assert body == b"0123456789"
    assert await rest() == _piece(b"0123456789", False)
    assert await rest() == {"type": "http.disconnect"}


async def test_a_body_still_coming_is_left_to_read_with_nothing_lost() -> None:
    sent = (_piece(b"01234", True), _piece(b"56789", False))
    body, rest = BodyLimit(max_bytes=10).ready_body(_declaring(10), _messages(*sent, wait_before=1))

    assert body is None
    assert [await rest(), await rest()] == list(sent)


@pytest.mark.parametrize(
    ("declared", "sent"),
    [
        (None, (_piece(b"0123", False),)),  # not declared
        (11, (_piece(b"0123456789a", False),)),  # past the limit
        (10, (_piece(b"0123", False),)),  # shorter than declared
        (4, (_piece(b"0123", True), {"type": "http.disconnect"})),  # the client went away
    ],
    ids=["undeclared", "too-large", "shorter", "gone"],
)
async def test_a_body_not_whole_within_its_limit_is_left_to_read(
    declared: int | None, sent: tuple[Message, ...]
) -> None:
    body, rest = BodyLimit(max_bytes=10).ready_body(_declaring(declared), _messages(*sent))

    assert body is None
    assert [await rest() for _ in sent] == list(sent)
