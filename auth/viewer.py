"""Who is asking: the Viewer, built once per request from the bearer token."""

from __future__ import annotations

from dataclasses import dataclass, field

import strawberry

from auth.scopes import PartnerGrant, Scope
from auth.singletons import SingletonEnum

__all__ = ["ANONYMOUS", "IdentityNotice", "Viewer", "ViewerKind"]


@strawberry.enum(description="The kind of person or system behind a request.")
class ViewerKind(SingletonEnum):
    ANONYMOUS = "ANONYMOUS"
    UNREGISTERED = strawberry.enum_value(
        "UNREGISTERED",
        description="Signed in through the hub's own identity provider, with no account yet: "
        "may call `signUp`, and sees what an anonymous visitor sees.",
    )
    COMPANY_USER = "COMPANY_USER"
    PROJECT_HOLDER = "PROJECT_HOLDER"
    AGENT = "AGENT"
    ADMIN = "ADMIN"
    PARTNER = "PARTNER"


@dataclass(frozen=True, slots=True)
class IdentityNotice:
    """Why a valid token left its bearer anonymous (shown in the response's extensions)."""

    code: str
    """UNKNOWN_ACCOUNT, NO_ACCOUNT_YET, WRONG_IDENTITY_PROVIDER, EMAIL_NOT_VERIFIED,
    OTHER_ESTABLISHMENT, ACCOUNT_BOUND_ELSEWHERE, AGENT_DEACTIVATED."""
    message: str


@dataclass(frozen=True, slots=True)
class Viewer:
    kind: ViewerKind
    account_id: str | None = None
    email: str | None = None
    name: str | None = None
    agent_id: str | None = None
    structure_id: str | None = None
    network_member: bool = False
    """An agent (or partner) of a structure inside the network that signed its charter."""
    roles: frozenset[str] = field(default_factory=frozenset)
    verified_name: str | None = None
    """The name the identity provider vouches for; only this proves who a person is (e.g.
    a mandataire social), never the account's name, which others may have typed."""
    partner: PartnerGrant | None = None
    """Set for a partner API key (kind PARTNER): its id, scopes and restrictions."""
    expires_at: float | None = None
    """When the credentials behind this viewer expire (the token's ``exp``): a websocket
    is closed then."""
    notice: IdentityNotice | None = None
    """Set on an anonymous viewer whose valid token named no account it may use."""
    issuer: str | None = None
    """The identity provider (``iss``) of a person's token, with its ``sub``: what signUp
    binds the new account to."""
    subject: str | None = None
    identity_assured: bool = False
    """The provider vouches for the person's identity (its assurance claims)."""
    identity_status: str | None = None
    """The account's ``IdentityStatus`` (VERIFIED, DOCUMENT_REQUIRED, UNDER_REVIEW) when it
    signed up; None for accounts made otherwise."""

    @property
    def is_admin(self) -> bool:
        return self.kind is ViewerKind.ADMIN

    @property
    def is_authenticated(self) -> bool:
        """A person with an account, or a partner key (not someone yet to sign up)."""
        return self.kind not in (ViewerKind.ANONYMOUS, ViewerKind.UNREGISTERED)

    @property
    def identity_pending(self) -> bool:
        """A signed-up person whose identity is not proven yet (a document is needed or
        waits for the administrator)."""
        return self.identity_status not in (None, "VERIFIED")

    def grants(self, scope: Scope) -> bool:
        """Whether a partner key's scopes include ``scope``; always true for people."""
        return self.partner is None or scope in self.partner.scopes


ANONYMOUS = Viewer(kind=ViewerKind.ANONYMOUS)
