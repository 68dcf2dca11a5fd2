"""What an operator runs to bring a production hub up from nothing: the first administrator
(``hub-gateway bootstrap-admin``) and the network's directory (``hub-gateway
import-directory``). Both are idempotent upserts through the hub database's connector."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from connectors.hubdb import normalize_email
from connectors.hubdb.directory_import import (
    AgentEntry,
    DirectoryBatch,
    DirectoryConflict,
    Outcome,
    directory_batch,
)
from connectors.hubdb.enums import AgentRole, StructureKind
from connectors.hubdb.migrate import check_reachable
from connectors.hubdb.writes import NewStructure
from gateway.directory_file import AgentRow, StructureRow, read_directory
from gateway.services import open_hub_database
from gateway.settings import ConfigurationError, Settings

__all__ = ["bootstrap_admin", "import_directory"]


@asynccontextmanager
async def _batch(settings: Settings, *, apply: bool) -> AsyncIterator[DirectoryBatch]:
    await check_reachable(settings.database_url)  # else one line, not a traceback
    async with (
        open_hub_database(settings) as database,
        directory_batch(database.sessions, apply=apply) as batch,
    ):
        yield batch


def _structure(row: StructureRow) -> NewStructure:
    return NewStructure(
        id=row.id, name=row.name, kind=row.kind.value, department_code=row.department_code,
        postal_code=row.postal_code, city=row.city, email=row.email, phone=row.phone,
        labelled=row.labelled, in_network=row.in_network,
        support_kinds=tuple(kind.value for kind in row.support_kinds),
    )  # fmt: skip


def _agent(row: AgentRow) -> AgentEntry:
    return AgentEntry(
        email=row.email, first_name=row.first_name, last_name=row.last_name,
        structure_id=row.structure, title=row.title, phone=row.phone,
        roles=tuple(role.value for role in row.roles), filieres=row.filieres,
        domains=row.domains, territories=row.territories,
    )  # fmt: skip


async def import_directory(
    settings: Settings, paths: list[Path], *, apply: bool
) -> tuple[str, bool]:
    """The report to print, and whether every row is valid. A dry run (``apply`` False)
    writes nothing but reports what applying would do; with ``apply``, all the rows are
    written or, when any has a problem, none."""
    directory = read_directory(paths)
    lines = [str(problem) for problem in directory.problems]
    counts: Counter[str] = Counter()
    try:
        async with _batch(settings, apply=apply and not lines) as batch:
            for _, row in directory.structures:
                counts[(await batch.upsert_structure(_structure(row))).value] += 1
            for where, agent in directory.agents:
                try:
                    counts[(await batch.upsert_agent(_agent(agent))).value] += 1
                except DirectoryConflict as conflict:
                    lines.append(f"{where}: {conflict}")
            if lines and apply:
                raise _NothingWritten
    except _NothingWritten:
        pass
    errors = len(lines)
    if not apply:
        verb = "dry run, nothing written: add --apply to write"
    elif errors:
        verb = "nothing written: fix the errors and run it again"
    else:
        verb = "applied"
    summary = ", ".join(f"{counts[o.value]} {o.value}" for o in Outcome)
    lines.append(
        f"directory import ({verb}): {len(directory.structures)} structures and "
        f"{len(directory.agents)} agents read; {summary}; {errors} errors"
    )
    return "\n".join(lines), errors == 0


class _NothingWritten(Exception):
    """Rolls an applied import back when a row was refused."""


def _names_from_email(email: str) -> tuple[str, str]:
    """``jeanne.martin@…`` → ("Jeanne", "Martin"); what the identity provider says replaces
    nothing here: the administrator edits their profile after signing in."""
    local = email.split("@", 1)[0]
    first, _, last = local.replace("_", ".").partition(".")
    return first.capitalize() or "Admin", last.replace(".", " ").title() or "Admin"


async def bootstrap_admin(
    settings: Settings,
    *,
    email: str,
    structure: str,
    structure_name: str | None,
    structure_kind: str,
    first_name: str | None,
    last_name: str | None,
) -> str:
    """Makes ``email`` an administrator of the hub, as an agent of ``structure`` (created
    when ``structure_name`` is given and it does not exist). The account binds to the
    person's identity (issuer and subject) at their first sign-in through an agents'
    identity provider with this e-mail. Running it again changes nothing."""
    guessed_first, guessed_last = _names_from_email(email)
    agent = AgentRow(
        email=email, first_name=first_name or guessed_first, last_name=last_name or guessed_last,
        structure=structure, roles=(AgentRole.ADMIN,),
    )  # fmt: skip
    lines = []
    async with _batch(settings, apply=True) as batch:
        if not await batch.structure_exists(structure):
            if structure_name is None:
                raise ConfigurationError(
                    f"No structure has the id {structure!r}: give --structure-name (and "
                    "--structure-kind) to create it."
                )
            row = StructureRow(
                id=structure, name=structure_name, kind=StructureKind(structure_kind)
            )
            await batch.upsert_structure(_structure(row))
            lines.append(f"structure {structure!r} created")
        try:
            outcome = await batch.ensure_admin(_agent(agent))
        except DirectoryConflict as conflict:
            raise ConfigurationError(f"{agent.email}: {conflict}.") from None
    lines.append(f"administrator {normalize_email(agent.email)} of {structure!r}: {outcome.value}")
    lines.append(
        "They sign in through the agents' identity provider (OIDC_ISSUER / OIDC_PROVIDERS) "
        "with this e-mail; their first sign-in binds the account to that identity."
    )
    return "\n".join(lines)
