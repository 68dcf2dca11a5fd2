"""The root Subscription, assembled from the per-domain subscription classes."""

from __future__ import annotations

import strawberry

from schema.notifications import NotificationSubscription

__all__ = ["Subscription"]


@strawberry.type
class Subscription(NotificationSubscription):
    pass
