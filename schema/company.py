"""A company as the hub shows it: Sirene identity, hub contacts, referent, finances, projects.

Every field declares its visibility tier (docs/visibility.md); see ``auth/visibility.py``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import strawberry

from auth.costs import ELIGIBILITY_READS, Read
from auth.tiers import Access, Tier
from auth.visibility import tiered
from connectors.calendar import hub_today
from resolvers import company as resolve
from resolvers import interactions as resolve_interactions
from resolvers import schemes as resolve_schemes
from resolvers import segments as resolve_segments
from resolvers.aids_received import aids_received
from resolvers.context import Info
from schema.applications import Application, ApplicationFilter, company_applications
from schema.company_sheet import (
    Address,
    BalanceSheet,
    CodeLabel,
    Compliance,
    LegalRepresentative,
    Person,
    Turnover,
)
from schema.eligibility import DeMinimis, PublicAid, SchemeEligibilities, SchemeEligibility
from schema.offers import Interaction, Segment
from schema.pagination import Connection
from schema.projects import Project, ReferentAssignment
from schema.schemes import SchemeFilter

__all__ = [
    "Address",
    "BalanceSheet",
    "CodeLabel",
    "Company",
    "Compliance",
    "LegalRepresentative",
    "Person",
    "Turnover",
]


_SIRENE = (Read.SIRENE_ETABLISSEMENT,)
_PLATFORMS = (Read.DEL_APPLICATIONS, Read.MES_AIDES_APPLICATIONS)


@strawberry.type(description="A company establishment, by SIRET.")
class Company:
    siret: str = tiered(Tier.PUBLIC)
    siren: str = tiered(Tier.PUBLIC)

    @classmethod
    def of(cls, siret: str) -> Company:
        return cls(siret=siret, siren=siret[:9])

    # Public: the Sirene identity (name and address masked when not diffusible).
    @tiered(Tier.PUBLIC_IF_DIFFUSIBLE, reads=_SIRENE, reads_only=True, loads_only=True)
    async def name(self, info: Info) -> str | None:
        return (await resolve.etablissement(info, self.siret)).name

    @tiered(Tier.PUBLIC_IF_DIFFUSIBLE, reads=_SIRENE, reads_only=True, loads_only=True)
    async def address(self, info: Info) -> Address | None:
        return Address.from_record((await resolve.etablissement(info, self.siret)).address)

    @tiered(Tier.PUBLIC, reads=_SIRENE, reads_only=True, loads_only=True)
    async def naf(self, info: Info) -> CodeLabel | None:
        record = await resolve.etablissement(info, self.siret)
        return CodeLabel(code=record.naf_code, label=record.naf_label)

    @tiered(Tier.PUBLIC, reads=_SIRENE, reads_only=True, loads_only=True)
    async def legal_form(self, info: Info) -> CodeLabel | None:
        record = await resolve.etablissement(info, self.siret)
        return CodeLabel(code=record.legal_form_code, label=record.legal_form_label)

    @tiered(Tier.PUBLIC, reads=_SIRENE, reads_only=True, loads_only=True)
    async def workforce(self, info: Info) -> CodeLabel | None:
        record = await resolve.etablissement(info, self.siret)
        return CodeLabel(code=record.workforce_code, label=record.workforce_label)

    @tiered(Tier.PUBLIC, reads=_SIRENE, reads_only=True, loads_only=True)
    async def created_on(self, info: Info) -> date | None:
        return (await resolve.etablissement(info, self.siret)).created_on

    @tiered(Tier.PUBLIC, reads=_SIRENE, reads_only=True, loads_only=True)
    async def head_office(self, info: Info) -> bool | None:
        return (await resolve.etablissement(info, self.siret)).head_office

    @tiered(Tier.PUBLIC, reads=_SIRENE, reads_only=True, loads_only=True)
    async def active(self, info: Info) -> bool | None:
        return (await resolve.etablissement(info, self.siret)).active

    @tiered(Tier.PUBLIC, description="What the viewer may see of this company.", loads_only=True)
    async def viewer_access(self, info: Info) -> Access:
        return await info.context.company_access(self.siret)

    # Tier 1: every network member.
    @tiered(
        Tier.TIER1,
        description="The company's mandataires on the hub, with their contacts.",
        list_size=5,
        loads_only=True,
    )
    async def representatives(self, info: Info) -> list[Person] | None:
        return [Person.from_record(p) for p in await resolve.representatives(info, self.siret)]

    @tiered(
        Tier.TIER1,
        description="The company's current referent request (pending or accepted).",
        loads_only=True,
    )
    async def referent(self, info: Info) -> ReferentAssignment | None:
        record = await resolve.referent(info, self.siret)
        return ReferentAssignment.from_record(record) if record else None

    # Tier 2: the accepted referent and its structure.
    @tiered(
        Tier.TIER2,
        description="Legal representatives per Infogreffe.",
        reads=(Read.INFOGREFFE_MANDATAIRES,),
        loads_only=True,
    )
    async def legal_representatives(self, info: Info) -> list[LegalRepresentative] | None:
        records = await resolve.legal_representatives(info, self.siret)
        return [LegalRepresentative.from_record(r) for r in records]

    @tiered(
        Tier.TIER2,
        description="The people the mandataires associated with the company (ACTIVE), then "
        "those invited who have not accepted yet (PENDING: only what the mandataire typed).",
        loads_only=True,
    )
    async def collaborators(self, info: Info) -> list[Person] | None:
        members = [Person.from_record(p) for p in await resolve.collaborators(info, self.siret)]
        pending = await resolve.pending_collaborators(info, self.siret)
        return members + [Person.invited(invitation) for invitation in pending]

    @tiered(
        Tier.TIER2,
        description="Turnover per fiscal year (DGFIP), newest first.",
        reads=(Read.DGFIP_TURNOVER,),
        loads_only=True,
    )
    async def turnover(self, info: Info) -> list[Turnover] | None:
        records = await resolve.turnover(info, self.siret)
        return [
            Turnover(year=r.year, amount=r.amount, closing_date=r.closing_date) for r in records
        ]

    @tiered(
        Tier.TIER2,
        description="Balance sheets per fiscal year (Banque de France), newest first.",
        reads=(Read.BANQUE_DE_FRANCE_BALANCE_SHEETS,),
        loads_only=True,
    )
    async def balance_sheets(self, info: Info) -> list[BalanceSheet] | None:
        return [BalanceSheet.from_record(r) for r in await resolve.balance_sheets(info, self.siren)]

    @tiered(
        Tier.TIER2,
        description="Social and tax compliance certificates.",
        result_reads=(Read.URSSAF_COMPLIANCE, Read.DGFIP_COMPLIANCE),
        loads_only=True,
    )
    async def compliance(self) -> Compliance | None:
        return Compliance(siren=self.siren)

    @tiered(
        Tier.TIER2,
        description="Every scheme of the catalogue (or of the filter) checked against the "
        "company's federated data: ELIGIBLE first, then UNKNOWN (with the data missing), then "
        "NOT_ELIGIBLE. A scheme granted under a de minimis regulation is checked against the "
        "company's headroom (criterion `deMinimis`: the aids it received, as in `deMinimis`). "
        "Tier 2: verdicts are computed from tier-2 data.",
        reads=ELIGIBILITY_READS,
        list_size=200,  # the catalogue's schemes
    )
    async def eligible_schemes(
        self, info: Info, filter: SchemeFilter | None = None
    ) -> Sequence[SchemeEligibility] | None:
        query = (filter or SchemeFilter()).to_query()
        return SchemeEligibilities(await resolve_schemes.eligible_schemes(info, self.siret, query))

    @tiered(
        Tier.TIER2,
        description="The de minimis aids the company received over the period of the "
        "regulation asked (or the one the scheme names; EU 2023/2831 by default), against "
        "its ceiling.",
        reads=_PLATFORMS,
    )
    async def de_minimis(
        self,
        info: Info,
        scheme_id: strawberry.ID | None = None,
        regulation: str | None = None,
        as_of: date | None = None,
    ) -> DeMinimis | None:
        summary = await resolve_schemes.de_minimis(
            info, self.siret, str(scheme_id) if scheme_id else None, regulation, as_of
        )
        return DeMinimis.of(summary)

    @tiered(
        Tier.TIER2,
        description="The public aids the company received, newest first: granted on DEL or "
        "Mes aides en ligne, and on the hub's record, each aid once (what deMinimis counts; a "
        "platform that cannot answer is named in extensions.warnings).",
        reads=_PLATFORMS,
    )
    async def aids_received(self, info: Info) -> list[PublicAid] | None:
        return [PublicAid.of(aid) for aid in await aids_received(info, self.siret)]

    @tiered(
        Tier.TIER2,
        description="The company's applications on DEL and Mes aides en ligne, newest first "
        "(a platform that cannot answer, or whose list is served as last read, is named in "
        "extensions.warnings).",
        reads=_PLATFORMS,
    )
    async def applications(
        self,
        info: Info,
        filter: ApplicationFilter | None = None,
        first: int = 20,
        after: str | None = None,
    ) -> Connection[Application] | None:
        return await company_applications(info, self.siret, filter, first, after)

    @tiered(
        Tier.TIER2,
        description="The CCI standard's client segment read from the data: CEDANT when a "
        "project declares a transfer (« transmission »), else NOUVEAU_DIRIGEANT when the "
        "company is less than 3 years old (Sirene), else null. Tier 2: it reveals a "
        "project.",
    )
    async def segment(self, info: Info) -> Segment | None:
        found = await resolve_segments.company_segment(info, self.siret, hub_today())
        return Segment(found.value) if found else None

    @tiered(
        Tier.TIER2,
        description="The support the structures recorded with the company and its projects, "
        "newest first (its referent's structure and the company itself see them).",
    )
    async def interactions(self, info: Info) -> list[Interaction] | None:
        records = await resolve_interactions.company_interactions(info, self.siret)
        return [Interaction.from_record(record) for record in records]

    @tiered(
        Tier.PROJECT_GROUP,
        description="The company's current projects and their support group (an agent of a "
        "project's group sees that project only).",
        list_size=5,
        loads_only=True,
    )
    async def projects(self, info: Info) -> list[Project] | None:
        return [Project.from_record(p) for p in await resolve.projects(info, self.siret)]
