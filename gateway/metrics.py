"""Prometheus metrics of the gateway's HTTP and GraphQL side, and the ``/metrics``
exposition.

Every label set is bounded: routes are the known ones or "other"; operations are the first
``MAX_OPERATIONS`` names that passed validation, then "other" ("anonymous" for unnamed
ones, "invalid" for what did not validate, "batch" for several in one request); error codes
are the gateway's own upper-case codes or "GRAPHQL_VALIDATION_FAILED"."""

from __future__ import annotations

import threading
from collections.abc import Sequence

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest
from starlette.requests import Request
from starlette.responses import Response

__all__ = [
    "MAX_OPERATIONS",
    "metrics_endpoint",
    "observe_http",
    "observe_request",
    "route_of",
]

_ROUTES = frozenset({"/graphql", "/healthz", "/readyz", "/metrics"})

HTTP_REQUESTS = Counter(
    "hub_http_requests_total", "HTTP requests by route and status.", ["route", "status"]
)
HTTP_SECONDS = Histogram(
    "hub_http_request_seconds",
    "HTTP request duration by route.",
    ["route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)


MAX_OPERATIONS = 100

GRAPHQL_SECONDS = Histogram(
    "hub_graphql_operation_seconds",
    "Duration of a GraphQL request over HTTP, by operation name (bounded: see the module).",
    ["operation"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
GRAPHQL_ERRORS = Counter(
    "hub_graphql_errors_total", "GraphQL errors in answers, by extensions.code.", ["code"]
)


class _OperationLabels:
    """The operation names that get a label of their own: the first ``limit`` valid ones."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._known: set[str] = set()
        self._lock = threading.Lock()

    def label(self, operations: Sequence[str], validated: bool) -> str:
        if len(operations) > 1:
            return "batch"
        name = operations[0]
        if not validated:
            return "invalid"
        if name == "anonymous" or name in self._known:
            return name
        with self._lock:
            if len(self._known) >= self._limit:
                return "other"
            self._known.add(name)
        return name


_operations = _OperationLabels(MAX_OPERATIONS)


def route_of(path: str) -> str:
    """The route a path is counted under: a known one, "/static", or "other"."""
    if path in _ROUTES:
        return path
    return "/static" if path.startswith("/static/") else "other"


def observe_request(
    operations: Sequence[str], validated: bool, error_codes: Sequence[str], seconds: float
) -> None:
    """Counts a finished request's GraphQL side (nothing when it ran no operation)."""
    if operations:
        GRAPHQL_SECONDS.labels(_operations.label(operations, validated)).observe(seconds)
    for code in error_codes:
        GRAPHQL_ERRORS.labels(code).inc()


def observe_http(route: str, status: int, seconds: float) -> None:
    HTTP_REQUESTS.labels(route, str(status)).inc()
    HTTP_SECONDS.labels(route).observe(seconds)


async def metrics_endpoint(request: Request) -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
