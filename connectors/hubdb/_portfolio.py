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


_MINE = (
    _ASSIGNMENTS.c.agent_id == sa.bindparam("agent_id"),
    _ASSIGNMENTS.c.status == "ACCEPTED",
    _ASSIGNMENTS.c.siret.is_not(None),
)
_TOTAL = sa.select(sa.func.count()).where(*_MINE)
_PAGE = sa.select(_ASSIGNMENTS.c.siret).where(*_MINE).order_by(_ASSIGNMENTS.c.siret)
_FIRST_PAGE = _PAGE.limit(sa.bindparam("limit"))
_NEXT_PAGE = _PAGE.where(_ASSIGNMENTS.c.siret > sa.bindparam("after")).limit(sa.bindparam("limit"))
"""Made once: a statement object remembers its cache key (SQLAlchemy's compiled-statement
cache), where one built per call worked it out again on every request."""


def portfolio(connection: Connection, agent_id: str, first: int, after: str | None) -> Page[str]:
    """SIRETs of the companies whose ACCEPTED referent is ``agent_id``, by SIRET; two
    statements whatever the page size."""
    total = connection.scalar(_TOTAL, {"agent_id": agent_id})
    if after is None:
        page = connection.scalars(_FIRST_PAGE, {"agent_id": agent_id, "limit": first + 1})
    else:
        parameters = {"agent_id": agent_id, "after": decode_cursor(after)[0], "limit": first + 1}
        page = connection.scalars(_NEXT_PAGE, parameters)
    return assemble_page(
        page.all(), first, item=lambda siret: siret, cursor=lambda siret: encode_cursor(siret, siret),
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
