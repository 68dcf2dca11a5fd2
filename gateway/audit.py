"""Writes the request's audit events once, when the operation ends (``auth.audit``).

Fail closed: when the events cannot be written, the answer carries no data, only an
``AUDIT_UNAVAILABLE`` error — tier-2 data leaves the gateway only once its read is recorded,
and no read is lost silently."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import structlog
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

__all__ = ["AuditTrail", "audit_pending", "write_audit"]

_log = structlog.get_logger("gateway.audit")


def audit_pending(context: Any) -> bool:
    """Whether the request's context recorded events to write (``write_audit`` has work)."""
    audit = getattr(context, "audit", None)
    return audit is not None and bool(audit.pending)


async def write_audit(context: Any) -> GraphQLError | None:
    """Writes the events the request's context recorded; the error to answer instead of the
    data when they cannot be written, else None."""
    if not audit_pending(context):
        return None
    audit = context.audit
    await context.settle_started_reads()  # the calls of reads started ahead, in the events
    events = audit.events()
    try:
        await context.services.audit.write(events)
    except Exception as error:  # noqa: BLE001 - any failure: refuse the data, say so
        _log.error(
            "audit.write_failed",
            request_id=context.request_id,
            events=len(events),
            error=type(error).__name__,
        )
        return GraphQLError(
            "This read could not be recorded in the audit trail, so nothing is shown; "
            "try again later.",
            extensions={"code": "AUDIT_UNAVAILABLE", "requestId": context.request_id},
        )
    return None


class AuditTrail(SchemaExtension):
    async def on_operation(self) -> AsyncIterator[None]:
        yield
        error = await write_audit(self.execution_context.context)
        if error is not None:
            raise error
