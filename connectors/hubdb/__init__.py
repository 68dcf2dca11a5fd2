"""The hub's own database: the network directory, accounts, company spaces, referent
assignments and projects (SQLAlchemy 2 async; SQLite by default, PostgreSQL via asyncpg)."""

from __future__ import annotations

from connectors.hubdb.availability import DatabaseBounds, DatabaseUnavailable
from connectors.hubdb.company_cache import CompanyCache, CompanyReads
from connectors.hubdb.directory_cache import CachedDirectory
from connectors.hubdb.engine import create_engine, create_session_factory, database_circuit
from connectors.hubdb.migrate import migrate
from connectors.hubdb.models import normalize_email
from connectors.hubdb.offers import (
    InteractionRecord,
    OfferFilter,
    OfferProductRecord,
    OfferRecord,
)
from connectors.hubdb.records import (
    AccountRecord,
    AgentFilter,
    AgentRecord,
    AssignmentRecord,
    ChangeRequestRecord,
    CompanyFacts,
    CompanyFilter,
    CompanySearchScope,
    NotificationRecord,
    OutboxEmailRecord,
    PersonRecord,
    ProjectActorRecord,
    ProjectRecord,
    PublicAidRecord,
    StructureFilter,
    StructureRecord,
)
from connectors.hubdb.repository import HubRepository
from connectors.hubdb.runner import CoreRunner
from connectors.pagination import Page

__all__ = [
    "AccountRecord",
    "AgentFilter",
    "AgentRecord",
    "AssignmentRecord",
    "CachedDirectory",
    "ChangeRequestRecord",
    "CompanyCache",
    "CompanyFacts",
    "CompanyFilter",
    "CompanyReads",
    "CompanySearchScope",
    "CoreRunner",
    "DatabaseBounds",
    "DatabaseUnavailable",
    "HubRepository",
    "InteractionRecord",
    "NotificationRecord",
    "OfferFilter",
    "OfferProductRecord",
    "OfferRecord",
    "OutboxEmailRecord",
    "Page",
    "PersonRecord",
    "ProjectActorRecord",
    "ProjectRecord",
    "PublicAidRecord",
    "StructureFilter",
    "StructureRecord",
    "create_engine",
    "create_session_factory",
    "database_circuit",
    "migrate",
    "normalize_email",
]
