"""The eligibility engine: one evaluator for every criterion kind of every catalogue.

A scheme's criteria are data (``connectors.catalogues.models``); this module evaluates each
against a ``CompanyProfile`` (the federated company data, what the sources did not know left
as None) and the ``Answers`` a user gave on the hub's question path. Each criterion comes out
MET, NOT_MET or UNKNOWN with the value it used and the data still missing; a scheme is
NOT_ELIGIBLE when one criterion is not met, UNKNOWN when one is unknown, else ELIGIBLE.

The rules are the seeds' (pays-de-la-loire-investissement-numerique-faq.md,
region-occitanie-parcours-industrie-du-futur.md) and the EU SME definition they cite
(annex I of regulation (EU) 651/2014).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any

from connectors.catalogues.models import (
    Associations,
    BalanceSheet,
    CompanyAge,
    Headcount,
    LegalForms,
    MicroEnterprise,
    NafCodes,
    NotInDifficulty,
    Scheme,
    SizeCategory,
    TaxSocialCompliance,
    Territory,
    Turnover,
)
from resolvers.de_minimis import DeMinimisSummary

__all__ = [
    "Answers",
    "CompanyProfile",
    "CriterionResult",
    "Outcome",
    "Ownership",
    "SchemeVerdict",
    "Verdict",
    "evaluate",
    "evaluate_all",
    "size_category",
    "with_de_minimis",
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


def evaluate(
    scheme: Scheme, company: CompanyProfile, answers: Answers, today: date
) -> SchemeVerdict:
    return evaluate_all([scheme], company, answers, today)[0]


def evaluate_all(
    schemes: Sequence[Scheme],
    company: CompanyProfile,
    answers: Answers,
    today: date,
    criterion_keys: Sequence[tuple[int, ...]] | None = None,
) -> list[SchemeVerdict]:
    """The verdict of each scheme, in order. A criterion's result depends on the criterion,
    the company, the answers, the day and one fact of its scheme (whether it has an
    associations rule), so schemes that share a criterion share its result: with
    ``criterion_keys`` (the catalogue's numbering of its distinct criteria, one tuple per
    scheme) each distinct criterion is evaluated once per call (the sandbox's 163 schemes
    hold 812 criteria, 61 of them distinct)."""
    results: dict[tuple[int, bool], CriterionResult] = {}
    windows: dict[tuple[date | None, date | None], CriterionResult] = {}
    facts = (_Facts(company, answers, False), _Facts(company, answers, True))
    verdicts = []
    for index, scheme in enumerate(schemes):
        rule = _has_associations_rule(scheme)
        window = (scheme.opens_on, scheme.closes_on)
        opening = windows.get(window)
        if opening is None:
            opening = windows[window] = _dates(scheme, today)
        checked = [opening]
        keys = criterion_keys[index] if criterion_keys is not None else None
        for position, criterion in enumerate(scheme.criteria):
            if keys is None:
                checked.append(_EVALUATORS[type(criterion)](criterion, facts[rule], today))
                continue
            key = (keys[position], rule)
            result = results.get(key)
            if result is None:
                result = results[key] = _EVALUATORS[type(criterion)](criterion, facts[rule], today)
            checked.append(result)
        verdicts.append(_verdict(scheme, checked))
    return verdicts


def _has_associations_rule(scheme: Scheme) -> bool:
    return any(isinstance(criterion, Associations) for criterion in scheme.criteria)


def _verdict(scheme: Scheme, results: list[CriterionResult]) -> SchemeVerdict:
    outcomes = [result.outcome for result in results]  # a list: hashing an Enum is slow
    if Outcome.NOT_MET in outcomes:
        verdict = Verdict.NOT_ELIGIBLE
    elif Outcome.UNKNOWN in outcomes:
        verdict = Verdict.UNKNOWN
    else:
        verdict = Verdict.ELIGIBLE
    missing = tuple(dict.fromkeys(name for result in results for name in result.missing))
    return SchemeVerdict(scheme, verdict, tuple(results), missing)


# --- what the criteria read: sources first, then the user's answers ------------------------


_LIMITED_COMPANIES = ("54", "55", "56", "57")
"""SARL, SA (board / directorate), SAS: the "société à responsabilité limitée" of the
directive 2013/34/EU annex I that the "in difficulty" test names."""
_ASSOCIATIONS = ("92",)
_SOLE_TRADER = "1000"


@dataclass(slots=True)
class _Facts:
    company: CompanyProfile
    answers: Answers
    associations_rule: bool
    """Whether the scheme has an associations rule (the one fact of the scheme read here)."""

    @property
    def is_association(self) -> bool:
        return (self.company.legal_form_code or "").startswith(_ASSOCIATIONS)

    def own(self, name: str) -> tuple[float | None, str]:
        """A figure of the company itself, and where it comes from."""
        value = getattr(self.company, name)
        if value is not None:
            return value, "sources"
        answered = getattr(self.answers, name)
        return answered, "declared" if answered is not None else "missing"

    def aggregated(self, name: str) -> tuple[float | None, str]:
        """The EU-aggregated figure: partners (25–50 %) in proportion, linked (> 50 %) in full."""
        own, origin = self.own(name)
        if own is None:
            return None, origin
        total = Decimal(str(own))
        for holding in self.answers.ownership or ():
            figure = getattr(holding, name)
            if figure is None:
                return None, "missing"
            if holding.share > Decimal("0.5"):
                total += Decimal(str(figure))
            elif holding.share >= Decimal("0.25"):
                total += Decimal(str(figure)) * holding.share
        basis = (
            "autonomous"
            if self.answers.ownership is None
            else "with partner and linked enterprises"
        )
        return float(total), f"{origin}, {basis}"


def _result(
    name: str, met: bool | None, value: str | None, detail: str, missing: Sequence[str] = ()
) -> CriterionResult:
    outcome = Outcome.UNKNOWN if met is None else Outcome.MET if met else Outcome.NOT_MET
    return CriterionResult(name, outcome, value, detail, tuple(missing) if met is None else ())


def _euros(amount: float) -> str:
    return f"{round(amount):,} €".replace(",", " ")


def _staff(count: float) -> str:
    return f"{count:g}"


def _dates(scheme: Scheme, today: date) -> CriterionResult:
    if scheme.opens_on is not None and today < scheme.opens_on:
        return _result("openDates", False, scheme.opens_on.isoformat(),
                       f"opens on {scheme.opens_on.isoformat()}")  # fmt: skip
    if scheme.closes_on is not None and today > scheme.closes_on:
        return _result("openDates", False, scheme.closes_on.isoformat(),
                       f"closed on {scheme.closes_on.isoformat()}")  # fmt: skip
    until = f"until {scheme.closes_on.isoformat()}" if scheme.closes_on else "no closing date"
    return _result("openDates", True, today.isoformat(), f"open ({until})")


def _bounds(low: float | None, high: float | None, show: Callable[[float], str]) -> str:
    if low is not None and high is not None:
        return f"between {show(low)} and {show(high)}"
    return f"at least {show(low)}" if low is not None else f"at most {show(high or 0)}"


def _headcount(criterion: Headcount, facts: _Facts, today: date) -> CriterionResult:
    """A catalogue's whole ``maximum`` is the last whole headcount allowed ("moins de 50
    salariés" is published as 49): a fractional headcount (an annual average, partners in
    proportion) is within it while under ``maximum + 1`` (49.15 is under 50)."""
    staff, origin = facts.aggregated("staff")
    wanted = _headcount_bounds(criterion)
    if staff is None:
        return _result("headcount", None, None, f"{wanted}; headcount unknown", ("staff",))
    met = (criterion.minimum is None or staff >= criterion.minimum) and (
        criterion.maximum is None or staff < criterion.maximum + 1
    )
    return _result("headcount", met, _staff(staff), f"{wanted} ({origin})")


def _headcount_bounds(criterion: Headcount) -> str:
    below = None if criterion.maximum is None else f"under {criterion.maximum + 1}"
    if criterion.minimum is not None and below is not None:
        return f"at least {_staff(criterion.minimum)} and {below} staff"
    return (
        f"{below} staff"
        if below is not None
        else f"at least {_staff(criterion.minimum or 0)} staff"
    )


_ANSWER_NAMES = {"turnover": "turnover", "balance_sheet_total": "balanceSheetTotal"}


def _ceiling(
    name: str, field_name: str, label: str
) -> Callable[[Any, _Facts, date], CriterionResult]:
    def check(criterion: Turnover | BalanceSheet, facts: _Facts, today: date) -> CriterionResult:
        figure, origin = facts.aggregated(field_name)
        wanted = f"{label} at most {_euros(criterion.maximum)}"
        if figure is None:
            return _result(
                name, None, None, f"{wanted}; {label} unknown", (_ANSWER_NAMES[field_name],)
            )
        return _result(name, figure <= criterion.maximum, _euros(figure), f"{wanted} ({origin})")

    return check


def size_category(staff: float, turnover: float | None, balance: float | None) -> str | None:
    """EU / LME categories: PME (micro included) < 250 staff and turnover ≤ €50M or balance
    sheet ≤ €43M; ETI < 5,000 staff and turnover ≤ €1.5bn or balance sheet ≤ €2bn; else GE.
    None when neither financial figure is known."""
    if turnover is None and balance is None:
        return None

    def within(turnover_cap: float, balance_cap: float) -> bool:
        return (turnover is not None and turnover <= turnover_cap) or (
            balance is not None and balance <= balance_cap
        )

    if staff < 250 and within(50e6, 43e6):
        return "PME"
    if staff < 5000 and within(1.5e9, 2e9):
        return "ETI"
    return "GE"


def _size_category(criterion: SizeCategory, facts: _Facts, today: date) -> CriterionResult:
    staff, origin = facts.aggregated("staff")
    turnover, _ = facts.aggregated("turnover")
    balance, _ = facts.aggregated("balance_sheet_total")
    wanted = "size category " + " or ".join(criterion.accepted)
    category = size_category(staff, turnover, balance) if staff is not None else None
    if category is None:
        missing = ["staff"] if staff is None else []
        missing += ["turnover", "balanceSheetTotal"] if turnover is None and balance is None else []
        return _result("sizeCategory", None, None, f"{wanted}; figures unknown", missing)
    return _result("sizeCategory", category in criterion.accepted, category,
                   f"{wanted} (EU definition, {origin})")  # fmt: skip


def _months_between(start: date, end: date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)


def _company_age(criterion: CompanyAge, facts: _Facts, today: date) -> CriterionResult:
    registered = facts.company.registered_on
    low, high = criterion.minimum_months, criterion.maximum_months
    if high is None:
        wanted = f"registered at least {low} months ago"
    elif low:
        wanted = f"registered between {low} and {high} months ago"
    else:
        wanted = f"registered at most {high} months ago"
    if registered is None:
        return _result("companyAge", None, None, f"{wanted}; registration date unknown",
                       ("registeredOn",))  # fmt: skip
    months = _months_between(registered, today)
    met = months >= low and (high is None or months <= high)
    return _result("companyAge", met, f"{months} months",
                   f"{wanted} (registered on {registered.isoformat()})")  # fmt: skip


def _territory(criterion: Territory, facts: _Facts, today: date) -> CriterionResult:
    region, department = facts.company.region_code, facts.company.department_code
    places = [f"region {code}" for code in criterion.regions]
    places += [f"department {code}" for code in criterion.departments]
    wanted = "establishment in " + " or ".join(places)
    if region is None and department is None:
        return _result("territory", None, None, f"{wanted}; address unknown", ("address",))
    met = region in criterion.regions or department in criterion.departments
    return _result("territory", met, f"region {region}, department {department}",
                   f"{wanted} (the establishment's address; a secondary establishment counts)")  # fmt: skip


def _naf(criterion: NafCodes, facts: _Facts, today: date) -> CriterionResult:
    code = facts.company.naf_code
    if code is None:
        return _result("naf", None, None, "NAF code unknown", ("naf",))
    bare = code.replace(".", "")
    if criterion.include and not bare.startswith(criterion.include):
        return _result(
            "naf", False, code, "activity not among the eligible NAF codes (no derogation)"
        )
    if bare.startswith(criterion.exclude):
        return _result("naf", False, code, "activity among the excluded NAF codes (no derogation)")
    return _result("naf", True, code, "activity eligible")


def _legal_form(criterion: LegalForms, facts: _Facts, today: date) -> CriterionResult:
    code = facts.company.legal_form_code
    if code is None:
        return _result("legalForm", None, None, "legal form unknown", ("legalForm",))
    if facts.is_association and facts.associations_rule:
        return _result("legalForm", True, code, "an association: the associations rule applies")
    return _result("legalForm", code.startswith(criterion.include), code,
                   "legal form among " + ", ".join(criterion.include))  # fmt: skip


def _associations(criterion: Associations, facts: _Facts, today: date) -> CriterionResult:
    if not facts.is_association:
        return _result("association", True, facts.company.legal_form_code, "not an association")
    answers = facts.answers
    if criterion.ei_ea_agreement and answers.ei_ea_agreement:
        return _result(
            "association", True, "EI/EA agreement", "an association with an EI/EA agreement"
        )
    share = answers.market_income_share
    minimum = criterion.minimum_market_income_share
    bound = "more than" if criterion.exclusive else "at least"
    rule = f"market income {bound} {minimum:.0%} of its income" if minimum is not None else ""
    if criterion.ei_ea_agreement:
        rule = f"{rule} or an EI/EA agreement" if rule else "an EI/EA agreement"
    if minimum is not None and share is not None and _above(share, minimum, criterion.exclusive):
        return _result("association", True, f"{share:.0%}", rule)
    unanswered = (["marketIncomeShare"] if minimum is not None and share is None else []) + (
        ["eiEaAgreement"] if criterion.ei_ea_agreement and answers.ei_ea_agreement is None else []
    )
    if unanswered:
        return _result("association", None, None, f"{rule}; not declared", unanswered)
    return _result("association", False, f"{share:.0%}" if share is not None else None, rule)


def _above(share: Decimal, minimum: Decimal, exclusive: bool) -> bool:
    return share > minimum if exclusive else share >= minimum


def _not_in_difficulty(criterion: NotInDifficulty, facts: _Facts, today: date) -> CriterionResult:
    company = facts.company
    if not (company.legal_form_code or "").startswith(_LIMITED_COMPANIES):
        return _result("notInDifficulty", True, company.legal_form_code,
                       "not a limited company: the subscribed-capital test does not apply")  # fmt: skip
    if company.equity is None or company.share_capital is None:
        why = (
            "balance sheet unavailable"
            if "banque_de_france" in company.unavailable
            else "no balance sheet"
        )
        return _result(
            "notInDifficulty", None, None, f"{why}: capital test not possible", ("balanceSheet",)
        )
    lost = company.equity < company.share_capital / 2
    return _result(
        "notInDifficulty",
        not lost,
        f"equity {_euros(company.equity)}, subscribed capital {_euros(company.share_capital)}",
        "in difficulty: more than half of the subscribed capital lost (EU 651/2014)"
        if lost
        else "has not lost more than half of its subscribed capital",
    )


def _compliance(criterion: TaxSocialCompliance, facts: _Facts, today: date) -> CriterionResult:
    tax, social = facts.company.tax_up_to_date, facts.company.social_up_to_date
    value = f"tax {'up to date' if tax else 'unknown' if tax is None else 'not up to date'}, " + (
        f"social {'up to date' if social else 'unknown' if social is None else 'not up to date'}"
    )
    if tax is False or social is False:
        return _result(
            "taxSocialCompliance", False, value, "tax and social obligations (DGFIP, URSSAF)"
        )
    if tax is None or social is None:
        missing = (["taxCertificate"] if tax is None else []) + (
            ["socialCertificate"] if social is None else []
        )
        return _result("taxSocialCompliance", None, value, "certificates unavailable", missing)
    return _result("taxSocialCompliance", True, value, "tax and social obligations (DGFIP, URSSAF)")


def _micro(criterion: MicroEnterprise, facts: _Facts, today: date) -> CriterionResult:
    if facts.company.legal_form_code != _SOLE_TRADER:
        return _result("microEnterprise", True, facts.company.legal_form_code,
                       "not a sole trader: the micro-enterprise conditions do not apply")  # fmt: skip
    turnover, origin = facts.own("turnover")
    rule = f"a full-time activity of at least {_euros(criterion.minimum_turnover)} a year"
    if criterion.certified_accounts:
        rule += " and accounts certified by an accountant"
    if turnover is not None and turnover < criterion.minimum_turnover:
        return _result("microEnterprise", False, _euros(turnover), f"{rule} ({origin})")
    certified = facts.answers.certified_accounts
    if criterion.certified_accounts and certified is False:
        return _result("microEnterprise", False, "no certified accounts", rule)
    missing = (["turnover"] if turnover is None else []) + (
        ["certifiedAccounts"] if criterion.certified_accounts and certified is None else []
    )
    if missing:
        return _result("microEnterprise", None, None, f"{rule}; not known", missing)
    return _result("microEnterprise", True, _euros(turnover or 0), rule)


_EVALUATORS: dict[type[Any], Callable[[Any, _Facts, date], CriterionResult]] = {
    Headcount: _headcount,
    Turnover: _ceiling("turnover", "turnover", "turnover"),
    BalanceSheet: _ceiling("balanceSheet", "balance_sheet_total", "balance-sheet total"),
    SizeCategory: _size_category,
    CompanyAge: _company_age,
    Territory: _territory,
    NafCodes: _naf,
    LegalForms: _legal_form,
    Associations: _associations,
    NotInDifficulty: _not_in_difficulty,
    TaxSocialCompliance: _compliance,
    MicroEnterprise: _micro,
}


# --- de minimis: what the company received, read apart from the profile ---------------------


def with_de_minimis(
    verdict: SchemeVerdict, summary: DeMinimisSummary[Any] | None, amount: int | None
) -> SchemeVerdict:
    """``verdict`` with its scheme's de minimis criterion (for a scheme granted under a de
    minimis regulation): the aid, up to ``amount`` (None: not known), must fit in what the
    regulation's ceiling leaves the company over its period (Pays de la Loire FAQ §23: "ne
    pas dépasser 200 000€ d'aides publiques tous les 3 ans par entreprise"). ``summary``: the
    aids the company received against that ceiling (``resolvers/de_minimis.py``); None when
    the hub does not know the regulation the scheme names."""
    if summary is None:
        named = verdict.scheme.de_minimis_regulation
        result = _result("deMinimis", None, None, f"de minimis regulation {named} unknown to "
                         "the hub: the headroom is to check", ("deMinimisRegulation",))  # fmt: skip
    else:
        regulation, headroom = summary.regulation, summary.remaining
        rule = (
            f"at most {_euros(regulation.ceiling)} of de minimis aids over {regulation.period} "
            f"(EU {regulation.name}); {_euros(summary.total)} received since "
            f"{summary.period_start.isoformat()}"
        )
        room = f"the headroom of {_euros(headroom)}"
        if headroom <= 0:
            met, detail = False, f"{rule}: no headroom left"
        elif amount is None:
            met, detail = True, f"{rule}: the aid may not exceed {room}"
        else:
            met = amount <= headroom
            verb = "fits in" if met else "exceeds"
            detail = f"{rule}: the aid, up to {_euros(amount)}, {verb} {room}"
        result = _result("deMinimis", met, f"headroom {_euros(headroom)}", detail)
    return _verdict(verdict.scheme, [*verdict.criteria, result])
