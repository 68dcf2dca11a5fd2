"""One access line per HTTP request, written when it ends: route, status, duration, who asked
(the viewer's kind), which GraphQL operations ran, the error codes they answered, and how
many calls each partner received for it.

The request pipeline (``gateway.pipeline``) opens the request's ``RequestRecord``
(``open_record``) and writes the line (``write_access_line``); the GraphQL side fills it in
(``note_operation``: by ``OperationNames``, an operation-level extension, on graphql-core's
path, and by the compiled path itself; ``note_result`` from the view); the partner calls
are tallied by ``connectors.http``."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextvars import ContextVar, Token
from dataclasses import dataclass, field
from typing import Any

import structlog
from starlette.types import Scope
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionResult

from gateway.metrics import observe_http, observe_request, operation_label, route_of
from gateway.tracing import current_trace_id, request_trace_id

__all__ = [
    "OpenRecord",
    "OperationNames",
    "RequestRecord",
    "note_operation",
    "note_result",
    "open_record",
    "write_access_line",
]

_log = structlog.get_logger("gateway.access")
_CODE = re.compile(r"^[A-Z][A-Z0-9_]{0,47}$")
_record: ContextVar[RequestRecord | None] = ContextVar("request_record", default=None)


@dataclass(slots=True)
class RequestRecord:
    operations: list[str] = field(default_factory=list)
    """Each operation's name as the client gave it, "anonymous" when it gave none, "other"
    when it is not a GraphQL name (a client's ``operationName`` may be any text)."""
    error_codes: list[str] = field(default_factory=list)
    """Each error's ``extensions.code`` ("GRAPHQL_VALIDATION_FAILED" for graphql-core's own
    errors, which have none), in answer order."""
    validated: bool = False
    """Whether an operation got past parsing and validation (its name is then trustworthy
    enough to label a metric with)."""


def note_result(result: ExecutionResult) -> None:
    """Notes the error codes of an operation's final answer (after the error policy)."""
    record = _record.get()
    if record is None or not result.errors:
        return
    for error in result.errors:
        code = (error.extensions or {}).get("code")
        if isinstance(code, str) and _CODE.match(code):
            record.error_codes.append(code)
        else:  # graphql-core's own: syntax, validation, input coercion
            record.error_codes.append("GRAPHQL_VALIDATION_FAILED")


def note_operation(name: str | None, *, validated: bool) -> None:
    """Notes an operation of the request: its name, and whether it got past validation."""
    record = _record.get()
    if record is None:
        return
    record.operations.append(operation_label(name))
    record.validated = record.validated or validated


class OperationNames(SchemaExtension):
    """Notes the operation's name in the request's record; nothing per field. (Strawberry
    makes an instance per operation.)"""

    _valid = False

    def on_validate(self) -> Iterator[None]:
        yield
        self._valid = not self.execution_context.pre_execution_errors

    def on_operation(self) -> Iterator[None]:
        yield
        note_operation(self.execution_context.operation_name, validated=self._valid)


def _viewer_kind(scope: Scope) -> str | None:
    viewer: Any = scope.get("state", {}).get("viewer")
    return None if viewer is None else str(viewer.kind.value)


OpenRecord = tuple[RequestRecord, Token[RequestRecord | None]]


def open_record() -> OpenRecord:
    """A new record of the request's GraphQL side, filled in while the request runs;
    ``write_access_line`` closes it."""
    record = RequestRecord()
    return record, _record.set(record)


def write_access_line(
    opened: OpenRecord,
    scope: Scope,
    status: int,
    seconds: float,
    upstream: dict[str, int],
    *,
    traced: bool = True,
) -> None:
    """Counts and times a finished HTTP request in /metrics (unknown paths are one route,
    "other", so a scanner cannot grow the label set) and writes its ``request`` line
    (INFO), with the request id ``RequestIds`` put on the request. ``traced``: whether
    the request runs in its trace (else the line says the one it would have run in:
    ``request_trace_id``)."""
    record, token = opened
    _record.reset(token)
    route = route_of(scope["path"])
    observe_http(route, status, seconds)
    observe_request(record.operations, record.validated, record.error_codes, seconds)
    if not _log.is_enabled_for(logging.INFO):
        return  # the line's fields (its trace id most) cost a tenth of a kept answer's
    _log.info(
        "request",
        method=scope["method"],
        route=route,
        status=status,
        request_id=scope.get("state", {}).get("request_id"),
        trace_id=current_trace_id() if traced else request_trace_id(scope),
        duration_ms=round(seconds * 1000, 1),
        viewer=_viewer_kind(scope),
        operation=",".join(record.operations) or None,
        error_codes=record.error_codes or None,
        upstream_calls=sum(upstream.values()),
        upstream=dict(upstream) or None,
    )
