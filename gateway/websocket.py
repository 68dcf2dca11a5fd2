"""graphql-transport-ws bound to the token of ``connection_init``: the socket is closed
(4403, "Token expired") when the token expires, so no subscription outlives its token; a
client reconnects with a fresh one. While the identity provider or the hub database is
unreachable, a new connection is closed with 1013 (try again later) rather than refused as
forbidden."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable

from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import ConnectionInitMessage

from auth.oidc import IdentityProviderUnavailable
from connectors.hubdb import DatabaseUnavailable
from resolvers.context import Context

__all__ = ["EXPIRED", "TRY_AGAIN_LATER", "TokenBoundTransportWSHandler"]

EXPIRED = 4403
TRY_AGAIN_LATER = 1013


class TokenBoundTransportWSHandler(BaseGraphQLTransportWSHandler[Context, None]):
    clock: Callable[[], float] = staticmethod(time.time)
    _expiry: asyncio.Task[None] | None = None

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        try:
            await super().handle_connection_init(message)
        except IdentityProviderUnavailable as error:
            reason = f"Identity provider unreachable: retry in {error.retry_after} s"
            await self.websocket.close(code=TRY_AGAIN_LATER, reason=reason)
            return
        except DatabaseUnavailable as error:
            reason = f"The hub database is unavailable: retry in {error.retry_after_header} s"
            await self.websocket.close(code=TRY_AGAIN_LATER, reason=reason)
            return
        expires_at = self.context.viewer.expires_at
        if self.connection_acknowledged and expires_at is not None and self._expiry is None:
            self._expiry = asyncio.create_task(self._close_at(expires_at))

    async def _close_at(self, expires_at: float) -> None:
        await asyncio.sleep(max(0.0, expires_at - self.clock()))
        await self.websocket.close(code=EXPIRED, reason="Token expired")

    async def shutdown(self) -> None:
        if self._expiry is not None:
            self._expiry.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._expiry
        await super().shutdown()
