"""What the API Entreprise connector returns: plain, frozen records, no wire format."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

__all__ = [
    "Address",
    "BalanceSheet",
    "Compliance",
    "Etablissement",
    "Headcount",
    "Mandataire",
    "MandataireKind",
    "Turnover",
    "UniteLegale",
]

MandataireKind = Literal["PERSON", "COMPANY"]


@dataclass(frozen=True, slots=True)
class Address:
    street: str | None
    postal_code: str | None
    city: str | None
    commune_code: str | None
    department_code: str | None
    region_code: str | None


@dataclass(frozen=True, slots=True)
class Etablissement:
    """An établissement (SIRET). ``diffusible`` is False for partially/non-diffusible units:
    the connector returns the data, the gateway decides who may see it."""

    siret: str
    siren: str
    name: str | None
    diffusible: bool
    naf_code: str | None
    naf_label: str | None
    legal_form_code: str | None
    legal_form_label: str | None
    workforce_code: str | None
    workforce_label: str | None
    created_on: date | None
    head_office: bool
    active: bool
    address: Address
    category: str | None


@dataclass(frozen=True, slots=True)
class UniteLegale:
    siren: str
    name: str | None
    diffusible: bool
    legal_form_code: str | None
    legal_form_label: str | None
    category: str | None
    created_on: date | None
    active: bool
    head_office_siret: str | None


@dataclass(frozen=True, slots=True)
class Mandataire:
    """A director from the RCS. Birth date and place are never carried here."""

    kind: MandataireKind
    first_name: str | None
    last_name: str | None
    company_name: str | None
    role: str


@dataclass(frozen=True, slots=True)
class Turnover:
    year: int
    amount: int
    closing_date: date | None


@dataclass(frozen=True, slots=True)
class Compliance:
    up_to_date: bool
    issued_on: date | None
    valid_until: date | None


@dataclass(frozen=True, slots=True)
class Headcount:
    """Annual average headcount (GIP-MDS), all social regimes together."""

    year: int
    staff: float


@dataclass(frozen=True, slots=True)
class BalanceSheet:
    """One fiscal year's balance sheet (Banque de France), in euros."""

    year: int
    closing_date: date
    turnover: int | None
    total: int | None
    share_capital: int | None
    equity: int | None
