"""The audit trail as the administrator reads it (``auditTrail``)."""

from __future__ import annotations

from datetime import UTC, datetime

from connectors.hubdb.audit import AuditEventRecord, AuditFilter
from connectors.pagination import Page
from resolvers.context import Info
from resolvers.directory_search import page_size, paged
from resolvers.errors import NOT_FOUND, coded_error
from resolvers.siret import validate_siret

__all__ = ["audit_trail"]


async def audit_trail(
    info: Info,
    *,
    siret: str | None,
    agent_id: str | None,
    api_key_id: str | None,
    since: datetime | None,
    until: datetime | None,
    first: int | None,
    after: str | None,
) -> Page[AuditEventRecord]:
    """Newest first. The field is the administrator's only (its declared tier)."""
    account_id = None
    if agent_id is not None:
        agent = await info.context.loaders.agents.load(agent_id)
        if agent is None:
            raise coded_error(f"No agent has the id {agent_id!r}.", NOT_FOUND, argument="agentId")
        account_id = agent.account_id
    criteria = AuditFilter(
        siret=validate_siret(siret) if siret is not None else None,
        account_id=account_id,
        api_key_id=api_key_id,
        since=_utc(since),
        until=_utc(until),
    )
    store = info.context.services.audit
    return await paged(store.page(criteria, first=page_size(first), after=after))


def _utc(moment: datetime | None) -> datetime | None:
    """A time without an offset is read as UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)
