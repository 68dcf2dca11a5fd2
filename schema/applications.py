"""Applications for aids on the two submission platforms (DEL, Mes aides en ligne).

``Company.applications`` is tier 2 (the company's members, its accepted referent and the
referent's structure, the admin) and gates everything below it, as ``Company.projects`` does;
``Query.application(id)`` answers FORBIDDEN (as for an unknown id) to whoever may not see the company's tier 2."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from auth.tiers import Tier
from auth.visibility import ReadsCompany, tiered
from connectors.platforms import (
    Application as ApplicationRecord,
)
from connectors.platforms import (
    Lifecycle,
    PaymentKind,
    PaymentStatus,
    Platform,
)
from resolvers import applications as resolve
from resolvers.catalogue import catalogue
from resolvers.context import Info
from schema.pagination import Connection
from schema.schemes import Scheme

__all__ = [
    "Application",
    "ApplicationDocument",
    "ApplicationFilter",
    "ApplicationPayment",
    "ApplicationQuery",
    "ApplicationStep",
]

SubmissionPlatform = strawberry.enum(
    Platform, name="SubmissionPlatform", description="Where an application is filed."
)
ApplicationStatus = strawberry.enum(
    Lifecycle,
    name="ApplicationStatus",
    description="One lifecycle for both platforms (platformStatus keeps the platform's words); "
    "UNCONFIRMED: filed by the hub, the platform's answer not yet seen.",
)
PaymentKindEnum = strawberry.enum(PaymentKind, name="PaymentKind")
PaymentStatusEnum = strawberry.enum(PaymentStatus, name="PaymentStatus")


@strawberry.type(description="A document the platform holds for the application.")
class ApplicationDocument:
    name: str = tiered(Tier.PUBLIC)
    kind: str = tiered(Tier.PUBLIC)
    received_at: datetime | None = tiered(Tier.PUBLIC)


@strawberry.type(description="A payment request and what became of it (euros).")
class ApplicationPayment:
    kind: PaymentKind = tiered(Tier.PUBLIC)
    amount: int = tiered(Tier.PUBLIC)
    status: PaymentStatus = tiered(Tier.PUBLIC)
    requested_at: datetime = tiered(Tier.PUBLIC)
    paid_at: datetime | None = tiered(Tier.PUBLIC)


@strawberry.type(description="A step of the application's history, oldest first.")
class ApplicationStep:
    at: datetime = tiered(Tier.PUBLIC)
    status: Lifecycle = tiered(Tier.PUBLIC)
    label: str = tiered(Tier.PUBLIC, description="The platform's own words.")


@strawberry.type(description="An application for an aid, on DEL or Mes aides en ligne (euros).")
class Application:
    record: strawberry.Private[ApplicationRecord]

    @tiered(Tier.PUBLIC, description="Global id: the platform and its reference.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(resolve.global_id(self.record))

    @tiered(Tier.PUBLIC)
    def platform(self) -> Platform:
        return self.record.platform

    @tiered(Tier.PUBLIC, description="The platform's own number.")
    def reference(self) -> str:
        return self.record.reference

    @tiered(Tier.PUBLIC, description="The scheme, when the catalogue still lists it.")
    async def scheme(self, info: Info) -> Scheme | None:
        if self.record.scheme_id is None:
            return None
        found = (await catalogue(info)).by_id.get(self.record.scheme_id)
        return Scheme(record=found) if found else None

    @tiered(Tier.PUBLIC)
    def project_title(self) -> str:
        return self.record.project_title

    @tiered(Tier.PUBLIC)
    def status(self) -> Lifecycle:
        return self.record.status

    @tiered(Tier.PUBLIC, description="The platform's own status label.")
    def platform_status(self) -> str:
        return self.record.platform_status

    @tiered(Tier.PUBLIC)
    def requested(self) -> int:
        return self.record.requested

    @tiered(Tier.PUBLIC)
    def granted(self) -> int | None:
        return self.record.granted

    @tiered(Tier.PUBLIC)
    def paid(self) -> int:
        return self.record.paid

    @tiered(Tier.PUBLIC)
    def submitted_at(self) -> datetime | None:
        return self.record.submitted_at

    @tiered(Tier.PUBLIC, description="The acknowledgement of a complete file.")
    def acknowledged_at(self) -> datetime | None:
        return self.record.acknowledged_at

    @tiered(Tier.PUBLIC, description="Expenses count from this day.")
    def expenses_from(self) -> date | None:
        return self.record.expenses_from

    @tiered(Tier.PUBLIC, description="The decision (arrêté or refusal).")
    def decided_at(self) -> date | None:
        return self.record.decided_at

    @tiered(Tier.PUBLIC)
    def realisation_deadline(self) -> date | None:
        return self.record.realisation_deadline

    @tiered(Tier.PUBLIC)
    def proofs_deadline(self) -> date | None:
        return self.record.proofs_deadline

    @tiered(Tier.PUBLIC)
    def documents(self) -> list[ApplicationDocument]:
        return [
            ApplicationDocument(name=d.name, kind=d.kind, received_at=d.received_at)
            for d in self.record.documents
        ]

    @tiered(Tier.PUBLIC)
    def payments(self) -> list[ApplicationPayment]:
        return [
            ApplicationPayment(
                kind=p.kind, amount=p.amount, status=p.status, requested_at=p.requested_at,
                paid_at=p.paid_at,
            )
            for p in self.record.payments
        ]  # fmt: skip

    @tiered(Tier.PUBLIC)
    def history(self) -> list[ApplicationStep]:
        return [
            ApplicationStep(at=h.at, status=h.status, label=h.label) for h in self.record.history
        ]


@strawberry.input(description="Every criterion is optional; they combine with AND.")
class ApplicationFilter:
    status: Lifecycle | None = None
    platform: Platform | None = None
    scheme_id: strawberry.ID | None = None

    def to_query(self) -> resolve.ApplicationQuery:
        return resolve.ApplicationQuery(
            status=self.status,
            platform=self.platform,
            scheme_id=str(self.scheme_id) if self.scheme_id else None,
        )


async def company_applications(
    info: Info, siret: str, filter: ApplicationFilter | None, first: int, after: str | None
) -> Connection[Application]:
    query = (filter or ApplicationFilter()).to_query()
    page = await resolve.applications(info, siret, query, first, after)
    return Connection.of(page, lambda record: Application(record=record))


@strawberry.type
class ApplicationQuery:
    @tiered(
        Tier.PUBLIC,
        description="One application by id; FORBIDDEN alike when unknown or when the viewer "
        "may not see its company's tier 2 (its members, its accepted referent, the admin).",
        reads_company=ReadsCompany(argument="id", tier=Tier.TIER2),
    )
    async def application(self, info: Info, id: strawberry.ID) -> Application | None:
        return Application(record=await resolve.application(info, str(id)))
