"""Writes that tell people: an in-app notification, an e-mail queued for the outbox
worker (each once per ``dedupe_key``), and who the administrators to tell are, mixed into
``WriteTransaction``."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from connectors.hubdb.models import Account, Agent, AgentRoleRow, EmailOutbox, Notification

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from connectors.hubdb.models import Base

__all__ = ["NoticeWrites"]


class NoticeWrites:
    session: AsyncSession

    async def _insert(self, row: Base) -> bool:  # pragma: no cover - WriteTransaction's
        raise NotImplementedError

    async def admin_accounts(self) -> list[tuple[str, str]]:
        """(account id, e-mail) of the hub administrators."""
        rows = await self.session.execute(
            sa.select(Account.id, Account.email)
            .join(Agent, Agent.account_id == Account.id)
            .join(AgentRoleRow, AgentRoleRow.agent_id == Agent.id)
            .where(AgentRoleRow.role == "ADMIN")
            .order_by(Account.id)
        )
        return [(account_id, email) for account_id, email in rows]

    async def notify(
        self,
        *,
        account_id: str,
        kind: str,
        payload: dict[str, Any],
        dedupe_key: str,
        now: datetime,
    ) -> dict[str, Any] | None:
        """An in-app notification; None when one with this ``dedupe_key`` exists already."""
        notification_id = str(uuid.uuid4())
        if not await self._insert(
            Notification(
                id=notification_id,
                account_id=account_id,
                kind=kind,
                payload=payload,
                created_at=now,
                dedupe_key=dedupe_key,
            )
        ):
            return None
        return {
            "id": notification_id,
            "accountId": account_id,
            "kind": kind,
            "payload": payload,
            "createdAt": now.isoformat(),
        }

    async def enqueue_mail(
        self, *, dedupe_key: str, to: str, subject: str, body: str, now: datetime
    ) -> bool:
        """An e-mail for the outbox worker; False when this ``dedupe_key`` is queued already."""
        return await self._insert(
            EmailOutbox(
                id=str(uuid.uuid4()),
                dedupe_key=dedupe_key,
                to_address=to,
                subject=subject,
                body=body,
                status="PENDING",
                attempts=0,
                next_attempt_at=now,
                created_at=now,
            )
        )
