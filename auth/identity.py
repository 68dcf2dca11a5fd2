"""From an ``Authorization`` header to a Viewer: token verified, account looked up."""

from __future__ import annotations

from typing import Protocol

from auth.tokens import Claims, InvalidToken
from auth.viewer import ANONYMOUS, Viewer, ViewerKind
from connectors.hubdb import AccountRecord, HubRepository, normalize_email

__all__ = ["Authenticator", "TokenVerifier", "viewer_from_account"]

_ADMIN = "ADMIN"


class TokenVerifier(Protocol):
    def verify(self, token: str) -> Claims: ...


class Authenticator:
    def __init__(self, verifier: TokenVerifier, hub: HubRepository) -> None:
        self._verifier = verifier
        self._hub = hub

    async def viewer(self, authorization: str | None) -> Viewer:
        """No header: anonymous. A bad header, token or unknown account: ``InvalidToken``."""
        if not authorization:
            return ANONYMOUS
        scheme, _, token = authorization.strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise InvalidToken("Use the header 'Authorization: Bearer <token>'.")
        claims = self._verifier.verify(token.strip())
        email = normalize_email(claims.email)
        account = (await self._hub.accounts_by_email([email])).get(email)
        if account is None:
            raise InvalidToken("The token names no account of the hub.")
        in_network = False
        if account.agent is not None:
            structure_id = account.agent.structure_id
            structure = (await self._hub.structures([structure_id])).get(structure_id)
            in_network = structure is not None and structure.in_network and structure.charter_signed
        return viewer_from_account(account, in_network=in_network)


def viewer_from_account(account: AccountRecord, *, in_network: bool) -> Viewer:
    agent = account.agent
    if agent is None:
        kind = ViewerKind.PROJECT_HOLDER if account.kind == "PROJECT_HOLDER" else ViewerKind.COMPANY_USER
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
