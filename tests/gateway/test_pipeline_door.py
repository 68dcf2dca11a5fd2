"""The request pipeline's door (``gateway.pipeline``): a request without a token whose answer
is kept whole is answered before the pipeline's steps, with what they would have said —
the same status, headers, body, access line and metrics as the whole way — and anything
else goes the whole way, its body intact."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from opentelemetry import trace
from prometheus_client import REGISTRY
from starlette.types import ASGIApp, Receive, Scope, Send
from structlog.testing import capture_logs

from gateway.app import dev_issuer
from gateway.graphql import GraphQLView
from gateway.pipeline import RequestPipeline
from gateway.settings import Settings
from tests.conftest import CountingTransport
from tests.gateway.serving import served

SIRET = "84215637400014"
PUBLIC = (
    "query($s:String!){company(siret:$s){siret name naf{code label} "
    "address{city postalCode departmentCode} active}}"
)
BODY = orjson.dumps({"query": PUBLIC, "variables": {"s": SIRET}})
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
ORIGIN = "https://portail.example"
LIMIT = 5
"""Anonymous requests a minute."""


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=database_url,
        dev_secret_file=tmp_path / "secret",
        scheduler_enabled=False,
        rate_limit_anonymous=LIMIT,
        cors_allowed_origins=[ORIGIN],
    )


@pytest.fixture(autouse=True)
def spans_not_recorded() -> Iterator[None]:
    """The door opens only while no span is recorded (another test may have exported)."""
    sampler: Any = getattr(trace.get_tracer_provider(), "sampler", None)
    exporting = getattr(sampler, "exporting", None)
    if exporting:
        sampler.exporting = False
    yield
    if exporting:
        sampler.exporting = exporting


@asynccontextmanager
async def _gateway(
    settings: Settings, upstream: CountingTransport
) -> AsyncIterator[tuple[httpx.AsyncClient, ASGIApp]]:
    """A started gateway: a client of it (from one address), and its ASGI app."""
    sandbox = httpx.AsyncClient(base_url="http://sandbox.test", transport=upstream)
    async with served(
        settings, entreprise_client=sandbox, base_url="http://gw.test", peer=("198.51.100.7", 4000)
    ) as gateway:
        yield gateway.client, gateway.asgi


@pytest.fixture
async def started(
    settings: Settings, upstream: CountingTransport
) -> AsyncIterator[tuple[httpx.AsyncClient, ASGIApp]]:
    """A started gateway whose answer of ``BODY`` is kept."""
    async with _gateway(settings, upstream) as (client, app):
        for _ in range(2):  # graphql-core, then the plan, which keeps the answer
            assert (await client.post("/graphql", content=BODY, headers=_json())).status_code == 200
        yield client, app


@pytest.fixture
def client(started: tuple[httpx.AsyncClient, ASGIApp]) -> httpx.AsyncClient:
    return started[0]


@pytest.fixture
def app(started: tuple[httpx.AsyncClient, ASGIApp]) -> ASGIApp:
    return started[1]


class _Views:
    """Counts the requests the GraphQL view is called for."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls = 0
        call = GraphQLView.__call__

        async def counted(view: GraphQLView, scope: Scope, receive: Receive, send: Send) -> None:
            self.calls += 1
            await call(view, scope, receive, send)

        monkeypatch.setattr(GraphQLView, "__call__", counted)


@pytest.fixture
def views(monkeypatch: pytest.MonkeyPatch) -> _Views:
    return _Views(monkeypatch)


def _json(**more: str) -> dict[str, str]:
    return {"content-type": "application/json", **more}


def _door_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    async def whole_way(
        self: RequestPipeline, scope: Scope, receive: Receive, send: Send
    ) -> Receive:
        return receive

    monkeypatch.setattr(RequestPipeline, "_at_door", whole_way)


def _seen(response: httpx.Response) -> tuple[int, dict[str, str], bytes]:
    """Status, headers (the request's own id as its shape) and body."""
    headers = dict(response.headers)
    assert len(headers.pop("x-request-id")) == 32
    return response.status_code, headers, response.content


_COUNTED = ("hub_http_request", "hub_graphql_operation_seconds", "hub_graphql_errors")


def _series() -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """The request metrics' counts (not their durations)."""
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for metric in REGISTRY.collect()
        for sample in metric.samples
        if sample.name.startswith(_COUNTED)
        and not sample.name.endswith(("_created", "_sum"))
        and "le" not in sample.labels
    }


def _counted(before: dict[Any, float], after: dict[Any, float]) -> dict[Any, float]:
    return {
        key: value - before.get(key, 0.0)
        for key, value in after.items()
        if value != before.get(key, 0.0)
    }


async def _send(client: httpx.AsyncClient, headers: dict[str, str]) -> tuple[Any, list[Any], Any]:
    """The answer, the access line and the metrics it counted."""
    before = _series()
    with capture_logs() as logs:
        response = await client.post("/graphql", content=BODY, headers=headers)
    lines = [line for line in logs if line["event"] == "request"]
    for line in lines:
        line.pop("duration_ms")
        line.pop("request_id")
    return _seen(response), lines, _counted(before, _series())


ASKED = {
    "plainly": _json(),
    "from an allowed origin": _json(origin=ORIGIN),
    "from another origin": _json(origin="https://ailleurs.example"),
    "with its own request id": _json(**{"x-request-id": "client-req-0001"}),
    "for a GraphQL response": _json(accept="application/graphql-response+json"),
    "in the caller's trace": _json(traceparent=f"00-{TRACE_ID}-00f067aa0ba902b7-01"),
}


@pytest.mark.parametrize("headers", ASKED.values(), ids=ASKED.keys())
async def test_a_kept_answer_at_the_door_is_the_one_the_whole_way_gives(
    client: httpx.AsyncClient,
    views: _Views,
    headers: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    at_door = await _send(client, headers)
    assert views.calls == 0  # answered before the view
    _door_closed(monkeypatch)
    whole_way = await _send(client, headers)
    assert views.calls == 1

    (status, sent_headers, body), line, counted = at_door
    assert status == 200 and orjson.loads(body)["data"]["company"]["siret"] == SIRET
    assert status == whole_way[0][0] and body == whole_way[0][2]
    remaining = int(sent_headers["ratelimit-remaining"])
    assert int(whole_way[0][1]["ratelimit-remaining"]) == remaining - 1  # each counted once
    assert _unclocked(at_door[0][1]) == _unclocked(whole_way[0][1])
    assert line and counted


def _unclocked(headers: dict[str, str]) -> dict[str, str]:
    """The headers but the rate limit's count and clock (the next second may have begun)."""
    return {**headers, "ratelimit-remaining": "", "ratelimit-reset": ""}


@pytest.mark.parametrize("headers", ASKED.values(), ids=ASKED.keys())
async def test_the_door_writes_the_access_line_and_metrics_of_the_whole_way(
    client: httpx.AsyncClient, headers: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, at_door_line, at_door_counted = await _send(client, headers)
    _door_closed(monkeypatch)
    _, whole_way_line, whole_way_counted = await _send(client, headers)

    trace_ids = [line.pop("trace_id") for line in (*at_door_line, *whole_way_line)]
    assert at_door_line == whole_way_line
    assert at_door_line[0]["viewer"] == "ANONYMOUS" and at_door_line[0]["operation"] == "anonymous"
    assert at_door_counted == whole_way_counted
    assert all(len(trace_id) == 32 for trace_id in trace_ids)
    if "traceparent" in headers:
        assert trace_ids == [TRACE_ID, TRACE_ID]


async def test_past_its_limit_the_door_refuses_as_the_whole_way_does(
    client: httpx.AsyncClient, views: _Views, monkeypatch: pytest.MonkeyPatch
) -> None:
    for _ in range(LIMIT - 2):  # the fixture sent two
        assert (await client.post("/graphql", content=BODY, headers=_json())).status_code == 200
    refused, refused_line, refused_counted = await _send(client, _json())
    _door_closed(monkeypatch)
    whole_way, whole_way_line, whole_way_counted = await _send(client, _json())

    assert views.calls == 0
    assert refused[0] == whole_way[0] == 429
    assert orjson.loads(refused[2])["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert set(refused[1]) == set(whole_way[1]) and refused[2][:60] == whole_way[2][:60]
    for line in (*refused_line, *whole_way_line):
        line.pop("trace_id")
    assert refused_line == whole_way_line and refused_line[0]["operation"] is None
    assert refused_counted == whole_way_counted  # no operation counted for a refusal


async def test_a_request_with_a_token_goes_the_whole_way(
    client: httpx.AsyncClient, views: _Views, settings: Settings
) -> None:
    email = "pierre.durand@cci-gard.example"
    token = dev_issuer(settings).issue(subject=email, email=email)
    response = await client.post(
        "/graphql", content=BODY, headers=_json(authorization=f"Bearer {token}")
    )

    assert response.status_code == 200 and views.calls == 1
    assert orjson.loads(response.content)["data"]["company"]["siret"] == SIRET


async def test_a_request_whose_answer_is_not_kept_goes_the_whole_way_counted_once(
    client: httpx.AsyncClient, views: _Views
) -> None:
    other = orjson.dumps({"query": "{ viewer { kind } }"})
    first = await client.post("/graphql", content=other, headers=_json())
    second = await client.post("/graphql", content=other, headers=_json())

    assert first.status_code == second.status_code == 200 and views.calls == 2
    assert orjson.loads(first.content) == {"data": {"viewer": {"kind": "ANONYMOUS"}}}
    remaining = [int(answer.headers["ratelimit-remaining"]) for answer in (first, second)]
    assert remaining[0] - remaining[1] == 1


async def test_an_empty_authorization_is_no_token_at_the_door(
    client: httpx.AsyncClient, views: _Views
) -> None:
    response = await client.post("/graphql", content=BODY, headers=_json(authorization=""))

    assert response.status_code == 200 and views.calls == 0


async def test_an_answer_no_longer_kept_once_counted_is_the_views_counted_once(
    client: httpx.AsyncClient, views: _Views, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = await client.post("/graphql", content=BODY, headers=_json())
    monkeypatch.setattr(GraphQLView, "send_kept", _gone)
    with capture_logs() as logs:
        response = await client.post("/graphql", content=BODY, headers=_json())

    assert response.status_code == 200 and views.calls == 1
    assert orjson.loads(response.content)["data"]["company"]["siret"] == SIRET
    remaining = [int(answer.headers["ratelimit-remaining"]) for answer in (first, response)]
    assert remaining[0] - remaining[1] == 1
    assert len([line for line in logs if line["event"] == "request"]) == 1


async def _gone(view: GraphQLView, read: Any, send: Send) -> bool:
    return False  # expired, or its cached copies dropped, while the rate limit counted


async def test_without_answers_kept_every_request_goes_the_whole_way(
    settings: Settings, upstream: CountingTransport, views: _Views
) -> None:
    settings = settings.model_copy(update={"keep_public_answers": False})
    async with _gateway(settings, upstream) as (client, _):
        for _ in range(3):
            assert (await client.post("/graphql", content=BODY, headers=_json())).status_code == 200

    assert views.calls == 3


async def test_a_body_that_is_not_all_there_goes_the_whole_way(app: ASGIApp, views: _Views) -> None:
    pieces = [BODY[:40], BODY[40:]]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        await asyncio.sleep(0)  # the rest comes later: reading it would wait
        return {"type": "http.request", "body": pieces.pop(0), "more_body": bool(pieces)}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(_scope(len(BODY)), receive, send)

    assert views.calls == 1 and sent[0]["status"] == 200
    assert orjson.loads(sent[1]["body"])["data"]["company"]["siret"] == SIRET


async def test_a_body_shorter_than_declared_goes_the_whole_way(app: ASGIApp, views: _Views) -> None:
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": BODY, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(_scope(len(BODY) + 10), receive, send)

    assert views.calls == 1 and sent[0]["status"] == 200
    assert orjson.loads(sent[1]["body"])["data"]["company"]["siret"] == SIRET


async def test_a_body_begun_then_stalled_is_answered_408_the_whole_way(
    settings: Settings, upstream: CountingTransport
) -> None:
    settings = settings.model_copy(update={"http_body_timeout_s": 0.2})
    pieces = [BODY[:40]]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        if pieces:  # the head and a first piece came; the rest never does
            return {"type": "http.request", "body": pieces.pop(), "more_body": True}
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async with _gateway(settings, upstream) as (_, app):
        await app(_scope(len(BODY)), receive, send)

    assert sent[0]["status"] == 408
    assert orjson.loads(sent[1]["body"])["errors"][0]["extensions"]["code"] == "REQUEST_TIMEOUT"


def _scope(declared: int) -> dict[str, Any]:
    return {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
        "scheme": "http", "path": "/graphql", "raw_path": b"/graphql", "root_path": "",
        "query_string": b"", "client": ("198.51.100.8", 4000), "server": ("gw.test", 80),
        "headers": [(b"content-type", b"application/json"),
                    (b"content-length", str(declared).encode())],
    }  # fmt: skip
