"""What a partner API key may do: its scopes, and what the key carries onto its Viewer.

A key acts as a member of its structure (docs/visibility.md): the tier rules apply as for an agent
of that structure, minus what its scopes do not grant. People (tokens) are never limited by
scopes: ``Viewer.grants`` is always true for them."""

from __future__ import annotations

from dataclasses import dataclass

import strawberry

from auth.singletons import SingletonEnum

__all__ = ["PartnerGrant", "Scope"]


@strawberry.enum(name="ApiKeyScope", description="What a partner API key may do.")
class Scope(SingletonEnum):
    COMPANIES_READ = strawberry.enum_value(
        "COMPANIES_READ",
        description="Read companies as the structure's agents do: tier 1 when the structure "
        "is a network member that signed the charter, tier 2 where it holds the accepted "
        "referent. Without it, companies show their public fields only.",
    )
    DIRECTORY_READ = strawberry.enum_value(
        "DIRECTORY_READ",
        description="Search the network's agents and read their cards and contact details "
        "(as a network member).",
    )
    REFERENT_REQUESTS_ANSWER = strawberry.enum_value(
        "REFERENT_REQUESTS_ANSWER",
        description="Accept or refuse the referent requests made to the structure's agents "
        "(respondToReferentRequest), e.g. from the structure's CRM.",
    )


@dataclass(frozen=True, slots=True)
class PartnerGrant:
    """What one API key carries: never its secret."""

    key_id: str
    scopes: frozenset[Scope]
    documents: frozenset[str] | None = None
    """The persisted documents (sha256) the key is restricted to; None: any document."""
    rate_limit: int | None = None
    """Requests per minute; None: the gateway's default."""
