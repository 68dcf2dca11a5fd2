"""Bpifrance's catalogue (vocabulary and ``{count, next, previous, results}`` paging of
Aides-territoires; an ``X-Api-Key`` header). See docs/catalogues.md."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from connectors.catalogues.models import (
    AidKind,
    Associations,
    BalanceSheet,
    CompanyAge,
    Criterion,
    Headcount,
    LegalForms,
    MicroEnterprise,
    NafCodes,
    NotInDifficulty,
    Scheme,
    SchemeSource,
    SizeCategory,
    SubmissionChannel,
    TaxSocialCompliance,
    Territory,
    Turnover,
)
from connectors.catalogues.wire import (
    PayloadError,
    contact,
    faq,
    folded,
    iso_date,
    mapping,
    optional_int,
    optional_share,
    optional_str,
    required_str,
    strings,
)

__all__ = ["PAGE_SIZE", "PATH", "page_count", "parse_aid"]

PATH = "/bpifrance/api/aids/"
PAGE_SIZE = 100

_KINDS = {
    "grant": AidKind.GRANT,
    "loan": AidKind.LOAN,
    "guarantee": AidKind.GUARANTEE,
    "recoverable_advance": AidKind.REPAYABLE_ADVANCE,
    "technical_engineering": AidKind.SUPPORT_PROGRAMME,
}
_CHANNELS = {
    "online_form": SubmissionChannel.MES_AIDES_EN_LIGNE,
    "download": SubmissionChannel.DOWNLOAD,
    "provider": SubmissionChannel.PROVIDER,
}
_AUDIENCES = {"private_sector": "entreprise", "association": "association"}


def page_count(body: Mapping[str, Any], page_size: int) -> int:
    count = optional_int(body.get("count"))
    if count is None or count < 0:
        raise PayloadError("page without count")
    return -(-count // page_size)


def parse_aid(item: Mapping[str, Any]) -> Scheme:
    title = required_str(item, "name")
    perimeter = mapping(item.get("perimeter"))
    financers = strings(item.get("financers"))
    themes = strings(item.get("categories"))
    summary = optional_str(item.get("short_title")) or ""
    regulation = optional_str(item.get("de_minimis_regulation"))
    channel = optional_str(item.get("application_channel"))
    return Scheme(
        id=f"{SchemeSource.BPIFRANCE.prefix}:{required_str(item, 'slug')}",
        source=SchemeSource.BPIFRANCE,
        title=title,
        summary=summary,
        description=optional_str(item.get("description")) or summary,
        financers=financers,
        kinds=tuple(_KINDS[kind] for kind in strings(item.get("aid_types")) if kind in _KINDS),
        themes=themes,
        beneficiaries=tuple(
            _AUDIENCES.get(audience, audience)
            for audience in strings(item.get("targeted_audiences"))
        ),
        territory_scale=optional_str(perimeter.get("scale")) or "country",
        territory_codes=strings(perimeter.get("codes")),
        opens_on=iso_date(item.get("start_date")),
        closes_on=iso_date(item.get("submission_deadline")),
        channel=_CHANNELS.get(channel) if channel else None,
        submission_url=optional_str(item.get("application_url")),
        eligible_expenses=strings(item.get("eligible_expenses")),
        funding_rules=strings(item.get("funding_rules")),
        legal_references=strings(item.get("legal_references")),
        providers=(),
        faq=faq(item.get("faq"), "q", "a"),
        expert=contact(item.get("contact"), "full_name", "email", "phone"),
        de_minimis_regulation=regulation.removeprefix("EU ").strip() if regulation else None,
        flat_amount=None,
        criteria=tuple(
            criterion
            for rule in map(mapping, item.get("eligibility_rules") or ())
            if (criterion := _criterion(rule)) is not None
        ),
        search_text=folded(title, summary, financers, themes),
    )


def _criterion(rule: Mapping[str, Any]) -> Criterion | None:
    """One rule of ``eligibility_rules``; an unknown kind is ignored (logged by the caller
    through the scheme's criteria count), a known kind with bad fields raises."""
    build = _RULES.get(str(rule.get("kind")))
    return build(rule) if build else None


def _headcount(rule: Mapping[str, Any]) -> Criterion:
    return Headcount(optional_int(rule.get("min")), optional_int(rule.get("max")))


def _maximum(rule: Mapping[str, Any]) -> int:
    value = optional_int(rule.get("max"))
    if value is None:
        raise PayloadError(f"{rule.get('kind')} rule without max")
    return value


def _company_age(rule: Mapping[str, Any]) -> Criterion:
    months = optional_int(rule.get("min_months"))
    if months is None:
        raise PayloadError("company_age rule without min_months")
    return CompanyAge(months)


_RULES: dict[str, Callable[[Mapping[str, Any]], Criterion]] = {
    "headcount": _headcount,
    "turnover": lambda rule: Turnover(_maximum(rule)),
    "balance_sheet": lambda rule: BalanceSheet(_maximum(rule)),
    "size_category": lambda rule: SizeCategory(strings(rule.get("accepted"))),
    "company_age": _company_age,
    "territory": lambda rule: Territory(
        strings(rule.get("regions")), strings(rule.get("departments"))
    ),
    "naf": lambda rule: NafCodes(strings(rule.get("include")), strings(rule.get("exclude"))),
    "legal_form": lambda rule: LegalForms(strings(rule.get("include"))),
    "association": lambda rule: Associations(
        optional_share(rule.get("min_market_income_share")),
        rule.get("ei_ea_agreement") is True,
        rule.get("market_income_share_exclusive") is True,
    ),
    "not_in_difficulty": lambda rule: NotInDifficulty(),
    "tax_social_compliance": lambda rule: TaxSocialCompliance(),
    "micro_enterprise": lambda rule: MicroEnterprise(
        optional_int(rule.get("min_turnover")) or 0, rule.get("certified_accounts") is True
    ),
}
