"""Who the request is from, as the viewer itself sees it."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from auth import viewer as auth_viewer
from auth.tiers import Tier
from auth.viewer import ViewerKind
from auth.visibility import tiered
from connectors.hubdb.invitations import ReceivedInvitation
from resolvers import notifications, preferences, viewer
from resolvers.context import Info
from resolvers.invitations import invitations_to_viewer
from resolvers.offers import recommended_offers
from schema.company import Company
from schema.feeds import Favourite, Preferences
from schema.offers import Offer
from schema.pagination import Connection
from schema.projects import Project

__all__ = ["IdentityStatus", "Invitation", "Viewer"]


@strawberry.enum(description="How a signed-up person's identity stands.")
class IdentityStatus(Enum):
    VERIFIED = strawberry.enum_value(
        "VERIFIED",
        description="Vouched for by the identity provider, or a document the administrator "
        "accepted.",
    )
    DOCUMENT_REQUIRED = strawberry.enum_value(
        "DOCUMENT_REQUIRED", description="Send an identity document (`submitIdentityDocument`)."
    )
    UNDER_REVIEW = strawberry.enum_value(
        "UNDER_REVIEW", description="A document waits for the administrator's check."
    )


@strawberry.type(
    description="An invitation to join a company space, as the person invited sees it "
    "(accept it with `acceptInvitation(id:)`)."
)
class Invitation:
    id: strawberry.ID = tiered(Tier.PUBLIC, description="What `acceptInvitation(id:)` takes.")
    company: Company = tiered(
        Tier.PUBLIC, description="The company space (seen as the public sees it until joined)."
    )
    inviter_name: str | None = tiered(
        Tier.PUBLIC,
        description="The name of the mandataire who sent it (null once that account is gone).",
    )
    sent_at: datetime = tiered(Tier.PUBLIC)
    expires_at: datetime = tiered(Tier.PUBLIC)

    @classmethod
    def of(cls, record: ReceivedInvitation) -> Invitation:
        return cls(
            id=strawberry.ID(record.id),
            company=Company.of(record.siret),
            inviter_name=record.inviter_name,
            sent_at=record.sent_at,
            expires_at=record.expires_at,
        )


@strawberry.type(description="The person or system behind this request.")
class Viewer:
    kind: ViewerKind = tiered(Tier.PUBLIC)
    email: str | None = tiered(Tier.PUBLIC, description="Null when anonymous.")
    name: str | None = tiered(Tier.PUBLIC, description="Null when anonymous.")
    identity_status: IdentityStatus | None = tiered(
        Tier.PUBLIC,
        description="A signed-up person's identity (null for accounts that did not sign up: "
        "agents, collaborators added by their company).",
    )

    @classmethod
    def of(cls, viewer: auth_viewer.Viewer) -> Viewer:
        status = viewer.identity_status
        return cls(
            kind=viewer.kind,
            email=viewer.email,
            name=viewer.name,
            identity_status=IdentityStatus(status) if status else None,
        )

    @tiered(
        Tier.PUBLIC,
        description="The viewer's company spaces (empty for agents).",
        list_size=5,
        own=True,
    )
    async def companies(self, info: Info) -> list[Company]:
        return [Company.of(siret) for siret in await viewer.my_companies(info)]

    @tiered(
        Tier.PUBLIC,
        description="A project holder's own projects; an agent's projects: those whose group "
        "it is in, and the project holders' projects its structure supports.",
        own=True,
    )
    async def projects(self, info: Info) -> list[Project]:
        return [Project.from_record(p) for p in await viewer.my_projects(info)]

    @tiered(
        Tier.PUBLIC,
        description="An agent's portfolio: the companies it is the accepted referent of.",
        own=True,
    )
    async def portfolio(
        self, info: Info, first: int | None = 50, after: str | None = None
    ) -> Connection[Company]:
        return Connection.of(await viewer.my_portfolio(info, first, after), Company.of)

    @tiered(Tier.AUTHENTICATED, description="How many of the viewer's notifications are unread.")
    async def unread_notifications(self, info: Info) -> int | None:
        return await notifications.unread_count(info)

    @tiered(
        Tier.PUBLIC,
        description="The filières the viewer's news and events follow (`setPreferences`); "
        "`events` and `news` use them when their filter names no filière. Until a project "
        "holder sets some, the filières of its projects. A signed-in person's own: "
        "UNAUTHENTICATED when anonymous.",
    )
    async def preferences(self, info: Info) -> Preferences | None:
        return Preferences.of(await preferences.preferences(info))

    @tiered(
        Tier.PUBLIC,
        description="What the viewer keeps (`addFavourite`), newest first. A signed-in "
        "person's own: UNAUTHENTICATED when anonymous.",
        list_size=50,
        own=True,
    )
    async def favourites(self, info: Info) -> list[Favourite] | None:
        return [Favourite.of(record) for record in await preferences.favourites(info)]

    @tiered(
        Tier.PUBLIC,
        description="The invitations to join a company space addressed to the viewer's own "
        "e-mail that it may still accept (pending, not expired), newest first; empty for "
        "anyone who cannot accept one (anonymous, agents and the administrator, partner "
        "keys). The invitations a mandataire sent are its company's PENDING `collaborators`.",
        list_size=5,
        own=True,
    )
    async def invitations(self, info: Info) -> list[Invitation]:
        return [Invitation.of(record) for record in await invitations_to_viewer(info)]

    @tiered(
        Tier.PUBLIC,
        description="Offers for the segment of the viewer's companies and projects, in "
        "their departments (empty for agents, and when no segment can be read).",
    )
    async def recommended_offers(self, info: Info) -> list[Offer]:
        return [Offer.from_record(record) for record in await recommended_offers(info)]
