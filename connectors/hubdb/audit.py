"""The audit trail of tier-2 reads: written once per request (one statement for all of the
request's events), read by the administrator newest first, filtered and paged."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from connectors.hubdb._newest_first import newest_first_page
from connectors.hubdb.models import AuditEvent
from connectors.hubdb.runner import CoreRunner
from connectors.pagination import Page

__all__ = ["AuditEventRecord", "AuditFilter", "AuditStore", "UpstreamCallRecord"]

_TABLE = AuditEvent.__table__


@dataclass(frozen=True, slots=True)
class UpstreamCallRecord:
    endpoint: str
    identifier: str
    object: str
    """The purpose sent to API Entreprise as ``object``."""
    outcome: str
    """UPSTREAM (a call went out), CACHE (a fresh cached copy: no call), SHARED (joined an
    identical call in flight: no call of its own), STALE (the call failed, an older copy was
    served), FAILED (no data)."""

    def as_json(self) -> dict[str, str]:
        return {
            "endpoint": self.endpoint,
            "identifier": self.identifier,
            "object": self.object,
            "outcome": self.outcome,
        }


@dataclass(frozen=True, slots=True)
class AuditEventRecord:
    id: str
    occurred_at: datetime
    request_id: str
    viewer_kind: str
    account_id: str | None
    api_key_id: str | None
    structure_id: str | None
    siret: str
    access: str
    fields: tuple[str, ...]
    upstream_calls: tuple[UpstreamCallRecord, ...]
    client_request_id: str | None = None
    """The client's own ``X-Request-Id``, when it sent a sane one (``request_id`` is the
    gateway's)."""


@dataclass(frozen=True, slots=True)
class AuditFilter:
    siret: str | None = None
    account_id: str | None = None
    api_key_id: str | None = None
    since: datetime | None = None
    """Inclusive."""
    until: datetime | None = None
    """Exclusive."""


def _call(value: Mapping[str, Any]) -> UpstreamCallRecord:
    return UpstreamCallRecord(
        endpoint=str(value.get("endpoint", "")),
        identifier=str(value.get("identifier", "")),
        object=str(value.get("object", "")),
        outcome=str(value.get("outcome", "")),
    )


def _record(row: sa.Row[tuple[object, ...]]) -> AuditEventRecord:
    return AuditEventRecord(
        id=row.id,
        occurred_at=row.occurred_at,
        request_id=row.request_id,
        viewer_kind=row.viewer_kind,
        account_id=row.account_id,
        api_key_id=row.api_key_id,
        structure_id=row.structure_id,
        siret=row.siret,
        access=row.access,
        fields=tuple(row.fields or ()),
        upstream_calls=tuple(_call(call) for call in row.upstream_calls or ()),
        client_request_id=row.client_request_id,
    )


class AuditStore:
    def __init__(
        self, session_factory: async_sessionmaker[AsyncSession], runner: CoreRunner | None = None
    ) -> None:
        """``runner`` writes the events (on every audited request, so on the hot path) and
        reads them (``connectors.hubdb.runner``); without one, both run on the async engine
        of ``session_factory``."""
        self._runner = CoreRunner.or_sessions(runner, session_factory)

    async def write(self, events: Sequence[AuditEventRecord]) -> None:
        """All of one request's events in one transaction and one statement; raises when
        the database refuses (the caller decides what the request then answers)."""
        if not events:
            return
        rows = [
            {
                "id": event.id,
                "occurred_at": event.occurred_at,
                "request_id": event.request_id,
                "client_request_id": event.client_request_id,
                "viewer_kind": event.viewer_kind,
                "account_id": event.account_id,
                "api_key_id": event.api_key_id,
                "structure_id": event.structure_id,
                "siret": event.siret,
                "access": event.access,
                "fields": list(event.fields),
                "upstream_calls": [call.as_json() for call in event.upstream_calls],
            }
            for event in events
        ]
        await self._runner.write(lambda connection: connection.execute(sa.insert(AuditEvent), rows))

    async def page(
        self, filter: AuditFilter, *, first: int, after: str | None = None
    ) -> Page[AuditEventRecord]:
        """Newest first (ties by id); ``total`` counts every match of the filter.
        ``ValueError("invalid cursor")`` for an ``after`` this store did not give."""
        matching = []
        if filter.siret is not None:
            matching.append(_TABLE.c.siret == filter.siret)
        if filter.account_id is not None:
            matching.append(_TABLE.c.account_id == filter.account_id)
        if filter.api_key_id is not None:
            matching.append(_TABLE.c.api_key_id == filter.api_key_id)
        if filter.since is not None:
            matching.append(_TABLE.c.occurred_at >= filter.since)
        if filter.until is not None:
            matching.append(_TABLE.c.occurred_at < filter.until)
        return await self._runner.read(
            lambda connection: newest_first_page(
                connection, _TABLE, _TABLE.c.occurred_at, matching, _record,
                first=first, after=after,
            )
        )  # fmt: skip
