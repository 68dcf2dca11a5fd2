"""Reading agents and structures as records in one Core statement each.

An agent's roles, filières, domains and territories live in four tables; joining them all
would multiply rows (roles × filières × domains × territories), so they are read as one
``UNION ALL`` of (agent id, kind, value) rows, restricted to the wanted agents in every
branch, and outer-joined once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from connectors.hubdb.enums import SupportKind
from connectors.hubdb.models import (
    Account,
    Agent,
    AgentDomain,
    AgentFiliere,
    AgentRoleRow,
    AgentTerritory,
    Structure,
    StructureSupportKind,
)
from connectors.hubdb.records import AgentRecord, StructureRecord

__all__ = [
    "AGENTS",
    "STRUCTURES",
    "AgentRows",
    "StructureRows",
    "agent_attributes",
    "load_agents",
    "load_structures",
    "structure_columns",
]

AGENTS = Agent.__table__
ACCOUNTS = Account.__table__
STRUCTURES = Structure.__table__
SUPPORT_KINDS = StructureSupportKind.__table__
_ATTRIBUTE_TABLES = (
    ("role", AgentRoleRow.__table__.c.agent_id, AgentRoleRow.__table__.c.role),
    ("filiere", AgentFiliere.__table__.c.agent_id, AgentFiliere.__table__.c.filiere),
    ("domain", AgentDomain.__table__.c.agent_id, AgentDomain.__table__.c.domain),
    ("territory", AgentTerritory.__table__.c.agent_id, AgentTerritory.__table__.c.code),
)
_SUPPORT_ORDER = {kind.value: rank for rank, kind in enumerate(SupportKind)}


def agent_attributes(agent_ids: Sequence[str] | sa.Select[Any]) -> sa.Subquery:
    """(agent_id, attribute_kind, attribute_value) rows of the given agents' roles, filières, domains and
    territories."""
    return sa.union_all(
        *(
            sa.select(
                agent_id.label("agent_id"),
                sa.literal_column(f"'{kind}'").label("attribute_kind"),
                value.label("attribute_value"),
            ).where(agent_id.in_(agent_ids))
            for kind, agent_id, value in _ATTRIBUTE_TABLES
        )
    ).subquery("attributes")


def agent_columns() -> list[sa.ColumnElement[Any]]:
    return [
        AGENTS.c.id.label("agent_id"),
        AGENTS.c.account_id,
        AGENTS.c.first_name,
        AGENTS.c.last_name,
        AGENTS.c.title,
        AGENTS.c.structure_id,
        ACCOUNTS.c.email.label("agent_email"),
        ACCOUNTS.c.phone.label("agent_phone"),
    ]


class AgentRows:
    """Collects (agent columns, attribute kind, value) rows into records, in first-seen
    order of the agents."""

    def __init__(self) -> None:
        self._agents: dict[str, Any] = {}
        self._values: defaultdict[tuple[str, str], set[str]] = defaultdict(set)

    def add(self, row: Any) -> None:
        if row.agent_id is None:
            return
        self._agents.setdefault(row.agent_id, row)
        if row.attribute_kind is not None:
            self._values[(row.agent_id, row.attribute_kind)].add(row.attribute_value)

    def records(self) -> dict[str, AgentRecord]:
        return {agent_id: self._record(row) for agent_id, row in self._agents.items()}

    def _record(self, row: Any) -> AgentRecord:
        def values(kind: str) -> tuple[str, ...]:
            return tuple(sorted(self._values.get((row.agent_id, kind), ())))

        return AgentRecord(
            id=row.agent_id,
            account_id=row.account_id,
            first_name=row.first_name,
            last_name=row.last_name,
            email=row.agent_email,
            phone=row.agent_phone,
            title=row.title,
            structure_id=row.structure_id,
            roles=frozenset(values("role")),
            filieres=values("filiere"),
            domains=values("domain"),
            territories=values("territory"),
        )


def load_agents(connection: Connection, ids: Sequence[str]) -> dict[str, AgentRecord]:
    attributes = agent_attributes(ids)
    rows = connection.execute(
        sa.select(*agent_columns(), attributes.c.attribute_kind, attributes.c.attribute_value)
        .select_from(AGENTS)
        .join(ACCOUNTS, ACCOUNTS.c.id == AGENTS.c.account_id)
        .outerjoin(attributes, attributes.c.agent_id == AGENTS.c.id)
        .where(AGENTS.c.id.in_(ids))
    )
    collected = AgentRows()
    for row in rows:
        collected.add(row)
    return collected.records()


def structure_columns() -> list[sa.ColumnElement[Any]]:
    return [
        *(column.label(f"structure_{column.name}") for column in STRUCTURES.c),
        SUPPORT_KINDS.c.support_kind,
    ]


class StructureRows:
    """Collects (structure columns, support kind) rows into records, in first-seen order."""

    def __init__(self) -> None:
        self._structures: dict[str, Any] = {}
        self._kinds: defaultdict[str, set[str]] = defaultdict(set)

    def add(self, row: Any) -> None:
        if row.structure_id is None:
            return
        self._structures.setdefault(row.structure_id, row)
        if row.support_kind is not None:
            self._kinds[row.structure_id].add(row.support_kind)

    def records(self) -> dict[str, StructureRecord]:
        return {key: self._record(row) for key, row in self._structures.items()}

    def _record(self, row: Any) -> StructureRecord:
        return StructureRecord(
            id=row.structure_id,
            name=row.structure_name,
            kind=row.structure_kind,
            department_code=row.structure_department_code,
            in_network=row.structure_in_network,
            charter_signed=row.structure_charter_signed,
            email=row.structure_email,
            phone=row.structure_phone,
            city=row.structure_city,
            postal_code=row.structure_postal_code,
            labelled=row.structure_labelled,
            support_kinds=_support_kinds(self._kinds.get(row.structure_id, ())),
        )


def _support_kinds(kinds: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(kinds, key=lambda kind: _SUPPORT_ORDER.get(kind, len(_SUPPORT_ORDER))))


def load_structures(connection: Connection, ids: Sequence[str]) -> dict[str, StructureRecord]:
    rows = connection.execute(
        sa.select(*structure_columns())
        .select_from(STRUCTURES)
        .outerjoin(SUPPORT_KINDS, SUPPORT_KINDS.c.structure_id == STRUCTURES.c.id)
        .where(STRUCTURES.c.id.in_(ids))
    )
    collected = StructureRows()
    for row in rows:
        collected.add(row)
    return collected.records()
