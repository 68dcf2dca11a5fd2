"""The visibility tiers (docs/visibility.md) and the one rule that compares them with access."""

from __future__ import annotations

import strawberry

from auth.singletons import SingletonEnum

__all__ = ["Access", "Tier", "allows"]


@strawberry.enum(description="What a viewer may see of one company, from least to most.")
class Access(SingletonEnum):
    PUBLIC = "PUBLIC"
    TIER1 = "TIER1"
    TIER2 = "TIER2"
    OWNER = "OWNER"
    ADMIN = "ADMIN"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {access: rank for rank, access in enumerate(Access)}


@strawberry.enum(description="The visibility a field declares (shown in the SDL by @visibility).")
class Tier(SingletonEnum):
    PUBLIC = strawberry.enum_value("PUBLIC", description="Anyone, anonymous included.")
    PUBLIC_IF_DIFFUSIBLE = strawberry.enum_value(
        "PUBLIC_IF_DIFFUSIBLE",
        description="Open data when the company is diffusible in Sirene; otherwise network "
        "members, the administrator and the company's own members only.",
    )
    AUTHENTICATED = strawberry.enum_value(
        "AUTHENTICATED",
        description="Any signed-in user (e.g. an agent's public card: name, structure, "
        "filières, domains, territory); a partner API key needs the DIRECTORY_READ scope.",
    )
    TIER1 = strawberry.enum_value(
        "TIER1", description="Every network member (agent), the company's members, the admin."
    )
    TIER2 = strawberry.enum_value(
        "TIER2",
        description="The company's accepted referent and the agents of the referent's "
        "structure, the company's members, the admin.",
    )
    TIER1_EVERYWHERE = strawberry.enum_value(
        "TIER1_EVERYWHERE",
        description="Viewers with tier 1 on every company: network members (a partner key of "
        "a network structure with COMPANIES_READ) and the administrator (the company search).",
    )
    PROJECT_GROUP = strawberry.enum_value(
        "PROJECT_GROUP",
        description="Tier 2, or an agent in the group of one of the company's projects "
        "(funding expert, specialist, inside or outside the network), who sees those "
        "projects only.",
    )
    NETWORK = strawberry.enum_value(
        "NETWORK",
        description="Network members (agents) and the administrator, whatever the company "
        "(e.g. a scheme's funding expert).",
    )
    NETWORK_OR_CHOSEN = strawberry.enum_value(
        "NETWORK_OR_CHOSEN",
        description="An agent's contact details: network members, the admin, and the "
        "members of the companies that chose this agent.",
    )
    ADMIN = strawberry.enum_value(
        "ADMIN", description="The hub administrator only (partner keys, the audit trail)."
    )


_REQUIRED = {
    Tier.PUBLIC: Access.PUBLIC,
    Tier.TIER1: Access.TIER1,
    Tier.TIER2: Access.TIER2,
    Tier.PROJECT_GROUP: Access.TIER2,  # and a project's actors (auth/visibility.py)
    Tier.ADMIN: Access.ADMIN,
}


def allows(tier: Tier, access: Access, *, diffusible: bool = True) -> bool:
    """Whether ``access`` to a company opens a field of ``tier`` on that company."""
    if tier is Tier.PUBLIC_IF_DIFFUSIBLE:
        return diffusible or access.rank >= Access.TIER1.rank
    return access.rank >= _REQUIRED[tier].rank
