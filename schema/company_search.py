"""The agents' company search: ``companies(filter, first, after)`` over the hub's registered
companies. Each criterion declares the tier of the value it reads (``@visibility`` in the
SDL); a criterion above the viewer's tier matches only where the viewer has tier 2."""

from __future__ import annotations

from enum import Enum

import strawberry

from auth.tiers import Tier
from auth.visibility import criterion, field_tier, tiered
from connectors.hubdb import CompanyFilter
from resolvers import company_search as resolve
from resolvers.context import Info
from schema.company import Company
from schema.pagination import Connection

__all__ = ["CompanyFilterInput", "CompanySearchQuery", "CompanyStatus"]


@strawberry.enum(description="A company's administrative status in Sirene.")
class CompanyStatus(Enum):
    ACTIVE = "ACTIVE"
    CLOSED = "CLOSED"


@strawberry.input(description="Criteria of the company search, combined with AND.")
class CompanyFilterInput:
    text: str | None = criterion(
        Tier.PUBLIC_IF_DIFFUSIBLE,
        description="Part of the name, SIRET or city (accents and case ignored).",
    )
    siret: str | None = criterion(Tier.PUBLIC, description="A SIRET, or a SIREN (9 digits).")
    postal_code: str | None = criterion(Tier.PUBLIC_IF_DIFFUSIBLE)
    department: str | None = criterion(Tier.PUBLIC_IF_DIFFUSIBLE, description='"30", "2A".')
    naf: str | None = criterion(Tier.PUBLIC, description='A NAF code or its start ("25.62A").')
    structure_id: strawberry.ID | None = criterion(
        Tier.TIER1, description="The structure of the current (pending or accepted) referent."
    )
    referent_id: strawberry.ID | None = criterion(
        Tier.TIER1, description="The agent of the current (pending or accepted) referent request."
    )
    has_referent: bool | None = criterion(Tier.TIER1)
    status: CompanyStatus | None = criterion(Tier.PUBLIC)
    has_projects: bool | None = criterion(
        Tier.TIER2,
        description="The company has projects on the hub. Tier 2: matches only the companies "
        "whose referent is the viewer or of its structure.",
    )

    def to_filter(self) -> CompanyFilter:
        return CompanyFilter(
            text=self.text,
            siret=self.siret,
            postal_code=self.postal_code,
            department_code=self.department,
            naf_code=self.naf,
            structure_id=str(self.structure_id) if self.structure_id is not None else None,
            referent_id=str(self.referent_id) if self.referent_id is not None else None,
            has_referent=self.has_referent,
            active=None if self.status is None else self.status is CompanyStatus.ACTIVE,
            has_projects=self.has_projects,
        )


_CRITERIA = {
    "text": "text",
    "siret": "siret",
    "postal_code": "postal_code",
    "department_code": "department",
    "naf_code": "naf",
    "structure_id": "structure_id",
    "referent_id": "referent_id",
    "has_referent": "has_referent",
    "active": "status",
    "has_projects": "has_projects",
}
"""``CompanyFilter`` criterion -> the input field that declares its tier."""


def _criterion_tiers() -> dict[str, Tier]:
    tiers = {name: field_tier(CompanyFilterInput, field) for name, field in _CRITERIA.items()}
    return {name: tier for name, tier in tiers.items() if tier is not None}


CRITERION_TIERS = _criterion_tiers()


@strawberry.type
class CompanySearchQuery:
    @tiered(
        Tier.TIER1_EVERYWHERE,
        description="Search the companies registered on the hub (network members and the "
        "administrator), by folded name then SIRET. Each row shows what the viewer may see; "
        "a tier-2 criterion matches only where the viewer has tier 2.",
    )
    async def companies(
        self,
        info: Info,
        filter: CompanyFilterInput | None = None,
        first: int | None = 20,
        after: str | None = None,
    ) -> Connection[Company] | None:
        criteria = (filter or CompanyFilterInput()).to_filter()
        page = await resolve.search_companies(info, criteria, CRITERION_TIERS, first, after)
        return Connection.of(page, Company.of)
