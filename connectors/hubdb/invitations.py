"""Collaborators' invitations to a company space: the batched read of the pending ones
(the collaborators list), the live ones addressed to a person (``Viewer.invitations``), and
the writes of one transaction (``WriteTransaction``)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from connectors.hubdb.models import Account, CollaboratorInvitation, Company

if TYPE_CHECKING:
    from sqlalchemy import Connection
    from sqlalchemy.ext.asyncio import AsyncSession

    from connectors.hubdb.models import Base

__all__ = [
    "InvitationRecord",
    "InvitationWrites",
    "ReceivedInvitation",
    "load_invitations_to",
    "load_pending_invitations",
]

_INVITATIONS = CollaboratorInvitation.__table__
_COLUMNS = (
    _INVITATIONS.c.id, _INVITATIONS.c.siret, _INVITATIONS.c.email, _INVITATIONS.c.name,
    _INVITATIONS.c.phone, _INVITATIONS.c.role, _INVITATIONS.c.status,
    _INVITATIONS.c.created_at, _INVITATIONS.c.expires_at, _INVITATIONS.c.account_id,
    _INVITATIONS.c.invited_by,
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class InvitationRecord:
    """What a mandataire typed (e-mail, name, phone, role), and where the invitation is."""

    id: str
    siret: str
    email: str
    name: str
    phone: str | None
    role: str
    status: str
    created_at: datetime
    expires_at: datetime
    account_id: str | None
    invited_by: str | None = None
    """The mandataire's account."""


def _record(row: Any) -> InvitationRecord:
    return InvitationRecord(**{key: row._mapping[key] for key in row._mapping})


def load_pending_invitations(
    connection: Connection, sirets: Sequence[str]
) -> dict[str, list[InvitationRecord]]:
    """Each company's PENDING invitations (expired ones included: the caller knows the
    time), oldest first. One statement."""
    rows = connection.execute(
        sa.select(*_COLUMNS)
        .where(_INVITATIONS.c.siret.in_(sirets), _INVITATIONS.c.status == "PENDING")
        .order_by(_INVITATIONS.c.created_at, _INVITATIONS.c.id)
    )
    found: defaultdict[str, list[InvitationRecord]] = defaultdict(list)
    for row in rows:
        found[row.siret].append(_record(row))
    return {siret: found.get(siret, []) for siret in sirets}


@dataclass(frozen=True, slots=True)
class ReceivedInvitation:
    """A live invitation as its invitee sees it: the space, who sent it and when."""

    id: str
    siret: str
    inviter_name: str | None
    """The inviting mandataire's account name; None once that account is gone."""
    sent_at: datetime
    expires_at: datetime


def load_invitations_to(
    connection: Connection, email: str, now: datetime
) -> list[ReceivedInvitation]:
    """The PENDING invitations addressed to ``email`` (normalised) that have not expired at
    ``now``, newest first. One statement."""
    inviter = Account.__table__
    rows = connection.execute(
        sa.select(
            _INVITATIONS.c.id,
            _INVITATIONS.c.siret,
            inviter.c.name,
            _INVITATIONS.c.created_at,
            _INVITATIONS.c.expires_at,
        )
        .select_from(_INVITATIONS.outerjoin(inviter, inviter.c.id == _INVITATIONS.c.invited_by))
        .where(
            _INVITATIONS.c.email == email,
            _INVITATIONS.c.status == "PENDING",
            _INVITATIONS.c.expires_at > now,
        )
        .order_by(_INVITATIONS.c.created_at.desc(), _INVITATIONS.c.id)
    )
    return [ReceivedInvitation(*row) for row in rows]


class InvitationWrites:
    session: AsyncSession

    async def _insert(self, row: Base) -> bool:  # pragma: no cover - WriteTransaction's
        raise NotImplementedError

    async def invite_collaborator(
        self,
        *,
        siret: str,
        email: str,
        name: str,
        phone: str | None,
        role: str,
        token_hash: str,
        invited_by: str | None,
        now: datetime,
        expires_at: datetime,
    ) -> InvitationRecord | None:
        """A PENDING invitation; a pending one of the same e-mail past its expiry becomes
        EXPIRED first. None when a live one is pending (the partial unique index decides, so
        two simultaneous invitations cannot both be made)."""
        await self.session.execute(
            sa.update(CollaboratorInvitation)
            .where(
                CollaboratorInvitation.siret == siret,
                CollaboratorInvitation.email == email,
                CollaboratorInvitation.status == "PENDING",
                CollaboratorInvitation.expires_at <= now,
            )
            .values(status="EXPIRED", decided_at=now)
        )
        row = CollaboratorInvitation(
            id=str(uuid.uuid4()), siret=siret, email=email, name=name, phone=phone, role=role,
            token_hash=token_hash, status="PENDING", invited_by=invited_by, created_at=now,
            expires_at=expires_at,
        )  # fmt: skip
        if not await self._insert(row):
            return None
        return InvitationRecord(
            id=row.id, siret=siret, email=email, name=name, phone=phone, role=role,
            status="PENDING", created_at=now, expires_at=expires_at, account_id=None,
            invited_by=invited_by,
        )  # fmt: skip

    async def company_display_name(self, siret: str) -> str | None:
        return await self.session.scalar(
            sa.select(Company.display_name).where(Company.siret == siret)
        )

    async def invitation(
        self, *, invitation_id: str | None = None, token_hash: str | None = None
    ) -> InvitationRecord | None:
        """The invitation by its id or by its token's hash, locked for this transaction
        (on PostgreSQL) so that two acceptances are one."""
        where = (
            _INVITATIONS.c.id == invitation_id
            if invitation_id is not None
            else _INVITATIONS.c.token_hash == token_hash
        )
        row = (
            await self.session.execute(sa.select(*_COLUMNS).where(where).with_for_update())
        ).first()
        return None if row is None else _record(row)

    async def accept_invitation(self, invitation_id: str, account_id: str, now: datetime) -> bool:
        """PENDING and not expired → ACCEPTED by ``account_id`` (a conditional update)."""
        result = await self.session.execute(
            sa.update(CollaboratorInvitation)
            .where(
                CollaboratorInvitation.id == invitation_id,
                CollaboratorInvitation.status == "PENDING",
                CollaboratorInvitation.expires_at > now,
            )
            .values(status="ACCEPTED", decided_at=now, account_id=account_id)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def revoke_invitation(self, *, siret: str, email: str, now: datetime) -> bool:
        """The pending invitation of ``email`` to the space → REVOKED; whether there was one."""
        result = await self.session.execute(
            sa.update(CollaboratorInvitation)
            .where(
                CollaboratorInvitation.siret == siret,
                CollaboratorInvitation.email == email,
                CollaboratorInvitation.status == "PENDING",
            )
            .values(status="REVOKED", decided_at=now)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]
