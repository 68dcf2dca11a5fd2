"""Immutable records the repository returns: plain data, safe to cache and share per request."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

__all__ = [
    "AccountRecord",
    "AgentRecord",
    "AssignmentRecord",
    "CompanyFacts",
    "PersonRecord",
    "ProjectActorRecord",
    "ProjectRecord",
    "StructureRecord",
]


@dataclass(frozen=True, slots=True)
class AgentRecord:
    """A network agent; ``email`` and ``phone`` are those of the agent's account."""

    id: str
    account_id: str
    first_name: str
    last_name: str
    email: str
    phone: str | None
    title: str | None
    structure_id: str
    roles: frozenset[str]
    filieres: tuple[str, ...]
    domains: tuple[str, ...]

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass(frozen=True, slots=True)
class AccountRecord:
    """A signed-in person; ``agent`` is set when the account is a network agent's."""

    id: str
    email: str
    name: str
    phone: str | None
    kind: str
    agent: AgentRecord | None


@dataclass(frozen=True, slots=True)
class StructureRecord:
    id: str
    name: str
    kind: str
    department_code: str | None
    in_network: bool
    charter_signed: bool
    email: str | None
    phone: str | None


@dataclass(frozen=True, slots=True)
class PersonRecord:
    """A member of a company space; ``role`` is MANDATAIRE or COLLABORATOR."""

    account_id: str
    name: str
    email: str
    phone: str | None
    role: str


@dataclass(frozen=True, slots=True)
class AssignmentRecord:
    """A referent request; ``structure_id`` is the requested agent's structure."""

    id: str
    siret: str
    agent_id: str
    structure_id: str
    status: str
    requested_at: datetime
    answered_at: datetime | None
    due_at: datetime | None
    reminded_at: datetime | None


@dataclass(frozen=True, slots=True)
class CompanyFacts:
    """What the visibility rules need about one company, loaded once per request."""

    siret: str
    registered: bool
    members: Mapping[str, str]
    """account id -> MANDATAIRE | COLLABORATOR"""
    people: tuple[PersonRecord, ...]
    """The same members with their contacts: mandataires first, then collaborators, by name."""
    referent: AssignmentRecord | None
    """The current (PENDING or ACCEPTED) assignment, if any."""


@dataclass(frozen=True, slots=True)
class ProjectRecord:
    id: str
    siret: str | None
    title: str
    theme: str | None
    created_at: datetime
    actors: tuple[ProjectActorRecord, ...]
    """Referent first, then funding experts, then specialists, each in the order added."""


@dataclass(frozen=True, slots=True)
class ProjectActorRecord:
    project_id: str
    agent_id: str
    role: str
