"""A company's projects, and the support group its referent builds around each."""

from __future__ import annotations

from datetime import UTC, datetime

import structlog

from auth.actions import Action, require
from connectors.hubdb import DatabaseUnavailable, ProjectRecord
from connectors.hubdb.unique_keys import AlreadyExists
from resolvers.context import Info
from resolvers.errors import BAD_USER_INPUT, NOT_FOUND, coded_error
from resolvers.inputs import bounded_text
from resolvers.siret import validate_siret

__all__ = [
    "ACTOR_ROLES",
    "add_project_actor",
    "create_holder_project",
    "create_project",
    "rename_project",
]

ACTOR_ROLES = ("REFERENT", "FUNDING_EXPERT", "SPECIALIST")
_MAX_TITLE = 200

_log = structlog.get_logger(__name__)


async def _owner(info: Info, project_id: str) -> tuple[str | None, str | None]:
    """(company SIRET, holder account) of a project; (None, None) when there is none."""
    async with info.context.services.writer.transaction() as tx:
        return await tx.project_owner(project_id) or (None, None)


def _title(title: str) -> str:
    title = title.strip()
    if not title:
        raise coded_error("A project needs a title.", BAD_USER_INPUT, argument="title")
    if len(title) > _MAX_TITLE:
        raise coded_error(
            f"A project title has at most {_MAX_TITLE} characters.",
            BAD_USER_INPUT,
            argument="title",
        )
    return title


async def _project(info: Info, siret: str | None, project_id: str) -> ProjectRecord:
    """The project just written, read back alone: reading all of the company's projects
    made each write slower than the last (a 10-minute soak of createProject on one company
    saturated the database's pool)."""
    if siret is not None:
        info.context.forget_company(siret)
    return (await info.context.services.hub.projects_by_id([project_id]))[project_id]


async def _created(info: Info, written: ProjectRecord) -> ProjectRecord:
    """A project just created, read back; ``written`` (what the resolver wrote: a new
    project has no actors yet) when the read fails. The creation is committed: answering
    DATABASE_UNAVAILABLE would tell the caller it failed, and its retry would create the
    project twice."""
    try:
        return await _project(info, written.siret, written.id)
    except DatabaseUnavailable as error:
        _log.warning("project.read_back_failed", project_id=written.id, reason=error.reason)
        return written


async def create_project(
    info: Info, raw_siret: str, title: str, theme: str | None
) -> ProjectRecord:
    siret = validate_siret(raw_siret)
    facts = await info.context.loaders.facts.load(siret)
    require(Action.ACT_FOR_COMPANY, info.context.viewer, facts=facts)
    title = _title(title)
    bounded_text(theme, "theme", 64)
    theme = (theme or "").strip() or None
    now = datetime.now(UTC)
    async with info.context.services.writer.transaction() as tx:
        project_id = await tx.create_project(siret=siret, title=title, theme=theme, now=now)
    written = ProjectRecord(
        id=project_id, siret=siret, title=title, theme=theme, created_at=now, actors=()
    )
    return await _created(info, written)


async def add_project_actor(info: Info, project_id: str, agent_id: str, role: str) -> ProjectRecord:
    """The company's accepted referent (or the administrator) adds a funding expert, a
    specialist (inside or outside the network) or a referent to a project. A funding expert
    must hold that role; any agent may be a specialist."""
    if role not in ACTOR_ROLES:
        raise coded_error(
            f"A project actor is one of {', '.join(ACTOR_ROLES)}.", BAD_USER_INPUT, argument="role"
        )
    context = info.context
    # Reads first, the write transaction last: a transaction never waits for a second
    # connection (the primary key settles concurrent additions).
    siret, _holder = await _owner(info, project_id)
    facts = (await context.services.hub.company_facts([siret]))[siret] if siret else None
    # Refused before "not found": a caller who may not act learns nothing about which ids exist.
    require(Action.ADD_PROJECT_ACTOR, context.viewer, facts=facts)
    if siret is None:  # only the administrator gets this far without a company
        raise coded_error(f"No project has the id {project_id!r}.", NOT_FOUND, argument="projectId")
    agent = (await context.services.hub.agents([agent_id])).get(agent_id)
    if agent is None:
        raise coded_error(f"No agent has the id {agent_id!r}.", NOT_FOUND, argument="agentId")
    if role != "SPECIALIST" and role not in agent.roles:
        raise coded_error(
            f"{agent.name} is not a {role.lower().replace('_', ' ')}.",
            BAD_USER_INPUT,
            argument="role",
        )
    async with context.services.writer.transaction() as tx:
        try:
            await tx.add_project_actor(
                project_id=project_id, agent_id=agent_id, role=role, now=datetime.now(UTC)
            )
        except AlreadyExists:
            raise coded_error(
                f"{agent.name} is already in this project as {role}.",
                BAD_USER_INPUT,
                argument="agentId",
            ) from None
    return await _project(info, siret, project_id)


async def create_holder_project(
    info: Info, title: str, filiere: str | None, structure_id: str
) -> ProjectRecord:
    """A project holder names its project, its filière and the labelled structure that
    supports it (found with ``structures(filter: {labelled: true, postalCode, supportKind})``)."""
    viewer = info.context.viewer
    require(Action.CREATE_OWN_PROJECT, viewer)
    title = _title(title)
    bounded_text(filiere, "filiere", 64)
    structure = (await info.context.services.hub.structures([structure_id])).get(structure_id)
    if structure is None:
        raise coded_error(
            f"No structure has the id {structure_id!r}.", NOT_FOUND, argument="structureId"
        )
    if not structure.labelled:
        raise coded_error(
            f"{structure.name} is not a labelled support structure.",
            BAD_USER_INPUT,
            argument="structureId",
        )
    filiere = (filiere or "").strip() or None
    now = datetime.now(UTC)
    async with info.context.services.writer.transaction() as tx:
        project_id = await tx.create_holder_project(
            account_id=viewer.account_id or "",
            title=title,
            filiere=filiere,
            structure_id=structure_id,
            now=now,
        )
    written = ProjectRecord(
        id=project_id, siret=None, title=title, theme=None, created_at=now, actors=(),
        filiere=filiere, structure_id=structure_id,
    )  # fmt: skip
    return await _created(info, written)


async def rename_project(info: Info, project_id: str, title: str) -> str:
    """Renames a project: its holder, or a member of its company. Returns its title."""
    title = _title(title)
    context = info.context
    siret, holder = await _owner(info, project_id)
    facts = (await context.services.hub.company_facts([siret]))[siret] if siret else None
    # An unknown id is refused like someone else's project: nobody may rename it.
    require(Action.RENAME_PROJECT, context.viewer, facts=facts, project_holder=holder)
    async with context.services.writer.transaction() as tx:
        await tx.rename_project(project_id=project_id, title=title)
    if siret:
        context.forget_company(siret)
    return title
