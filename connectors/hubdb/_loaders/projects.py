"""Projects (a company's, by id, an agent's) with their actors, and the actors alone."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from connectors.hubdb._loaders._tables import ACTORS, PROJECTS
from connectors.hubdb.enums import ProjectActorRole
from connectors.hubdb.records import ProjectActorRecord, ProjectRecord

__all__ = [
    "load_project_actors",
    "load_projects",
    "load_projects_by_id",
    "load_projects_of_agent",
    "project_record",
]

_ACTOR_ORDER = {role.value: rank for rank, role in enumerate(ProjectActorRole)}


def project_record(row: Any) -> ProjectRecord:
    """A project read from a row of the ``projects`` table (its actors are added apart)."""
    return ProjectRecord(
        id=row.id,
        siret=row.siret,
        title=row.title,
        theme=row.theme,
        created_at=row.created_at,
        actors=(),
        filiere=row.filiere,
        structure_id=row.structure_id,
    )


_PROJECT_COLUMNS = (
    sa.select(
        PROJECTS.c.id,
        PROJECTS.c.siret,
        PROJECTS.c.title,
        PROJECTS.c.theme,
        PROJECTS.c.filiere,
        PROJECTS.c.structure_id,
        PROJECTS.c.created_at,
        ACTORS.c.agent_id,
        ACTORS.c.role,
        ACTORS.c.added_at,
    )
    .select_from(PROJECTS)
    .outerjoin(ACTORS, ACTORS.c.project_id == PROJECTS.c.id)
    .order_by(PROJECTS.c.created_at, PROJECTS.c.id)
)
_PROJECTS_OF_COMPANIES = _PROJECT_COLUMNS.where(
    PROJECTS.c.siret.in_(sa.bindparam("sirets", expanding=True))
)
"""Built once, like ``companies._COMPANY_FACTS``: only the keys change."""
_PROJECTS_BY_ID = _PROJECT_COLUMNS.where(PROJECTS.c.id.in_(sa.bindparam("ids", expanding=True)))
_PROJECTS_OF_AGENT = _PROJECT_COLUMNS.where(
    sa.or_(
        PROJECTS.c.id.in_(
            sa.select(ACTORS.c.project_id).where(ACTORS.c.agent_id == sa.bindparam("agent_id"))
        ),
        sa.and_(
            PROJECTS.c.holder_account_id.is_not(None),
            PROJECTS.c.structure_id == sa.bindparam("structure_id"),
        ),
    )
)


def _with_actors(rows: Iterable[Any]) -> list[ProjectRecord]:
    """Projects from rows of ``_PROJECT_COLUMNS`` (one per actor), in the rows' order."""
    found: dict[str, ProjectRecord] = {}
    actors: defaultdict[str, list[tuple[int, datetime, str, str]]] = defaultdict(list)
    for row in rows:
        if row.id not in found:
            found[row.id] = project_record(row)
        if row.agent_id is not None:
            actors[row.id].append((_ACTOR_ORDER[row.role], row.added_at, row.agent_id, row.role))
    return [
        dataclasses.replace(project, actors=tuple(
            ProjectActorRecord(project_id=project.id, agent_id=agent_id, role=role)
            for _, _, agent_id, role in sorted(actors[project.id])
        ))
        for project in found.values()
    ]  # fmt: skip


def load_projects(connection: Connection, sirets: Sequence[str]) -> dict[str, list[ProjectRecord]]:
    """A company's projects, oldest first, each with its actors (one Core statement: this
    read is on every company sheet)."""
    rows = connection.execute(_PROJECTS_OF_COMPANIES, {"sirets": list(sirets)})
    projects: dict[str, list[ProjectRecord]] = {siret: [] for siret in sirets}
    for project in _with_actors(rows):
        projects[str(project.siret)].append(project)
    return projects


def load_projects_by_id(
    connection: Connection, project_ids: Sequence[str]
) -> dict[str, ProjectRecord]:
    """Projects by id, each with its actors (one Core statement); unknown ids left out."""
    rows = connection.execute(_PROJECTS_BY_ID, {"ids": list(project_ids)})
    return {project.id: project for project in _with_actors(rows)}


def load_projects_of_agent(
    connection: Connection, agent_id: str, structure_id: str | None
) -> list[ProjectRecord]:
    """The projects an agent works on: those whose group it is in, and the project holders'
    projects its (labelled) structure supports; oldest first, with their actors."""
    rows = connection.execute(
        _PROJECTS_OF_AGENT, {"agent_id": agent_id, "structure_id": structure_id or ""}
    )
    return _with_actors(rows)


def load_project_actors(
    connection: Connection, project_ids: Sequence[str]
) -> dict[str, list[ProjectActorRecord]]:
    """Referent first, then funding experts, then specialists, each in the order added."""
    rows = connection.execute(
        sa.select(ACTORS.c.project_id, ACTORS.c.agent_id, ACTORS.c.role, ACTORS.c.added_at)
        .where(ACTORS.c.project_id.in_(project_ids))
    )  # fmt: skip
    grouped: defaultdict[str, list[tuple[int, datetime, str, str]]] = defaultdict(list)
    for project_id, agent_id, role, added_at in rows:
        grouped[project_id].append((_ACTOR_ORDER[role], added_at, agent_id, role))
    return {
        project_id: [
            ProjectActorRecord(project_id=project_id, agent_id=agent_id, role=role)
            for _, _, agent_id, role in sorted(grouped[project_id])
        ]
        for project_id in project_ids
    }
