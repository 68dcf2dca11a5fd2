"""Notifications of a workflow step: written in the step's transaction (in-app and the
e-mail outbox, each with a dedupe key), published live once it has committed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import structlog

from connectors.hubdb.writes import WriteTransaction
from resolvers.context import Info

__all__ = ["Announcements", "publish"]

_log = structlog.get_logger("resolvers.referents")


@dataclass
class Announcements:
    """Notifications written in a transaction, published live once it has committed."""

    tx: WriteTransaction
    now: datetime
    published: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    async def send(
        self,
        account_id: str,
        email: str,
        *,
        kind: str,
        key: str,
        payload: dict[str, Any],
        subject: str,
        body: str,
    ) -> None:
        message = await self.tx.notify(
            account_id=account_id,
            kind=kind,
            payload=payload,
            dedupe_key=f"{key}:{account_id}",
            now=self.now,
        )
        await self.tx.enqueue_mail(
            dedupe_key=f"{key}:{account_id}:mail",
            to=email,
            subject=subject,
            body=body,
            now=self.now,
        )
        if message is not None:
            self.published.append((account_id, message))


async def publish(info: Info, announcements: Announcements) -> None:
    """Live delivery is best effort, after the commit: the step is done and its
    notifications are stored whatever the broker says."""
    for account_id, message in announcements.published:
        try:
            await info.context.services.broker.publish(account_id, message)
        except Exception:  # noqa: BLE001 - a broker fault must not fail a committed step
            _log.warning("notification.publish_failed", kind=message.get("kind"))
