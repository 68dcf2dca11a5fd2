"""The tables the loaders read with Core statements (no ORM compile or session on every
request on the hot path), and the assignment statuses that count as current."""

from __future__ import annotations

from connectors.hubdb.enums import CURRENT_ASSIGNMENT_STATUSES
from connectors.hubdb.models import (
    Account,
    Agent,
    Company,
    CompanyMembership,
    Project,
    ProjectActor,
    ReferentAssignment,
)

__all__ = [
    "ACCOUNTS",
    "ACTORS",
    "AGENTS",
    "ASSIGNMENTS",
    "COMPANIES",
    "CURRENT_STATUSES",
    "MEMBERSHIPS",
    "PROJECTS",
]

COMPANIES = Company.__table__
MEMBERSHIPS = CompanyMembership.__table__
ACCOUNTS = Account.__table__
ASSIGNMENTS = ReferentAssignment.__table__
AGENTS = Agent.__table__
PROJECTS = Project.__table__
ACTORS = ProjectActor.__table__
CURRENT_STATUSES = [status.value for status in CURRENT_ASSIGNMENT_STATUSES]
