"""The developers network: structures, agents, referent assignments."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from auth.tiers import Tier
from auth.visibility import tiered
from connectors.hubdb import AgentRecord, StructureRecord
from resolvers import directory
from resolvers.context import Info
from resolvers.offers import structure_offers

if TYPE_CHECKING:
    from schema.offers import Offer

__all__ = ["Agent", "Structure"]


@strawberry.type(
    description="A support structure of the network (CCI, BGE, AD'OCC…) or outside it."
)
class Structure:
    id: strawberry.ID = tiered(Tier.PUBLIC)
    name: str = tiered(Tier.PUBLIC)
    kind: str = tiered(Tier.PUBLIC)
    department_code: str | None = tiered(Tier.PUBLIC)
    in_network: bool = tiered(Tier.PUBLIC)
    charter_signed: bool = tiered(Tier.PUBLIC)
    city: str | None = tiered(Tier.PUBLIC)
    postal_code: str | None = tiered(Tier.PUBLIC)
    labelled: bool = tiered(
        Tier.PUBLIC, description="Labelled to support project holders (créateurs, repreneurs)."
    )
    support_kinds: list[str] = tiered(Tier.PUBLIC, description="The kinds of support offered.")

    @tiered(
        Tier.PUBLIC,
        description="Its offers by segment and level: a CCI's carry the national standard "
        "Entreprendre & Transmettre.",
    )
    async def offers(self, info: Info) -> list[Annotated[Offer, strawberry.lazy("schema.offers")]]:
        from schema.offers import Offer

        return [Offer.from_record(r) for r in await structure_offers(info, str(self.id))]

    @classmethod
    def from_record(cls, record: StructureRecord) -> Structure:
        return cls(
            id=strawberry.ID(record.id),
            name=record.name,
            kind=record.kind,
            department_code=record.department_code,
            in_network=record.in_network,
            charter_signed=record.charter_signed,
            city=record.city,
            postal_code=record.postal_code,
            labelled=record.labelled,
            support_kinds=list(record.support_kinds),
        )


@strawberry.type(description="An agent of a support structure (referent, funding expert…).")
class Agent:
    id: strawberry.ID = tiered(Tier.PUBLIC)
    name: str = tiered(Tier.PUBLIC)
    first_name: str = tiered(Tier.PUBLIC)
    last_name: str = tiered(Tier.PUBLIC)
    title: str | None = tiered(Tier.PUBLIC)
    roles: list[str] = tiered(Tier.PUBLIC)
    filieres: list[str] = tiered(Tier.PUBLIC)
    domains: list[str] = tiered(Tier.PUBLIC)
    territories: list[str] = tiered(
        Tier.PUBLIC, description="Department codes or postal-code prefixes the agent covers."
    )
    structure_id: strawberry.Private[str]
    contact: strawberry.Private[tuple[str, str | None]]

    @tiered(Tier.NETWORK_OR_CHOSEN, loads_only=True)
    async def email(self) -> str | None:
        return self.contact[0]

    @tiered(Tier.NETWORK_OR_CHOSEN, loads_only=True)
    async def phone(self) -> str | None:
        return self.contact[1]

    @tiered(Tier.PUBLIC, loads_only=True)
    async def structure(self, info: Info) -> Structure | None:
        record = await directory.structure(info, self.structure_id)
        return Structure.from_record(record) if record else None

    @classmethod
    def from_record(cls, record: AgentRecord) -> Agent:
        return cls(
            id=strawberry.ID(record.id),
            name=record.name,
            first_name=record.first_name,
            last_name=record.last_name,
            title=record.title,
            roles=sorted(record.roles),
            filieres=list(record.filieres),
            domains=list(record.domains),
            territories=list(record.territories),
            structure_id=record.structure_id,
            contact=(record.email, record.phone),
        )
