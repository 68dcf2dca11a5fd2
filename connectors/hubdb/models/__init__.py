"""SQLAlchemy models of the hub's own database. Only ``connectors.hubdb`` uses them."""

from __future__ import annotations

from connectors.hubdb.models.aids import PublicAid
from connectors.hubdb.models.base import Base, UTCDateTime, fold
from connectors.hubdb.models.companies import (
    Company,
    CompanyChangeCounter,
    CompanyMembership,
    ReferentAssignment,
    company_search_text,
)
from connectors.hubdb.models.directory import (
    Account,
    Agent,
    AgentDomain,
    AgentFiliere,
    AgentRoleRow,
    AgentTerritory,
    Structure,
    StructureSupportKind,
    agent_sort_name,
    normalize_email,
)
from connectors.hubdb.models.identity import IdentityDocument
from connectors.hubdb.models.invitations import CollaboratorInvitation
from connectors.hubdb.models.offers import Interaction, Offer, OfferProduct
from connectors.hubdb.models.partners import ApiKey, AuditEvent, PersistedQuery
from connectors.hubdb.models.platforms import ApplicationStatusRow, PlatformPoll, Submission
from connectors.hubdb.models.preferences import AccountFiliere, Favourite
from connectors.hubdb.models.projects import Project, ProjectActor
from connectors.hubdb.models.surveys import SatisfactionSurvey
from connectors.hubdb.models.workflows import EmailOutbox, Notification, ReferentChangeRequest

__all__ = [
    "Account",
    "AccountFiliere",
    "Agent",
    "AgentDomain",
    "AgentFiliere",
    "AgentRoleRow",
    "AgentTerritory",
    "ApiKey",
    "ApplicationStatusRow",
    "AuditEvent",
    "Base",
    "CollaboratorInvitation",
    "Company",
    "CompanyChangeCounter",
    "CompanyMembership",
    "EmailOutbox",
    "Favourite",
    "IdentityDocument",
    "Interaction",
    "Notification",
    "Offer",
    "OfferProduct",
    "PersistedQuery",
    "PlatformPoll",
    "Project",
    "ProjectActor",
    "PublicAid",
    "ReferentAssignment",
    "ReferentChangeRequest",
    "SatisfactionSurvey",
    "Structure",
    "StructureSupportKind",
    "Submission",
    "UTCDateTime",
    "agent_sort_name",
    "company_search_text",
    "fold",
    "normalize_email",
]
