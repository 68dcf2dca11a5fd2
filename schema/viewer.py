"""Who the request is from, as the viewer itself sees it."""

from __future__ import annotations

import strawberry

from auth.tiers import Tier
from auth.viewer import ViewerKind
from auth.visibility import tiered
from gateway.context import Info
from resolvers import notifications

__all__ = ["Viewer"]


@strawberry.type(description="The person or system behind this request.")
class Viewer:
    kind: ViewerKind = tiered(Tier.PUBLIC)
    email: str | None = tiered(Tier.PUBLIC, description="Null when anonymous.")
    name: str | None = tiered(Tier.PUBLIC, description="Null when anonymous.")

    @tiered(Tier.AUTHENTICATED, description="How many of the viewer's notifications are unread.")
    async def unread_notifications(self, info: Info) -> int | None:
        return await notifications.unread_count(info)
