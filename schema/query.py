"""The root Query, assembled from the per-domain query classes."""

from __future__ import annotations

import strawberry

from auth.costs import Read
from auth.tiers import Tier
from auth.visibility import tiered
from resolvers.company import find_company
from resolvers.context import Info
from schema.applications import ApplicationQuery
from schema.company import Company
from schema.company_search import CompanySearchQuery
from schema.desk import DeskQuery
from schema.directory_query import DirectoryQuery
from schema.feeds import FeedsQuery
from schema.notifications import NotificationQuery
from schema.offers import IndicatorQuery, OfferQuery
from schema.partners import PartnerQuery
from schema.schemes_query import SchemeCatalogueQuery
from schema.surveys import SurveyQuery
from schema.viewer import Viewer

__all__ = ["CompanyQuery", "Query", "ViewerQuery"]


@strawberry.type
class CompanyQuery:
    @tiered(
        Tier.PUBLIC,
        description="A company by SIRET (14 digits, valid key). Each field shows what the "
        "viewer may see; `viewerAccess` says it in advance.",
        result_reads=(Read.SIRENE_ETABLISSEMENT,),
        reads_only=True,
        loads_only=True,
    )
    async def company(self, info: Info, siret: str) -> Company | None:
        return Company.of(await find_company(info, siret))


@strawberry.type
class ViewerQuery:
    @tiered(Tier.PUBLIC, description="Who this request is from.")
    def viewer(self, info: Info) -> Viewer:
        return Viewer.of(info.context.viewer)


@strawberry.type
class Query(
    CompanyQuery,
    CompanySearchQuery,
    DirectoryQuery,
    ViewerQuery,
    NotificationQuery,
    SchemeCatalogueQuery,
    PartnerQuery,
    ApplicationQuery,
    DeskQuery,
    FeedsQuery,
    OfferQuery,
    IndicatorQuery,
    SurveyQuery,
):
    pass
