"""What the generated schemes are drawn from: a template per kind of scheme, each
published once or once per territory (region, department, campaign year), and the criteria
profiles and activity codes the templates share. The tables are per publisher:
``regional_templates.py``, ``bpifrance_templates.py``, ``francenum_templates.py``.

Titles follow the partners' real programme names; amounts, rates and dates are drawn per
scheme in ``schemes.py``. Criteria are realistic profiles, from none at all to strict.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Literal

from sandbox.catalogues.records import AssociationRule, Channel, Criteria, Kind, MicroRule

__all__ = [
    "AGRIFOOD",
    "ASSOCIATIONS",
    "ASSOCIATIONS_EI_EA",
    "COMPANIES",
    "COMPANIES_AND_SOLE_TRADERS",
    "HEALTHY",
    "INDUSTRY",
    "LOCAL_SHOPS",
    "METROPOLITAN",
    "MICRO",
    "MIDCAP",
    "NONE",
    "SMALL",
    "SME",
    "SME_MIDCAP",
    "TOURISM",
    "TPE",
    "USUAL_EXCLUSIONS",
    "Spread",
    "Template",
    "Timing",
]

Timing = Literal["rolling", "open", "closed", "upcoming", "campaign"]
Spread = Literal["once", "regions", "departments", "years", "themes"]


@dataclass(frozen=True, slots=True)
class Template:
    key: str
    """Slug; ``{place}`` / ``{year}`` are filled per variant."""
    title: str
    kinds: tuple[Kind, ...]
    themes: tuple[str, ...]
    summary: str
    criteria: Criteria
    channel: Channel = "MES_AIDES_EN_LIGNE"
    minimis: str | None = "2023/2831"
    timing: Timing = "rolling"
    spread: Spread = "once"
    places: tuple[str, ...] = ()
    """Region or department codes, or themes, when spread over them."""
    financers: tuple[str, ...] = ()
    """Partners beside the publisher."""
    expenses: tuple[str, ...] = ()
    no_expert: bool = False
    period: tuple[date, date] | None = None
    """Fixed opening and closing dates (historical programmes)."""


HEALTHY = Criteria(not_in_difficulty=True, tax_social_compliance=True)
NONE = Criteria()
TPE = replace(HEALTHY, staff_max=9, turnover_max=2_000_000, categories=("PME",))
SMALL = replace(HEALTHY, staff_max=49, turnover_max=10_000_000, categories=("PME",))
SME = replace(HEALTHY, staff_max=249, categories=("PME",))
SME_MIDCAP = replace(HEALTHY, staff_max=4999, categories=("PME", "ETI"))
MIDCAP = replace(HEALTHY, staff_min=250, staff_max=4999, categories=("ETI",))

ASSOCIATIONS = AssociationRule(market_income_share_min=0.5, ei_ea_agreement=False)
ASSOCIATIONS_EI_EA = AssociationRule(market_income_share_min=0.5, ei_ea_agreement=True)
MICRO = MicroRule(turnover_min=15_000, certified_accounts=False)

INDUSTRY = tuple(str(division) for division in range(10, 34))
USUAL_EXCLUSIONS = ("01", "02", "03", "64", "65", "66", "68", "84")
TOURISM = ("55", "56", "7911", "7912", "7990", "9321", "9329")
LOCAL_SHOPS = ("1071", "47", "56", "9523", "9602")
AGRIFOOD = ("10", "11")
COMPANIES = ("5",)  # sociétés commerciales (catégories juridiques 5xxx)
COMPANIES_AND_SOLE_TRADERS = ("1", "5")

METROPOLITAN = ("11", "24", "27", "28", "32", "44", "52", "53", "75", "76", "84", "93", "94")
