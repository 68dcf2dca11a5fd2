"""Criteria published as one flat object of named keys (the Région's ``criteres`` and
France Num's ``conditions``): one reader, parameterised by each source's vocabulary."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from connectors.catalogues.models import (
    Associations,
    BalanceSheet,
    CompanyAge,
    Criterion,
    Headcount,
    LegalForms,
    MicroEnterprise,
    NafCodes,
    NotInDifficulty,
    SizeCategory,
    TaxSocialCompliance,
    Territory,
    Turnover,
)
from connectors.catalogues.wire import optional_int, optional_share, strings

__all__ = ["FlatVocabulary", "flat_criteria"]


@dataclass(frozen=True, slots=True)
class FlatVocabulary:
    """The key each source uses for each criterion."""

    staff_min: str
    staff_max: str
    turnover_max: str
    balance_max: str
    categories: str
    age_months: str
    regions: str
    departments: str
    naf_include: str
    naf_exclude: str
    legal_forms: str
    associations: str
    market_share: str
    market_share_exclusive: str
    agreement: str
    not_in_difficulty: str
    compliance: str
    micro: str
    micro_turnover: str
    micro_certified: str


def flat_criteria(rules: Mapping[str, Any], words: FlatVocabulary) -> tuple[Criterion, ...]:
    criteria: list[Criterion] = []
    low, high = optional_int(rules.get(words.staff_min)), optional_int(rules.get(words.staff_max))
    if low is not None or high is not None:
        criteria.append(Headcount(low, high))
    if (turnover := optional_int(rules.get(words.turnover_max))) is not None:
        criteria.append(Turnover(turnover))
    if (balance := optional_int(rules.get(words.balance_max))) is not None:
        criteria.append(BalanceSheet(balance))
    if categories := strings(rules.get(words.categories)):
        criteria.append(SizeCategory(categories))
    if (months := optional_int(rules.get(words.age_months))) is not None:
        criteria.append(CompanyAge(months))
    regions, departments = strings(rules.get(words.regions)), strings(rules.get(words.departments))
    if regions or departments:
        criteria.append(Territory(regions, departments))
    include = strings(rules.get(words.naf_include))
    exclude = strings(rules.get(words.naf_exclude))
    if include or exclude:
        criteria.append(NafCodes(include, exclude))
    if forms := strings(rules.get(words.legal_forms)):
        criteria.append(LegalForms(forms))
    if isinstance(association := rules.get(words.associations), Mapping):
        criteria.append(
            Associations(
                optional_share(association.get(words.market_share)),
                association.get(words.agreement) is True,
                association.get(words.market_share_exclusive) is True,
            )
        )
    if rules.get(words.not_in_difficulty) is True:
        criteria.append(NotInDifficulty())
    if rules.get(words.compliance) is True:
        criteria.append(TaxSocialCompliance())
    if isinstance(micro := rules.get(words.micro), Mapping):
        criteria.append(
            MicroEnterprise(
                optional_int(micro.get(words.micro_turnover)) or 0,
                micro.get(words.micro_certified) is True,
            )
        )
    return tuple(criteria)
