"""From an ``Authorization`` header to a Viewer: token verified, account looked up."""

from __future__ import annotations

import dataclasses
import hashlib
import time
from collections.abc import Awaitable, Callable
from typing import Protocol

from cachetools import TLRUCache

from auth.tokens import Claims, InvalidToken
from auth.viewer import ANONYMOUS, Viewer, ViewerKind
from connectors.hubdb import AccountRecord, CachedDirectory, HubRepository, normalize_email

__all__ = ["Authenticator", "TokenVerifier", "viewer_from_account"]

_ADMIN = "ADMIN"
_PROJECT_HOLDER = "PROJECT_HOLDER"


class TokenVerifier(Protocol):
    """``DevTokenIssuer`` verifies in place; ``OIDCVerifier`` awaits its provider's keys."""

    def verify(self, token: str) -> Claims | Awaitable[Claims]: ...


class Authenticator:
    """Verifies the bearer token and finds its account. A token's Viewer is remembered for
    ``ttl`` seconds (never past the token's expiry), keyed by the token's digest: a role or
    account change shows within that time, and the hot path saves two SQL round trips."""

    def __init__(
        self,
        verifier: TokenVerifier,
        hub: HubRepository,
        directory: CachedDirectory,
        *,
        ttl: float = 10.0,
        size: int = 10_000,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._verifier = verifier
        self._hub = hub
        self._directory = directory
        self._ttl = ttl
        self._viewers: TLRUCache[bytes, tuple[Viewer, float]] = TLRUCache(
            maxsize=size,
            ttu=lambda _key, value, now: min(now + self._ttl, value[1]),
            timer=clock,
        )

    async def viewer(self, authorization: str | None) -> Viewer:
        """No header: anonymous. A bad header, token or unknown account: ``InvalidToken``."""
        if not authorization:
            return ANONYMOUS
        scheme, _, token = authorization.strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise InvalidToken("Use the header 'Authorization: Bearer <token>'.")
        digest = hashlib.sha256(token.encode()).digest()
        remembered = self._viewers.get(digest)
        if remembered is not None:
            return remembered[0]
        verified = self._verifier.verify(token)
        claims = verified if isinstance(verified, Claims) else await verified
        viewer = await self._lookup(claims)
        self._viewers[digest] = (viewer, claims.expires_at)
        return viewer

    async def _lookup(self, claims: Claims) -> Viewer:
        email = normalize_email(claims.email)
        account = (await self._hub.accounts_by_email([email])).get(email)
        if account is None:
            raise InvalidToken("The token names no account of the hub.")
        in_network = False
        if account.agent is not None:
            structure_id = account.agent.structure_id
            structure = (await self._directory.structures([structure_id])).get(structure_id)
            in_network = structure is not None and structure.in_network and structure.charter_signed
        viewer = viewer_from_account(account, in_network=in_network)
        return dataclasses.replace(viewer, verified_name=claims.name)


def viewer_from_account(account: AccountRecord, *, in_network: bool) -> Viewer:
    agent = account.agent
    if agent is None:
        kind = (
            ViewerKind.PROJECT_HOLDER
            if account.kind == _PROJECT_HOLDER
            else ViewerKind.COMPANY_USER
        )
        return Viewer(kind=kind, account_id=account.id, email=account.email, name=account.name)
    return Viewer(
        kind=ViewerKind.ADMIN if _ADMIN in agent.roles else ViewerKind.AGENT,
        account_id=account.id,
        email=account.email,
        name=agent.name,
        agent_id=agent.id,
        structure_id=agent.structure_id,
        network_member=in_network,
        roles=agent.roles,
    )
