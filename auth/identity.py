"""From an ``Authorization`` header to a Viewer: token verified, account looked up.

A token from an agents' provider can only make its bearer an agent (or the administrator,
an agent too); a token from the hub's own provider only a company user or a project holder.
A valid token that names no account its provider may sign in (the other kind of account, an
unverified e-mail, another employer's establishment, a deactivated agent) leaves its bearer
anonymous, with an :class:`IdentityNotice` saying why.

An account is found by the provider's ``iss`` + ``sub`` it is bound to, else by e-mail: an
account made before its owner ever signed in (an invited agent, a collaborator, an account
from before sign-up existed) is bound to the first provider identity that signs in with its
e-mail, and from then on only that identity opens it. A person the hub's own provider signs
in with no account yet is ``UNREGISTERED``: it may call ``signUp``."""

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

__all__ = ["AccountBinder", "Authenticator", "TokenVerifier", "viewer_from_account"]

_ADMIN = "ADMIN"
_PROJECT_HOLDER = "PROJECT_HOLDER"


class TokenVerifier(Protocol):
    """``DevTokenIssuer`` verifies in place; ``OIDCVerifier`` awaits its provider's keys."""

    def verify(self, token: str) -> Claims | Awaitable[Claims]: ...


class AccountBinder(Protocol):
    """Binds an unbound account to a provider identity (``HubWriter.bind_account``)."""

    async def bind_account(self, account_id: str, issuer: str, subject: str) -> bool: ...


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
        binder: AccountBinder | None = None,
    ) -> None:
        self._verifier = verifier
        self._binder = binder
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
        if viewer.kind is not ViewerKind.UNREGISTERED:  # about to sign up: never remembered
            self._viewers[digest] = (viewer, claims.expires_at)
        return viewer

    async def _account(self, claims: Claims) -> AccountRecord | IdentityNotice | None:
        """The account bound to the token's identity, else the unbound account of its
        e-mail (bound now); a notice when the e-mail's account is bound to another."""
        email = normalize_email(claims.email)
        if claims.issuer is None:
            return (await self._hub.accounts_by_email([email])).get(email)
        found = await self._hub.accounts_for_sign_in(claims.issuer, claims.subject, email)
        for account in found:
            if account.idp_issuer == claims.issuer and account.idp_subject == claims.subject:
                return account
        by_email = next((account for account in found if account.email == email), None)
        if by_email is None:
            return None
        if by_email.idp_subject is not None:
            return _BOUND_ELSEWHERE
        if self._binder is not None and _provider_kind(by_email) == (
            claims.provider_kind or _provider_kind(by_email)
        ):
            await self._binder.bind_account(by_email.id, claims.issuer, claims.subject)
        return by_email

    async def _lookup(self, claims: Claims) -> Viewer:
        if claims.email_verified is False:
            return _anonymous(claims, _EMAIL_NOT_VERIFIED)
        account = await self._account(claims)
        if isinstance(account, IdentityNotice):
            return _anonymous(claims, account)
        if account is None:
            if claims.provider_kind == "AGENT":
                return _anonymous(claims, _UNKNOWN_ACCOUNT)
            return _unregistered(claims)
        if account.deactivated:
            return _anonymous(claims, _DEACTIVATED)
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
        return dataclasses.replace(
            viewer,
            verified_name=claims.name,
            expires_at=claims.expires_at,
            issuer=claims.issuer,
            subject=claims.subject,
            identity_assured=claims.identity_assured,
        )


_UNKNOWN_ACCOUNT = IdentityNotice(
    "UNKNOWN_ACCOUNT",
    "The token is valid but names no account of the hub: you are served as an anonymous "
    "visitor. Ask the hub's administrator for an account.",
)
_NO_ACCOUNT_YET = IdentityNotice(
    "NO_ACCOUNT_YET",
    "You are signed in but have no account of the hub yet: sign up with the `signUp` "
    "mutation. Until then you are served as an anonymous visitor.",
)
_BOUND_ELSEWHERE = IdentityNotice(
    "ACCOUNT_BOUND_ELSEWHERE",
    "The account of this e-mail address is bound to another sign-in identity: sign in as "
    "you did before, or ask the hub's administrator. You are served as an anonymous visitor.",
)
_DEACTIVATED = IdentityNotice(
    "AGENT_DEACTIVATED",
    "This agent's account was deactivated by the hub's administrator. You are served as an "
    "anonymous visitor.",
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


def _unregistered(claims: Claims) -> Viewer:
    """A person the hub's provider signed in, with no account: it may sign up."""
    return Viewer(
        kind=ViewerKind.UNREGISTERED,
        email=normalize_email(claims.email),
        verified_name=claims.name,
        expires_at=claims.expires_at,
        notice=_NO_ACCOUNT_YET,
        issuer=claims.issuer,
        subject=claims.subject,
        identity_assured=claims.identity_assured,
    )


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
        return Viewer(
            kind=kind,
            account_id=account.id,
            email=account.email,
            name=account.name,
            identity_status=account.identity_status,
        )
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
