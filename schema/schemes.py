"""Aid schemes (every catalogue as one type) and France Num's activators: public, but for a
scheme's funding expert (network members only). A company's verdicts, aid estimates and de
minimis aids are in ``schema.eligibility``."""

from __future__ import annotations

from datetime import date

import strawberry

from auth.tiers import Tier
from auth.visibility import tiered
from connectors.calendar import hub_today
from connectors.catalogues import models
from resolvers import catalogue

__all__ = [
    "Activator",
    "ActivatorCategory",
    "ActivatorFilter",
    "AidKind",
    "AmountRange",
    "Scheme",
    "SchemeFilter",
    "SchemeSource",
    "SubmissionChannel",
]

# The records' enums become GraphQL enums (strawberry.enum registers them in place).
strawberry.enum(
    models.SchemeSource,
    description="Who publishes a scheme (its id starts with the source's prefix).",
)
strawberry.enum(models.AidKind, description="What form the aid takes.")
strawberry.enum(
    models.SubmissionChannel,
    description="Where an application is filed: DEL (Région Occitanie), Mes aides en ligne, "
    "a form to download, or through a referenced provider.",
)
strawberry.enum(models.ActivatorCategory, description="France Num's four kinds of activators.")
SchemeSource = models.SchemeSource
AidKind = models.AidKind
SubmissionChannel = models.SubmissionChannel
ActivatorCategory = models.ActivatorCategory


@strawberry.type(description="Contact details of a scheme's funding expert.")
class Contact:
    name: str = tiered(Tier.PUBLIC)
    email: str | None = tiered(Tier.PUBLIC)
    phone: str | None = tiered(Tier.PUBLIC)


@strawberry.type(description="An organisation a scheme references (e.g. a consultancy).")
class ReferencedProvider:
    name: str = tiered(Tier.PUBLIC)
    website: str | None = tiered(Tier.PUBLIC)
    email: str | None = tiered(Tier.PUBLIC)
    phone: str | None = tiered(Tier.PUBLIC)


@strawberry.type(description="A question and answer of a scheme's FAQ.")
class FaqEntry:
    question: str = tiered(Tier.PUBLIC)
    answer: str = tiered(Tier.PUBLIC)


@strawberry.type(description="What a loan lends or an investor invests, in euros.")
class AmountRange:
    minimum: int | None = tiered(Tier.PUBLIC)
    maximum: int | None = tiered(Tier.PUBLIC)


@strawberry.type(description="Where a scheme applies.")
class SchemeTerritory:
    scale: str = tiered(Tier.PUBLIC, description="country, region or department.")
    codes: list[str] = tiered(Tier.PUBLIC, description="INSEE region or department codes.")


@strawberry.type(description="How to apply.")
class Submission:
    channel: SubmissionChannel | None = tiered(Tier.PUBLIC)
    url: str | None = tiered(Tier.PUBLIC)


@strawberry.type(description="An aid scheme, whichever catalogue publishes it.")
class Scheme:
    record: strawberry.Private[models.Scheme]

    @tiered(Tier.PUBLIC, description="Namespaced by source: `region:parcours-industrie-du-futur`.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.record.id)

    @tiered(Tier.PUBLIC)
    def source(self) -> SchemeSource:
        return self.record.source

    @tiered(Tier.PUBLIC)
    def title(self) -> str:
        return self.record.title

    @tiered(Tier.PUBLIC)
    def summary(self) -> str:
        return self.record.summary

    @tiered(Tier.PUBLIC)
    def description(self) -> str:
        return self.record.description

    @tiered(Tier.PUBLIC)
    def financers(self) -> list[str]:
        return list(self.record.financers)

    @tiered(Tier.PUBLIC, description="The main form of the aid.")
    def kind(self) -> AidKind:
        return self.record.kind

    @tiered(Tier.PUBLIC, description="Every form the aid takes.")
    def kinds(self) -> list[AidKind]:
        return list(self.record.kinds)

    @tiered(Tier.PUBLIC)
    def themes(self) -> list[str]:
        return list(self.record.themes)

    @tiered(Tier.PUBLIC)
    def beneficiaries(self) -> list[str]:
        return list(self.record.beneficiaries)

    @tiered(Tier.PUBLIC)
    def territory(self) -> SchemeTerritory:
        return SchemeTerritory(
            scale=self.record.territory_scale, codes=list(self.record.territory_codes)
        )

    @tiered(Tier.PUBLIC)
    def opens_on(self) -> date | None:
        return self.record.opens_on

    @tiered(Tier.PUBLIC)
    def closes_on(self) -> date | None:
        return self.record.closes_on

    @tiered(Tier.PUBLIC, description="Open today (between its opening and closing dates).")
    def open(self) -> bool:
        return self.record.is_open(hub_today())

    @tiered(Tier.PUBLIC)
    def submission(self) -> Submission:
        return Submission(channel=self.record.channel, url=self.record.submission_url)

    @tiered(Tier.PUBLIC)
    def eligible_expenses(self) -> list[str]:
        return list(self.record.eligible_expenses)

    @tiered(Tier.PUBLIC)
    def funding_rules(self) -> list[str]:
        return list(self.record.funding_rules)

    @tiered(Tier.PUBLIC)
    def legal_references(self) -> list[str]:
        return list(self.record.legal_references)

    @tiered(Tier.PUBLIC, description="Organisations the scheme references (e.g. consultancies).")
    def providers(self) -> list[ReferencedProvider]:
        return [
            ReferencedProvider(name=p.name, website=p.website, email=p.email, phone=p.phone)
            for p in self.record.providers
        ]

    @tiered(Tier.PUBLIC)
    def faq(self) -> list[FaqEntry]:
        return [FaqEntry(question=e.question, answer=e.answer) for e in self.record.faq]

    @tiered(Tier.PUBLIC, description="The EU de minimis regulation the scheme names, if any.")
    def de_minimis_regulation(self) -> str | None:
        return self.record.de_minimis_regulation

    @tiered(Tier.PUBLIC, description="A flat amount in euros (e.g. France Num's 500 € cheque).")
    def flat_amount(self) -> int | None:
        return self.record.flat_amount

    @tiered(
        Tier.PUBLIC,
        description="The amounts lent or invested (an honour loan's amounts, an equity fund's "
        "tickets), when the source publishes them.",
    )
    def amounts(self) -> AmountRange | None:
        amounts = self.record.amounts
        if amounts is None:
            return None
        return AmountRange(minimum=amounts.minimum, maximum=amounts.maximum)

    @tiered(Tier.NETWORK, description="The funding expert to contact: network members only.")
    def expert(self) -> Contact | None:
        expert = self.record.expert
        if expert is None:
            return None
        return Contact(name=expert.name, email=expert.email, phone=expert.phone)


@strawberry.type(description="A France Num activator (listed under the adviser's name, but "
                 "solution providers under their company's).")  # fmt: skip
class Activator:
    record: strawberry.Private[models.Activator]

    @tiered(Tier.PUBLIC)
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.record.id)

    @tiered(Tier.PUBLIC)
    def category(self) -> ActivatorCategory:
        return self.record.category

    @tiered(Tier.PUBLIC)
    def name(self) -> str:
        return self.record.display_name

    @tiered(Tier.PUBLIC)
    def structure(self) -> str:
        return self.record.structure

    @tiered(Tier.PUBLIC)
    def region(self) -> str:
        return self.record.region

    @tiered(Tier.PUBLIC)
    def department(self) -> str:
        return self.record.department

    @tiered(Tier.PUBLIC)
    def city(self) -> str:
        return self.record.city

    @tiered(Tier.PUBLIC)
    def domains(self) -> list[str]:
        return list(self.record.domains)

    @tiered(Tier.PUBLIC)
    def presentation(self) -> str:
        return self.record.presentation

    @tiered(Tier.PUBLIC)
    def website(self) -> str | None:
        return self.record.website

    @tiered(Tier.PUBLIC, description="France Num publishes activators' contacts.")
    def email(self) -> str | None:
        return self.record.email

    @tiered(Tier.PUBLIC)
    def phone(self) -> str | None:
        return self.record.phone


@strawberry.input(description="Every criterion is optional; they combine with AND.")
class SchemeFilter:
    text: str | None = strawberry.field(
        default=None, description="Words of the title, summary, financers or themes."
    )
    source: SchemeSource | None = None
    kind: AidKind | None = None
    theme: str | None = None
    region: str | None = strawberry.field(
        default=None, description="An INSEE region code: schemes open to that region."
    )
    open: bool | None = strawberry.field(default=None, description="Open today, or not.")

    def to_query(self) -> catalogue.SchemeQuery:
        return catalogue.SchemeQuery(
            text=self.text, source=self.source, kind=self.kind, theme=self.theme,
            region=self.region, open=self.open,
        )  # fmt: skip


@strawberry.input(description="Every criterion is optional; they combine with AND.")
class ActivatorFilter:
    region: str | None = None
    department: str | None = None
    category: ActivatorCategory | None = None
    domain: str | None = None
    text: str | None = strawberry.field(
        default=None, description="Words of the name, structure or city."
    )

    def to_query(self) -> catalogue.ActivatorQuery:
        return catalogue.ActivatorQuery(
            region=self.region, department=self.department, category=self.category,
            domain=self.domain, text=self.text,
        )  # fmt: skip
