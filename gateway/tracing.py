"""OpenTelemetry tracing: a W3C ``traceparent`` is honoured, every HTTP request has a server
span (the ASGI instrumentation), every GraphQL operation a span of its own, and every partner
call a client span whose context goes out in the call's ``traceparent`` (``connectors.http``).

Spans are exported only when ``OTEL_EXPORTER_OTLP_ENDPOINT`` is set (OTLP over HTTP);
otherwise they are made unrecorded (a sampler that drops them), so that the trace id is still
propagated and logged at next to no cost (measured in process on a busy machine: recording
them cost about 0.5 ms of CPU per warm company sheet of ~4.5 ms; unrecorded, no difference
within the noise).

The GraphQL span is the operation's only: Strawberry's ``OpenTelemetryExtension`` also has a
``resolve`` hook, run around every field, which compiled plans do not run: such extensions
are refused when the schema is built (``gateway.execution.refuse_field_hooks``)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import Token

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.sdk.trace.id_generator import IdGenerator
from opentelemetry.sdk.trace.sampling import (
    ALWAYS_ON,
    Decision,
    ParentBased,
    Sampler,
    SamplingResult,
)
from opentelemetry.trace import (
    INVALID_SPAN_CONTEXT,
    Link,
    NonRecordingSpan,
    SpanContext,
    SpanKind,
    TraceFlags,
    TraceState,
)
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
from opentelemetry.util.types import Attributes
from starlette.types import ASGIApp, Receive, Scope, Send
from strawberry.extensions import SchemaExtension

from gateway.metrics import operation_label
from gateway.request_headers import request_header
from gateway.settings import Settings

__all__ = [
    "OperationSpan",
    "configure_tracing",
    "current_trace_id",
    "export_spans",
    "operation_answered",
    "operation_span",
    "request_trace_id",
    "spans_recorded",
    "tracer_provider",
    "tracing_middleware",
]

_tracer = trace.get_tracer("gateway.graphql")


class _RecordWhenExporting(Sampler):
    """Until spans are exported, none is recorded: each is still made with its ids (the trace
    id is propagated and logged) but costs next to nothing. Once exporting, the parent's
    decision, else record (ParentBased(ALWAYS_ON), the SDK's default)."""

    def __init__(self) -> None:
        self.exporting = False
        self._exported = ParentBased(ALWAYS_ON)

    def should_sample(
        self,
        parent_context: Context | None,
        trace_id: int,
        name: str,
        kind: SpanKind | None = None,
        attributes: Attributes = None,
        links: Sequence[Link] | None = None,
        trace_state: TraceState | None = None,
    ) -> SamplingResult:
        if self.exporting:
            return self._exported.should_sample(
                parent_context, trace_id, name, kind, attributes, links, trace_state
            )
        parent = trace.get_current_span(parent_context).get_span_context()
        return SamplingResult(Decision.DROP, trace_state=parent.trace_state)

    def get_description(self) -> str:
        return "RecordWhenExporting"


def export_spans(provider: TracerProvider, processor: SpanProcessor) -> None:
    """Sends the provider's spans to ``processor`` (an exporter's), recording them from now on."""
    provider.add_span_processor(processor)
    if isinstance(provider.sampler, _RecordWhenExporting):
        provider.sampler.exporting = True


def tracer_provider(settings: Settings) -> TracerProvider:
    """A tracer provider for the gateway, exporting to ``OTEL_EXPORTER_OTLP_ENDPOINT`` when
    it is set (``…/v1/traces``, OTLP over HTTP, in batches off the request path)."""
    provider = TracerProvider(
        sampler=_RecordWhenExporting(),
        resource=Resource.create({"service.name": "hub-gateway"}),
    )
    if settings.otel_exporter_otlp_endpoint:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        endpoint = settings.otel_exporter_otlp_endpoint.rstrip("/") + "/v1/traces"
        export_spans(provider, BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint)))
    return provider


def configure_tracing(settings: Settings) -> TracerProvider:
    """The process's tracer provider, made once (OpenTelemetry's is global): a later call
    returns it as it is."""
    current = trace.get_tracer_provider()
    if isinstance(current, TracerProvider):
        return current
    provider = tracer_provider(settings)
    trace.set_tracer_provider(provider)
    return provider


_UNSAMPLED = TraceFlags(TraceFlags.DEFAULT)


class _TracingMiddleware:
    """While spans are exported: the server span of each HTTP request, by OpenTelemetry's ASGI
    instrumentation (a ``traceparent`` header makes it a child of the caller's span; no span
    per ``send``/``receive`` message). Until then, the request only gets its trace's ids —
    the caller's trace, else a new one — in an unrecorded span: what the instrumentation
    would make with the dropping sampler, without its request attributes and metrics, which
    cost about a tenth of a warm request's CPU for nothing kept."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._instrumented = OpenTelemetryMiddleware(app, exclude_spans=["send", "receive"])

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or spans_recorded():
            await self._instrumented(scope, receive, send)
            return
        token = _attach_request_span(scope)
        try:
            await self.app(scope, receive, send)
        finally:
            otel_context.detach(token)


_PROPAGATOR = TraceContextTextMapPropagator()


def _attach_request_span(scope: Scope) -> Token[Context]:
    """Makes the request's unrecorded span (``_RequestSpan``) the current one; the token
    ``otel_context.detach`` takes."""
    return otel_context.attach(trace.set_span_in_context(_request_span(scope)))


def _request_span(scope: Scope) -> _RequestSpan:
    carrier = {}
    for name in (b"traceparent", b"tracestate"):
        value = request_header(scope, name)
        if value is not None:
            carrier[name.decode()] = value.decode("latin-1")
    parent = (
        trace.get_current_span(_PROPAGATOR.extract(carrier)).get_span_context()
        if carrier
        else INVALID_SPAN_CONTEXT  # no caller's trace: a new one
    )
    return _RequestSpan(parent, trace.get_tracer_provider().id_generator)  # type: ignore[attr-defined]


def request_trace_id(scope: Scope) -> str:
    """The id of the trace the tracing middleware gives a request while spans are not
    recorded (``spans_recorded``), as ``current_trace_id`` reads it: the caller's, else a new
    one. For a request answered before it (``gateway.pipeline``'s door)."""
    return format(_request_span(scope).get_span_context().trace_id, "032x")


class _RequestSpan(NonRecordingSpan):
    """A request's unrecorded span, its ids made the first time they are read (a partner
    call's ``traceparent``, a child span, the access line), then the same for the whole
    request: in the caller's trace when it sent one (``parent``), else a new trace. A kept
    anonymous answer calls no partner and, below INFO, logs nothing: it makes no ids (their
    span context was some 3 µs of its 40, ``python -m bench.inprocess``)."""

    def __init__(self, parent: SpanContext, ids: IdGenerator) -> None:
        super().__init__(INVALID_SPAN_CONTEXT)  # until its ids are made
        self._parent = parent
        self._ids = ids

    def get_span_context(self) -> SpanContext:
        if self._context is INVALID_SPAN_CONTEXT:
            with _MAKING:  # a thread given the request's context may read it first too
                if self._context is INVALID_SPAN_CONTEXT:
                    parent, ids = self._parent, self._ids
                    self._context = SpanContext(
                        trace_id=parent.trace_id if parent.is_valid else ids.generate_trace_id(),
                        span_id=ids.generate_span_id(),
                        is_remote=False,
                        trace_flags=_UNSAMPLED,
                        trace_state=parent.trace_state if parent.is_valid else None,
                    )
        return self._context


_MAKING = threading.Lock()
"""Held while a request's span context is made (once per request that reads it)."""


def tracing_middleware(app: ASGIApp) -> ASGIApp:
    """The trace of each HTTP request (``_TracingMiddleware``)."""
    return _TracingMiddleware(app)


def current_trace_id() -> str | None:
    """The current trace's id as 32 hex digits, None outside a trace."""
    context = trace.get_current_span().get_span_context()
    return format(context.trace_id, "032x") if context.is_valid else None


def spans_recorded() -> bool:
    """Whether spans may be recorded: the process's provider exports them, or is not the
    gateway's (its own sampler decides)."""
    sampler = getattr(trace.get_tracer_provider(), "sampler", None)
    return not isinstance(sampler, _RecordWhenExporting) or sampler.exporting


def _unrecorded(operation_name: str | None, kind: str) -> None:
    """Names no span: none is made until spans are exported (``operation_span``)."""


@contextmanager
def operation_span() -> Iterator[Callable[[str | None, str], None]]:
    """The span of one GraphQL operation; the caller names it once it knows the operation's
    name and type (``query``, ``mutation``…). Until spans are exported, none: the sampler
    would drop it, and making it (ids, context, the sampler's call) cost about 30 µs of a
    warm anonymous request's ~600 (``python -m bench.inprocess``); the request's own
    unrecorded span carries the trace's ids meanwhile (``_TracingMiddleware``)."""
    if not spans_recorded():
        yield _unrecorded
        return
    with _tracer.start_as_current_span("graphql.operation") as span:

        def name_it(operation_name: str | None, kind: str) -> None:
            name = operation_label(operation_name)
            span.update_name(f"graphql.{kind} {name}")
            span.set_attribute("graphql.operation.name", name)
            span.set_attribute("graphql.operation.type", kind)

        yield name_it


def operation_answered(operation_name: str | None, kind: str) -> None:
    """The span of an operation answered at once (an answer kept whole,
    ``gateway.execution.whole``): a span begun and ended, once spans are exported; until
    then nothing (not even ``operation_span``'s context manager: a kept answer is a few
    dozen µs in all)."""
    if spans_recorded():
        with operation_span() as name_it:
            name_it(operation_name, kind)


class OperationSpan(SchemaExtension):
    """One span per GraphQL operation, named after it, with its type."""

    def on_operation(self) -> Iterator[None]:
        with operation_span() as name_it:
            yield
            context = self.execution_context
            try:
                kind = context.operation_type.value
            except RuntimeError:  # the document did not parse, or names no such operation
                kind = "operation"
            name_it(context.operation_name, kind)
