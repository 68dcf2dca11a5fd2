"""Reads about one person's own companies: an agent's portfolio (the companies it is the
accepted referent of), an account's company spaces, a project holder's projects."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from connectors.hubdb._loaders.projects import project_record
from connectors.hubdb.models import CompanyMembership, Project, ReferentAssignment
from connectors.hubdb.records import ProjectRecord
from connectors.pagination import Page, assemble_page, decode_cursor, encode_cursor

__all__ = ["load_holder_projects", "load_memberships", "portfolio"]

_ASSIGNMENTS = ReferentAssignment.__table__
_MEMBERSHIPS = CompanyMembership.__table__
_PROJECTS = Project.__table__


def portfolio(connection: Connection, agent_id: str, first: int, after: str | None) -> Page[str]:
    """SIRETs of the companies whose ACCEPTED referent is ``agent_id``, by SIRET; two
    statements whatever the page size."""
    mine = sa.and_(
        _ASSIGNMENTS.c.agent_id == agent_id,
        _ASSIGNMENTS.c.status == "ACCEPTED",
        _ASSIGNMENTS.c.siret.is_not(None),
    )
    total = connection.scalar(sa.select(sa.func.count()).where(mine))
    query = sa.select(_ASSIGNMENTS.c.siret).where(mine)
    if after is not None:
        query = query.where(_ASSIGNMENTS.c.siret > decode_cursor(after)[0])
    sirets = connection.scalars(query.order_by(_ASSIGNMENTS.c.siret).limit(first + 1)).all()
    return assemble_page(
        sirets, first, item=lambda siret: siret, cursor=lambda siret: encode_cursor(siret, siret),
        total=int(total or 0), after=after,
    )  # fmt: skip


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
