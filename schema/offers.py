"""Support offers (the CCI standard Entreprendre & Transmettre and the structures' own), the
support recorded with companies and project holders, and the standard's indicators."""

from __future__ import annotations

from datetime import date
from enum import Enum

import strawberry

from auth.actions import Action, Allowed
from auth.tiers import Tier
from auth.visibility import tiered
from connectors.hubdb import InteractionRecord, OfferFilter, OfferProductRecord, OfferRecord
from connectors.hubdb import enums as hub_enums
from resolvers import indicators as resolve_indicators
from resolvers import interactions as resolve_interactions
from resolvers import offers as resolve_offers
from resolvers.context import Info
from resolvers.directory import agent as find_agent
from resolvers.directory import structure as find_structure
from schema.directory import Agent, Structure
from schema.pagination import Connection

__all__ = [
    "Channel",
    "ExpertiseLevel",
    "Indicator",
    "IndicatorQuery",
    "Interaction",
    "InteractionInput",
    "InteractionKind",
    "InteractionMutation",
    "Offer",
    "OfferFilterInput",
    "OfferProduct",
    "OfferQuery",
    "PeriodInput",
    "Segment",
]


@strawberry.enum(description="The client segments of the CCI standard Entreprendre & Transmettre.")
class Segment(Enum):
    CREATEUR = "CREATEUR"
    REPRENEUR = "REPRENEUR"
    NOUVEAU_DIRIGEANT = strawberry.enum_value(
        "NOUVEAU_DIRIGEANT", description="The head of a company less than 3 years old."
    )
    CEDANT = strawberry.enum_value(
        "CEDANT", description="A head of company in a transfer phase (a declared transfer)."
    )


@strawberry.enum(description="The standard's levels of expertise of a product or service.")
class ExpertiseLevel(Enum):
    DISCOVERY = "DISCOVERY"
    ORIENTATION = "ORIENTATION"
    EXPERTISE = "EXPERTISE"
    SUPPORT = "SUPPORT"


@strawberry.enum(description="What kind of support was given (the annex's activity indicators).")
class InteractionKind(Enum):
    WELCOME = "WELCOME"
    SENSITISATION = "SENSITISATION"
    QUALIFICATION = strawberry.enum_value(
        "QUALIFICATION", description="A needs-discovery (qualification) interview."
    )
    TRAINING = "TRAINING"
    ADVICE_MEETING = strawberry.enum_value(
        "ADVICE_MEETING", description="An individual advice meeting (« à la carte »)."
    )
    WORKSHOP = strawberry.enum_value("WORKSHOP", description="A thematic workshop.")
    SUPPORT_PROGRAMME = "SUPPORT_PROGRAMME"
    BUSINESS_PLAN = strawberry.enum_value(
        "BUSINESS_PLAN", description="A support programme completed with a business plan."
    )


@strawberry.enum
class Channel(Enum):
    ON_SITE = "ON_SITE"
    REMOTE = "REMOTE"


@strawberry.type(description="A product or service of an offer's level.")
class OfferProduct:
    code: str | None = tiered(
        Tier.PUBLIC,
        description="The national product's code: N1…N17 (mandatory), O1…O5 (optional); null "
        "for a local product.",
    )
    title: str = tiered(Tier.PUBLIC)
    mandatory: bool = tiered(
        Tier.PUBLIC, description="Part of the level (false: offered as an option)."
    )
    expertise_level: ExpertiseLevel = tiered(Tier.PUBLIC)

    @classmethod
    def from_record(cls, record: OfferProductRecord) -> OfferProduct:
        return cls(
            code=record.code,
            title=record.title,
            mandatory=record.mandatory,
            expertise_level=ExpertiseLevel(record.expertise_level),
        )


@strawberry.type(description="One level of a structure's offer to a client segment.")
class Offer:
    id: strawberry.ID = tiered(Tier.PUBLIC)
    segment: Segment = tiered(Tier.PUBLIC)
    level: int = tiered(Tier.PUBLIC, description="1 for the least mature clients.")
    level_title: str = tiered(Tier.PUBLIC, description="« Découvrir », « Expérimenter »…")
    title: str = tiered(Tier.PUBLIC)
    national: bool = tiered(
        Tier.PUBLIC, description="The CCI standard's offer (else the structure's own)."
    )
    products: list[OfferProduct] = tiered(Tier.PUBLIC)
    structure_id: strawberry.Private[str]

    @tiered(Tier.PUBLIC)
    async def structure(self, info: Info) -> Structure | None:
        record = await find_structure(info, self.structure_id)
        return Structure.from_record(record) if record else None

    @classmethod
    def from_record(cls, record: OfferRecord) -> Offer:
        return cls(
            id=strawberry.ID(record.id),
            segment=Segment(record.segment),
            level=record.level,
            level_title=record.level_title,
            title=record.title,
            national=record.national,
            products=[OfferProduct.from_record(product) for product in record.products],
            structure_id=record.structure_id,
        )


@strawberry.type(description="Support a structure's agent recorded.")
class Interaction:
    id: strawberry.ID = tiered(Tier.PUBLIC)
    kind: InteractionKind = tiered(Tier.PUBLIC)
    channel: Channel = tiered(Tier.PUBLIC)
    segment: Segment = tiered(Tier.PUBLIC)
    on: date = tiered(Tier.PUBLIC)
    minutes: int | None = tiered(Tier.PUBLIC)
    level: int | None = tiered(Tier.PUBLIC)
    product: str | None = tiered(Tier.PUBLIC, description="The offer's product code.")
    siret: str | None = tiered(Tier.PUBLIC)
    project_id: strawberry.ID | None = tiered(Tier.PUBLIC)
    record: strawberry.Private[InteractionRecord]

    @tiered(Tier.PUBLIC)
    async def offer(self, info: Info) -> Offer | None:
        offer_id = self.record.offer_id
        record = await info.context.loaders.offers.load(offer_id) if offer_id else None
        return Offer.from_record(record) if record else None

    @tiered(Tier.PUBLIC, description="The structure that gave the support.")
    async def structure(self, info: Info) -> Structure | None:
        record = await find_structure(info, self.record.structure_id)
        return Structure.from_record(record) if record else None

    @tiered(Tier.PUBLIC, description="The agent who recorded it.")
    async def agent(self, info: Info) -> Agent | None:
        agent_id = self.record.agent_id
        record = await find_agent(info, agent_id) if agent_id else None
        return Agent.from_record(record) if record else None

    @classmethod
    def from_record(cls, record: InteractionRecord) -> Interaction:
        return cls(
            id=strawberry.ID(record.id),
            kind=InteractionKind(record.kind),
            channel=Channel(record.channel),
            segment=Segment(record.segment),
            on=record.occurred_on,
            minutes=record.minutes,
            level=record.level,
            product=record.product,
            siret=record.siret,
            project_id=strawberry.ID(record.project_id) if record.project_id else None,
            record=record,
        )


@strawberry.input(description="Filters over the offers, combined with AND.")
class OfferFilterInput:
    segment: Segment | None = None
    level: int | None = None
    structure_id: strawberry.ID | None = None
    text: str | None = strawberry.field(
        default=None, description="In the title, the level or a product (accents and case aside)."
    )
    department: str | None = strawberry.field(
        default=None, description='The structure\'s department code ("30", "2A").'
    )

    def to_filter(self) -> OfferFilter:
        return OfferFilter(
            segments=(self.segment.value,) if self.segment else (),
            level=self.level,
            structure_id=str(self.structure_id) if self.structure_id else None,
            text=self.text,
            department=self.department,
        )


@strawberry.input(description="Support given to a company (`siret`) or a project (`projectId`).")
class InteractionInput:
    kind: InteractionKind
    channel: Channel
    on: date = strawberry.field(description="When (today or before).")
    siret: str | None = None
    project_id: strawberry.ID | None = None
    offer_id: strawberry.ID | None = strawberry.field(
        default=None, description="One of the recording agent's structure's offers."
    )
    level: int | None = strawberry.field(default=None, description="The offer's level.")
    product: str | None = strawberry.field(
        default=None, description="The code of one of the offer's products (N12…)."
    )
    minutes: int | None = None
    segment: Segment | None = strawberry.field(
        default=None,
        description="The client's segment, when neither the offer nor the data say it.",
    )

    def to_new(self) -> resolve_interactions.NewInteraction:
        return resolve_interactions.NewInteraction(
            siret=self.siret,
            project_id=str(self.project_id) if self.project_id else None,
            kind=hub_enums.InteractionKind(self.kind.value),
            channel=hub_enums.Channel(self.channel.value),
            on=self.on,
            offer_id=str(self.offer_id) if self.offer_id else None,
            level=self.level,
            product=self.product,
            minutes=self.minutes,
            segment=hub_enums.Segment(self.segment.value) if self.segment else None,
        )


@strawberry.input(description="From `from` to `to`, both included; at most 5 years.")
class PeriodInput:
    from_: date = strawberry.field(name="from")
    to: date


@strawberry.type(description="One indicator of the CCI standard's annex.")
class Indicator:
    code: str = tiered(Tier.PUBLIC, description="The annex's code: A02-IA4, A02-IA10-1-A…")
    label: str = tiered(Tier.PUBLIC)
    value: int = tiered(Tier.PUBLIC)


@strawberry.type
class OfferQuery:
    @tiered(Tier.PUBLIC, description="The structures' support offers (public).")
    async def offers(
        self,
        info: Info,
        filter: OfferFilterInput | None = None,
        first: int | None = 20,
        after: str | None = None,
    ) -> Connection[Offer] | None:
        criteria = (filter or OfferFilterInput()).to_filter()
        page = await resolve_offers.search_offers(info, criteria, first, after)
        return Connection.of(page, Offer.from_record)


@strawberry.type
class IndicatorQuery:
    @tiered(
        Tier.AUTHENTICATED,
        description="The CCI standard's activity indicators of a structure over a period, "
        "from its recorded interactions: for its agents and the administrator (FORBIDDEN "
        "otherwise).",
    )
    async def indicators(
        self, info: Info, structure_id: strawberry.ID, period: PeriodInput
    ) -> list[Indicator] | None:
        values = await resolve_indicators.indicators(
            info, str(structure_id), period.from_, period.to
        )
        return [Indicator(code=v.code, label=v.label, value=v.value) for v in values]

    @tiered(
        Tier.ADMIN,
        description="The network-wide roll-up of the indicators (every structure's "
        "interactions; a person supported by two structures counts once).",
    )
    async def network_indicators(self, info: Info, period: PeriodInput) -> list[Indicator] | None:
        values = await resolve_indicators.network_indicators(info, period.from_, period.to)
        return [Indicator(code=v.code, label=v.label, value=v.value) for v in values]


@strawberry.type
class InteractionMutation:
    @strawberry.mutation(
        description="An agent records support its structure gave a company or a project "
        "holder (validated: the subject, the date, its structure's offer, level and product).",
        directives=[Allowed(action=Action.RECORD_INTERACTION)],
    )
    async def record_interaction(self, info: Info, input: InteractionInput) -> Interaction:
        record = await resolve_interactions.record_interaction(info, input.to_new())
        return Interaction.from_record(record)
