"""The closed vocabularies of the hub's tables, stored as plain strings guarded by CHECKs."""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "CURRENT_ASSIGNMENT_STATUSES",
    "AccountKind",
    "AgentRole",
    "AssignmentStatus",
    "ChangeRequestStatus",
    "Channel",
    "DocumentStatus",
    "ExpertiseLevel",
    "IdentityStatus",
    "InteractionKind",
    "InvitationStatus",
    "MembershipRole",
    "OutboxStatus",
    "ProjectActorRole",
    "Satisfaction",
    "Segment",
    "StructureKind",
    "SupportKind",
]


class StructureKind(StrEnum):
    REGION = "REGION"
    ADOCC = "ADOCC"
    CCI = "CCI"
    CMA = "CMA"
    BGE = "BGE"
    INITIATIVE = "INITIATIVE"
    EPCI = "EPCI"
    RESO = "RESO"
    RESO_INNOVATION = "RESO_INNOVATION"
    OTHER = "OTHER"


class AccountKind(StrEnum):
    COMPANY_USER = "COMPANY_USER"
    PROJECT_HOLDER = "PROJECT_HOLDER"
    AGENT = "AGENT"


class AgentRole(StrEnum):
    REFERENT = "REFERENT"
    FUNDING_EXPERT = "FUNDING_EXPERT"
    SPECIALIST = "SPECIALIST"
    ADMIN = "ADMIN"


class MembershipRole(StrEnum):
    """A mandataire holds the company space; a collaborator was added by a mandataire."""

    MANDATAIRE = "MANDATAIRE"
    COLLABORATOR = "COLLABORATOR"


class InvitationStatus(StrEnum):
    """A collaborator's invitation: PENDING until accepted, revoked by a mandataire, or
    replaced by a new one once past its ``expires_at`` (EXPIRED)."""

    PENDING = "PENDING"
    ACCEPTED = "ACCEPTED"
    REVOKED = "REVOKED"
    EXPIRED = "EXPIRED"


class AssignmentStatus(StrEnum):
    PENDING = "PENDING"
    ACCEPTED = "ACCEPTED"
    REFUSED = "REFUSED"
    ENDED = "ENDED"
    """Ended by the administrator (an assignment, a deactivated agent's reassignment)."""


CURRENT_ASSIGNMENT_STATUSES = (AssignmentStatus.PENDING, AssignmentStatus.ACCEPTED)
"""An assignment in one of these statuses is the company's current referent (at most one)."""


class ProjectActorRole(StrEnum):
    REFERENT = "REFERENT"
    FUNDING_EXPERT = "FUNDING_EXPERT"
    SPECIALIST = "SPECIALIST"


class SupportKind(StrEnum):
    """The kinds of support a structure offers (what a project holder looks for)."""

    CREATION = "CREATION"
    REPRISE = "REPRISE"
    DEVELOPPEMENT = "DEVELOPPEMENT"
    INNOVATION = "INNOVATION"
    INTERNATIONAL = "INTERNATIONAL"
    FINANCEMENT = "FINANCEMENT"
    TRANSMISSION = "TRANSMISSION"
    EMPLOI_FORMATION = "EMPLOI_FORMATION"
    DEVELOPPEMENT_DURABLE = "DEVELOPPEMENT_DURABLE"


class OutboxStatus(StrEnum):
    PENDING = "PENDING"
    SENT = "SENT"
    FAILED = "FAILED"


class ChangeRequestStatus(StrEnum):
    OPEN = "OPEN"
    CLOSED = "CLOSED"


class IdentityStatus(StrEnum):
    """How a signed-up person's identity stands; NULL on accounts made otherwise (agents,
    collaborators, accounts from before sign-up existed)."""

    VERIFIED = "VERIFIED"
    """Vouched for by the identity provider's assurance claims, or a document accepted."""
    DOCUMENT_REQUIRED = "DOCUMENT_REQUIRED"
    UNDER_REVIEW = "UNDER_REVIEW"
    """A document waits for the administrator."""


class DocumentStatus(StrEnum):
    PENDING = "PENDING"
    ACCEPTED = "ACCEPTED"
    REJECTED = "REJECTED"


class SubmissionState(StrEnum):
    """Where a filing stands in the hub's outbox of applications: PENDING (written, being
    filed), CONFIRMED (the platform answered with its reference), UNCONFIRMED (the answer never
    came: the reconciliation job looks it up by key), FAILED (refused, or attempts spent)."""

    PENDING = "PENDING"
    CONFIRMED = "CONFIRMED"
    UNCONFIRMED = "UNCONFIRMED"
    FAILED = "FAILED"


class Segment(StrEnum):
    """The four client segments of the CCI standard Entreprendre & Transmettre."""

    CREATEUR = "CREATEUR"
    REPRENEUR = "REPRENEUR"
    NOUVEAU_DIRIGEANT = "NOUVEAU_DIRIGEANT"
    """The head of a company less than 3 years old."""
    CEDANT = "CEDANT"
    """A head of company in a transfer phase (dirigeant en phase de transmission)."""


class ExpertiseLevel(StrEnum):
    """The standard's four levels of expertise of a product or service (internal use)."""

    DISCOVERY = "DISCOVERY"
    ORIENTATION = "ORIENTATION"
    EXPERTISE = "EXPERTISE"
    SUPPORT = "SUPPORT"


class InteractionKind(StrEnum):
    """What an agent recorded of the support it gave (the annex's activity indicators)."""

    WELCOME = "WELCOME"
    SENSITISATION = "SENSITISATION"
    QUALIFICATION = "QUALIFICATION"
    TRAINING = "TRAINING"
    ADVICE_MEETING = "ADVICE_MEETING"
    WORKSHOP = "WORKSHOP"
    SUPPORT_PROGRAMME = "SUPPORT_PROGRAMME"
    BUSINESS_PLAN = "BUSINESS_PLAN"


class Channel(StrEnum):
    ON_SITE = "ON_SITE"
    REMOTE = "REMOTE"


class Satisfaction(StrEnum):
    """The satisfaction survey's first answer, on a four-step scale; the first two are
    « satisfied » (the satisfaction rate)."""

    VERY_SATISFIED = "VERY_SATISFIED"
    SATISFIED = "SATISFIED"
    DISSATISFIED = "DISSATISFIED"
    VERY_DISSATISFIED = "VERY_DISSATISFIED"
