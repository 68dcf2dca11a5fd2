"""What the eligibility engine (``resolvers.eligibility``) reads and answers: the company's
profile from the federated sources, the answers a user gave on the hub's question path, and
each criterion's and each scheme's outcome."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any

from connectors.catalogues.models import Scheme

__all__ = [
    "Answers",
    "CompanyProfile",
    "CriterionResult",
    "Outcome",
    "Ownership",
    "SchemeVerdict",
    "SchemeVerdicts",
    "Verdict",
]


class Outcome(Enum):
    MET = "MET"
    NOT_MET = "NOT_MET"
    UNKNOWN = "UNKNOWN"


class Verdict(Enum):
    ELIGIBLE = "ELIGIBLE"
    NOT_ELIGIBLE = "NOT_ELIGIBLE"
    UNKNOWN = "UNKNOWN"


@dataclass(frozen=True, slots=True)
class CompanyProfile:
    """What the federated sources say about a company (None: not known)."""

    siret: str
    naf_code: str | None = None
    legal_form_code: str | None = None
    registered_on: date | None = None
    region_code: str | None = None
    department_code: str | None = None
    staff: float | None = None
    """Annual average headcount (GIP-MDS)."""
    turnover: int | None = None
    balance_sheet_total: int | None = None
    share_capital: int | None = None
    equity: int | None = None
    tax_up_to_date: bool | None = None
    social_up_to_date: bool | None = None
    unavailable: tuple[str, ...] = ()
    """Sources that failed while the profile was built (named in the details)."""


@dataclass(frozen=True, slots=True)
class Ownership:
    """A partner or linked enterprise (EU SME definition): the share of capital or voting
    rights held (either way) and that enterprise's own figures."""

    share: Decimal
    staff: float
    turnover: int
    balance_sheet_total: int | None = None


@dataclass(frozen=True, slots=True)
class Answers:
    """What a user supplies that the sources do not know."""

    staff: float | None = None
    turnover: int | None = None
    balance_sheet_total: int | None = None
    ownership: tuple[Ownership, ...] | None = None
    """None: not said (counted as autonomous); () : autonomous, said so."""
    market_income_share: Decimal | None = None
    ei_ea_agreement: bool | None = None
    certified_accounts: bool | None = None


@dataclass(frozen=True, slots=True)
class CriterionResult:
    name: str
    outcome: Outcome
    value: str | None
    detail: str
    missing: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SchemeVerdict:
    scheme: Scheme
    verdict: Verdict
    criteria: tuple[CriterionResult, ...]
    missing: tuple[str, ...] = field(default=())
    kept_as: tuple[int, int] | None = field(default=None, compare=False)
    """Names this verdict's content while the process lives, when a cache hands it out
    unchanged (``resolvers/schemes.py``: the cached verdicts' generation and its place in
    them); what it is answered as may then be kept by it. None for a verdict of its own."""


@dataclass(frozen=True, slots=True)
class SchemeVerdicts:
    """A company's verdicts on the schemes of a filter, in answer order. ``kept_as`` names
    the list's content while the process lives, when a cache hands its verdicts out
    unchanged (``resolvers/schemes.py``: the cached verdicts' generation and the filter);
    what it is answered as may then be kept by it, as a verdict's by ``SchemeVerdict.kept_as``.
    None for verdicts of their own."""

    verdicts: tuple[SchemeVerdict, ...]
    kept_as: tuple[Any, ...] | None = None
