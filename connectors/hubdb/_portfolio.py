"""Reads about one person's own companies: an agent's portfolio (the companies it is the
accepted referent of), an account's company spaces, a project holder's projects."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection

from connectors.hubdb._loaders import project_record
from connectors.hubdb._search import decode_cursor, encode_cursor
from connectors.hubdb.models import CompanyMembership, Project, ReferentAssignment
from connectors.hubdb.records import Page, ProjectRecord

__all__ = ["load_holder_projects", "load_memberships", "portfolio"]

_ASSIGNMENTS = ReferentAssignment.__table__
_MEMBERSHIPS = CompanyMembership.__table__
_PROJECTS = Project.__table__


async def portfolio(
    connection: AsyncConnection, agent_id: str, first: int, after: str | None
) -> Page[str]:
    """SIRETs of the companies whose ACCEPTED referent is ``agent_id``, by SIRET; two
    statements whatever the page size."""
    mine = sa.and_(_ASSIGNMENTS.c.agent_id == agent_id, _ASSIGNMENTS.c.status == "ACCEPTED")
    total = await connection.scalar(sa.select(sa.func.count()).where(mine))
    query = sa.select(_ASSIGNMENTS.c.siret).where(mine)
    if after is not None:
        query = query.where(_ASSIGNMENTS.c.siret > decode_cursor(after)[0])
    rows = (await connection.execute(query.order_by(_ASSIGNMENTS.c.siret).limit(first + 1))).all()
    sirets = tuple(siret for (siret,) in rows[:first])
    cursors = tuple(encode_cursor(siret, siret) for siret in sirets)
    return Page(
        items=sirets,
        total=int(total or 0),
        end_cursor=cursors[-1] if cursors else None,
        has_next=len(rows) > first,
        start_cursor=cursors[0] if cursors else None,
        cursors=cursors,
        has_previous=after is not None,
    )


def load_memberships(
    connection: Connection, account_ids: Sequence[str]
) -> dict[str, list[tuple[str, str]]]:
    """For each account, its company spaces as (SIRET, role), by SIRET."""
    rows = connection.execute(
        sa.select(_MEMBERSHIPS.c.account_id, _MEMBERSHIPS.c.siret, _MEMBERSHIPS.c.role)
        .where(_MEMBERSHIPS.c.account_id.in_(account_ids))
        .order_by(_MEMBERSHIPS.c.siret)
    )
    found: dict[str, list[tuple[str, str]]] = {account_id: [] for account_id in account_ids}
    for account_id, siret, role in rows:
        found[account_id].append((siret, role))
    return found


def load_holder_projects(
    connection: Connection, account_ids: Sequence[str]
) -> dict[str, list[ProjectRecord]]:
    """For each project holder's account, its own projects, oldest first."""
    rows = connection.execute(
        sa.select(_PROJECTS)
        .where(_PROJECTS.c.holder_account_id.in_(account_ids))
        .order_by(_PROJECTS.c.created_at, _PROJECTS.c.id)
    )
    found: dict[str, list[ProjectRecord]] = {account_id: [] for account_id in account_ids}
    for row in rows:
        found[row.holder_account_id].append(project_record(row))
    return found
