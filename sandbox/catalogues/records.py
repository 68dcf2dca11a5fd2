"""The sandbox's own record of a scheme and of an activator, in one neutral vocabulary.

Each partner's wire format (``wire.py``) is rendered from these records, so the three
catalogues describe their schemes the same way underneath, as the gateway will once it has
mapped them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

__all__ = [
    "Activator",
    "AssociationRule",
    "Category",
    "Channel",
    "Contact",
    "Criteria",
    "FaqItem",
    "Kind",
    "MicroRule",
    "Provider",
    "Scheme",
    "Source",
    "Territory",
]

Source = Literal["region", "bpifrance", "francenum"]
Kind = Literal[
    "subvention", "pret", "garantie", "avance_remboursable", "accompagnement", "aide_forfaitaire"
]
Channel = Literal["DEL", "MES_AIDES_EN_LIGNE", "TELECHARGEMENT", "PRESTATAIRE"]
Category = Literal["conseiller_public", "conseiller_financier", "consultant_prive",
                   "offreur_solutions"]  # fmt: skip


@dataclass(frozen=True, slots=True)
class Contact:
    name: str
    email: str
    phone: str


@dataclass(frozen=True, slots=True)
class Provider:
    """An organisation the scheme references (its contact details are invented)."""

    name: str
    site: str
    email: str
    phone: str


@dataclass(frozen=True, slots=True)
class FaqItem:
    question: str
    answer: str


@dataclass(frozen=True, slots=True)
class AssociationRule:
    market_income_share_min: float
    """Associations qualify with at least this share of market income…"""
    ei_ea_agreement: bool
    """…or, when true, with an EI/EA (insertion / adapted enterprise) agreement alone."""
    exclusive: bool = False
    """The share must be exceeded, not only reached ("majoritaire": more than 50 %)."""


@dataclass(frozen=True, slots=True)
class MicroRule:
    turnover_min: int
    certified_accounts: bool


@dataclass(frozen=True, slots=True)
class Criteria:
    staff_max: int | None = None
    staff_min: int | None = None
    turnover_max: int | None = None
    balance_sheet_max: int | None = None
    categories: tuple[str, ...] | None = None
    age_months_min: int | None = None
    regions: tuple[str, ...] | None = None
    departments: tuple[str, ...] | None = None
    naf_include: tuple[str, ...] | None = None
    naf_exclude: tuple[str, ...] | None = None
    legal_forms: tuple[str, ...] | None = None
    associations: AssociationRule | None = None
    not_in_difficulty: bool = False
    tax_social_compliance: bool = False
    micro_enterprise: MicroRule | None = None


@dataclass(frozen=True, slots=True)
class Territory:
    scale: Literal["france", "region", "departement"]
    codes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Scheme:
    source: Source
    key: str
    """The id (Région), slug (Bpifrance, France Num)."""
    title: str
    summary: str
    description: str
    financers: tuple[str, ...]
    kinds: tuple[Kind, ...]
    themes: tuple[str, ...]
    associations_welcome: bool
    territory: Territory
    opens_on: date | None
    closes_on: date | None
    channel: Channel
    url: str
    criteria: Criteria
    region_code: str | None = None
    """The publishing Région (Région catalogue only)."""
    number: int | None = None
    """Bpifrance's numeric id."""
    short_title: str = ""
    expenses: tuple[str, ...] = ()
    funding_rules: tuple[str, ...] = ()
    legal_references: tuple[str, ...] = ()
    providers: tuple[Provider, ...] = ()
    faq: tuple[FaqItem, ...] = ()
    expert: Contact | None = None
    de_minimis: str | None = None
    """``"2023/2831"``, ``"1407/2013"`` or None."""
    flat_amount: int | None = None
    expense_themes: tuple[str, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class Activator:
    uuid: str
    category: Category
    display_name: str
    structure: str
    region: str
    department: str
    commune: str
    domains: tuple[str, ...]
    presentation: str
    site: str
    email: str
    phone: str
