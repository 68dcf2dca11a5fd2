"""Companies registered on the hub, the people of their company space, and their referent."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from connectors.hubdb.enums import CURRENT_ASSIGNMENT_STATUSES, AssignmentStatus, MembershipRole
from connectors.hubdb.models.base import Base, UTCDateTime, check_in, fold, utcnow

__all__ = [
    "CURRENT_ASSIGNMENT_WHERE",
    "ONE_SUBJECT",
    "Company",
    "CompanyChangeCounter",
    "CompanyMembership",
    "ReferentAssignment",
    "company_search_text",
]

CURRENT_ASSIGNMENT_WHERE = "status IN ({})".format(
    ", ".join(f"'{status.value}'" for status in CURRENT_ASSIGNMENT_STATUSES)
)
"""The predicate of the partial unique indexes: one current referent per company and per
project."""

ONE_SUBJECT = "(siret IS NULL) <> (project_id IS NULL)"
"""A referent request is a company's or a holder's project's, never both, never neither."""


def company_search_text(display_name: str, siret: str, city: str | None) -> str:
    """What the company search's ``text`` criterion reads: the folded name, SIRET and city."""
    return fold(" ".join(part for part in (display_name, siret, city or "") if part))


class Company(Base):
    """A company whose space was created on the hub (by one of its mandataires).

    The Sirene columns (``postal_code`` … ``active``) are copied from the establishment when
    the space is created, so that agents search the registered companies in SQL."""

    __tablename__ = "companies"
    __table_args__ = (
        sa.CheckConstraint("length(siret) = 14", name="siret_length"),
        sa.CheckConstraint("length(siren) = 9", name="siren_length"),
        sa.Index("ix_companies_sort_name_siret", "sort_name", "siret"),
        sa.Index("ix_companies_department_code", "department_code"),
        sa.Index("ix_companies_postal_code", "postal_code"),
        sa.Index("ix_companies_naf_code", "naf_code"),
    )

    siret: Mapped[str] = mapped_column(sa.String(14), primary_key=True)
    siren: Mapped[str] = mapped_column(sa.String(9), index=True)
    display_name: Mapped[str] = mapped_column(sa.String(200))
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    postal_code: Mapped[str | None] = mapped_column(sa.String(5))
    city: Mapped[str | None] = mapped_column(sa.String(100))
    department_code: Mapped[str | None] = mapped_column(sa.String(3))
    naf_code: Mapped[str | None] = mapped_column(sa.String(6))
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    search_text: Mapped[str] = mapped_column(sa.String(400), default="")
    """:func:`company_search_text`, kept by the ORM on insert and update."""
    sort_name: Mapped[str] = mapped_column(sa.String(200), default="")
    """``fold(display_name)``: the search's order."""


@sa.event.listens_for(Company, "before_insert")
@sa.event.listens_for(Company, "before_update")
def _fold_company(_mapper: Any, _connection: Any, company: Company) -> None:
    company.search_text = company_search_text(company.display_name, company.siret, company.city)
    company.sort_name = fold(company.display_name)


class CompanyMembership(Base):
    """An account's access to a company space, as mandataire or authorised collaborator."""

    __tablename__ = "company_memberships"
    __table_args__ = (
        sa.UniqueConstraint("siret", "account_id"),
        check_in("role", MembershipRole, "role"),
    )

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    siret: Mapped[str] = mapped_column(sa.ForeignKey("companies.siret", ondelete="CASCADE"))
    account_id: Mapped[str] = mapped_column(
        sa.ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(sa.String(32))


class ReferentAssignment(Base):
    """A company's (``siret``) or a project holder's project's (``project_id``) request to
    an agent to be its referent, and the agent's answer: exactly one of the two is set.

    Refused requests stay as history; at most one PENDING or ACCEPTED row exists per company
    and per project.
    """

    __tablename__ = "referent_assignments"
    __table_args__ = (
        check_in("status", AssignmentStatus, "status"),
        sa.Index(
            "uq_referent_assignments_current_siret",
            "siret",
            unique=True,
            sqlite_where=sa.text(CURRENT_ASSIGNMENT_WHERE),
            postgresql_where=sa.text(CURRENT_ASSIGNMENT_WHERE),
        ),
        sa.Index(
            "uq_referent_assignments_current_project_id",
            "project_id",
            unique=True,
            sqlite_where=sa.text(CURRENT_ASSIGNMENT_WHERE),
            postgresql_where=sa.text(CURRENT_ASSIGNMENT_WHERE),
        ),
        sa.CheckConstraint(ONE_SUBJECT, name="one_subject"),
    )

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    siret: Mapped[str | None] = mapped_column(sa.ForeignKey("companies.siret"), index=True)
    project_id: Mapped[str | None] = mapped_column(
        sa.ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    """A project holder's project (its referent is chosen with its labelled structure)."""
    agent_id: Mapped[str] = mapped_column(sa.ForeignKey("agents.id"), index=True)
    status: Mapped[str] = mapped_column(sa.String(16))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    refusal_reason: Mapped[str | None] = mapped_column(sa.Text)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    end_reason: Mapped[str | None] = mapped_column(sa.Text, default=None)
    """Why the administrator ended it (ENDED)."""


class CompanyChangeCounter(Base):
    """On SQLite, how many writes changed what a company's access is decided from (its
    space, members, referent, invitations, projects), counted by triggers (migration 0014):
    a reader that finds a count other than the one it last saw drops what it kept in memory
    (``connectors/hubdb/company_cache.py``). One row. On PostgreSQL the same triggers notify
    instead, and the row stays at 0."""

    __tablename__ = "company_change_counter"
    __table_args__ = (sa.CheckConstraint("id = 1", name="one_row"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=False)
    writes: Mapped[int] = mapped_column(sa.BigInteger)
