from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from resolvers.aid_deadlines import Deadline
from resolvers.aid_estimate import AidEstimate, estimate_aid
from resolvers.aid_estimate_inputs import EstimateInputError, Expense, UnknownScheme
from resolvers.aid_payment_schedule import Payment
from resolvers.aid_rules import AidRules, DeadlineKind
from resolvers.aid_schemes import RULES

PDL = "paysdelaloire:investissement-numerique"
IDF = "region:parcours-industrie-du-futur"
CHEQUE = "francenum:cheque-numerique"


def software(amount: str) -> Expense:
    return Expense(Decimal(amount), "software")


def consulting(amount: str, days: str) -> Expense:
    return Expense(Decimal(amount), "consulting", Decimal(days))


def rule(estimate: AidEstimate, code: str) -> str:
    found = [r for r in estimate.applied_rules if r.startswith(f"{code}:")]
    assert len(found) == 1, estimate.applied_rules
    return found[0]


# Pays de la Loire Investissement Numérique: the FAQ's worked examples


def test_pdl_20000_of_eligible_costs_gives_10000() -> None:
    estimate = estimate_aid(PDL, [software("20000")])
    assert estimate.eligible
    assert estimate.amount == Decimal("10000.00")
    assert estimate.effective_rate == Decimal("0.5")
    assert "not reached" in rule(estimate, "aid_cap")


def test_pdl_50000_is_capped_at_15000_an_effective_rate_of_30_percent() -> None:
    estimate = estimate_aid(PDL, [software("50000")])
    assert estimate.amount == Decimal("15000.00")
    assert estimate.effective_rate == Decimal("0.3")
    assert "€15,000.00, reached" in rule(estimate, "aid_cap")
    assert "€30,000.00" in rule(estimate, "aid_cap")


def test_pdl_30000_planned_but_20000_spent_is_prorated_to_10000() -> None:
    estimate = estimate_aid(PDL, [software("20000")], planned=[software("30000")])
    assert estimate.eligible
    assert estimate.amount == Decimal("10000.00")
    assert estimate.effective_rate == Decimal("0.5")
    assert (estimate.granted, estimate.prorated) == (Decimal("15000.00"), Decimal("10000.00"))
    assert "€15,000.00 granted" in rule(estimate, "prorata")
    # The advance was paid on the aid granted; the balance is what remains due.
    assert [(p.label, p.amount) for p in estimate.payments] == [
        ("Avance", Decimal("4500.00")),
        ("Solde", Decimal("5500.00")),
    ]
    assert "factures acquittées" in estimate.payments[1].due


def test_pdl_under_5000_of_eligible_costs_is_not_eligible_with_the_reason() -> None:
    estimate = estimate_aid(PDL, [software("4999.99")])
    assert not estimate.eligible
    assert estimate.amount == 0
    assert estimate.payments == ()
    assert "below the minimum of €5,000.00" in estimate.reasons[0]


def test_pdl_exactly_5000_reaches_the_minimum() -> None:
    estimate = estimate_aid(PDL, [software("5000")])
    assert estimate.eligible
    assert estimate.amount == Decimal("2500.00")
    assert "met" in rule(estimate, "minimum_expenses")


def test_pdl_aid_up_to_4000_is_paid_at_once() -> None:
    estimate = estimate_aid(PDL, [software("8000")])
    assert estimate.amount == Decimal("4000.00")
    assert [(p.label, p.amount) for p in estimate.payments] == [
        ("Versement unique", Decimal("4000.00"))
    ]
    assert "€4,000.00" in rule(estimate, "single_payment")


def test_pdl_aid_over_4000_is_paid_as_a_30_percent_advance_and_a_balance() -> None:
    estimate = estimate_aid(PDL, [software("20000")])
    assert [(p.label, p.amount) for p in estimate.payments] == [
        ("Avance", Decimal("3000.00")),
        ("Solde", Decimal("7000.00")),
    ]
    assert "devis ou bon de commande" in estimate.payments[0].due
    assert "30 %" in rule(estimate, "advance")


def test_pdl_one_cent_over_the_single_payment_threshold_gets_an_advance() -> None:
    estimate = estimate_aid(PDL, [software("8000.02")])
    assert [(p.label, p.amount) for p in estimate.payments] == [
        ("Avance", Decimal("1200.00")),
        ("Solde", Decimal("2800.01")),
    ]


def test_pdl_rounds_the_aid_half_up_to_the_cent() -> None:
    assert estimate_aid(PDL, [software("10000.01")]).amount == Decimal("5000.01")


def test_pdl_sets_hardware_aside_as_an_ineligible_cost() -> None:
    estimate = estimate_aid(
        PDL,
        [
            software("6000"),
            Expense(Decimal(1500), "software_setup"),
            Expense(Decimal(2000), "hardware"),
        ],
    )
    assert estimate.amount == Decimal("3750.00")
    assert estimate.effective_rate == Decimal("0.5")
    assert any("€2,000.00 of hardware" in reason for reason in estimate.reasons)


def test_pdl_never_pays_more_than_granted_when_more_was_spent() -> None:
    estimate = estimate_aid(PDL, [software("12000")], planned=[software("10000")])
    assert estimate.amount == Decimal("5000.00")
    assert "€5,000.00 granted" in rule(estimate, "granted")


def test_pdl_prorata_keeps_the_rate_when_the_plan_exceeded_the_cap() -> None:
    # 15,000 granted on 50,000 planned; 40,000 spent still justifies the 30,000 base.
    estimate = estimate_aid(PDL, [software("40000")], planned=[software("50000")])
    assert estimate.amount == Decimal("15000.00")


def test_pdl_spending_under_the_minimum_after_planning_above_it_is_not_eligible() -> None:
    estimate = estimate_aid(PDL, [software("4000")], planned=[software("10000")])
    assert not estimate.eligible
    assert "below the minimum" in estimate.reasons[0]


def test_pdl_advance_larger_than_the_aid_due_is_to_be_repaid() -> None:
    estimate = estimate_aid(PDL, [software("5000")], planned=[software("30000")])
    assert [(p.label, p.amount) for p in estimate.payments] == [
        ("Avance", Decimal("4500.00")),
        ("Trop-perçu à reverser", Decimal("2000.00")),
    ]


def test_pdl_realisation_ends_two_years_after_the_award_and_proofs_six_months_later() -> None:
    # FAQ 27: « si vous avez été autorisé à commencer le 25/03/2021 et que vous recevez votre
    # arrêté le 16/04/2021, votre investissement doit être réalisé entre le 25/03/2021 et le
    # 16/04/2023. Suite à cela, vous avez six mois pour nous transmettre les justificatifs. »
    estimate = estimate_aid(
        PDL, [software("20000")], start=date(2021, 3, 25), decided_on=date(2021, 4, 16)
    )
    assert [(d.label, d.date, d.kind) for d in estimate.deadlines] == [
        ("Fin de la période de réalisation", date(2023, 4, 16), DeadlineKind.REALISATION),
        ("Transmission des justificatifs", date(2023, 10, 16), DeadlineKind.PROOFS),
    ]
    assert estimate.deadline(DeadlineKind.REALISATION) == date(2023, 4, 16)
    assert estimate.closed_on_start is None


def test_pdl_realisation_counts_from_the_decision_not_the_start() -> None:
    # The realisation period ends two years after the arrêté, whatever the start.
    deadlines = estimate_aid(PDL, [software("20000")], start=date(2021, 3, 25)).deadlines
    assert [d.date for d in deadlines] == [None, None]


def test_a_decision_before_the_start_is_refused() -> None:
    with pytest.raises(EstimateInputError) as refused:
        estimate_aid(PDL, [software("20000")], start=date(2021, 4, 16), decided_on=date(2021, 3, 1))
    assert refused.value.argument == "decidedOn"


@pytest.mark.parametrize("argument", ["start", "decided_on"])
def test_an_implausible_date_is_refused(argument: str) -> None:
    with pytest.raises(EstimateInputError, match="not a plausible date"):
        estimate_aid(PDL, [software("20000")], **{argument: date(1, 1, 1)})  # type: ignore[arg-type]


def test_pdl_deadlines_without_a_start_are_rules_in_words() -> None:
    deadlines = estimate_aid(PDL, [software("20000")]).deadlines
    assert [d.date for d in deadlines] == [None, None]
    assert "deux ans après l'édition de l'arrêté" in deadlines[0].rule


def test_pdl_deadline_from_a_29_february_falls_on_28_february() -> None:
    deadlines = estimate_aid(
        PDL, [software("20000")], start=date(2024, 1, 2), decided_on=date(2024, 2, 29)
    ).deadlines
    assert deadlines[0].date == date(2026, 2, 28)


def test_pdl_says_the_company_cap_over_two_years_was_not_checked() -> None:
    reasons = estimate_aid(PDL, [software("20000")]).reasons
    assert any("Not checked" in r and "€15,000.00 of this aid per company" in r for r in reasons)


def test_pdl_has_no_equity_rule() -> None:
    estimate = estimate_aid(PDL, [software("20000")], equity=Decimal(1000))
    assert estimate.amount == Decimal("10000.00")
    assert not any("equity" in r for r in estimate.reasons)


# Parcours régional Industrie du futur


def test_idf_phase_1_of_5_days_is_funded_at_100_percent_in_one_payment() -> None:
    estimate = estimate_aid(IDF, [consulting("6000", "5")], phase=1, equity=Decimal(50000))
    assert estimate.eligible
    assert estimate.amount == Decimal("6000.00")
    assert estimate.effective_rate == Decimal(1)
    assert estimate.payments == (
        Payment("Versement unique", Decimal("6000.00"), "à l'issue de la phase 1"),
    )
    assert any("de minimis" in r for r in estimate.reasons)


def test_idf_phase_1_is_capped_at_1200_per_day() -> None:
    estimate = estimate_aid(IDF, [consulting("7500", "5")], phase=1, equity=Decimal(50000))
    assert estimate.amount == Decimal("6000.00")
    assert estimate.effective_rate == Decimal("0.8")
    assert "€1,200.00 per day × 5 days = €6,000.00, reached" in rule(estimate, "day_cap")


def test_idf_phase_1_under_5_days_is_not_eligible() -> None:
    estimate = estimate_aid(IDF, [consulting("3600", "3")], phase=1)
    assert not estimate.eligible
    assert "fewer than the 5 days" in estimate.reasons[0]


def test_idf_phase_2_is_funded_at_50_percent_with_a_70_percent_advance() -> None:
    estimate = estimate_aid(IDF, [consulting("30000", "25")], phase=2, equity=Decimal(50000))
    assert estimate.amount == Decimal("15000.00")
    assert estimate.effective_rate == Decimal("0.5")
    assert [(p.label, p.amount, p.due) for p in estimate.payments] == [
        (
            "Acompte (maximum 70 %)",
            Decimal("10500.00"),
            "acompte au titre de la phase 2, au plus 70 % de la subvention de la phase 2",
        ),
        ("Solde", Decimal("4500.00"), "à l'issue de la phase 2"),
    ]


def test_idf_phase_2_is_capped_at_1200_per_day() -> None:
    estimate = estimate_aid(IDF, [consulting("30000", "20")], phase=2, equity=Decimal(50000))
    assert estimate.amount == Decimal("12000.00")
    assert "reached" in rule(estimate, "day_cap")


def test_idf_phase_2_over_25_days_funds_25_days_only() -> None:
    estimate = estimate_aid(IDF, [consulting("36000", "30")], phase=2, equity=Decimal(50000))
    assert estimate.eligible
    assert estimate.amount == Decimal("15000.00")
    assert "at most 25 days; 30 declared" in rule(estimate, "days_limit")


def test_idf_phase_2_over_25_days_keeps_the_days_cheaper_than_the_cap() -> None:
    # 30 days at 1,000 €: 25 funded days are worth 25,000 €, under 25 × 1,200 €.
    estimate = estimate_aid(IDF, [consulting("30000", "30")], phase=2, equity=Decimal(50000))
    assert estimate.amount == Decimal("12500.00")


def test_idf_provider_costs_count_within_the_cap_all_costs_included() -> None:
    estimate = estimate_aid(
        IDF,
        [consulting("5000", "5"), Expense(Decimal(1500), "consulting_costs")],
        phase=1,
        equity=Decimal(50000),
    )
    assert estimate.amount == Decimal("6000.00")


def test_idf_whole_parcours_cap_of_36000_is_evaluated() -> None:
    estimate = estimate_aid(IDF, [consulting("30000", "25")], phase=2, equity=Decimal(50000))
    assert "€36,000.00 of eligible expenses, not reached" in rule(estimate, "expense_cap")


def test_idf_subsidy_cannot_exceed_equity() -> None:
    estimate = estimate_aid(IDF, [consulting("30000", "25")], phase=2, equity=Decimal(8000))
    assert estimate.amount == Decimal("8000.00")
    assert "reached" in rule(estimate, "equity")
    assert [p.amount for p in estimate.payments] == [Decimal("5600.00"), Decimal("2400.00")]


def test_idf_unknown_equity_is_said_and_not_applied() -> None:
    estimate = estimate_aid(IDF, [consulting("30000", "25")], phase=2)
    assert estimate.amount == Decimal("15000.00")
    assert any("equity is not known" in r for r in estimate.reasons)


def test_idf_negative_equity_is_not_eligible() -> None:
    estimate = estimate_aid(IDF, [consulting("6000", "5")], phase=1, equity=Decimal(-100))
    assert not estimate.eligible
    assert estimate.amount == 0


def test_idf_payment_is_prorated_to_the_expenses_proven() -> None:
    estimate = estimate_aid(
        IDF, [consulting("24000", "20")], phase=2, planned=[consulting("30000", "25")]
    )
    assert estimate.amount == Decimal("12000.00")
    assert [p.amount for p in estimate.payments] == [Decimal("10500.00"), Decimal("1500.00")]


def test_idf_closed_on_a_start_after_2022_is_not_eligible() -> None:
    # « Le parcours régional Industrie du Futur est mobilisable jusqu'au 31 décembre 2022. »
    estimate = estimate_aid(IDF, [consulting("6000", "5")], phase=1, start=date(2023, 1, 2))
    assert not estimate.eligible
    assert estimate.amount == Decimal(0) and estimate.payments == ()
    assert estimate.closed_on_start is not None
    assert "mobilisable jusqu'au 31 décembre 2022" in estimate.closed_on_start
    assert estimate.reasons[0] == estimate.closed_on_start
    assert estimate.deadlines == (
        Deadline(
            "Dernier jour de dépenses prises en compte",
            date(2022, 12, 31),
            "les dépenses postérieures au 31/12/2022 ne sont pas prises en compte",
            DeadlineKind.EXPENSES,
        ),
    )


def test_idf_started_on_its_last_day_is_eligible() -> None:
    estimate = estimate_aid(IDF, [consulting("6000", "5")], phase=1, start=date(2022, 12, 31))
    assert estimate.eligible and estimate.closed_on_start is None


def test_a_decision_date_a_scheme_does_not_use_is_said_so() -> None:
    estimate = estimate_aid(
        IDF, [consulting("6000", "5")], phase=1, start=date(2022, 6, 1), decided_on=date(2022, 7, 1)
    )
    assert any("decision date is not used" in r for r in estimate.reasons)


# France Num's chèque: « Chèque 500 euros », « cette aide forfaitaire »


def test_the_cheque_is_a_flat_500_whatever_the_expenses() -> None:
    for amount in ("450", "800", "12000"):
        estimate = estimate_aid(CHEQUE, [Expense(Decimal(amount), "sales_promotion")])
        assert estimate.eligible
        assert estimate.amount == Decimal("500.00")
        assert [(p.label, p.amount) for p in estimate.payments] == [
            ("Versement unique", Decimal("500.00"))
        ]
        assert rule(estimate, "flat").startswith("flat: €500.00")


def test_the_cheque_is_applied_for_within_4_months_of_the_last_invoice() -> None:
    # « La demande doit être déposée au plus tard 4 mois après la date indiquée sur la facture
    # la plus récente. »
    estimate = estimate_aid(CHEQUE, [Expense(Decimal(800), "management")], start=date(2021, 2, 10))
    assert estimate.deadline(DeadlineKind.APPLICATION) == date(2021, 6, 10)
    assert estimate.start_means is not None and "facture la plus récente" in estimate.start_means


def test_the_cheque_without_expenses_pays_nothing() -> None:
    estimate = estimate_aid(CHEQUE, [])
    assert not estimate.eligible and estimate.amount == Decimal(0)


def test_idf_unreferenced_provider_is_set_aside() -> None:
    estimate = estimate_aid(
        IDF,
        [consulting("6000", "5"), Expense(Decimal(3000), "unreferenced_consulting")],
        phase=1,
    )
    assert estimate.amount == Decimal("6000.00")
    assert any("unreferenced_consulting" in r for r in estimate.reasons)


# Bad input


@pytest.mark.parametrize(
    ("expense", "argument"),
    [
        (Expense(Decimal(-1), "software"), "expenses[1].amount"),
        (Expense(Decimal("1e12"), "software"), "expenses[1].amount"),
        (Expense(Decimal("NaN"), "software"), "expenses[1].amount"),
        (Expense(Decimal("Infinity"), "software"), "expenses[1].amount"),
        (Expense(Decimal(100), "yacht"), "expenses[1].category"),
    ],
)
def test_bad_expenses_are_refused_naming_the_argument(expense: Expense, argument: str) -> None:
    with pytest.raises(EstimateInputError) as refused:
        estimate_aid(PDL, [software("6000"), expense])
    assert refused.value.argument == argument


def test_unknown_category_lists_the_known_ones() -> None:
    with pytest.raises(EstimateInputError, match="software, software_setup, hardware"):
        estimate_aid(PDL, [Expense(Decimal(100), "yacht")])


def test_many_plausible_expenses_adding_up_to_an_absurd_total_are_refused() -> None:
    with pytest.raises(EstimateInputError) as refused:
        estimate_aid(PDL, [software("900000000"), software("900000000")])
    assert refused.value.argument == "expenses"


def test_bad_planned_expenses_name_the_planned_argument() -> None:
    with pytest.raises(EstimateInputError) as refused:
        estimate_aid(PDL, [software("6000")], planned=[software("-5")])
    assert refused.value.argument == "planned[0].amount"


def test_unknown_phase_is_refused() -> None:
    with pytest.raises(EstimateInputError) as refused:
        estimate_aid(IDF, [consulting("6000", "5")], phase=3)
    assert refused.value.argument == "phase"


def test_phase_2_of_a_single_phase_scheme_is_refused() -> None:
    with pytest.raises(EstimateInputError) as refused:
        estimate_aid(PDL, [software("6000")], phase=2)
    assert refused.value.argument == "phase"


def test_a_phased_scheme_needs_the_phase() -> None:
    with pytest.raises(EstimateInputError, match="say which phase") as refused:
        estimate_aid(IDF, [consulting("6000", "5")])
    assert refused.value.argument == "phase"


def test_day_based_phase_needs_the_days() -> None:
    with pytest.raises(EstimateInputError) as refused:
        estimate_aid(IDF, [Expense(Decimal(6000), "consulting")], phase=1)
    assert refused.value.argument == "expenses[0].days"


def test_day_based_phase_with_costs_but_no_consulting_days_is_refused() -> None:
    with pytest.raises(EstimateInputError) as refused:
        estimate_aid(IDF, [Expense(Decimal(600), "consulting_costs")], phase=1)
    assert refused.value.argument == "expenses"


@pytest.mark.parametrize("days", ["0", "-5", "1e6", "NaN"])
def test_impossible_days_are_refused(days: str) -> None:
    with pytest.raises(EstimateInputError) as refused:
        estimate_aid(IDF, [consulting("6000", days)], phase=1)
    assert refused.value.argument == "expenses[0].days"


def test_equity_that_is_not_a_number_is_refused() -> None:
    with pytest.raises(EstimateInputError) as refused:
        estimate_aid(IDF, [consulting("6000", "5")], phase=1, equity=Decimal("NaN"))
    assert refused.value.argument == "equity"


def test_no_expenses_is_not_eligible() -> None:
    estimate = estimate_aid(IDF, [], phase=2)
    assert not estimate.eligible
    assert estimate.effective_rate == 0


def test_unknown_scheme_is_not_found() -> None:
    with pytest.raises(UnknownScheme, match="nowhere:nothing"):
        estimate_aid("nowhere:nothing", [software("6000")])


@pytest.mark.parametrize("rules", RULES.values(), ids=list(RULES))
def test_every_rule_set_is_keyed_by_its_scheme_id_and_cites_its_sources(rules: AidRules) -> None:
    assert RULES[rules.scheme_id] is rules
    assert rules.legal_references
    assert all(c.source for c in rules.categories)
    for phase in rules.phases:
        funded = phase.rate or phase.flat
        assert funded is not None and funded.source
    assert all(d.source for d in rules.deadlines)
