"""Referent assignments: the current ones of the companies an account belongs to, and of
project holders' projects."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from connectors.hubdb._loaders._tables import AGENTS, ASSIGNMENTS, CURRENT_STATUSES, MEMBERSHIPS
from connectors.hubdb.records import AssignmentRecord

__all__ = [
    "assignment_record",
    "load_current_assignments_of_accounts",
    "load_project_referents",
]


_ASSIGNMENT_COLUMNS = tuple(
    ASSIGNMENTS.c[name]
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


def load_current_assignments_of_accounts(
    connection: Connection, account_ids: Sequence[str]
) -> dict[str, list[AssignmentRecord]]:
    """For each account, the current referent assignment of every company it belongs to."""
    rows = connection.execute(
        sa.select(
            MEMBERSHIPS.c.account_id.label("member_account_id"),
            *_ASSIGNMENT_COLUMNS,
            AGENTS.c.structure_id,
        )
        .join(ASSIGNMENTS, ASSIGNMENTS.c.siret == MEMBERSHIPS.c.siret)
        .join(AGENTS, AGENTS.c.id == ASSIGNMENTS.c.agent_id)
        .where(
            MEMBERSHIPS.c.account_id.in_(account_ids), ASSIGNMENTS.c.status.in_(CURRENT_STATUSES)
        )
        .order_by(MEMBERSHIPS.c.account_id, ASSIGNMENTS.c.siret)
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
        sa.select(*_ASSIGNMENT_COLUMNS, AGENTS.c.structure_id)
        .join(AGENTS, AGENTS.c.id == ASSIGNMENTS.c.agent_id)
        .where(
            ASSIGNMENTS.c.project_id.in_(project_ids), ASSIGNMENTS.c.status.in_(CURRENT_STATUSES)
        )
    )
    return {row.project_id: assignment_record(row, row.structure_id) for row in rows}
