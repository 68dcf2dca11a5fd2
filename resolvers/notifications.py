"""The viewer's notifications: listed, counted unread, marked read, and delivered live.

Every function reads the viewer's own account only; ids of other accounts' notifications
are ignored as if they did not exist."""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

from auth.actions import Action, require
from auth.tokens import InvalidToken
from auth.viewer import Viewer
from connectors.broker import BrokerUnavailable
from connectors.hubdb.notifications import NotificationPage, NotificationRecord, NotificationStore
from resolvers.context import Info
from resolvers.errors import BAD_USER_INPUT, UPSTREAM_UNAVAILABLE, coded_error

__all__ = [
    "MAX_IDS",
    "MAX_PAGE",
    "ViewerSource",
    "live_notifications",
    "mark_read",
    "notifications",
    "unread_count",
    "viewer_for_websocket",
]

MAX_PAGE = 100
MAX_IDS = 500
_AUTHORIZATION = "authorization"
_log = logging.getLogger("resolvers.notifications")


def _now() -> datetime:
    return datetime.now(UTC)


def _account_id(viewer: Viewer) -> str:
    require(Action.READ_OWN_NOTIFICATIONS, viewer)
    if viewer.account_id is None:  # a partner key acts for a structure, not an account
        raise coded_error("Only a person's account has notifications.", BAD_USER_INPUT)
    return viewer.account_id


async def notifications(
    info: Info, first: int | None, after: str | None, unread_only: bool
) -> NotificationPage:
    """The viewer's notifications, newest first."""
    account_id = _account_id(info.context.viewer)
    size = 20 if first is None else first
    if not 1 <= size <= MAX_PAGE:
        raise coded_error(
            f"`first` is between 1 and {MAX_PAGE}; it was {size}.", BAD_USER_INPUT, argument="first"
        )
    store = info.context.services.notifications
    try:
        return await store.page(account_id, first=size, after=after, unread_only=unread_only)
    except ValueError:
        raise coded_error(
            "This cursor is not one the hub gave: start again without `after`.",
            BAD_USER_INPUT,
            argument="after",
        ) from None


async def unread_count(info: Info) -> int:
    """For ``Viewer.unreadNotifications``: 0 for a viewer without an account."""
    account_id = info.context.viewer.account_id
    if account_id is None:
        return 0
    counts = await info.context.services.notifications.unread_count([account_id])
    return counts[account_id]


async def mark_read(info: Info, ids: Sequence[str]) -> int:
    """How many of the viewer's unread notifications among ``ids`` are now read."""
    account_id = _account_id(info.context.viewer)
    if len(ids) > MAX_IDS:
        raise coded_error(
            f"Mark at most {MAX_IDS} notifications at once.", BAD_USER_INPUT, argument="ids"
        )
    store = info.context.services.notifications
    return await store.mark_read(account_id, [str(id_) for id_ in ids], _now())


async def live_notifications(info: Info) -> AsyncGenerator[NotificationRecord, None]:
    """The viewer's notifications as they are published, until the client stops. A stream
    cut by the broker ends with ``UPSTREAM_UNAVAILABLE``: subscribe again."""
    account_id = _account_id(info.context.viewer)
    services = info.context.services
    try:
        async with services.broker.subscribe(account_id) as messages:
            async for message in messages:
                record = await _record(services.notifications, account_id, message)
                if record is not None:
                    yield record
    except BrokerUnavailable:
        raise coded_error(
            "Live notifications are interrupted; subscribe again (the list has them all).",
            UPSTREAM_UNAVAILABLE,
        ) from None


async def _record(
    store: NotificationStore, account_id: str, message: Mapping[str, Any]
) -> NotificationRecord | None:
    """The published message as a record; a cut-down message (no ``payload``: too large for
    the broker) is read from the store, which also drops anything not the account's."""
    notification_id = message.get("id")
    if not isinstance(notification_id, str):
        _log.warning("notification_message_dropped: no id")
        return None
    payload, kind, created_at = (
        message.get("payload"),
        message.get("kind"),
        message.get("createdAt"),
    )
    if not (isinstance(payload, dict) and isinstance(kind, str) and isinstance(created_at, str)):
        return await store.get(account_id, notification_id)
    try:
        moment = datetime.fromisoformat(created_at)
    except ValueError:
        return await store.get(account_id, notification_id)
    return NotificationRecord(
        id=notification_id,
        account_id=account_id,
        kind=kind,
        payload=payload,
        created_at=moment,
        read_at=None,
        dedupe_key=None,
    )


class ViewerSource(Protocol):
    """What ``auth.identity.Authenticator`` offers: an ``Authorization`` value to a Viewer."""

    async def viewer(self, authorization: str | None) -> Viewer: ...


async def viewer_for_websocket(
    connection_params: Mapping[str, object] | None, authenticator: ViewerSource
) -> Viewer:
    """The viewer of a graphql-transport-ws connection, from the ``connection_init`` payload
    ``{"Authorization": "Bearer …"}`` (key case-insensitive). No token: anonymous. A bad
    token: ``InvalidToken`` (the view closes the socket with 4403)."""
    authorization: object = None
    for key, value in (connection_params or {}).items():
        if key.lower() == _AUTHORIZATION:
            authorization = value
            break
    if authorization is not None and not isinstance(authorization, str):
        raise InvalidToken('Send the token as a string: {"Authorization": "Bearer <token>"}.')
    return await authenticator.viewer(authorization)
