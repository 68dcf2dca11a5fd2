"""The eligibility engine: every criterion kind met, not met and unknown, the EU SME
aggregation, how criteria roll up into a verdict, and a de minimis scheme against the
company's headroom."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

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
    Scheme,
    SchemeSource,
    SizeCategory,
    TaxSocialCompliance,
    Territory,
    Turnover,
)
from resolvers.aids_received import AidSource, ReceivedAid
from resolvers.de_minimis import CEILINGS, Aid, summarise
from resolvers.eligibility import evaluate, evaluate_all, with_de_minimis
from resolvers.eligibility_criteria import size_category
from resolvers.eligibility_records import Answers, CompanyProfile, Outcome, Ownership, Verdict

TODAY = date(2026, 11, 23)

LEROY = CompanyProfile(
    siret="84215637400014", naf_code="25.62A", legal_form_code="5710",
    registered_on=date(2018, 4, 12), region_code="76", department_code="30", staff=31.5,
    turnover=3_412_000, balance_sheet_total=2_661_360, share_capital=150_000, equity=940_000,
    tax_up_to_date=True, social_up_to_date=True,
)  # fmt: skip


def scheme(*criteria: Criterion, opens: date | None = None, closes: date | None = None) -> Scheme:
    return Scheme(
        id="region:test", source=SchemeSource.REGION_OCCITANIE, title="Test", summary="",
        description="", financers=(), kinds=(), themes=(), beneficiaries=(),
        territory_scale="region", territory_codes=("76",), opens_on=opens, closes_on=closes,
        channel=None, submission_url=None, eligible_expenses=(), funding_rules=(),
        legal_references=(), providers=(), faq=(), expert=None, de_minimis_regulation=None,
        flat_amount=None, criteria=criteria,
    )  # fmt: skip


def check(
    criterion: Criterion, company: CompanyProfile = LEROY, answers: Answers | None = None
) -> tuple[Outcome, tuple[str, ...]]:
    result = evaluate(scheme(criterion), company, answers or Answers(), TODAY).criteria[1]
    return result.outcome, result.missing


MET, NOT_MET, UNKNOWN = Outcome.MET, Outcome.NOT_MET, Outcome.UNKNOWN


@pytest.mark.parametrize(
    ("criterion", "company", "expected"),
    [
        (Headcount(maximum=49), LEROY, MET),
        (Headcount(maximum=30), LEROY, NOT_MET),
        (Headcount(minimum=35), LEROY, NOT_MET),
        (Headcount(maximum=49), replace(LEROY, staff=None), UNKNOWN),
        (Turnover(10_000_000), LEROY, MET),
        (Turnover(3_000_000), LEROY, NOT_MET),
        (Turnover(3_000_000), replace(LEROY, turnover=None), UNKNOWN),
        (BalanceSheet(43_000_000), LEROY, MET),
        (BalanceSheet(1_000_000), LEROY, NOT_MET),
        (BalanceSheet(1_000_000), replace(LEROY, balance_sheet_total=None), UNKNOWN),
        (SizeCategory(("PME",)), LEROY, MET),
        (SizeCategory(("GE",)), LEROY, NOT_MET),
        (SizeCategory(("PME",)), replace(LEROY, staff=None), UNKNOWN),
        (CompanyAge(24), LEROY, MET),
        (CompanyAge(200), LEROY, NOT_MET),
        (CompanyAge(24), replace(LEROY, registered_on=None), UNKNOWN),
        (CompanyAge(0, 12), replace(LEROY, registered_on=date(2026, 1, 5)), MET),
        (CompanyAge(0, 12), LEROY, NOT_MET),
        (CompanyAge(0, 12), replace(LEROY, registered_on=date(2025, 10, 23)), NOT_MET),
        (CompanyAge(24, 120), LEROY, MET),
        (CompanyAge(0, 12), replace(LEROY, registered_on=None), UNKNOWN),
        (Territory(("76",)), LEROY, MET),
        (Territory(("52",)), LEROY, NOT_MET),
        (Territory((), ("30",)), LEROY, MET),
        (Territory(("76",)), replace(LEROY, region_code=None, department_code=None), UNKNOWN),
        (NafCodes(include=("10", "25")), LEROY, MET),
        (NafCodes(include=("10",)), LEROY, NOT_MET),
        (NafCodes(exclude=("2562",)), LEROY, NOT_MET),
        (NafCodes(exclude=("64",)), replace(LEROY, naf_code=None), UNKNOWN),
        (LegalForms(("57",)), LEROY, MET),
        (LegalForms(("54",)), LEROY, NOT_MET),
        (LegalForms(("54",)), replace(LEROY, legal_form_code=None), UNKNOWN),
        (NotInDifficulty(), LEROY, MET),
        (NotInDifficulty(), replace(LEROY, equity=70_000), NOT_MET),
        (NotInDifficulty(), replace(LEROY, equity=-10_000), NOT_MET),
        (NotInDifficulty(), replace(LEROY, equity=None, share_capital=None), UNKNOWN),
        (NotInDifficulty(), replace(LEROY, legal_form_code="1000", equity=None), MET),
        (TaxSocialCompliance(), LEROY, MET),
        (TaxSocialCompliance(), replace(LEROY, tax_up_to_date=False), NOT_MET),
        (TaxSocialCompliance(), replace(LEROY, social_up_to_date=False), NOT_MET),
        (TaxSocialCompliance(), replace(LEROY, social_up_to_date=None), UNKNOWN),
    ],
)
def test_each_criterion_kind_both_ways(
    criterion: Criterion, company: CompanyProfile, expected: Outcome
) -> None:
    assert check(criterion, company)[0] is expected


@pytest.mark.parametrize(
    ("criterion", "wanted"),
    [
        (CompanyAge(36), "registered at least 36 months ago"),
        (CompanyAge(0, 12), "registered at most 12 months ago"),
        (CompanyAge(24, 120), "registered between 24 and 120 months ago"),
    ],
)
def test_a_company_age_says_which_bounds_it_checks(criterion: CompanyAge, wanted: str) -> None:
    result = evaluate(scheme(criterion), LEROY, Answers(), TODAY).criteria[1]
    assert result.detail.startswith(wanted)
    assert result.value == "103 months"


def test_an_unknown_figure_says_what_is_missing_and_a_declared_one_is_used() -> None:
    unknown = replace(LEROY, staff=None)
    assert check(Headcount(maximum=49), unknown) == (UNKNOWN, ("staff",))
    assert check(Headcount(maximum=49), unknown, Answers(staff=12))[0] is MET


def test_sources_win_over_declarations() -> None:
    assert check(Headcount(maximum=30), LEROY, Answers(staff=5))[0] is NOT_MET


def test_partners_count_in_proportion_and_linked_enterprises_in_full() -> None:
    small = replace(LEROY, staff=30.0)
    partner = Ownership(Decimal("0.30"), staff=40, turnover=1_000_000)  # +12 staff
    linked = Ownership(Decimal("0.60"), staff=40, turnover=1_000_000)  # +40 staff
    minor = Ownership(Decimal("0.20"), staff=400, turnover=1_000_000)  # autonomous: +0
    assert check(Headcount(maximum=49), small, Answers(ownership=(partner,)))[0] is MET
    assert check(Headcount(maximum=49), small, Answers(ownership=(linked,)))[0] is NOT_MET
    assert check(Headcount(maximum=49), small, Answers(ownership=(minor,)))[0] is MET


def test_a_partner_counted_at_30_percent_giving_49_15_staff_is_under_50() -> None:
    # PDL FAQ 4: « il sera comptabilisé 100% de votre entreprise et, par exemple 30% de
    # l'entreprise détenue ou détenant si celle-ci détient 30% du capital »; the scheme is for
    # companies « de moins de 50 salariés », published as a maximum of 49.
    company = replace(LEROY, staff=40.0)
    partner = Ownership(Decimal("0.30"), staff=30.5, turnover=1_000_000)  # +9.15 staff
    outcome = evaluate(scheme(Headcount(maximum=49)), company, Answers(ownership=(partner,)), TODAY)
    assert outcome.criteria[1].outcome is MET
    assert outcome.criteria[1].value == "49.15"
    assert "under 50 staff" in outcome.criteria[1].detail
    assert check(Headcount(maximum=49), replace(LEROY, staff=49.99))[0] is MET
    assert check(Headcount(maximum=49), replace(LEROY, staff=50.0))[0] is NOT_MET


def test_a_turnover_of_exactly_10_million_with_partners_is_within_the_ceiling() -> None:
    # « 10 millions d'euros de CA »: at most €10M, partners counted in proportion (FAQ 4).
    company = replace(LEROY, turnover=9_700_000)
    partner = Ownership(Decimal("0.30"), staff=1, turnover=1_000_000)  # +300,000
    assert check(Turnover(10_000_000), company, Answers(ownership=(partner,)))[0] is MET
    bigger = Ownership(Decimal("0.30"), staff=1, turnover=1_000_010)
    assert check(Turnover(10_000_000), company, Answers(ownership=(bigger,)))[0] is NOT_MET


def test_the_eu_size_categories() -> None:
    assert size_category(249, 60e6, 40e6) == "PME"  # balance sheet under its ceiling suffices
    assert size_category(249, 60e6, 50e6) == "ETI"
    assert size_category(250, 1e6, None) == "ETI"
    assert size_category(5000, 1e6, None) == "GE"
    assert size_category(10, None, None) is None


ASSOCIATION = replace(LEROY, legal_form_code="9220", equity=None, share_capital=None)


@pytest.mark.parametrize(
    ("rule", "answers", "expected"),
    [
        (Associations(Decimal("0.5"), True), Answers(market_income_share=Decimal("0.6")), MET),
        (Associations(Decimal("0.5"), True), Answers(ei_ea_agreement=True), MET),
        (
            Associations(Decimal("0.5"), True),
            Answers(market_income_share=Decimal("0.3"), ei_ea_agreement=False),
            NOT_MET,
        ),
        (Associations(Decimal("0.5"), False), Answers(market_income_share=Decimal("0.3")), NOT_MET),
        (Associations(Decimal("0.5"), True), Answers(), UNKNOWN),
    ],
)
def test_the_associations_rule(rule: Associations, answers: Answers, expected: Outcome) -> None:
    assert check(rule, ASSOCIATION, answers)[0] is expected


def test_majority_market_activity_means_more_than_half() -> None:
    # PDL FAQ 2: « exerçant une activité économique majoritairement, c'est-à-dire que plus de
    # 50% de vos produits proviennent d'une activité économique »: 50 % exactly is not enough.
    majority = Associations(Decimal("0.5"), False, exclusive=True)
    assert check(majority, ASSOCIATION, Answers(market_income_share=Decimal("0.5")))[0] is NOT_MET
    assert check(majority, ASSOCIATION, Answers(market_income_share=Decimal("0.51")))[0] is MET
    # Industrie du futur: « au moins 50% de recettes issues de la production »: 50 % is enough.
    at_least = Associations(Decimal("0.5"), True)
    assert check(at_least, ASSOCIATION, Answers(market_income_share=Decimal("0.5")))[0] is MET


def test_the_associations_rule_asks_for_what_it_needs_and_ignores_companies() -> None:
    rule = Associations(Decimal("0.5"), True)
    assert check(rule, ASSOCIATION) == (UNKNOWN, ("marketIncomeShare", "eiEaAgreement"))
    assert check(rule, LEROY)[0] is MET


def test_an_association_passes_the_legal_form_rule_when_the_scheme_has_an_associations_rule() -> (
    None
):
    with_rule = scheme(LegalForms(("5",)), Associations(Decimal("0.5"), False))
    verdict = evaluate(with_rule, ASSOCIATION, Answers(market_income_share=Decimal("0.7")), TODAY)
    assert verdict.verdict is Verdict.ELIGIBLE
    assert check(LegalForms(("5",)), ASSOCIATION)[0] is NOT_MET


def test_schemes_evaluated_together_get_the_verdicts_they_get_alone() -> None:
    """Schemes that share a criterion share its result, except where the scheme matters (an
    associations rule opens the legal-form rule to associations)."""
    legal = LegalForms(("5",))
    catalogue = [
        scheme(legal, Associations(Decimal("0.5"), False)),
        scheme(legal, Headcount(maximum=49)),
        scheme(Headcount(maximum=49), legal, closes=date(2020, 1, 1)),
        scheme(legal),
    ]
    for company in (ASSOCIATION, LEROY, replace(LEROY, staff=None)):
        answers = Answers(market_income_share=Decimal("0.7"))
        together = evaluate_all(catalogue, company, answers, TODAY)
        assert together == [evaluate(one, company, answers, TODAY) for one in catalogue]
    alone = evaluate_all(catalogue, ASSOCIATION, Answers(market_income_share=Decimal("0.7")), TODAY)
    assert [v.verdict for v in alone][:2] == [Verdict.ELIGIBLE, Verdict.NOT_ELIGIBLE]


SOLE_TRADER = replace(LEROY, legal_form_code="1000", turnover=35_000)


@pytest.mark.parametrize(
    ("company", "answers", "expected"),
    [
        (SOLE_TRADER, Answers(certified_accounts=True), MET),
        (SOLE_TRADER, Answers(certified_accounts=False), NOT_MET),
        (replace(SOLE_TRADER, turnover=12_000), Answers(certified_accounts=True), NOT_MET),
        (SOLE_TRADER, Answers(), UNKNOWN),
        (LEROY, Answers(), MET),
    ],
)
def test_the_micro_enterprise_conditions(
    company: CompanyProfile, answers: Answers, expected: Outcome
) -> None:
    assert check(MicroEnterprise(20_000, True), company, answers)[0] is expected


def test_dates_open_closed_and_not_yet_open() -> None:
    def dates(**bounds: date) -> Outcome:
        return evaluate(scheme(**bounds), LEROY, Answers(), TODAY).criteria[0].outcome

    assert dates() is MET
    assert dates(closes=date(2022, 12, 31)) is NOT_MET
    assert dates(opens=date(2027, 1, 1)) is NOT_MET
    assert dates(opens=date(2020, 1, 1), closes=TODAY) is MET


def test_verdicts_roll_up_not_met_first_then_unknown() -> None:
    eligible = evaluate(scheme(Headcount(maximum=49), Territory(("76",))), LEROY, Answers(), TODAY)
    assert eligible.verdict is Verdict.ELIGIBLE and eligible.missing == ()
    unknown = evaluate(scheme(Headcount(maximum=49)), replace(LEROY, staff=None), Answers(), TODAY)
    assert unknown.verdict is Verdict.UNKNOWN and unknown.missing == ("staff",)
    refused = evaluate(
        scheme(Headcount(maximum=49), Territory(("52",))),
        replace(LEROY, staff=None),
        Answers(),
        TODAY,
    )
    assert refused.verdict is Verdict.NOT_ELIGIBLE


def test_each_result_names_the_value_it_used() -> None:
    result = evaluate(scheme(Turnover(10_000_000)), LEROY, Answers(), TODAY).criteria[1]
    assert result.name == "turnover" and result.value == "3 412 000 €"
    assert "at most 10 000 000 €" in result.detail


def _aid(amount: int, regulation: str | None = "2023/2831", on: str = "2025-02-14") -> Aid:
    return ReceivedAid(grantor="Région Occitanie", scheme="Contrat", amount=amount,
                       granted_on=date.fromisoformat(on), regulation=regulation,
                       source=AidSource.HUB_RECORD)  # fmt: skip


def _de_minimis(
    received: int, amount: int | None, regulation: str = "1407/2013"
) -> tuple[Verdict, str, str]:
    """The verdict of a de minimis scheme (every other criterion met) for a company that
    received ``received`` under de minimis, and its deMinimis criterion's value and detail."""
    summary = summarise([_aid(received)], CEILINGS[regulation], TODAY)
    regulated = replace(scheme(Territory(("76",))), de_minimis_regulation=regulation)
    verdict = with_de_minimis(evaluate(regulated, LEROY, Answers(), TODAY), summary, amount)
    result = verdict.criteria[-1]
    assert result.name == "deMinimis"
    return verdict.verdict, result.value or "", result.detail


def test_a_de_minimis_aid_that_fits_in_the_headroom_keeps_the_scheme_eligible() -> None:
    # 1407/2013 (Pays de la Loire FAQ §23): 200,000 over 2024-2026; 180,000 received
    verdict, value, detail = _de_minimis(180_000, 15_000)
    assert (verdict, value) == (Verdict.ELIGIBLE, "headroom 20 000 €")
    assert "the aid, up to 15 000 €, fits in the headroom of 20 000 €" in detail
    assert "at most 200 000 € of de minimis aids" in detail


def test_a_de_minimis_aid_over_the_headroom_makes_the_scheme_ineligible_naming_it() -> None:
    verdict, value, detail = _de_minimis(190_000, 15_000)
    assert (verdict, value) == (Verdict.NOT_ELIGIBLE, "headroom 10 000 €")
    assert detail.endswith("the aid, up to 15 000 €, exceeds the headroom of 10 000 €")
    assert "190 000 € received since 2024-01-01" in detail


def test_a_company_at_its_ceiling_gets_no_de_minimis_aid_of_any_amount() -> None:
    verdict, value, detail = _de_minimis(300_000, None, "2023/2831")
    assert (verdict, value) == (Verdict.NOT_ELIGIBLE, "headroom 0 €")
    assert detail.endswith("no headroom left")
    unknown_amount = _de_minimis(100_000, None, "2023/2831")
    assert unknown_amount[0] is Verdict.ELIGIBLE  # the aid granted may not exceed 200,000
    assert unknown_amount[2].endswith("the aid may not exceed the headroom of 200 000 €")


def test_aids_out_of_the_period_or_under_no_de_minimis_regulation_leave_the_headroom() -> None:
    summary = summarise(
        [_aid(150_000, on="2023-06-01"), _aid(80_000, regulation=None)],
        CEILINGS["1407/2013"],
        TODAY,
    )
    regulated = replace(scheme(), de_minimis_regulation="1407/2013")
    verdict = with_de_minimis(evaluate(regulated, LEROY, Answers(), TODAY), summary, 15_000)
    assert (verdict.verdict, verdict.criteria[-1].value) == (Verdict.ELIGIBLE, "headroom 200 000 €")


def test_a_regulation_the_hub_does_not_know_leaves_the_scheme_to_check() -> None:
    regulated = replace(scheme(), de_minimis_regulation="717/2014")
    verdict = with_de_minimis(evaluate(regulated, LEROY, Answers(), TODAY), None, 15_000)
    assert verdict.verdict is Verdict.UNKNOWN
    assert verdict.missing == ("deMinimisRegulation",)
