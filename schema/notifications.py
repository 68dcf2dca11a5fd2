"""The viewer's notifications: the list, marking them read, and the live subscription."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import aclosing
from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from auth.actions import Action, Allowed
from auth.tiers import Tier
from auth.visibility import tiered
from connectors.hubdb.notifications import NotificationRecord
from resolvers import notifications as resolve
from resolvers.context import Info
from schema.pagination import Connection

__all__ = [
    "Notification",
    "NotificationMutation",
    "NotificationQuery",
    "NotificationSubscription",
]


@strawberry.type(description="Something that happened which concerns the viewer.")
class Notification:
    id: strawberry.ID = tiered(Tier.PUBLIC)
    kind: str = tiered(
        Tier.PUBLIC,
        description="What happened: REFERENT_CHOSEN, REFERENT_ACCEPTED, REFERENT_REFUSED, "
        "REFERENT_REMINDER…",
    )
    payload: JSON = tiered(Tier.PUBLIC, description="The details; their shape depends on `kind`.")
    created_at: datetime = tiered(Tier.PUBLIC)
    read: bool = tiered(Tier.PUBLIC)

    @classmethod
    def of(cls, record: NotificationRecord) -> Notification:
        return cls(
            id=strawberry.ID(record.id),
            kind=record.kind,
            payload=JSON(dict(record.payload)),
            created_at=record.created_at,
            read=record.read_at is not None,
        )


@strawberry.type
class NotificationQuery:
    @tiered(Tier.AUTHENTICATED, description="The viewer's own notifications, newest first.")
    async def notifications(
        self,
        info: Info,
        first: int | None = 20,
        after: str | None = None,
        unread_only: bool = False,
    ) -> Connection[Notification] | None:
        page = await resolve.notifications(info, first, after, unread_only)
        return Connection.of(page, Notification.of)


@strawberry.type
class NotificationMutation:
    @strawberry.mutation(
        description="Mark the viewer's notifications read; answers how many were unread. "
        "Ids that are not the viewer's count for nothing.",
        directives=[Allowed(action=Action.READ_OWN_NOTIFICATIONS)],
    )
    async def mark_notifications_read(self, info: Info, ids: list[strawberry.ID]) -> int | None:
        return await resolve.mark_read(info, [str(id_) for id_ in ids])


@strawberry.type
class NotificationSubscription:
    @strawberry.subscription(
        description="The viewer's notifications as they happen (graphql-transport-ws; send "
        '`{"Authorization": "Bearer <token>"}` in `connection_init`).',
        directives=[Allowed(action=Action.READ_OWN_NOTIFICATIONS)],
    )
    async def notifications(self, info: Info) -> AsyncGenerator[Notification, None]:
        async with aclosing(resolve.live_notifications(info)) as records:
            async for record in records:
                yield Notification.of(record)
