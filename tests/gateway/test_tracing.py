"""Tracing: the caller's ``traceparent`` is honoured, and the request, its GraphQL operation
and its partner calls are spans of one trace, whose id goes out to the partners."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from opentelemetry import trace
from opentelemetry.propagate import inject
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from structlog.testing import capture_logs

from gateway.app import dev_issuer
from gateway.graphql import build_schema
from gateway.settings import Settings
from gateway.tracing import (
    OperationSpan,
    configure_tracing,
    export_spans,
    tracer_provider,
    tracing_middleware,
)
from tests.conftest import CountingTransport
from tests.gateway.serving import served
from tests.servers import serving

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
TRACEPARENT = f"00-{TRACE_ID}-00f067aa0ba902b7-01"
SHEET = 'query CompanySheet { company(siret: "84215637400014") { name turnover { year } } }'


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=database_url, dev_secret_file=tmp_path / "secret", scheduler_enabled=False
    )


@pytest.fixture
def spans(settings: Settings) -> Iterator[InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    processor = SimpleSpanProcessor(exporter)
    provider = configure_tracing(settings)
    sampler: Any = provider.sampler
    exporting = sampler.exporting
    export_spans(provider, processor)
    yield exporter
    processor.shutdown()  # the provider is the process's: this test's exporter stops here
    sampler.exporting = exporting  # and the tests after it record no span, as served


@pytest.fixture
async def client(
    settings: Settings, upstream: CountingTransport, spans: InMemorySpanExporter
) -> AsyncIterator[httpx.AsyncClient]:
    sandbox = httpx.AsyncClient(base_url="http://sandbox.test", transport=upstream)
    async with served(settings, entreprise_client=sandbox) as gateway:
        yield gateway.client


def _trace_id(span: ReadableSpan) -> str:
    assert span.context is not None
    return format(span.context.trace_id, "032x")


async def test_request_operation_and_partner_calls_share_the_callers_trace(
    client: httpx.AsyncClient,
    settings: Settings,
    upstream: CountingTransport,
    spans: InMemorySpanExporter,
) -> None:
    email = "pierre.durand@cci-gard.example"
    token = dev_issuer(settings).issue(subject=email, email=email)
    with capture_logs() as logs:
        response = await client.post(
            "/graphql",
            json={"query": SHEET},
            headers={"Authorization": f"Bearer {token}", "traceparent": TRACEPARENT},
        )
    assert response.status_code == 200
    assert "errors" not in response.json()

    finished = [span for span in spans.get_finished_spans() if _trace_id(span) == TRACE_ID]
    server = [span for span in finished if span.kind is SpanKind.SERVER]
    operation = [span for span in finished if span.name == "graphql.query CompanySheet"]
    calls = [span for span in finished if span.kind is SpanKind.CLIENT]
    assert len(server) == 1 and len(operation) == 1 and calls
    assert {span.attributes["hub.source"] for span in calls if span.attributes} >= {"insee"}
    assert all("84215637400014" not in span.name for span in calls)
    sent = [request.headers.get("traceparent", "") for request in upstream.requests]
    assert sent and all(header.split("-")[1] == TRACE_ID for header in sent)
    [access] = [line for line in logs if line["event"] == "request"]
    assert access["trace_id"] == TRACE_ID


def test_the_operation_span_is_an_operation_level_extension(
    settings: Settings,
) -> None:
    extensions = build_schema(settings).get_extensions()
    assert any(isinstance(extension, OperationSpan) for extension in extensions)
    assert not [type(e).__name__ for e in extensions if e._implements_resolve()]


async def test_spans_are_exported_over_otlp_when_an_endpoint_is_set(settings: Settings) -> None:
    received: list[tuple[str, str]] = []

    async def collector(request: Request) -> Response:
        received.append((request.url.path, request.headers.get("content-type", "")))
        await request.body()
        return Response(status_code=200)

    app = Starlette(routes=[Route("/v1/traces", collector, methods=["POST"])])
    async with serving(app) as url:
        provider = tracer_provider(settings.model_copy(update={"otel_exporter_otlp_endpoint": url}))
        with provider.get_tracer("test").start_as_current_span("exported"):
            pass
        flushed = await asyncio.to_thread(provider.force_flush)
        provider.shutdown()
    assert flushed
    assert received == [("/v1/traces", "application/x-protobuf")]


async def test_an_unexported_request_has_one_trace_its_ids_made_when_first_read(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No exporter: the request's span is unrecorded, in the caller's trace or a new one,
    the same however often it is read (the access line, each partner call's header)."""
    provider = tracer_provider(settings)  # no OTEL_EXPORTER_OTLP_ENDPOINT: nothing exported
    monkeypatch.setattr(trace, "get_tracer_provider", lambda: provider)
    seen: list[list[str]] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        read = [format(trace.get_current_span().get_span_context().trace_id, "032x")]
        for _ in range(2):
            headers: dict[str, str] = {}
            inject(headers)
            read.append(headers["traceparent"].split("-")[1])
        seen.append(read)

    async def receive() -> Any:
        return {"type": "http.request"}

    async def send(message: Any) -> None:
        return None

    traced = tracing_middleware(app)
    for headers in ([], [], [(b"traceparent", TRACEPARENT.encode())]):
        await traced({"type": "http", "headers": headers}, receive, send)

    new, other, callers = seen
    assert len(set(new)) == 1 and int(new[0], 16) != 0  # one trace, a valid id
    assert len(set(other)) == 1 and other[0] != new[0]  # each request a trace of its own
    assert callers == [TRACE_ID] * 3
