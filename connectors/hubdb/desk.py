"""The administrator's desk, read: what waits for the administrator (requests to change
referent, refused and overdue referent requests) and the identity documents to verify.
Each page is two statements (the page, the count), whatever its size."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from connectors.hubdb.enums import CURRENT_ASSIGNMENT_STATUSES
from connectors.hubdb.models import (
    Account,
    Company,
    IdentityDocument,
    Project,
    ReferentAssignment,
    ReferentChangeRequest,
)
from connectors.hubdb.runner import CoreRunner
from connectors.pagination import Page, assemble_page, decode_time_cursor, encode_time_cursor

__all__ = ["DeskStore", "IdentityDocumentRecord", "ReferentRequestRecord"]

_CURRENT = [status.value for status in CURRENT_ASSIGNMENT_STATUSES]
_CHANGES = ReferentChangeRequest.__table__
_ASSIGNMENTS = ReferentAssignment.__table__
_COMPANIES = Company.__table__
_DOCUMENTS = IdentityDocument.__table__
_ACCOUNTS = Account.__table__
_PROJECTS = Project.__table__


@dataclass(frozen=True, slots=True)
class ReferentRequestRecord:
    """``kind``: CHANGE (a company asks to change referent), REFUSED (its chosen referent
    declined), OVERDUE (no answer by the deadline). ``status``: OPEN while the company still
    needs the administrator, CLOSED once it has a referent again (or the request was dealt
    with). ``at``: when it reached the desk."""

    id: str
    kind: str
    status: str
    siret: str | None
    """None for a project holder's project (``company`` is then its title)."""
    company: str
    at: datetime
    message: str | None
    agent_id: str | None


@dataclass(frozen=True, slots=True)
class IdentityDocumentRecord:
    id: str
    account_id: str
    name: str
    email: str
    account_kind: str
    content_type: str
    size: int
    status: str
    submitted_at: datetime
    decided_at: datetime | None
    reason: str | None
    file_key: str


def _requests(now: datetime) -> sa.Subquery:
    """Every desk item as one row shape (UNION ALL), with whether it is open."""
    has_current = (
        sa.select(sa.literal(1))
        .select_from(_ASSIGNMENTS.alias("current"))
        .where(
            sa.or_(
                sa.literal_column("current.siret") == _ASSIGNMENTS.c.siret,
                sa.literal_column("current.project_id") == _ASSIGNMENTS.c.project_id,
            ),
            sa.literal_column("current.status").in_(_CURRENT),
        )
        .exists()
    )
    changes = sa.select(
        _CHANGES.c.id,
        sa.literal("CHANGE").label("kind"),
        sa.case((_CHANGES.c.status == "OPEN", "OPEN"), else_="CLOSED").label("status"),
        _CHANGES.c.siret,
        _CHANGES.c.created_at.label("at"),
        _CHANGES.c.message,
        sa.null().label("agent_id"),
        sa.null().label("project_id"),
    )
    refused = sa.select(
        _ASSIGNMENTS.c.id,
        sa.literal("REFUSED").label("kind"),
        sa.case((has_current, "CLOSED"), else_="OPEN").label("status"),
        _ASSIGNMENTS.c.siret,
        sa.func.coalesce(_ASSIGNMENTS.c.answered_at, _ASSIGNMENTS.c.requested_at).label("at"),
        _ASSIGNMENTS.c.refusal_reason.label("message"),
        _ASSIGNMENTS.c.agent_id,
        _ASSIGNMENTS.c.project_id,
    ).where(_ASSIGNMENTS.c.status == "REFUSED")
    overdue = sa.select(
        _ASSIGNMENTS.c.id,
        sa.literal("OVERDUE").label("kind"),
        sa.literal("OPEN").label("status"),
        _ASSIGNMENTS.c.siret,
        _ASSIGNMENTS.c.due_at.label("at"),
        sa.null().label("message"),
        _ASSIGNMENTS.c.agent_id,
        _ASSIGNMENTS.c.project_id,
    ).where(_ASSIGNMENTS.c.status == "PENDING", _ASSIGNMENTS.c.due_at < now)
    return sa.union_all(changes, refused, overdue).subquery("requests")


def _referent_requests(
    connection: Connection,
    *,
    status: str | None,
    kinds: Sequence[str],
    first: int,
    after: str | None,
    now: datetime,
) -> Page[ReferentRequestRecord]:
    requests = _requests(now)
    where: list[sa.ColumnElement[bool]] = []
    if status is not None:
        where.append(requests.c.status == status)
    if kinds:
        where.append(requests.c.kind.in_(list(kinds)))
    total = connection.scalar(sa.select(sa.func.count()).select_from(requests).where(*where))
    page_where = list(where)
    if after is not None:
        moment, id_ = decode_time_cursor(after)
        page_where.append(
            sa.or_(requests.c.at < moment, sa.and_(requests.c.at == moment, requests.c.id < id_))
        )
    rows = connection.execute(
        sa.select(
            requests,
            sa.func.coalesce(_COMPANIES.c.display_name, _PROJECTS.c.title, requests.c.siret, ""),
        )
        .outerjoin(_COMPANIES, _COMPANIES.c.siret == requests.c.siret)
        .outerjoin(_PROJECTS, _PROJECTS.c.id == requests.c.project_id)
        .where(*page_where)
        .order_by(requests.c.at.desc(), requests.c.id.desc())
        .limit(first + 1)
    ).all()
    records = [_request_record(row) for row in rows]
    return assemble_page(
        records,
        first,
        item=lambda record: record,
        cursor=lambda record: encode_time_cursor(record.at, record.id),
        total=int(total or 0),
        after=after,
    )


def _request_record(row: Any) -> ReferentRequestRecord:
    at = row.at if isinstance(row.at, datetime) else datetime.fromisoformat(str(row.at))
    return ReferentRequestRecord(
        id=row.id,
        kind=row.kind,
        status=row.status,
        siret=row.siret,
        company=row[-1],
        at=_aware(at),
        message=row.message,
        agent_id=row.agent_id,
    )


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


_DOCUMENT_COLUMNS = (
    _DOCUMENTS.c.id, _DOCUMENTS.c.account_id, _ACCOUNTS.c.name, _ACCOUNTS.c.email,
    _ACCOUNTS.c.kind.label("account_kind"), _DOCUMENTS.c.content_type, _DOCUMENTS.c.size,
    _DOCUMENTS.c.status, _DOCUMENTS.c.submitted_at, _DOCUMENTS.c.decided_at,
    _DOCUMENTS.c.reason, _DOCUMENTS.c.file_key,
)  # fmt: skip


def _document_record(row: Any) -> IdentityDocumentRecord:
    return IdentityDocumentRecord(**{key: row._mapping[key] for key in row._mapping})


def _identity_documents(
    connection: Connection, *, status: str | None, first: int, after: str | None
) -> Page[IdentityDocumentRecord]:
    where = [] if status is None else [_DOCUMENTS.c.status == status]
    total = connection.scalar(sa.select(sa.func.count()).select_from(_DOCUMENTS).where(*where))
    if after is not None:
        moment, id_ = decode_time_cursor(after)
        where.append(
            sa.or_(
                _DOCUMENTS.c.submitted_at > moment,
                sa.and_(_DOCUMENTS.c.submitted_at == moment, _DOCUMENTS.c.id > id_),
            )
        )
    rows = connection.execute(
        sa.select(*_DOCUMENT_COLUMNS)
        .join(_ACCOUNTS, _ACCOUNTS.c.id == _DOCUMENTS.c.account_id)
        .where(*where)
        .order_by(_DOCUMENTS.c.submitted_at, _DOCUMENTS.c.id)
        .limit(first + 1)
    ).all()
    return assemble_page(
        [_document_record(row) for row in rows],
        first,
        item=lambda record: record,
        cursor=lambda record: encode_time_cursor(record.submitted_at, record.id),
        total=int(total or 0),
        after=after,
    )


def _verified_name(connection: Connection, account_id: str) -> str | None:
    row = connection.execute(
        sa.select(_ACCOUNTS.c.name)
        .join(_DOCUMENTS, _DOCUMENTS.c.account_id == _ACCOUNTS.c.id)
        .where(_ACCOUNTS.c.id == account_id, _DOCUMENTS.c.status == "ACCEPTED")
        .limit(1)
    ).first()
    return None if row is None else str(row[0])


def _identity_document(connection: Connection, document_id: str) -> IdentityDocumentRecord | None:
    row = connection.execute(
        sa.select(*_DOCUMENT_COLUMNS)
        .join(_ACCOUNTS, _ACCOUNTS.c.id == _DOCUMENTS.c.account_id)
        .where(_DOCUMENTS.c.id == document_id)
    ).first()
    return None if row is None else _document_record(row)


class DeskStore:
    def __init__(self, runner: CoreRunner) -> None:
        self._runner = runner

    async def referent_requests(
        self,
        *,
        status: str | None,
        kinds: Sequence[str],
        first: int,
        after: str | None,
        now: datetime,
    ) -> Page[ReferentRequestRecord]:
        """Newest first; ``ValueError("invalid cursor")`` for a cursor it did not give."""
        return await self._runner.read(
            lambda connection: _referent_requests(
                connection, status=status, kinds=kinds, first=first, after=after, now=now
            )
        )

    async def identity_documents(
        self, *, status: str | None, first: int, after: str | None
    ) -> Page[IdentityDocumentRecord]:
        """Oldest first (the queue's order)."""
        return await self._runner.read(
            lambda connection: _identity_documents(
                connection, status=status, first=first, after=after
            )
        )

    async def identity_document(self, document_id: str) -> IdentityDocumentRecord | None:
        return await self._runner.read(
            lambda connection: _identity_document(connection, document_id)
        )

    async def verified_name(self, account_id: str) -> str | None:
        """The account's name when the administrator accepted one of its identity documents
        (the name the document was checked against); None when none was accepted."""
        return await self._runner.read(lambda connection: _verified_name(connection, account_id))
