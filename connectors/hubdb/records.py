"""Immutable records the repository returns: plain data, safe to cache and share per request."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

__all__ = [
    "AccountRecord",
    "AgentFilter",
    "AgentRecord",
    "AssignmentRecord",
    "ChangeRequestRecord",
    "CompanyFacts",
    "CompanyFilter",
    "CompanySearchScope",
    "NotificationRecord",
    "OutboxEmailRecord",
    "PersonRecord",
    "ProjectActorRecord",
    "ProjectRecord",
    "PublicAidRecord",
    "StructureFilter",
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
    """Sorted."""
    domains: tuple[str, ...]
    """Sorted."""
    territories: tuple[str, ...] = ()
    """Department codes ("30", "2A") or postal-code prefixes ("301") covered; sorted."""

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
    idp_issuer: str | None = None
    """The identity provider the account is bound to (``iss``), with its ``sub``."""
    idp_subject: str | None = None
    identity_status: str | None = None
    """``IdentityStatus`` of a signed-up person; None for accounts made otherwise."""
    deactivated: bool = False
    """An agent the administrator deactivated: it no longer signs in."""


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
    city: str | None = None
    postal_code: str | None = None
    labelled: bool = False
    """Labelled by the Région to support creators and buyers (project holders)."""
    support_kinds: tuple[str, ...] = ()
    """``SupportKind`` values, in the enum's order."""
    siret: str | None = None
    """The structure's SIRET when the directory knows it (no column holds it yet): an
    agents' provider's ``siret`` claim is then checked against it."""

    @property
    def selectable(self) -> bool:
        """Its agents may be chosen as referents: in the network, charter signed."""
        return self.in_network and self.charter_signed


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
    """A referent request of a company (``siret``) or of a holder's project
    (``project_id``); ``structure_id`` is the requested agent's structure."""

    id: str
    siret: str | None
    agent_id: str
    structure_id: str
    status: str
    requested_at: datetime
    answered_at: datetime | None
    due_at: datetime | None
    reminded_at: datetime | None
    project_id: str | None = None


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
    filiere: str | None = None
    structure_id: str | None = None


@dataclass(frozen=True, slots=True)
class ProjectActorRecord:
    project_id: str
    agent_id: str
    role: str


@dataclass(frozen=True, slots=True)
class NotificationRecord:
    id: str
    account_id: str
    kind: str
    payload: Mapping[str, Any]
    created_at: datetime
    read_at: datetime | None
    dedupe_key: str | None


@dataclass(frozen=True, slots=True)
class OutboxEmailRecord:
    """An e-mail of the outbox; ``status`` is PENDING, SENT or FAILED."""

    id: str
    dedupe_key: str
    to_address: str
    subject: str
    body: str
    status: str
    attempts: int
    next_attempt_at: datetime
    locked_until: datetime | None
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None


@dataclass(frozen=True, slots=True)
class ChangeRequestRecord:
    """A company's request to change referent; ``status`` is OPEN or CLOSED."""

    id: str
    siret: str
    account_id: str
    message: str
    status: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class AgentFilter:
    """Agent search criteria, all combined with AND; empty ones are ignored.

    ``name``: accent- and case-insensitive substring of "first last". ``postal_code``: the
    agent's territories cover it (its department, or a prefix of it). ``filieres`` and
    ``domains``: the agent has ANY of the given ones. ``role``: the agent has that role.
    ``selectable_only``: the agent's structure is in the network and signed the charter
    (only those agents may be chosen as referents; add ``role="REFERENT"`` for referents).
    """

    name: str | None = None
    postal_code: str | None = None
    structure_id: str | None = None
    filieres: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    role: str | None = None
    selectable_only: bool = False


@dataclass(frozen=True, slots=True)
class StructureFilter:
    """Structure search criteria, combined with AND. ``name``: accent- and case-insensitive
    substring; ``postal_code``: structures of that postal code's department."""

    name: str | None = None
    kind: str | None = None
    department_code: str | None = None
    in_network: bool | None = None
    labelled: bool | None = None
    support_kind: str | None = None
    postal_code: str | None = None


@dataclass(frozen=True, slots=True)
class PublicAidRecord:
    """A public aid a company received (gross grant equivalent, euros)."""

    id: str
    siret: str
    granted_on: date
    amount: int
    grantor: str
    scheme: str
    regulation: str | None


@dataclass(frozen=True, slots=True)
class CompanyFilter:
    """Company search criteria over the registered companies, combined with AND; ``None``
    ignores a criterion.

    ``text``: accent- and case-insensitive substring of the name, SIRET or city. ``siret``: 14
    digits (that establishment) or 9 (the SIREN's establishments). ``naf_code``: the code or a
    prefix of it ("25.62A", "25.6", "25"). ``structure_id``, ``referent_id``, ``has_referent``:
    of the current (pending or accepted) referent request. ``active``: Sirene's administrative
    status. ``has_projects``: the company has a project on the hub."""

    text: str | None = None
    siret: str | None = None
    postal_code: str | None = None
    department_code: str | None = None
    naf_code: str | None = None
    structure_id: str | None = None
    referent_id: str | None = None
    has_referent: bool | None = None
    active: bool | None = None
    has_projects: bool | None = None


@dataclass(frozen=True, slots=True)
class CompanySearchScope:
    """Where each criterion of a company search may look (docs/visibility.md, rule 3).

    A criterion named in ``tier2_criteria`` reads a tier-2 value: it matches only companies
    whose accepted referent is ``agent_id`` or belongs to ``structure_id`` (the rows where
    the viewer has tier 2), so neither the rows nor the count reveal others' values.
    ``tier2_criteria`` is empty for a viewer with tier 2 everywhere (the administrator)."""

    tier2_criteria: frozenset[str] = frozenset()
    agent_id: str | None = None
    structure_id: str | None = None
