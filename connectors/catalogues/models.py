"""What the catalogue connectors return: one ``Scheme`` record whatever the source, its
eligibility ``Criterion`` records (criteria are data; ``resolvers.eligibility`` evaluates
them), and France Num's ``Activator`` records. No wire format here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import Enum

__all__ = [
    "Activator",
    "ActivatorCategory",
    "AidKind",
    "AmountRange",
    "Associations",
    "BalanceSheet",
    "CompanyAge",
    "Contact",
    "Criterion",
    "FaqEntry",
    "Headcount",
    "LegalForms",
    "MicroEnterprise",
    "NafCodes",
    "NotInDifficulty",
    "Provider",
    "Scheme",
    "SchemeSource",
    "SizeCategory",
    "SubmissionChannel",
    "TaxSocialCompliance",
    "Territory",
    "Turnover",
]


class SchemeSource(Enum):
    """Who publishes a scheme; ``prefix`` namespaces its id (``region:…``)."""

    REGION_OCCITANIE = "region"
    REGION_PAYS_DE_LA_LOIRE = "paysdelaloire"
    BPIFRANCE = "bpifrance"
    FRANCE_NUM = "francenum"
    CREALIA = "crealia"
    FRANCE_INITIATIVE = "franceinitiative"
    IRDI_SORIDEC = "irdisoridec"

    @property
    def prefix(self) -> str:
        return self.value


class AidKind(Enum):
    GRANT = "GRANT"
    LOAN = "LOAN"
    GUARANTEE = "GUARANTEE"
    REPAYABLE_ADVANCE = "REPAYABLE_ADVANCE"
    SUPPORT_PROGRAMME = "SUPPORT_PROGRAMME"
    HONOUR_LOAN = "HONOUR_LOAN"
    """A prêt d'honneur: a personal loan to the founder, without interest or guarantee, that
    brings the equity a bank loan asks for. Its schemes also carry ``LOAN``."""
    EQUITY = "EQUITY"
    """An investor takes shares (or quasi-equity) in the company: nothing is granted."""


class SubmissionChannel(Enum):
    DEL = "DEL"
    MES_AIDES_EN_LIGNE = "MES_AIDES_EN_LIGNE"
    DOWNLOAD = "DOWNLOAD"
    PROVIDER = "PROVIDER"


class ActivatorCategory(Enum):
    PUBLIC_DIGITAL_ADVISER = "PUBLIC_DIGITAL_ADVISER"
    FINANCIAL_ADVISER = "FINANCIAL_ADVISER"
    PRIVATE_CONSULTANT = "PRIVATE_CONSULTANT"
    SOLUTION_PROVIDER = "SOLUTION_PROVIDER"


@dataclass(frozen=True, slots=True)
class Contact:
    name: str
    email: str | None
    phone: str | None


@dataclass(frozen=True, slots=True)
class Provider:
    """An organisation a scheme references (e.g. a consultancy referenced by the Région)."""

    name: str
    website: str | None
    email: str | None
    phone: str | None


@dataclass(frozen=True, slots=True)
class AmountRange:
    """The amounts a scheme lends or invests, in euros (a loan's amounts, an investor's
    tickets); either bound may be unknown."""

    minimum: int | None
    maximum: int | None


@dataclass(frozen=True, slots=True)
class FaqEntry:
    question: str
    answer: str


# --- eligibility criteria: each kind is a record, evaluated by resolvers.eligibility ---


@dataclass(frozen=True, slots=True)
class Headcount:
    """Staff (annual average; EU-aggregated when ownership is known) within [minimum, maximum]."""

    minimum: int | None = None
    maximum: int | None = None


@dataclass(frozen=True, slots=True)
class Turnover:
    maximum: int


@dataclass(frozen=True, slots=True)
class BalanceSheet:
    maximum: int


@dataclass(frozen=True, slots=True)
class SizeCategory:
    """EU size categories accepted: ``PME`` (micro included), ``ETI``, ``GE``."""

    accepted: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CompanyAge:
    """Months since registration within [minimum_months, maximum_months] (a young company:
    ``CompanyAge(0, 36)``)."""

    minimum_months: int
    maximum_months: int | None = None


@dataclass(frozen=True, slots=True)
class Territory:
    """The establishment's region or department (a secondary establishment counts)."""

    regions: tuple[str, ...] = ()
    departments: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class NafCodes:
    """Prefixes of the NAF code without its dot; no derogation."""

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class LegalForms:
    """Prefixes of the INSEE legal-form code (catégorie juridique)."""

    include: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Associations:
    """Associations are eligible when their market income share is at least
    ``minimum_market_income_share`` (more than it, when ``exclusive``: Pays de la Loire's
    "activité marchande majoritaire", "plus de 50%") or, if ``ei_ea_agreement``, when they
    hold an EI/EA agreement."""

    minimum_market_income_share: Decimal | None
    ei_ea_agreement: bool
    exclusive: bool = False


@dataclass(frozen=True, slots=True)
class NotInDifficulty:
    """Not "in difficulty" (EU 651/2014): a limited company has not lost more than half of
    its subscribed capital."""


@dataclass(frozen=True, slots=True)
class TaxSocialCompliance:
    """Up to date with tax (DGFIP) and social (URSSAF) obligations."""


@dataclass(frozen=True, slots=True)
class MicroEnterprise:
    """A micro-entrepreneur must earn at least ``minimum_turnover`` a year and, if
    ``certified_accounts``, provide accounts certified by an accountant."""

    minimum_turnover: int
    certified_accounts: bool


Criterion = (
    Headcount
    | Turnover
    | BalanceSheet
    | SizeCategory
    | CompanyAge
    | Territory
    | NafCodes
    | LegalForms
    | Associations
    | NotInDifficulty
    | TaxSocialCompliance
    | MicroEnterprise
)


@dataclass(frozen=True, slots=True)
class Scheme:
    id: str
    """Namespaced by source: ``region:parcours-industrie-du-futur``."""
    source: SchemeSource
    title: str
    summary: str
    description: str
    financers: tuple[str, ...]
    kinds: tuple[AidKind, ...]
    themes: tuple[str, ...]
    beneficiaries: tuple[str, ...]
    territory_scale: str
    """``country``, ``region`` or ``department``."""
    territory_codes: tuple[str, ...]
    opens_on: date | None
    closes_on: date | None
    channel: SubmissionChannel | None
    submission_url: str | None
    eligible_expenses: tuple[str, ...]
    funding_rules: tuple[str, ...]
    legal_references: tuple[str, ...] = ()
    providers: tuple[Provider, ...] = ()
    faq: tuple[FaqEntry, ...] = ()
    expert: Contact | None = None
    de_minimis_regulation: str | None = None
    """``1407/2013`` or ``2023/2831`` (the EU de minimis regulation the scheme names)."""
    flat_amount: int | None = None
    criteria: tuple[Criterion, ...] = field(default=())
    amounts: AmountRange | None = None
    """What a loan lends or an investor invests (honour loans, equity tickets)."""
    search_text: str = ""
    """Folded title, summary, financers and themes: what the text filter matches."""

    @property
    def kind(self) -> AidKind:
        return self.kinds[0] if self.kinds else AidKind.SUPPORT_PROGRAMME

    def is_open(self, today: date) -> bool:
        if self.opens_on is not None and today < self.opens_on:
            return False
        return self.closes_on is None or today <= self.closes_on


@dataclass(frozen=True, slots=True)
class Activator:
    id: str
    category: ActivatorCategory
    display_name: str
    """The adviser's name; the company's name for a solution provider."""
    structure: str
    region: str
    department: str
    city: str
    domains: tuple[str, ...]
    presentation: str
    website: str | None
    email: str | None
    phone: str | None
    search_text: str = ""
