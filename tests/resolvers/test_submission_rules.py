"""The checks before an application is sent, each rule quoting its seed, both ways."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from connectors.hubdb import PublicAidRecord
from resolvers.aid_refusals import AidRuleError, bad_user_input
from resolvers.submission_rules import (
    DeclaredAid,
    PreviousApplication,
    Submission,
    SubmittedExpense,
    check_submission,
)

PDL = "paysdelaloire:investissement-numerique"
IDF = "region:parcours-industrie-du-futur"
CHEQUE = "francenum:cheque-numerique"
TODAY = date(2021, 3, 1)


def software(amount: str, committed_on: date | None = None) -> SubmittedExpense:
    return SubmittedExpense(Decimal(amount), "software", committed_on=committed_on)


def pdl(*expenses: SubmittedExpense, title: str = "ERP", **extra: object) -> Submission:
    return Submission(PDL, "84215637400014", title, expenses or (software("20000"),), **extra)  # type: ignore[arg-type]


def refused(submission: Submission, **extra: object) -> AidRuleError:
    with pytest.raises(AidRuleError) as caught:
        check_submission(submission, deposited_on=TODAY, **extra)  # type: ignore[arg-type]
    return caught.value


def test_an_application_within_every_rule_asks_for_the_estimate() -> None:
    verdict = check_submission(pdl(software("20000", date(2021, 3, 5))), deposited_on=TODAY)
    assert verdict.requested == Decimal("10000.00")
    assert verdict.company_cap_remaining == Decimal("5000.00")
    assert verdict.de_minimis_remaining == Decimal("190000.00")


def test_an_expense_committed_before_the_deposit_is_refused() -> None:
    # FAQ 16: « J'ai déjà signé mon devis [...] Vous ne pouvez donc pas bénéficier de l'aide. »
    error = refused(pdl(software("20000", date(2021, 2, 20))))
    assert error.rule == "incentive_effect" and error.argument == "expenses[0].committedOn"
    assert "déposé avant l'engagement des dépenses" in str(error)


def test_a_project_started_before_the_deposit_is_refused() -> None:
    error = refused(pdl(planned_start=date(2021, 2, 1)))
    assert (error.rule, error.argument) == ("incentive_effect", "plannedStart")


def test_expenses_under_the_minimum_are_refused() -> None:
    # FAQ 13: « Le seuil minimal est de 5 000€HT de coûts éligibles à la subvention. »
    error = refused(pdl(software("4000")))
    assert error.rule == "scheme_rules" and "5 000€HT" in str(error)
    assert check_submission(pdl(software("5000")), deposited_on=TODAY).requested == Decimal(2500)


def test_de_minimis_headroom_counts_declared_and_recorded_aids_once() -> None:
    # FAQ 23: « ne pas dépasser 200 000€ d'aides publiques tous les 3 ans par entreprise »
    declared = (DeclaredAid("Région", Decimal(185_000), date(2020, 6, 1), "EU 1407/2013"),)
    recorded = [PublicAidRecord("a1", "84215637400014", date(2020, 6, 1), 185_000, "Région",
                                "Une aide", "1407/2013")]  # fmt: skip
    # The same aid declared and recorded counts once: 185,000 + 10,000 ≤ 200,000.
    verdict = check_submission(
        pdl(de_minimis_declaration=declared), deposited_on=TODAY, recorded_aids=recorded
    )
    assert verdict.de_minimis_remaining == Decimal(5000)
    more = (*declared, DeclaredAid("Département", Decimal(6_000), date(2019, 2, 1), "1407/2013"))
    error = refused(pdl(de_minimis_declaration=more), recorded_aids=recorded)
    assert error.rule == "de_minimis" and "at most €9,000.00" in str(error)


@pytest.mark.parametrize(
    ("aid", "argument"),
    [
        (DeclaredAid("Région", Decimal(-5), date(2020, 1, 1), "1407/2013"), "amount"),
        (DeclaredAid("Région", Decimal("1e12"), date(2020, 1, 1), "1407/2013"), "amount"),
        (DeclaredAid("Région", Decimal(5), date(2030, 1, 1), "1407/2013"), "grantedOn"),
        (DeclaredAid("Région", Decimal(5), date(2020, 1, 1), "SA.40453"), "regulation"),
        (DeclaredAid(" ", Decimal(5), date(2020, 1, 1), "1407/2013"), "grantor"),
    ],
)
def test_an_absurd_declared_aid_is_bad_input(aid: DeclaredAid, argument: str) -> None:
    error = refused(pdl(de_minimis_declaration=(aid,)))
    assert error.argument == f"deMinimisDeclaration[0].{argument}"
    assert bad_user_input(error).extensions["code"] == "BAD_USER_INPUT"  # type: ignore[index]


def test_a_second_project_gets_what_is_left_of_15000() -> None:
    # FAQ 14: « une entreprise qui a obtenu 10 000€ pour un ERP peut demander une nouvelle aide
    # à hauteur de 5 000€ maximum pour un nouveau projet »
    erp = PreviousApplication(PDL, "ERP", Decimal(10_000), date(2020, 1, 10), date(2020, 2, 1))
    crm = pdl(software("10000"), title="CRM")
    assert check_submission(crm, deposited_on=TODAY, previous=[erp]).requested == Decimal(5000)
    error = refused(pdl(software("12000"), title="CRM"), previous=[erp])
    assert error.rule == "company_cap" and "€5,000.00 left" in str(error)


def test_no_second_aid_on_the_same_project() -> None:
    # FAQ 14: « Elle ne pourra toutefois pas redemander une deuxième aide sur le projet d'ERP. »
    erp = PreviousApplication(PDL, "ERP", Decimal(4_000), date(2020, 1, 10), date(2020, 2, 1))
    error = refused(pdl(software("6000"), title=" erp "), previous=[erp])
    assert error.rule == "same_project"


def test_the_cap_reached_reopens_two_full_years_after_the_acknowledgement() -> None:
    # FAQ 15: « un accusé de réception daté du 15/03/2019 [...] pourra de nouveau redéposer une
    # demande à partir du 15/03/2021 »
    full = PreviousApplication(PDL, "ERP", Decimal(15_000), date(2019, 2, 1), date(2019, 3, 15))
    crm = pdl(software("20000"), title="CRM")
    with pytest.raises(AidRuleError, match="from 2021-03-15") as caught:
        check_submission(crm, deposited_on=date(2021, 3, 14), previous=[full])
    assert caught.value.rule == "company_cap"
    verdict = check_submission(crm, deposited_on=date(2021, 3, 15), previous=[full])
    assert verdict.requested == Decimal(10_000)


def test_other_schemes_applications_do_not_count_towards_the_cap() -> None:
    other = PreviousApplication(IDF, "ERP", Decimal(15_000), date(2020, 1, 1), date(2020, 2, 1))
    assert check_submission(pdl(), deposited_on=TODAY, previous=[other]).requested == 10_000


def test_a_scheme_closed_on_the_deposit_date_is_refused() -> None:
    # « Le parcours régional Industrie du Futur est mobilisable jusqu'au 31 décembre 2022. »
    expense = SubmittedExpense(Decimal(6000), "consulting", Decimal(5))
    submission = Submission(IDF, "84215637400014", "Diagnostic", (expense,), phase=1)
    with pytest.raises(AidRuleError) as caught:
        check_submission(submission, deposited_on=date(2023, 1, 2))
    assert caught.value.rule == "closed"
    assert check_submission(submission, deposited_on=date(2022, 12, 1)).requested == 6000


def test_the_cheque_is_applied_for_within_4_months_of_the_last_invoice() -> None:
    # « La demande doit être déposée au plus tard 4 mois après la date indiquée sur la facture
    # la plus récente. » The chèque pays expenses already made: no incentive effect.
    invoices = (
        SubmittedExpense(Decimal(300), "sales_promotion", invoiced_on=date(2021, 1, 5)),
        SubmittedExpense(Decimal(400), "management", invoiced_on=date(2021, 2, 10),
                         committed_on=date(2021, 1, 20)),
    )  # fmt: skip
    cheque = Submission(CHEQUE, "84215637400014", "Site", invoices)
    assert check_submission(cheque, deposited_on=date(2021, 6, 10)).requested == 500
    with pytest.raises(AidRuleError, match="due by 2021-06-10") as caught:
        check_submission(cheque, deposited_on=date(2021, 6, 11))
    assert caught.value.rule == "application_deadline"


def test_every_rule_that_refuses_is_told_at_once() -> None:
    error = refused(pdl(software("4000", date(2021, 2, 1))))
    assert {"5 000€HT" in r for r in error.reasons} == {True, False}
    assert len(error.reasons) == 2
    assert bad_user_input(error).extensions["reasons"] == list(error.reasons)  # type: ignore[index]


def test_an_empty_title_or_no_expense_is_bad_input() -> None:
    assert refused(pdl(title="  ")).argument == "projectTitle"
    empty = Submission(PDL, "84215637400014", "ERP", ())
    assert refused(empty).argument == "expenses"
