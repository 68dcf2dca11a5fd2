"""The SQL behind :class:`HubRepository`: one function per batch, each a single statement.

Every function takes an open synchronous connection (Core statements, run by ``CoreRunner``)
and a chunk of distinct keys, and returns records keyed by those keys. Ordering that users
see is done here in Python, so that SQLite and PostgreSQL (whose collations differ) give the
same order.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from types import MappingProxyType
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from connectors.hubdb import _directory
from connectors.hubdb.enums import (
    CURRENT_ASSIGNMENT_STATUSES,
    MembershipRole,
    ProjectActorRole,
)
from connectors.hubdb.models import (
    Account,
    Agent,
    Company,
    CompanyMembership,
    Project,
    ProjectActor,
    PublicAid,
    ReferentAssignment,
)
from connectors.hubdb.records import (
    AccountRecord,
    AssignmentRecord,
    CompanyFacts,
    PersonRecord,
    ProjectActorRecord,
    ProjectRecord,
    PublicAidRecord,
)

__all__ = [
    "assignment_record",
    "load_accounts_by_email",
    "load_accounts_by_id",
    "load_accounts_for_sign_in",
    "load_company_facts",
    "load_current_assignments_of_accounts",
    "load_project_actors",
    "load_projects",
    "load_projects_of_agent",
    "project_record",
]

_MEMBERSHIP_ORDER = {role.value: rank for rank, role in enumerate(MembershipRole)}
_ACTOR_ORDER = {role.value: rank for rank, role in enumerate(ProjectActorRole)}
_CURRENT = [status.value for status in CURRENT_ASSIGNMENT_STATUSES]

# The tables, for the Core reads of the hot path (no ORM compile or session on every request).
_COMPANIES = Company.__table__
_MEMBERSHIPS = CompanyMembership.__table__
_ACCOUNTS = Account.__table__
_ASSIGNMENTS = ReferentAssignment.__table__
_AGENTS = Agent.__table__
_PROJECTS = Project.__table__
_ACTORS = ProjectActor.__table__


def _name_key(name: str) -> str:
    """Accent- and case-insensitive sort key ("Élodie" sorts with "Elodie")."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


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


_ASSIGNMENT_COLUMNS = tuple(
    _ASSIGNMENTS.c[name]
    for name in ("id", "siret", "project_id", "agent_id", "status", "requested_at", "answered_at", "due_at",
                 "reminded_at")
)  # fmt: skip
"""What :func:`assignment_record` reads."""


def assignment_record(assignment: Any, structure_id: str) -> AssignmentRecord:
    """``assignment``: a ``ReferentAssignment`` or a row with its columns."""
    return AssignmentRecord(
        id=assignment.id,
        siret=assignment.siret,
        project_id=assignment.project_id,
        agent_id=assignment.agent_id,
        structure_id=structure_id,
        status=assignment.status,
        requested_at=assignment.requested_at,
        answered_at=assignment.answered_at,
        due_at=assignment.due_at,
        reminded_at=assignment.reminded_at,
    )


def _load_accounts(connection: Connection, where: sa.ColumnElement[bool]) -> list[AccountRecord]:
    """Accounts with, for agents' accounts, the agent (one statement)."""
    agent_ids = (
        sa.select(_AGENTS.c.id)
        .join(_ACCOUNTS, _ACCOUNTS.c.id == _AGENTS.c.account_id)
        .where(where)
        .scalar_subquery()
    )
    attributes = _directory.agent_attributes(sa.select(agent_ids))
    rows = connection.execute(
        sa.select(
            _ACCOUNTS.c.id,
            _ACCOUNTS.c.email,
            _ACCOUNTS.c.name,
            _ACCOUNTS.c.phone,
            _ACCOUNTS.c.kind,
            _ACCOUNTS.c.idp_issuer,
            _ACCOUNTS.c.idp_subject,
            _ACCOUNTS.c.identity_status,
            _AGENTS.c.deactivated_at,
            *_directory.agent_columns(),
            attributes.c.attribute_kind,
            attributes.c.attribute_value,
        )
        .select_from(_ACCOUNTS)
        .outerjoin(_AGENTS, _AGENTS.c.account_id == _ACCOUNTS.c.id)
        .outerjoin(attributes, attributes.c.agent_id == _AGENTS.c.id)
        .where(where)
    )
    accounts: dict[str, Any] = {}
    agents = _directory.AgentRows()
    for row in rows:
        accounts.setdefault(row.id, row)
        agents.add(row)
    agent_records = {record.account_id: record for record in agents.records().values()}
    return [
        AccountRecord(
            id=row.id,
            email=row.email,
            name=row.name,
            phone=row.phone,
            kind=row.kind,
            agent=agent_records.get(row.id),
            idp_issuer=row.idp_issuer,
            idp_subject=row.idp_subject,
            identity_status=row.identity_status,
            deactivated=row.deactivated_at is not None,
        )
        for row in accounts.values()
    ]


def load_accounts_by_email(
    connection: Connection, emails: Sequence[str]
) -> dict[str, AccountRecord]:
    """``emails`` are already normalised (trimmed, lower-cased)."""
    records = _load_accounts(connection, _ACCOUNTS.c.email.in_(emails))
    return {record.email: record for record in records}


def load_accounts_for_sign_in(
    connection: Connection, issuer: str, subject: str, email: str
) -> list[AccountRecord]:
    """The account bound to (``issuer``, ``subject``) and the one with ``email`` (already
    normalised), in one statement: none, one, or both."""
    bound = sa.and_(_ACCOUNTS.c.idp_issuer == issuer, _ACCOUNTS.c.idp_subject == subject)
    return _load_accounts(connection, sa.or_(bound, _ACCOUNTS.c.email == email))


def load_accounts_by_id(connection: Connection, ids: Sequence[str]) -> dict[str, AccountRecord]:
    records = _load_accounts(connection, _ACCOUNTS.c.id.in_(ids))
    return {record.id: record for record in records}


def _company_facts_statement() -> sa.Select[Any]:
    companies, memberships, accounts = _COMPANIES, _MEMBERSHIPS, _ACCOUNTS
    assignments, agents = _ASSIGNMENTS, _AGENTS
    return (
        sa.select(
            companies.c.siret,
            memberships.c.role,
            accounts.c.id,
            accounts.c.name,
            accounts.c.email,
            accounts.c.phone,
            assignments.c.id.label("assignment_id"),
            assignments.c.agent_id,
            assignments.c.status,
            assignments.c.requested_at,
            assignments.c.answered_at,
            assignments.c.due_at,
            assignments.c.reminded_at,
            agents.c.structure_id,
        )
        .select_from(companies)
        .outerjoin(memberships, memberships.c.siret == companies.c.siret)
        .outerjoin(accounts, accounts.c.id == memberships.c.account_id)
        .outerjoin(
            assignments,
            sa.and_(assignments.c.siret == companies.c.siret, assignments.c.status.in_(_CURRENT)),
        )
        .outerjoin(agents, agents.c.id == assignments.c.agent_id)
        .where(companies.c.siret.in_(sa.bindparam("sirets", expanding=True)))
    )


_COMPANY_FACTS = _company_facts_statement()
"""Built once (building it took half the read's time): only the SIRETs change."""


def load_company_facts(connection: Connection, sirets: Sequence[str]) -> dict[str, CompanyFacts]:
    """One Core statement (this read is on every request): each registered company with
    its members' accounts and its current referent assignment (at most one, by the partial
    unique index), outer-joined."""
    rows = connection.execute(_COMPANY_FACTS, {"sirets": list(sirets)})
    registered: set[str] = set()
    people: defaultdict[str, list[PersonRecord]] = defaultdict(list)
    referents: dict[str, AssignmentRecord] = {}
    for row in rows:
        registered.add(row.siret)
        if row.id is not None:
            people[row.siret].append(
                PersonRecord(
                    account_id=row.id,
                    name=row.name,
                    email=row.email,
                    phone=row.phone,
                    role=row.role,
                )
            )
        if row.assignment_id is not None and row.siret not in referents:
            referents[row.siret] = AssignmentRecord(
                id=row.assignment_id,
                siret=row.siret,
                agent_id=row.agent_id,
                structure_id=row.structure_id,
                status=row.status,
                requested_at=row.requested_at,
                answered_at=row.answered_at,
                due_at=row.due_at,
                reminded_at=row.reminded_at,
            )
    facts: dict[str, CompanyFacts] = {}
    for siret in sirets:
        members = tuple(sorted(people.get(siret, ()), key=_member_order))
        facts[siret] = CompanyFacts(
            siret=siret,
            registered=siret in registered,
            members=MappingProxyType({p.account_id: p.role for p in members}),
            people=members,
            referent=referents.get(siret),
        )
    return facts


def _member_order(person: PersonRecord) -> tuple[int, str, str]:
    """Mandataires first, then collaborators, each by name."""
    return (_MEMBERSHIP_ORDER[person.role], _name_key(person.name), person.account_id)


_PROJECT_COLUMNS = (
    sa.select(
        _PROJECTS.c.id,
        _PROJECTS.c.siret,
        _PROJECTS.c.title,
        _PROJECTS.c.theme,
        _PROJECTS.c.filiere,
        _PROJECTS.c.structure_id,
        _PROJECTS.c.created_at,
        _ACTORS.c.agent_id,
        _ACTORS.c.role,
        _ACTORS.c.added_at,
    )
    .select_from(_PROJECTS)
    .outerjoin(_ACTORS, _ACTORS.c.project_id == _PROJECTS.c.id)
    .order_by(_PROJECTS.c.created_at, _PROJECTS.c.id)
)
_PROJECTS_OF_COMPANIES = _PROJECT_COLUMNS.where(
    _PROJECTS.c.siret.in_(sa.bindparam("sirets", expanding=True))
)
"""Built once, like ``_COMPANY_FACTS``."""
_PROJECTS_BY_ID = _PROJECT_COLUMNS.where(_PROJECTS.c.id.in_(sa.bindparam("ids", expanding=True)))
_PROJECTS_OF_AGENT = _PROJECT_COLUMNS.where(
    sa.or_(
        _PROJECTS.c.id.in_(
            sa.select(_ACTORS.c.project_id).where(_ACTORS.c.agent_id == sa.bindparam("agent_id"))
        ),
        sa.and_(
            _PROJECTS.c.holder_account_id.is_not(None),
            _PROJECTS.c.structure_id == sa.bindparam("structure_id"),
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
        sa.select(_ACTORS.c.project_id, _ACTORS.c.agent_id, _ACTORS.c.role, _ACTORS.c.added_at)
        .where(_ACTORS.c.project_id.in_(project_ids))
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


def load_current_assignments_of_accounts(
    connection: Connection, account_ids: Sequence[str]
) -> dict[str, list[AssignmentRecord]]:
    """For each account, the current referent assignment of every company it belongs to."""
    rows = connection.execute(
        sa.select(
            _MEMBERSHIPS.c.account_id.label("member_account_id"),
            *_ASSIGNMENT_COLUMNS,
            _AGENTS.c.structure_id,
        )
        .join(_ASSIGNMENTS, _ASSIGNMENTS.c.siret == _MEMBERSHIPS.c.siret)
        .join(_AGENTS, _AGENTS.c.id == _ASSIGNMENTS.c.agent_id)
        .where(_MEMBERSHIPS.c.account_id.in_(account_ids), _ASSIGNMENTS.c.status.in_(_CURRENT))
        .order_by(_MEMBERSHIPS.c.account_id, _ASSIGNMENTS.c.siret)
    )
    assignments: dict[str, list[AssignmentRecord]] = {account_id: [] for account_id in account_ids}
    for row in rows:
        assignments[row.member_account_id].append(assignment_record(row, row.structure_id))
    return assignments


def load_project_referents(
    connection: Connection, project_ids: Sequence[str]
) -> dict[str, AssignmentRecord]:
    """The current referent assignment of each holder's project that has one (at most one,
    by the partial unique index)."""
    rows = connection.execute(
        sa.select(*_ASSIGNMENT_COLUMNS, _AGENTS.c.structure_id)
        .join(_AGENTS, _AGENTS.c.id == _ASSIGNMENTS.c.agent_id)
        .where(_ASSIGNMENTS.c.project_id.in_(project_ids), _ASSIGNMENTS.c.status.in_(_CURRENT))
    )
    return {row.project_id: assignment_record(row, row.structure_id) for row in rows}


def load_public_aids(
    connection: Connection, sirets: Sequence[str]
) -> dict[str, list[PublicAidRecord]]:
    """Each company's public aids, newest first."""
    aids = PublicAid.__table__
    rows = connection.execute(
        sa.select(aids)
        .where(aids.c.siret.in_(sirets))
        .order_by(aids.c.granted_on.desc(), aids.c.id)
    )
    found: dict[str, list[PublicAidRecord]] = {siret: [] for siret in sirets}
    for row in rows:
        found[row.siret].append(
            PublicAidRecord(
                id=row.id, siret=row.siret, granted_on=row.granted_on, amount=row.amount,
                grantor=row.grantor, scheme=row.scheme, regulation=row.regulation,
            )
        )  # fmt: skip
    return found
