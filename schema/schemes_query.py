"""The aid-scheme queries: the catalogue, France Num's activators, a company's eligibility
with the user's answers, and aid estimates."""

from __future__ import annotations

from datetime import date

import strawberry

from auth.costs import ELIGIBILITY_READS, Read
from auth.tiers import Tier
from auth.visibility import ReadsCompany, tiered
from resolvers import catalogue, schemes
from resolvers.context import Info
from schema.eligibility import AidEstimate, EligibilityAnswers, ExpenseInput, SchemeEligibility
from schema.pagination import Connection
from schema.schemes import Activator, ActivatorFilter, Scheme, SchemeFilter

__all__ = ["SchemeCatalogueQuery"]


@strawberry.type
class SchemeCatalogueQuery:
    @tiered(
        Tier.PUBLIC,
        description="Aid schemes of every catalogue (Régions, Bpifrance, France Num), by title. "
        "A catalogue that cannot be read is named in `extensions.warnings`.",
    )
    async def schemes(
        self,
        info: Info,
        filter: SchemeFilter | None = None,
        first: int | None = 20,
        after: str | None = None,
    ) -> Connection[Scheme] | None:
        page = await catalogue.search_schemes(
            info, (filter or SchemeFilter()).to_query(), first, after
        )
        return Connection.of(page, lambda record: Scheme(record=record))

    @tiered(Tier.PUBLIC, description="One scheme by its namespaced id.")
    async def scheme(self, info: Info, id: strawberry.ID) -> Scheme | None:
        return Scheme(record=await catalogue.find_scheme(info, str(id)))

    @tiered(Tier.PUBLIC, description="France Num's activators, by name.")
    async def activators(
        self,
        info: Info,
        filter: ActivatorFilter | None = None,
        first: int | None = 20,
        after: str | None = None,
    ) -> Connection[Activator] | None:
        query = (filter or ActivatorFilter()).to_query()
        page = await catalogue.search_activators(info, query, first, after)
        return Connection.of(page, lambda record: Activator(record=record))

    @tiered(
        Tier.AUTHENTICATED,
        description="Whether a company can get a scheme, with what the user knows that the "
        "sources do not (ownership, market income…); a scheme granted under a de minimis "
        "regulation is checked against the company's headroom (criterion `deMinimis`). Tier "
        "2: the company's referent, its structure, the company's members and the "
        "administrator.",
        reads=ELIGIBILITY_READS,
        reads_company=ReadsCompany(argument="siret", tier=Tier.TIER2),
    )
    async def eligibility(
        self,
        info: Info,
        siret: str,
        scheme_id: strawberry.ID,
        answers: EligibilityAnswers | None = None,
    ) -> SchemeEligibility | None:
        given = answers.to_answers() if answers is not None else None
        verdict = await schemes.eligibility(info, siret, str(scheme_id), given)
        return SchemeEligibility.of(verdict)

    @tiered(
        Tier.PUBLIC,
        description="How much a scheme pays for these expenses (euros, excluding VAT), and "
        "when. With `siret` (tier 2), the company's equity caps the aid where the scheme "
        "says so. With `plannedExpenses`, `expenses` are those spent and the aid granted on "
        "the planned ones is prorated; `startDate` and `decidedOn` date the deadlines (the "
        "estimate's `startDateMeans` and `decidedOnMeans` say what they mean for the scheme).",
        reads=(Read.BANQUE_DE_FRANCE_BALANCE_SHEETS,),
        reads_company=ReadsCompany(argument="siret", tier=Tier.TIER2),
    )
    async def estimate_aid(
        self,
        info: Info,
        scheme_id: strawberry.ID,
        expenses: list[ExpenseInput],
        siret: str | None = None,
        phase: int | None = None,
        planned_expenses: list[ExpenseInput] | None = None,
        start_date: date | None = None,
        decided_on: date | None = None,
    ) -> AidEstimate | None:
        estimate = await schemes.estimate(
            info,
            str(scheme_id),
            [e.to_expense() for e in expenses],
            siret,
            phase,
            planned=None
            if planned_expenses is None
            else [e.to_expense() for e in planned_expenses],
            start=start_date,
            decided_on=decided_on,
        )
        return AidEstimate.of(estimate)
