"""From an ``Authorization`` header to a Viewer: token verified, account looked up.

A token from an agents' provider can only make its bearer an agent (or the administrator,
an agent too); a token from the hub's own provider only a company user or a project holder.
A valid token that names no account its provider may sign in (unknown e-mail, the other
kind of account, an unverified e-mail, another employer's establishment) leaves its bearer
anonymous, with an :class:`IdentityNotice` saying why."""

from __future__ import annotations

import dataclasses
import hashlib
import time
from collections.abc import Awaitable, Callable
from typing import Protocol

from cachetools import TLRUCache

from auth.tokens import Claims, InvalidToken
from auth.viewer import ANONYMOUS, IdentityNotice, Viewer, ViewerKind
from connectors.hubdb import (
    AccountRecord,
    CachedDirectory,
    HubRepository,
    StructureRecord,
    normalize_email,
)

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
        """No header: anonymous. A bad header or token: ``InvalidToken``. A valid token
        naming no account its provider may sign in: anonymous, with a ``notice``."""
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
        if claims.email_verified is False:
            return _anonymous(claims, _EMAIL_NOT_VERIFIED)
        email = normalize_email(claims.email)
        account = (await self._hub.accounts_by_email([email])).get(email)
        if account is None:
            return _anonymous(claims, _UNKNOWN_ACCOUNT)
        if claims.provider_kind is not None and claims.provider_kind != _provider_kind(account):
            notice = _AGENTS_ONLY if claims.provider_kind == "AGENT" else _COMPANIES_ONLY
            return _anonymous(claims, notice)
        in_network = False
        if account.agent is not None:
            structure_id = account.agent.structure_id
            structure = (await self._directory.structures([structure_id])).get(structure_id)
            if structure is not None and not _same_employer(claims.siret, structure):
                return _anonymous(claims, _OTHER_ESTABLISHMENT)
            in_network = structure is not None and structure.in_network and structure.charter_signed
        viewer = viewer_from_account(account, in_network=in_network)
        return dataclasses.replace(viewer, verified_name=claims.name, expires_at=claims.expires_at)


_UNKNOWN_ACCOUNT = IdentityNotice(
    "UNKNOWN_ACCOUNT",
    "The token is valid but names no account of the hub: you are served as an anonymous "
    "visitor. Ask the hub's administrator for an account.",
)
_AGENTS_ONLY = IdentityNotice(
    "WRONG_IDENTITY_PROVIDER",
    "This identity provider signs in network agents only, and this account is not an "
    "agent's: sign in through the hub's own provider. You are served as an anonymous visitor.",
)
_COMPANIES_ONLY = IdentityNotice(
    "WRONG_IDENTITY_PROVIDER",
    "This identity provider signs in company users and project holders only, and this "
    "account is a network agent's: sign in through the agents' provider. You are served as "
    "an anonymous visitor.",
)
_EMAIL_NOT_VERIFIED = IdentityNotice(
    "EMAIL_NOT_VERIFIED",
    "The identity provider has not verified this e-mail address: confirm it there. You are "
    "served as an anonymous visitor.",
)
_OTHER_ESTABLISHMENT = IdentityNotice(
    "OTHER_ESTABLISHMENT",
    "The identity provider signed you in for an establishment of another organisation than "
    "your structure in the hub's directory: sign in for your structure. You are served as an "
    "anonymous visitor.",
)


def _anonymous(claims: Claims, notice: IdentityNotice) -> Viewer:
    return dataclasses.replace(ANONYMOUS, expires_at=claims.expires_at, notice=notice)


def _provider_kind(account: AccountRecord) -> str:
    """Which kind of provider may sign this account in."""
    return "AGENT" if account.agent is not None else "COMPANY"


def _same_employer(siret: str | None, structure: StructureRecord) -> bool:
    """Whether the establishment the provider names belongs to the agent's structure: the
    same SIREN (an agent may sign in for another establishment of its organisation).
    Nothing to compare when the provider or the directory does not say."""
    if not siret or not structure.siret:
        return True
    return siret.replace(" ", "")[:9] == structure.siret.replace(" ", "")[:9]


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
