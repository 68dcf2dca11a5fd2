"""How each kind of criterion is evaluated (one evaluator per kind, ``EVALUATORS``), from
what the criteria read: the sources first, then the user's answers; and the scheme's open
dates. The rules are the seeds' and the EU SME definition they cite (see
``resolvers.eligibility``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
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
from resolvers.eligibility_records import Answers, CompanyProfile, CriterionResult, Outcome

__all__ = ["EVALUATORS", "Facts", "criterion_result", "euros", "open_dates", "size_category"]

_LIMITED_COMPANIES = ("54", "55", "56", "57")
"""SARL, SA (board / directorate), SAS: the "société à responsabilité limitée" of the
directive 2013/34/EU annex I that the "in difficulty" test names."""
_ASSOCIATIONS = ("92",)
_SOLE_TRADER = "1000"


@dataclass(slots=True)
class Facts:
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


def criterion_result(
    name: str, met: bool | None, value: str | None, detail: str, missing: Sequence[str] = ()
) -> CriterionResult:
    outcome = Outcome.UNKNOWN if met is None else Outcome.MET if met else Outcome.NOT_MET
    return CriterionResult(name, outcome, value, detail, tuple(missing) if met is None else ())


def euros(amount: float) -> str:
    return f"{round(amount):,} €".replace(",", " ")


def _staff(count: float) -> str:
    return f"{count:g}"


def open_dates(scheme: Scheme, today: date) -> CriterionResult:
    if scheme.opens_on is not None and today < scheme.opens_on:
        return criterion_result("openDates", False, scheme.opens_on.isoformat(),
                                f"opens on {scheme.opens_on.isoformat()}")  # fmt: skip
    if scheme.closes_on is not None and today > scheme.closes_on:
        return criterion_result("openDates", False, scheme.closes_on.isoformat(),
                                f"closed on {scheme.closes_on.isoformat()}")  # fmt: skip
    until = f"until {scheme.closes_on.isoformat()}" if scheme.closes_on else "no closing date"
    return criterion_result("openDates", True, today.isoformat(), f"open ({until})")


def _bounds(low: float | None, high: float | None, show: Callable[[float], str]) -> str:
    if low is not None and high is not None:
        return f"between {show(low)} and {show(high)}"
    return f"at least {show(low)}" if low is not None else f"at most {show(high or 0)}"


def _headcount(criterion: Headcount, facts: Facts, today: date) -> CriterionResult:
    """A catalogue's whole ``maximum`` is the last whole headcount allowed ("moins de 50
    salariés" is published as 49): a fractional headcount (an annual average, partners in
    proportion) is within it while under ``maximum + 1`` (49.15 is under 50)."""
    staff, origin = facts.aggregated("staff")
    wanted = _headcount_bounds(criterion)
    if staff is None:
        return criterion_result("headcount", None, None, f"{wanted}; headcount unknown", ("staff",))
    met = (criterion.minimum is None or staff >= criterion.minimum) and (
        criterion.maximum is None or staff < criterion.maximum + 1
    )
    return criterion_result("headcount", met, _staff(staff), f"{wanted} ({origin})")


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
) -> Callable[[Any, Facts, date], CriterionResult]:
    def check(criterion: Turnover | BalanceSheet, facts: Facts, today: date) -> CriterionResult:
        figure, origin = facts.aggregated(field_name)
        wanted = f"{label} at most {euros(criterion.maximum)}"
        if figure is None:
            return criterion_result(
                name, None, None, f"{wanted}; {label} unknown", (_ANSWER_NAMES[field_name],)
            )
        return criterion_result(
            name, figure <= criterion.maximum, euros(figure), f"{wanted} ({origin})"
        )

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


def _size_category(criterion: SizeCategory, facts: Facts, today: date) -> CriterionResult:
    staff, origin = facts.aggregated("staff")
    turnover, _ = facts.aggregated("turnover")
    balance, _ = facts.aggregated("balance_sheet_total")
    wanted = "size category " + " or ".join(criterion.accepted)
    category = size_category(staff, turnover, balance) if staff is not None else None
    if category is None:
        missing = ["staff"] if staff is None else []
        missing += ["turnover", "balanceSheetTotal"] if turnover is None and balance is None else []
        return criterion_result("sizeCategory", None, None, f"{wanted}; figures unknown", missing)
    return criterion_result("sizeCategory", category in criterion.accepted, category,
                            f"{wanted} (EU definition, {origin})")  # fmt: skip


def _months_between(start: date, end: date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)


def _company_age(criterion: CompanyAge, facts: Facts, today: date) -> CriterionResult:
    registered = facts.company.registered_on
    low, high = criterion.minimum_months, criterion.maximum_months
    if high is None:
        wanted = f"registered at least {low} months ago"
    elif low:
        wanted = f"registered between {low} and {high} months ago"
    else:
        wanted = f"registered at most {high} months ago"
    if registered is None:
        return criterion_result("companyAge", None, None, f"{wanted}; registration date unknown",
                                ("registeredOn",))  # fmt: skip
    months = _months_between(registered, today)
    met = months >= low and (high is None or months <= high)
    return criterion_result("companyAge", met, f"{months} months",
                            f"{wanted} (registered on {registered.isoformat()})")  # fmt: skip


def _territory(criterion: Territory, facts: Facts, today: date) -> CriterionResult:
    region, department = facts.company.region_code, facts.company.department_code
    places = [f"region {code}" for code in criterion.regions]
    places += [f"department {code}" for code in criterion.departments]
    wanted = "establishment in " + " or ".join(places)
    if region is None and department is None:
        return criterion_result("territory", None, None, f"{wanted}; address unknown", ("address",))
    met = region in criterion.regions or department in criterion.departments
    return criterion_result("territory", met, f"region {region}, department {department}",
                            f"{wanted} (the establishment's address; a secondary establishment counts)")  # fmt: skip


def _naf(criterion: NafCodes, facts: Facts, today: date) -> CriterionResult:
    code = facts.company.naf_code
    if code is None:
        return criterion_result("naf", None, None, "NAF code unknown", ("naf",))
    bare = code.replace(".", "")
    if criterion.include and not bare.startswith(criterion.include):
        return criterion_result(
            "naf", False, code, "activity not among the eligible NAF codes (no derogation)"
        )
    if bare.startswith(criterion.exclude):
        return criterion_result(
            "naf", False, code, "activity among the excluded NAF codes (no derogation)"
        )
    return criterion_result("naf", True, code, "activity eligible")


def _legal_form(criterion: LegalForms, facts: Facts, today: date) -> CriterionResult:
    code = facts.company.legal_form_code
    if code is None:
        return criterion_result("legalForm", None, None, "legal form unknown", ("legalForm",))
    if facts.is_association and facts.associations_rule:
        return criterion_result(
            "legalForm", True, code, "an association: the associations rule applies"
        )
    return criterion_result("legalForm", code.startswith(criterion.include), code,
                            "legal form among " + ", ".join(criterion.include))  # fmt: skip


def _associations(criterion: Associations, facts: Facts, today: date) -> CriterionResult:
    if not facts.is_association:
        return criterion_result(
            "association", True, facts.company.legal_form_code, "not an association"
        )
    answers = facts.answers
    if criterion.ei_ea_agreement and answers.ei_ea_agreement:
        return criterion_result(
            "association", True, "EI/EA agreement", "an association with an EI/EA agreement"
        )
    share = answers.market_income_share
    minimum = criterion.minimum_market_income_share
    bound = "more than" if criterion.exclusive else "at least"
    rule = f"market income {bound} {minimum:.0%} of its income" if minimum is not None else ""
    if criterion.ei_ea_agreement:
        rule = f"{rule} or an EI/EA agreement" if rule else "an EI/EA agreement"
    if minimum is not None and share is not None and _above(share, minimum, criterion.exclusive):
        return criterion_result("association", True, f"{share:.0%}", rule)
    unanswered = (["marketIncomeShare"] if minimum is not None and share is None else []) + (
        ["eiEaAgreement"] if criterion.ei_ea_agreement and answers.ei_ea_agreement is None else []
    )
    if unanswered:
        return criterion_result("association", None, None, f"{rule}; not declared", unanswered)
    return criterion_result(
        "association", False, f"{share:.0%}" if share is not None else None, rule
    )


def _above(share: Decimal, minimum: Decimal, exclusive: bool) -> bool:
    return share > minimum if exclusive else share >= minimum


def _not_in_difficulty(criterion: NotInDifficulty, facts: Facts, today: date) -> CriterionResult:
    company = facts.company
    if not (company.legal_form_code or "").startswith(_LIMITED_COMPANIES):
        return criterion_result("notInDifficulty", True, company.legal_form_code,
                                "not a limited company: the subscribed-capital test does not apply")  # fmt: skip
    if company.equity is None or company.share_capital is None:
        why = (
            "balance sheet unavailable"
            if "banque_de_france" in company.unavailable
            else "no balance sheet"
        )
        return criterion_result(
            "notInDifficulty", None, None, f"{why}: capital test not possible", ("balanceSheet",)
        )
    lost = company.equity < company.share_capital / 2
    return criterion_result(
        "notInDifficulty",
        not lost,
        f"equity {euros(company.equity)}, subscribed capital {euros(company.share_capital)}",
        "in difficulty: more than half of the subscribed capital lost (EU 651/2014)"
        if lost
        else "has not lost more than half of its subscribed capital",
    )


def _compliance(criterion: TaxSocialCompliance, facts: Facts, today: date) -> CriterionResult:
    tax, social = facts.company.tax_up_to_date, facts.company.social_up_to_date
    value = f"tax {'up to date' if tax else 'unknown' if tax is None else 'not up to date'}, " + (
        f"social {'up to date' if social else 'unknown' if social is None else 'not up to date'}"
    )
    if tax is False or social is False:
        return criterion_result(
            "taxSocialCompliance", False, value, "tax and social obligations (DGFIP, URSSAF)"
        )
    if tax is None or social is None:
        missing = (["taxCertificate"] if tax is None else []) + (
            ["socialCertificate"] if social is None else []
        )
        return criterion_result(
            "taxSocialCompliance", None, value, "certificates unavailable", missing
        )
    return criterion_result(
        "taxSocialCompliance", True, value, "tax and social obligations (DGFIP, URSSAF)"
    )


def _micro(criterion: MicroEnterprise, facts: Facts, today: date) -> CriterionResult:
    if facts.company.legal_form_code != _SOLE_TRADER:
        return criterion_result("microEnterprise", True, facts.company.legal_form_code,
                                "not a sole trader: the micro-enterprise conditions do not apply")  # fmt: skip
    turnover, origin = facts.own("turnover")
    rule = f"a full-time activity of at least {euros(criterion.minimum_turnover)} a year"
    if criterion.certified_accounts:
        rule += " and accounts certified by an accountant"
    if turnover is not None and turnover < criterion.minimum_turnover:
        return criterion_result("microEnterprise", False, euros(turnover), f"{rule} ({origin})")
    certified = facts.answers.certified_accounts
    if criterion.certified_accounts and certified is False:
        return criterion_result("microEnterprise", False, "no certified accounts", rule)
    missing = (["turnover"] if turnover is None else []) + (
        ["certifiedAccounts"] if criterion.certified_accounts and certified is None else []
    )
    if missing:
        return criterion_result("microEnterprise", None, None, f"{rule}; not known", missing)
    return criterion_result("microEnterprise", True, euros(turnover or 0), rule)


EVALUATORS: dict[type[Any], Callable[[Any, Facts, date], CriterionResult]] = {
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
