"""SQLAlchemy models of the hub's own database. Only ``connectors.hubdb`` uses them."""

from __future__ import annotations

from connectors.hubdb.models.base import Base, UTCDateTime
from connectors.hubdb.models.companies import Company, CompanyMembership, ReferentAssignment
from connectors.hubdb.models.directory import (
    Account,
    Agent,
    AgentRoleRow,
    Structure,
    normalize_email,
)
from connectors.hubdb.models.projects import Project, ProjectActor

__all__ = [
    "Account",
    "Agent",
    "AgentRoleRow",
    "Base",
    "Company",
    "CompanyMembership",
    "Project",
    "ProjectActor",
    "ReferentAssignment",
    "Structure",
    "UTCDateTime",
    "normalize_email",
]
