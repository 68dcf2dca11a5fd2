"""Prometheus metrics of the gateway's HTTP and GraphQL side, and the ``/metrics``
exposition.

Every label set is bounded: routes are the known ones or "other"; operations are the first
``MAX_OPERATIONS`` names that passed validation, then "other" ("anonymous" for unnamed
ones, "invalid" for what did not validate, "batch" for several in one request); error codes
are the gateway's own upper-case codes or "GRAPHQL_VALIDATION_FAILED"."""

from __future__ import annotations

import asyncio
import re
import threading
from collections.abc import Sequence
from datetime import UTC, datetime

import structlog
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, generate_latest
from starlette.requests import Request
from starlette.responses import Response

from connectors.metrics import labelled
from gateway.loop_metrics import LoopCounter, LoopHistogram
from resolvers.context import Services
from resolvers.outbox import FlushReport

__all__ = [
    "MAX_OPERATIONS",
    "RATE_LIMITED",
    "REMINDERS_SENT",
    "count_outbox",
    "metrics_endpoint",
    "observe_http",
    "observe_request",
    "operation_label",
    "route_of",
]

_ROUTES = frozenset({"/graphql", "/healthz", "/readyz", "/metrics"})

HTTP_REQUESTS = LoopCounter(
    "hub_http_requests_total", "HTTP requests by route and status.", ["route", "status"]
)
HTTP_SECONDS = LoopHistogram(
    "hub_http_request_seconds",
    "HTTP request duration by route.",
    "route",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)


_log = structlog.get_logger("gateway.metrics")

MAX_OPERATIONS = 100
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")

GRAPHQL_SECONDS = LoopHistogram(
    "hub_graphql_operation_seconds",
    "Duration of a GraphQL request over HTTP, by operation name (bounded: see the module).",
    "operation",
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


def operation_label(name: str | None) -> str:
    """An operation's name fit for a log line, a span or a label: "anonymous" when it has
    none, "other" when it is not a GraphQL name (a client's ``operationName`` is any text)."""
    return "anonymous" if not name else name if _NAME.match(name) else "other"


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
        GRAPHQL_SECONDS.observe(_operations.label(operations, validated), seconds)
    for code in error_codes:
        labelled(GRAPHQL_ERRORS, code).inc()  # the gateway's own codes: see the module


def observe_http(route: str, status: int, seconds: float) -> None:
    HTTP_REQUESTS.inc(route, str(status))
    HTTP_SECONDS.observe(route, seconds)


RATE_LIMITED = Counter(
    "hub_rate_limited_total",
    "Requests refused with HTTP 429, by the limit they hit (api_key, account, address).",
    ["limit"],
)
REMINDERS_SENT = Counter("hub_reminders_sent_total", "Referent reminders sent by this instance.")
OUTBOX_EMAILS = Counter(
    "hub_outbox_emails_total",
    "E-mails this instance's outbox worker tried, by outcome (sent, retried, failed).",
    ["outcome"],
)
OUTBOX_PENDING = Gauge(
    "hub_outbox_pending", "E-mails waiting in the outbox (all instances), read at scrape time."
)
OUTBOX_OLDEST_AGE = Gauge(
    "hub_outbox_oldest_age_seconds",
    "Age of the oldest e-mail waiting in the outbox (0 when none), read at scrape time.",
)
_BACKLOG_TIMEOUT_S = 2.0
for _outcome in ("sent", "retried", "failed"):  # exported at 0 before the first e-mail
    OUTBOX_EMAILS.labels(_outcome)
for _limit in ("api_key", "account", "address"):  # exported at 0 before the first 429
    RATE_LIMITED.labels(_limit)


def count_outbox(report: FlushReport) -> None:
    OUTBOX_EMAILS.labels("sent").inc(report.sent)
    OUTBOX_EMAILS.labels("retried").inc(report.retried)
    OUTBOX_EMAILS.labels("failed").inc(report.failed)


async def _read_backlog(services: Services | None) -> None:
    """The outbox gauges, from one query; left as they were when the database does not
    answer in time (a scrape must not hang on it)."""
    if services is None:
        return
    try:
        async with asyncio.timeout(_BACKLOG_TIMEOUT_S):
            backlog = await services.outbox.backlog()
    except Exception as error:  # noqa: BLE001 - any database failure: keep the last values
        _log.warning("metrics.outbox_unread", error=type(error).__name__)
        return
    OUTBOX_PENDING.set(backlog.pending)
    oldest = backlog.oldest
    if oldest is not None and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=UTC)  # SQLite keeps no zone: the hub stores UTC
    age = (datetime.now(UTC) - oldest).total_seconds() if oldest else 0.0
    OUTBOX_OLDEST_AGE.set(max(age, 0.0))


async def metrics_endpoint(request: Request) -> Response:
    await _read_backlog(getattr(request.app.state, "services", None))
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
