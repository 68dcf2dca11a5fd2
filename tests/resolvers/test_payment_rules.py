"""The checks before a payment request is sent, each rule quoting its seed, both ways."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from resolvers.aid_refusals import AidRuleError
from resolvers.payment_rules import (
    GrantedAid,
    Invoice,
    PaymentKind,
    PaymentRecord,
    check_payment_request,
)

PDL = "paysdelaloire:investissement-numerique"
IDF = "region:parcours-industrie-du-futur"
ADVANCE, BALANCE, SINGLE = PaymentKind.ADVANCE, PaymentKind.BALANCE, PaymentKind.SINGLE
# FAQ 27: started 25/03/2021, arrêté 16/04/2021: realised by 16/04/2023, proofs by 16/10/2023.
GRANT = GrantedAid(PDL, Decimal(15_000), date(2021, 4, 16), expenses_from=date(2021, 3, 25))
ON = date(2022, 6, 1)


def proven(amount: str, reference: str = "F-1", paid_on: date = date(2022, 1, 10)) -> Invoice:
    return Invoice(reference, Decimal(amount), paid_on, stamped=True, signed=True)


def quote(signed: bool = True, stamped: bool = True) -> Invoice:
    return Invoice("DEVIS-1", Decimal(30_000), None, stamped=stamped, signed=signed)


def refusal(
    grant: GrantedAid, kind: PaymentKind, invoices: list[Invoice], **extra: object
) -> AidRuleError:
    with pytest.raises(AidRuleError) as caught:
        check_payment_request(grant, kind, invoices, requested_on=ON, **extra)  # type: ignore[arg-type]
    return caught.value


def test_pdl_advance_is_30_percent_on_a_signed_and_stamped_quote() -> None:
    # FAQ 31: « Une avance de 30% de la subvention sur présentation d'un devis ou bon de commande
    # signé, daté et tamponné par une autorité compétente de votre structure. »
    verdict = check_payment_request(GRANT, ADVANCE, [quote()], requested_on=ON)
    assert verdict.amount == Decimal("4500.00")
    error = refusal(GRANT, ADVANCE, [quote(stamped=False)])
    assert error.rule == "advance_quote" and "signé, daté et tamponné" in str(error)


def test_pdl_balance_needs_payment_date_signature_and_stamp() -> None:
    # FAQ 35: « La date de paiement de la facture ; Le tampon [...] ; La signature »
    for invoice in (
        Invoice("F-1", Decimal(30_000), None, stamped=True, signed=True),
        Invoice("F-1", Decimal(30_000), date(2022, 1, 10), stamped=False, signed=True),
        Invoice("F-1", Decimal(30_000), date(2022, 1, 10), stamped=True, signed=False),
    ):
        error = refusal(GRANT, BALANCE, [invoice])
        assert error.rule == "invoice_mentions" and error.argument == "invoices[0]"
    paid = check_payment_request(GRANT, BALANCE, [proven("30000")], requested_on=ON)
    assert paid.amount == Decimal(15_000)


def test_pdl_balance_is_prorated_and_the_advance_deducted() -> None:
    # FAQ 37: « il était prévu une subvention de 15 000€ sur un montant de dépenses à justifier
    # de 30 000€HT. [...] la dépense finale est de 20 000€HT. La subvention sera donc
    # proratisée à hauteur de 10 000€. »
    advance = [PaymentRecord(ADVANCE, Decimal(4500))]
    verdict = check_payment_request(
        GRANT, BALANCE, [proven("12000"), proven("8000", "F-2")], requested_on=ON, previous=advance
    )
    assert (verdict.amount, verdict.overpaid) == (Decimal(5500), Decimal(0))
    assert any(rule.startswith("prorata: €10,000.00") for rule in verdict.applied)
    small = check_payment_request(
        GRANT, BALANCE, [proven("6000")], requested_on=ON, previous=advance
    )
    assert (small.amount, small.overpaid) == (Decimal(0), Decimal(1500))


def test_pdl_aid_of_at_most_4000_is_paid_at_once() -> None:
    # FAQ 31: « Toute aide inférieure ou égale à 4000€ est versée en une seule fois avec les
    # mêmes justificatifs de ceux du solde. »
    small = GrantedAid(PDL, Decimal(4000), date(2021, 4, 16), date(2021, 3, 25))
    assert check_payment_request(small, SINGLE, [proven("8000")], requested_on=ON).amount == 4000
    assert refusal(small, ADVANCE, [quote()]).rule == "payment_schedule"
    assert refusal(GRANT, SINGLE, [proven("30000")]).rule == "payment_schedule"


def test_pdl_invoices_outside_the_realisation_period_or_proofs_too_late_are_refused() -> None:
    early = refusal(GRANT, BALANCE, [proven("30000", paid_on=date(2021, 3, 1))])
    with pytest.raises(AidRuleError) as late:
        check_payment_request(
            GRANT, BALANCE, [proven("30000", paid_on=date(2023, 4, 17))],
            requested_on=date(2023, 5, 2),
        )  # fmt: skip
    assert early.rule == late.value.rule == "realisation_period"
    with pytest.raises(AidRuleError, match="2023-10-16") as caught:
        check_payment_request(GRANT, BALANCE, [proven("30000")], requested_on=date(2023, 10, 17))
    assert caught.value.rule == "proofs_deadline"


def test_no_payment_before_the_arrete_one_advance_nothing_after_the_balance() -> None:
    # FAQ 29: « dès réception de l'arrêté officiel d'attribution de l'aide »
    undecided = GrantedAid(PDL, Decimal(15_000), None)
    assert refusal(undecided, ADVANCE, [quote()]).rule == "not_granted"
    paid = [PaymentRecord(ADVANCE, Decimal(4500))]
    assert refusal(GRANT, ADVANCE, [quote()], previous=paid).rule == "one_advance"
    closed = [PaymentRecord(BALANCE, Decimal(15_000))]
    assert refusal(GRANT, BALANCE, [proven("30000")], previous=closed).rule == "already_paid"
    refused_before = [PaymentRecord(ADVANCE, Decimal(4500), refused=True)]
    assert check_payment_request(GRANT, ADVANCE, [quote()], requested_on=ON,
                                 previous=refused_before).amount == 4500  # fmt: skip


def test_idf_phase_2_advance_is_at_most_70_percent() -> None:
    # « phase 2: un acompte maximum de 70% de la subvention au titre de la phase 2 »
    phase2 = GrantedAid(IDF, Decimal(15_000), date(2022, 3, 1), date(2022, 2, 1), phase=2)
    invoices = [Invoice("F-1", Decimal(30_000), date(2022, 5, 2))]
    assert check_payment_request(phase2, ADVANCE, invoices, requested_on=ON).amount == 10_500
    assert (
        check_payment_request(
            phase2, ADVANCE, invoices, requested_on=ON, requested=Decimal(8000)
        ).amount
        == 8000
    )
    error = refusal(phase2, ADVANCE, invoices, requested=Decimal(12_000))
    assert error.rule == "advance_ceiling" and "acompte maximum de 70%" in str(error)


def test_idf_phase_1_is_a_single_payment_and_expenses_after_2022_do_not_count() -> None:
    # « phase 1: un versement unique à l'issue de la phase 1 »; « Les dépenses postérieures au
    # 31/12/2022 ne sont pas prises en compte. »
    phase1 = GrantedAid(IDF, Decimal(6000), date(2022, 3, 1), date(2022, 2, 1), phase=1)
    invoice = Invoice("F-1", Decimal(6000), date(2022, 5, 2))
    assert check_payment_request(phase1, SINGLE, [invoice], requested_on=ON).amount == 6000
    assert refusal(phase1, ADVANCE, [invoice]).rule == "payment_schedule"
    late = Invoice("F-2", Decimal(6000), date(2023, 1, 3))
    with pytest.raises(AidRuleError) as caught:
        check_payment_request(phase1, SINGLE, [late], requested_on=date(2023, 2, 1))
    assert caught.value.rule == "realisation_period"


@pytest.mark.parametrize(
    ("invoices", "argument"),
    [
        ([], "invoices"),
        ([proven("-1")], "invoices[0].amount"),
        ([proven("1e12")], "invoices[0].amount"),
        ([proven("NaN")], "invoices[0].amount"),
        ([proven("10"), proven("10")], "invoices[1].reference"),
        ([proven("10", reference=" ")], "invoices[0].reference"),
        ([proven("10", paid_on=date(2030, 1, 1))], "invoices[0].paidOn"),
    ],
)
def test_absurd_invoices_are_bad_input(invoices: list[Invoice], argument: str) -> None:
    assert refusal(GRANT, BALANCE, invoices).argument == argument
